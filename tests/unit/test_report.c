/* test_report.c - text, JSON and JUnit reports and exit codes, on configs
 * and runs built by hand (no config loading, no polling). */
#include "unit.h"
#include <stdio.h>
#include <expat.h>
#include "lakewatch/report.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"

/* rollup.c reads consumers through config.c; when this test is linked
 * without config.o (by hand, while other modules are in progress), this
 * stands in. The library's definition wins whenever it is linked. */
__attribute__((weak)) bool lw_dataset_has_consumer(const struct lw_dataset *ds,
						   int consumer)
{
	for (size_t i = 0; i < ds->nconsumers; i++)
		if (ds->consumers[i] == consumer)
			return true;
	return false;
}

#define T0 1795143600	/* 2026-11-20T03:00:00Z */

static struct lw_named sources[] = {
	{"onsite_store", "Onsite store"}, {"web_shop", "Web shop"},
};
static struct lw_named consumers[] = {
	{"sales", "Sales & accounting"}, {"fraud", "Fraud team"},
};
static int cons_pos[] = {0, 1}, cons_sales[] = {0}, cons_fraud[] = {1};

struct fixture {
	struct lw_dataset ds[3];
	struct lw_config cfg;
	struct lw_run run;
	struct lw_ds_run dr[3];
};

static void result(struct lw_ds_run *d, const char *check, enum lw_status st,
		   const char *msg)
{
	d->results = lw_xrealloc(d->results, (d->nresults + 1) *
				 sizeof *d->results);
	struct lw_result *r = &d->results[d->nresults];
	memset(r, 0, sizeof *r);
	lw_result_set(r, check, st, "7h", "warn 2h, fail 6h", "%s", msg);
	r->has_value = true;
	r->value = 25200;
	if (st > d->status || d->worst < 0) {
		if (d->worst < 0 || st > d->results[d->worst].status)
			d->worst = (int)d->nresults;
		if (st > d->status)
			d->status = st;
	}
	d->nresults++;
}

static void run_counts(struct lw_run *run)
{
	memset(run->counts, 0, sizeof run->counts);
	run->status = LW_PASS;
	for (size_t i = 0; i < run->n; i++) {
		run->counts[run->ds[i].status]++;
		if (run->ds[i].status > run->status)
			run->status = run->ds[i].status;
	}
}

/* bronze.pos PASS; gold.sales_daily FAIL (freshness) + WARN (row_count);
 * silver.clicks ERROR (could not list). */
static struct fixture *fixture(void)
{
	struct fixture *f = lw_xcalloc(1, sizeof *f);
	struct lw_dataset *ds = f->ds;

	ds[0] = (struct lw_dataset){.name = "bronze.pos", .source = 0,
		.layer = LW_BRONZE, .consumers = cons_pos, .nconsumers = 2,
		.description = "POS purchases"};
	ds[1] = (struct lw_dataset){.name = "gold.sales_daily", .source = 1,
		.layer = LW_GOLD, .consumers = cons_sales, .nconsumers = 1};
	ds[2] = (struct lw_dataset){.name = "silver.clicks", .source = 1,
		.layer = LW_SILVER, .consumers = cons_fraud, .nconsumers = 1};
	f->cfg = (struct lw_config){.name = "ecommerce demo",
		.file = "/etc/lakewatch.json", .sources = sources,
		.nsources = 2, .consumers = consumers, .nconsumers = 2,
		.datasets = ds, .ndatasets = 3};
	for (int i = 0; i < 3; i++) {
		f->dr[i].ds = &ds[i];
		f->dr[i].worst = -1;
		f->dr[i].seconds = 0.5;
		lw_obs_init(&f->dr[i].obs);
		f->dr[i].obs.at = T0;
	}
	f->dr[0].obs.files = 4;
	f->dr[0].obs.bytes = 4096;
	f->dr[0].obs.rows = 1234;
	f->dr[0].obs.newest_mtime = T0 - 3600;
	f->dr[0].obs.has_schema = true;
	lw_schema_add(&f->dr[0].obs.schema, "order_id", LW_T_INT64, "INT64");
	cJSON_AddStringToObject(lw_obs_detail(&f->dr[0].obs), "codec",
				"deflate");
	result(&f->dr[0], "row_count", LW_PASS, "1,234 rows");
	result(&f->dr[1], "freshness", LW_FAIL, "stale 7h (limit 2h)");
	result(&f->dr[1], "row_count", LW_WARN, "900 rows, below 1000");
	lw_obs_fail(&f->dr[2].obs, "cannot list: permission denied");
	result(&f->dr[2], "observe", LW_ERROR,
	       "cannot list: permission denied");
	f->run = (struct lw_run){.id = 42, .started = T0,
		.finished = T0 + 4, .ds = f->dr, .n = 3};
	run_counts(&f->run);
	return f;
}

static void fixture_free(struct fixture *f)
{
	for (int i = 0; i < 3; i++) {
		lw_obs_free(&f->dr[i].obs);
		for (size_t k = 0; k < f->dr[i].nresults; k++)
			lw_result_free(&f->dr[i].results[k]);
		free(f->dr[i].results);
	}
	free(f->run.history_error);
	free(f);
}

/* The report as a string; caller frees. */
static char *report(const struct fixture *f, enum lw_report_format fmt,
		    bool color, bool ascii, bool verbose)
{
	struct lw_report_opts o = {color, ascii, verbose};
	struct lw_err err = {0};
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	assert_non_null(m);
	assert_int_equal(lw_report_write(m, fmt, &f->cfg, &f->run, &o, &err),
			 LW_OK);
	fclose(m);
	return text;
}

static int display_width(const char *s, size_t n)
{
	int w = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

static void test_text_summary(void **state)
{
	struct fixture *f = fixture();
	char *t = report(f, LW_REPORT_TEXT, false, false, false);
	(void)state;

	/* Header: name, time, status. */
	assert_true(lw_str_starts(t, "ecommerce demo \xe2\x80\x94 "
				  "2026-11-20T03:00:00Z \xe2\x80\x94 "));
	assert_non_null(strstr(t, "ERROR"));
	/* one glyph per status, the dashboard's (model.h): ⊘, not ? */
	assert_non_null(strstr(t, "\xe2\x8a\x98 ERROR"));
	assert_null(strstr(t, "? ERROR"));
	assert_non_null(strstr(t, "3 datasets checked in 4s: 1 pass, 1 fail, 1 error"));
	/* The consumer line names its culprit. */
	assert_non_null(strstr(t, "Sales & accounting \xe2\x80\x94 FAIL "
			       "\xe2\x80\x94 gold.sales_daily freshness: "
			       "stale 7h (limit 2h)"));
	assert_non_null(strstr(t, "Web shop \xe2\x80\x94 ERROR \xe2\x80\x94 "
			       "silver.clicks observe: cannot list: "
			       "permission"));
	assert_non_null(strstr(t, "denied (+1"));
	assert_non_null(strstr(t, "Onsite store \xe2\x80\x94 PASS "
			       "\xe2\x80\x94 1 dataset"));
	assert_non_null(strstr(t, "Bronze"));
	assert_non_null(strstr(t, "Gold"));
	assert_null(strstr(t, "Power BI"));	/* no datasets there */
	/* Problems: the failure, the warning and the error, no pass. */
	assert_non_null(strstr(t, "FAIL  gold.sales_daily freshness"));
	assert_non_null(strstr(t, "WARN  gold.sales_daily row_count: 900"));
	assert_non_null(strstr(t, "silver.clicks observe: cannot list"));
	assert_null(strstr(t, "bronze.pos row_count"));
	assert_null(strchr(t, '\033'));
	free(t);

	t = report(f, LW_REPORT_TEXT, false, false, true);
	assert_non_null(strstr(t, "PASS  bronze.pos row_count: 1,234 rows"));
	assert_non_null(strstr(t, "measured 7h; limits warn 2h, fail 6h"));
	free(t);
	fixture_free(f);
}

static void test_text_color_ascii(void **state)
{
	struct fixture *f = fixture();
	char *t = report(f, LW_REPORT_TEXT, true, false, false);
	(void)state;

	/* Colour repeats the word, never replaces it. */
	assert_non_null(strstr(t, "\033[31m\xe2\x9c\x97 FAIL\033[0m"));
	free(t);

	/* Non-ASCII in user text too: ascii mode must not pass it on. */
	f->ds[1].name = "gold.caf\xc3\xa9_sales";
	t = report(f, LW_REPORT_TEXT, false, true, true);
	for (const char *p = t; *p; p++)
		assert_true((unsigned char)*p < 0x80);
	assert_non_null(strstr(t, "Sales & accounting - FAIL - "));
	assert_non_null(strstr(t, "X FAIL  gold.caf?_sales freshness"));
	assert_non_null(strstr(t, "+ PASS"));
	assert_non_null(strstr(t, "E ERROR"));
	free(t);
	fixture_free(f);
}

static void test_text_wraps_and_sanitises(void **state)
{
	struct fixture *f = fixture();
	struct lw_result *r = &f->dr[1].results[0];
	char *t, *line;
	(void)state;

	free(r->message);
	r->message = lw_xstrdup("stale: newest partition date=2026-11-19 "
				"is 31h old while the contract with the "
				"accounting team says data must land by 06:00 "
				"every day; \033[2Jcheck the ADF pipeline "
				"pl_sales_daily and its trigger");
	t = report(f, LW_REPORT_TEXT, false, false, false);
	assert_null(strchr(t, '\033'));	/* no terminal injection */
	assert_non_null(strstr(t, "?[2Jcheck"));
	/* Every line fits 80 columns (no word here is longer). */
	for (char *p = t; *p; p = line + 1) {
		line = strchr(p, '\n');
		assert_non_null(line);
		assert_true(display_width(p, (size_t)(line - p)) <= 80);
	}
	assert_non_null(strstr(t, "\n          31h old while"));
	free(t);
	fixture_free(f);
}

static void test_all_pass(void **state)
{
	struct fixture *f = fixture();
	char *t;
	(void)state;

	f->run.n = 1;	/* only bronze.pos */
	run_counts(&f->run);
	t = report(f, LW_REPORT_TEXT, false, false, false);
	assert_non_null(strstr(t, "All checks passed."));
	assert_non_null(strstr(t, "PASS"));
	assert_null(strstr(t, "FAIL"));
	free(t);
	assert_int_equal(lw_exit_code(&f->run, LW_WARN), 0);
	fixture_free(f);
}

static const cJSON *get(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	assert_non_null(v);
	return v;
}

static const char *gets(const cJSON *o, const char *k)
{
	const cJSON *v = get(o, k);
	assert_true(cJSON_IsString(v));
	return v->valuestring;
}

static double getn(const cJSON *o, const char *k)
{
	const cJSON *v = get(o, k);
	assert_true(cJSON_IsNumber(v));
	return v->valuedouble;
}

static void test_json(void **state)
{
	struct fixture *f = fixture();
	char *t = report(f, LW_REPORT_JSON, true, true, true);
	cJSON *j = cJSON_Parse(t);
	const cJSON *a, *d, *o, *c;
	(void)state;

	assert_non_null(j);
	assert_string_equal(gets(j, "lakewatch"), LW_VERSION);
	/* second key, an integer (docs/report-json.md) */
	assert_string_equal(j->child->next->string, "report_version");
	assert_int_equal(getn(j, "report_version"), 1);
	assert_string_equal(gets(j, "config"), "ecommerce demo");
	assert_string_equal(gets(j, "started"), "2026-11-20T03:00:00Z");
	assert_string_equal(gets(j, "finished"), "2026-11-20T03:00:04Z");
	assert_string_equal(gets(j, "status"), "ERROR");
	assert_true(cJSON_IsNull(get(j, "history_error")));
	c = get(j, "counts");
	assert_int_equal(getn(c, "pass"), 1);
	assert_int_equal(getn(c, "warn"), 0);
	assert_int_equal(getn(c, "fail"), 1);
	assert_int_equal(getn(c, "error"), 1);
	assert_int_equal(getn(c, "total"), 3);

	a = get(j, "sources");
	assert_int_equal(cJSON_GetArraySize(a), 2);
	assert_string_equal(gets(cJSON_GetArrayItem(a, 1), "id"), "web_shop");
	assert_string_equal(gets(cJSON_GetArrayItem(a, 1), "status"),
			    "ERROR");
	a = get(j, "layers");
	assert_int_equal(cJSON_GetArraySize(a), 3);
	assert_string_equal(gets(cJSON_GetArrayItem(a, 2), "id"), "gold");
	a = get(j, "consumers");
	assert_int_equal(cJSON_GetArraySize(a), 2);
	o = cJSON_GetArrayItem(a, 0);
	assert_string_equal(gets(o, "title"), "Sales & accounting");
	assert_string_equal(gets(o, "status"), "FAIL");
	c = get(o, "culprit");
	assert_string_equal(gets(c, "dataset"), "gold.sales_daily");
	assert_string_equal(gets(c, "check"), "freshness");
	assert_string_equal(gets(c, "message"), "stale 7h (limit 2h)");
	assert_true(cJSON_IsNull(get(cJSON_GetArrayItem(get(j, "sources"), 0),
				     "culprit")));

	a = get(j, "datasets");
	assert_int_equal(cJSON_GetArraySize(a), 3);
	d = cJSON_GetArrayItem(a, 0);
	assert_string_equal(gets(d, "name"), "bronze.pos");
	assert_string_equal(gets(d, "source"), "onsite_store");
	assert_string_equal(gets(d, "layer"), "bronze");
	assert_string_equal(gets(d, "status"), "PASS");
	assert_int_equal(cJSON_GetArraySize(get(d, "consumers")), 2);
	o = get(d, "observation");
	assert_int_equal(getn(o, "files"), 4);
	assert_int_equal(getn(o, "bytes"), 4096);
	assert_int_equal(getn(o, "rows"), 1234);
	assert_string_equal(gets(o, "newest"), "2026-11-20T02:00:00Z");
	assert_true(cJSON_IsNull(get(o, "oldest")));
	assert_int_equal(getn(o, "partitions"), 0);
	assert_string_equal(gets(cJSON_GetArrayItem(get(o, "schema"), 0),
				 "name"), "order_id");
	assert_string_equal(gets(get(o, "detail"), "codec"), "deflate");
	assert_true(cJSON_IsNull(get(o, "error")));
	c = cJSON_GetArrayItem(get(d, "checks"), 0);
	assert_string_equal(gets(c, "check"), "row_count");
	assert_string_equal(gets(c, "status"), "PASS");
	assert_string_equal(gets(c, "measured"), "7h");
	assert_string_equal(gets(c, "threshold"), "warn 2h, fail 6h");
	assert_int_equal(getn(c, "value"), 25200);

	d = cJSON_GetArrayItem(a, 2);
	o = get(d, "observation");
	assert_false(cJSON_IsTrue(get(o, "ok")));
	assert_true(cJSON_IsNull(get(o, "rows")));
	assert_string_equal(gets(o, "error"), "cannot list: permission "
			    "denied");
	cJSON_Delete(j);
	free(t);
	fixture_free(f);
}

/* --- JUnit, checked with a real XML parser ---------------------------- */

struct xml_seen {
	int suites, cases, failures, errors, sysout;
	int sum_tests, sum_failures;	/* from <testsuite> attributes */
	char first_failure_msg[512];
	char classnames[1024];
	struct lw_buf text;
};

static const char *xattr(const char **a, const char *name)
{
	for (; a[0]; a += 2)
		if (strcmp(a[0], name) == 0)
			return a[1];
	return NULL;
}

static void XMLCALL x_start(void *ud, const char *el, const char **a)
{
	struct xml_seen *s = ud;

	if (strcmp(el, "testsuite") == 0) {
		s->suites++;
		assert_non_null(xattr(a, "name"));
		assert_non_null(xattr(a, "timestamp"));
		assert_non_null(xattr(a, "time"));
		assert_non_null(xattr(a, "skipped"));
		s->sum_tests += atoi(xattr(a, "tests"));
		s->sum_failures += atoi(xattr(a, "failures"));
	} else if (strcmp(el, "testcase") == 0) {
		s->cases++;
		strncat(s->classnames, xattr(a, "classname"),
			sizeof s->classnames - strlen(s->classnames) - 2);
		strcat(s->classnames, "|");
		assert_non_null(xattr(a, "name"));
	} else if (strcmp(el, "failure") == 0) {
		if (!s->failures++)
			snprintf(s->first_failure_msg,
				 sizeof s->first_failure_msg, "%s",
				 xattr(a, "message"));
		assert_string_equal(xattr(a, "type"), "FAIL");
	} else if (strcmp(el, "error") == 0) {
		s->errors++;
	} else if (strcmp(el, "system-out") == 0) {
		s->sysout++;
	}
}

static void XMLCALL x_end(void *ud, const char *el)
{
	(void)ud;
	(void)el;
}

static void XMLCALL x_text(void *ud, const char *s, int len)
{
	struct xml_seen *x = ud;
	assert_int_equal(lw_buf_add(&x->text, s, (size_t)len), LW_OK);
}

/* Parse; fails the test when the XML is not well-formed. */
static void xml_parse(const char *t, struct xml_seen *s)
{
	XML_Parser p = XML_ParserCreate("UTF-8");

	memset(s, 0, sizeof *s);
	lw_buf_init(&s->text, LW_BUF_1M);
	XML_SetUserData(p, s);
	XML_SetElementHandler(p, x_start, x_end);
	XML_SetCharacterDataHandler(p, x_text);
	if (XML_Parse(p, t, (int)strlen(t), 1) != XML_STATUS_OK)
		fail_msg("junit not well-formed: %s at line %lu\n%s",
			 XML_ErrorString(XML_GetErrorCode(p)),
			 (unsigned long)XML_GetCurrentLineNumber(p), t);
	XML_ParserFree(p);
}

static void test_junit(void **state)
{
	struct fixture *f = fixture();
	char *t = report(f, LW_REPORT_JUNIT, true, false, false);
	struct xml_seen s;
	(void)state;

	assert_true(lw_str_starts(t, "<?xml version=\"1.0\" "
				  "encoding=\"UTF-8\"?>\n<testsuites"));
	xml_parse(t, &s);
	assert_int_equal(s.suites, 2);
	assert_int_equal(s.cases, 4);
	assert_int_equal(s.sum_tests, 4);
	assert_int_equal(s.failures, 1);
	assert_int_equal(s.sum_failures, 1);
	assert_int_equal(s.errors, 1);
	assert_int_equal(s.sysout, 1);	/* the warning */
	assert_string_equal(s.first_failure_msg, "stale 7h (limit 2h)");
	assert_string_equal(s.classnames, "onsite_store.bronze|web_shop.gold|"
			    "web_shop.gold|web_shop.silver|");
	assert_non_null(strstr(s.text.data, "WARN: 900 rows, below 1000"));
	assert_non_null(strstr(t, "name=\"gold.sales_daily freshness\""));
	assert_non_null(strstr(t, "timestamp=\"2026-11-20T03:00:00\""));
	lw_buf_free(&s.text);
	free(t);
	fixture_free(f);
}

static void test_junit_escaping(void **state)
{
	struct fixture *f = fixture();
	struct lw_result *r = &f->dr[1].results[0];
	struct xml_seen s;
	char *t;
	(void)state;

	/* Markup, quotes, controls invalid in XML 1.0, a broken UTF-8
	 * byte and U+FFFF, in the message, names and titles. */
	free(r->message);
	r->message = lw_xstrdup("a<b & c>\"d\" 'e' \x01\x1b\x0b bad\xff "
				"nonchar\xef\xbf\xbf ]]> end");
	free(r->check);
	r->check = lw_xstrdup("fresh<ness>&\"");
	f->ds[1].name = "gold.<sales>&\x02";
	sources[1].title = "Web \"shop\" & <co>";
	f->run.history_error = lw_xstrdup("history: /x.db: locked <now>");
	run_counts(&f->run);
	t = report(f, LW_REPORT_JUNIT, false, false, false);
	sources[1].title = "Web shop";
	xml_parse(t, &s);
	assert_int_equal(s.errors, 2);	/* silver.clicks and the history */
	assert_true(lw_str_starts(s.first_failure_msg,
				  "a<b & c>\"d\" 'e' ??? bad\xef\xbf\xbd "
				  "nonchar\xef\xbf\xbd ]]> end"));
	assert_non_null(strstr(s.text.data, "a<b & c>\"d\""));
	assert_non_null(strstr(t, "name=\"gold.&lt;sales&gt;&amp;? "
			       "fresh&lt;ness&gt;&amp;&quot;\""));
	lw_buf_free(&s.text);
	free(t);
	fixture_free(f);
}

static void test_redaction_everywhere(void **state)
{
	const char *secret = "AbCdEfSeCrEt0123456789";
	struct fixture *f = fixture();
	struct lw_result *r = &f->dr[1].results[0];
	(void)state;

	lw_secret_register(secret);
	free(r->message);
	r->message = lw_xasprintf("GET https://x/y?sig=%s&sv=1 failed: %s",
				  secret, secret);
	free(r->measured);
	r->measured = lw_xstrdup(secret);
	cJSON_AddStringToObject(lw_obs_detail(&f->dr[1].obs), secret, secret);
	f->run.history_error = lw_xasprintf("history: %s", secret);
	for (int fmt = LW_REPORT_TEXT; fmt <= LW_REPORT_JUNIT; fmt++) {
		char *t = report(f, (enum lw_report_format)fmt, false, false,
				 true);
		assert_null(strstr(t, secret));
		assert_non_null(strstr(t, "***"));
		if (fmt == LW_REPORT_JSON) {
			cJSON *j = cJSON_Parse(t);
			assert_non_null(j);
			cJSON_Delete(j);
		}
		free(t);
	}
	lw_secret_clear_all();
	fixture_free(f);
}

static void test_exit_codes(void **state)
{
	struct fixture *f = fixture();
	(void)state;

	assert_int_equal(lw_exit_code(&f->run, LW_WARN), 3);
	assert_int_equal(lw_exit_code(&f->run, LW_PASS), 3);
	f->run.n = 2;		/* PASS + FAIL */
	run_counts(&f->run);
	assert_int_equal(lw_exit_code(&f->run, LW_WARN), 2);
	assert_int_equal(lw_exit_code(&f->run, LW_FAIL), 2);
	assert_int_equal(lw_exit_code(&f->run, LW_ERROR), 0);
	f->dr[1].status = LW_WARN;	/* PASS + WARN */
	run_counts(&f->run);
	assert_int_equal(lw_exit_code(&f->run, LW_WARN), 1);
	assert_int_equal(lw_exit_code(&f->run, LW_FAIL), 0);
	f->run.n = 1;
	run_counts(&f->run);
	assert_int_equal(lw_exit_code(&f->run, LW_WARN), 0);
	f->run.history_error = lw_xstrdup("history: locked");
	assert_int_equal(lw_exit_code(&f->run, LW_WARN), 3);
	assert_int_equal(lw_exit_code(NULL, LW_WARN), 3);
	fixture_free(f);
}

static void test_format_parse_and_io(void **state)
{
	struct fixture *f = fixture();
	enum lw_report_format fmt;
	struct lw_err err = {0};
	FILE *full;
	(void)state;

	assert_int_equal(lw_report_format_parse("json", &fmt), LW_OK);
	assert_int_equal(fmt, LW_REPORT_JSON);
	assert_int_equal(lw_report_format_parse("JUnit", &fmt), LW_OK);
	assert_int_equal(fmt, LW_REPORT_JUNIT);
	assert_int_equal(lw_report_format_parse("text", &fmt), LW_OK);
	assert_int_equal(fmt, LW_REPORT_TEXT);
	assert_int_not_equal(lw_report_format_parse("html", &fmt), LW_OK);
	assert_int_not_equal(lw_report_format_parse(NULL, &fmt), LW_OK);

	full = fopen("/dev/full", "w");
	if (full) {
		assert_int_equal(lw_report_write(full, LW_REPORT_JSON, &f->cfg,
						 &f->run, NULL, &err), LW_EIO);
		assert_non_null(strstr(err.msg, "writing the report"));
		fclose(full);
	}
	fixture_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_summary),
		cmocka_unit_test(test_text_color_ascii),
		cmocka_unit_test(test_text_wraps_and_sanitises),
		cmocka_unit_test(test_all_pass),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_junit),
		cmocka_unit_test(test_junit_escaping),
		cmocka_unit_test(test_redaction_everywhere),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_format_parse_and_io),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
