/* test_metrics.c - the Prometheus exposition (report/metrics*.c) on a
 * config and run built by hand: label escaping of hostile config ids,
 * values left out when not observed, the histogram, both formats, and a
 * failed buffer append reported as an error. */
#include "unit.h"
#include "lakewatch/metrics.h"
#include "lakewatch/report.h"
#include "lakewatch/incident.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"

#define T0 1795143600	/* 2026-11-20T03:00:00Z */

/* A source id with every character the formats escape, a consumer with
 * broken UTF-8, a dataset whose name holds a registered secret. */
static struct lw_named sources[] = {
	{"shop", "Shop"}, {"we\"ird\\src\nx", "Weird"}, {"idle", "Idle"},
};
static struct lw_named consumers[] = {
	{"sales", "Sales"}, {"bad\xff" "byte", "Bad"},
};
static int cons0[] = {0}, cons1[] = {1};

struct fixture {
	struct lw_dataset ds[3];
	struct lw_config cfg;
	struct lw_run run;
	struct lw_ds_run dr[3];
};

static void result(struct lw_ds_run *d, const char *check, enum lw_status st)
{
	d->results = lw_xrealloc(d->results, (d->nresults + 1) *
				 sizeof *d->results);
	struct lw_result *r = &d->results[d->nresults++];
	memset(r, 0, sizeof *r);
	lw_result_set(r, check, st, "", "", "msg");
	if (st > d->status)
		d->status = st;
}

/* dr[0] "gold.sales" PASS, every fact; dr[1] the weird one: FAIL freshness
 * with an open acknowledged incident, WARN row_count, a repeated
 * "freshness" result (PASS), rows unknown, no schema; dr[2] could not be
 * observed, with a previous good observation. */
static struct fixture *fixture(void)
{
	struct fixture *f = lw_xcalloc(1, sizeof *f);

	f->ds[0] = (struct lw_dataset){.name = "gold.sales", .source = 0,
		.layer = LW_GOLD, .consumers = cons0, .nconsumers = 1};
	f->ds[1] = (struct lw_dataset){.name = "silver.\"q\"\\b\nc",
		.source = 1, .layer = LW_SILVER, .consumers = cons1,
		.nconsumers = 1};
	f->ds[2] = (struct lw_dataset){.name = "bronze.k-SECRETSECRET42",
		.source = 0, .layer = LW_BRONZE};
	f->cfg = (struct lw_config){.name = "t", .sources = sources,
		.nsources = 3, .consumers = consumers, .nconsumers = 2,
		.datasets = f->ds, .ndatasets = 3};
	for (int i = 0; i < 3; i++) {
		f->dr[i].ds = &f->ds[i];
		lw_obs_init(&f->dr[i].obs);
		lw_obs_init(&f->dr[i].prev);
		f->dr[i].obs.ok = true;
		f->dr[i].obs.at = T0;
	}
	struct lw_obs *o = &f->dr[0].obs;
	o->files = 4; o->bytes = 4096; o->rows = 1234;
	o->newest_mtime = T0 - 3600;
	o->has_schema = true;
	lw_schema_add(&o->schema, "id", LW_T_INT64, NULL);
	lw_schema_add(&o->schema, "amount", LW_T_DOUBLE, NULL);
	result(&f->dr[0], "freshness", LW_PASS);
	o = &f->dr[1].obs;
	o->files = 0; o->bytes = 0; o->rows = -1;
	o->delta.present = o->delta.has_last_commit = true;
	o->delta.last_commit = T0 + 60;		/* from the future: age 0 */
	result(&f->dr[1], "freshness", LW_FAIL);
	result(&f->dr[1], "row_count", LW_WARN);
	result(&f->dr[1], "freshness", LW_PASS);
	lw_obs_fail(&f->dr[2].obs, "cannot list");
	f->dr[2].has_prev = true;
	f->dr[2].prev.ok = true;
	f->dr[2].prev.at = T0 - 300;
	result(&f->dr[2], "observe", LW_ERROR);
	f->run = (struct lw_run){.id = 1, .started = T0 - 5, .finished = T0,
		.ds = f->dr, .n = 3};
	for (int i = 0; i < 3; i++)
		f->run.counts[f->dr[i].status]++;
	f->run.status = LW_ERROR;
	return f;
}

/* History for dr[1]: freshness has an open incident, acknowledged. */
static void with_incidents(struct fixture *f)
{
	for (int i = 0; i < 3; i++) {
		struct lw_ds_run *d = &f->dr[i];
		d->inc = lw_xcalloc(d->nresults, sizeof *d->inc);
		d->ninc = d->nresults;
		for (size_t k = 0; k < d->nresults; k++)
			lw_incident_init(&d->inc[k]);
	}
	struct lw_incident *inc = &f->dr[1].inc[0];
	inc->id = 7;
	inc->dataset = lw_xstrdup(f->ds[1].name);
	inc->check = lw_xstrdup("freshness");
	inc->opened = T0 - 600;
	inc->acked_by = lw_xstrdup("ann");
}

static void fixture_free(struct fixture *f)
{
	for (int i = 0; i < 3; i++) {
		lw_obs_free(&f->dr[i].obs);
		lw_obs_free(&f->dr[i].prev);
		for (size_t k = 0; k < f->dr[i].nresults; k++)
			lw_result_free(&f->dr[i].results[k]);
		free(f->dr[i].results);
		lw_ds_run_free_incidents(&f->dr[i]);
	}
	free(f);
}

static const struct lw_metrics_lake lakes[] = {
	{"adls", 12, 3400, 2, 1}, {"local", 5, 100, -1, -1},
	{"big", INT64_MAX, 0, 0, 0},
};
#define NLAKES (sizeof lakes / sizeof *lakes)

/* The exposition as a string; caller frees. */
static char *render(const struct fixture *f, enum lw_metrics_fmt fmt,
		    const struct lw_metrics_hist *h)
{
	struct lw_metrics_in in = {.cfg = &f->cfg, .run = &f->run,
		.lakes = lakes, .nlakes = NLAKES, .polls = h, .now = T0};
	struct lw_buf b;
	lw_buf_init(&b, LW_BUF_1M);
	assert_int_equal(lw_metrics_render(&in, fmt, &b), LW_OK);
	char *s = lw_buf_steal(&b);
	assert_non_null(s);
	return s;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}
#define assert_line(t, l) do { if (!has_line((t), (l))) \
	fail_msg("no line '%s' in:\n%s", (l), (t)); } while (0)
#define assert_no(t, s) do { if (strstr((t), (s))) \
	fail_msg("'%s' should not be in:\n%s", (s), (t)); } while (0)

static void test_escaping(void **state)
{
	(void)state;
	lw_secret_register("SECRETSECRET42");
	struct fixture *f = fixture();
	char *t = render(f, LW_METRICS_PROMETHEUS, NULL);

	assert_line(t, "lakewatch_dataset_status{dataset=\"silver.\\\"q\\\"\\\\b"
		    "\\nc\",source=\"we\\\"ird\\\\src\\nx\",layer=\"silver\"} 2");
	assert_line(t, "lakewatch_source_status{source=\"we\\\"ird\\\\src\\nx\"}"
		    " 2");
	/* broken UTF-8 becomes U+FFFD; a secret is redacted */
	assert_line(t, "lakewatch_consumer_status{consumer=\"bad\xef\xbf\xbd"
		    "byte\"} 2");
	assert_no(t, "SECRETSECRET42");
	assert_non_null(strstr(t, "dataset=\"bronze.k-***\""));
	/* no raw newline inside a sample: every line is a comment or a
	 * sample with its value */
	for (char *p = t, *nl; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		assert_non_null(nl);
		if (*p != '#')
			assert_non_null(memchr(p, ' ', (size_t)(nl - p)));
	}
	free(t);
	fixture_free(f);
	lw_secret_clear_all();
}

static void test_left_out(void **state)
{
	(void)state;
	struct fixture *f = fixture();
	char *t = render(f, LW_METRICS_PROMETHEUS, NULL);

	assert_line(t, "lakewatch_dataset_rows{dataset=\"gold.sales\"} 1234");
	assert_line(t, "lakewatch_dataset_bytes{dataset=\"gold.sales\"} 4096");
	assert_line(t, "lakewatch_dataset_files{dataset=\"gold.sales\"} 4");
	assert_line(t, "lakewatch_dataset_age_seconds{dataset=\"gold.sales\"} "
		    "3600");
	assert_line(t, "lakewatch_dataset_schema_columns{dataset=\"gold.sales\"}"
		    " 2");
	assert_line(t, "lakewatch_dataset_last_success_timestamp_seconds{"
		    "dataset=\"gold.sales\"} 1795143600");
	/* rows unknown and no schema: no series, not 0 */
	assert_no(t, "lakewatch_dataset_rows{dataset=\"silver.");
	assert_no(t, "lakewatch_dataset_schema_columns{dataset=\"silver.");
	/* an empty dataset has 0 files: observed, so written */
	assert_non_null(strstr(t, "lakewatch_dataset_files{dataset=\"silver."
			       "\\\"q\\\"\\\\b\\nc\"} 0\n"));
	/* the Delta commit is the clock; a future one is age 0 */
	assert_non_null(strstr(t, "lakewatch_dataset_age_seconds{dataset=\""
			       "silver.\\\"q\\\"\\\\b\\nc\"} 0\n"));
	/* not observed: a status, the last good time, nothing else */
	assert_line(t, "lakewatch_dataset_status{dataset=\"bronze.k-"
		    "SECRETSECRET42\",source=\"shop\",layer=\"bronze\"} 3");
	assert_line(t, "lakewatch_dataset_last_success_timestamp_seconds{"
		    "dataset=\"bronze.k-SECRETSECRET42\"} 1795143300");
	const char *fams[] = {"rows", "bytes", "files", "age_seconds",
			      "schema_columns"};
	for (size_t i = 0; i < sizeof fams / sizeof *fams; i++) {
		char s[128];
		snprintf(s, sizeof s, "lakewatch_dataset_%s{dataset=\"bronze.",
			 fams[i]);
		assert_no(t, s);
	}
	/* the repeated check is one series, its first result */
	assert_line(t, "lakewatch_check_status{dataset=\"silver.\\\"q\\\"\\\\b"
		    "\\nc\",check=\"freshness\"} 2");
	assert_false(has_line(t, "lakewatch_check_status{dataset=\"silver.\\\"q"
			      "\\\"\\\\b\\nc\",check=\"freshness\"} 0"));
	/* without history there are no incidents to speak of */
	assert_no(t, "lakewatch_incident");
	/* a source without datasets in the run has no status */
	assert_no(t, "source=\"idle\"");
	/* lake counters the lake does not keep are left out */
	assert_line(t, "lakewatch_lake_retries_total{lake=\"adls\"} 2");
	assert_no(t, "lakewatch_lake_retries_total{lake=\"local\"}");
	assert_line(t, "lakewatch_lake_requests_total{lake=\"local\"} 5");
	assert_line(t, "lakewatch_lake_requests_total{lake=\"big\"} "
		    "9223372036854775807");
	assert_line(t, "lakewatch_lake_errors_total{lake=\"big\"} 0");
	/* no histogram without poll durations, no channels without notify */
	assert_no(t, "lakewatch_poll_duration_seconds");
	assert_no(t, "lakewatch_notify");
	free(t);
	fixture_free(f);
}

static void test_incidents(void **state)
{
	(void)state;
	struct fixture *f = fixture();
	with_incidents(f);
	char *t = render(f, LW_METRICS_PROMETHEUS, NULL);

	assert_line(t, "lakewatch_incident_open{dataset=\"silver.\\\"q\\\"\\\\b"
		    "\\nc\",check=\"freshness\"} 1");
	assert_line(t, "lakewatch_incident_acknowledged{dataset=\"silver.\\\"q"
		    "\\\"\\\\b\\nc\",check=\"freshness\"} 1");
	assert_line(t, "lakewatch_incident_open{dataset=\"silver.\\\"q\\\"\\\\b"
		    "\\nc\",check=\"row_count\"} 0");
	assert_line(t, "lakewatch_incident_open{dataset=\"gold.sales\","
		    "check=\"freshness\"} 0");
	assert_line(t, "lakewatch_incident_acknowledged{dataset=\"gold.sales\","
		    "check=\"freshness\"} 0");
	free(t);
	fixture_free(f);
}

static void test_histogram(void **state)
{
	(void)state;
	struct lw_metrics_hist h;
	memset(&h, 0, sizeof h);
	lw_metrics_hist_observe(&h, 0.05);
	lw_metrics_hist_observe(&h, 0.1);	/* le is inclusive */
	lw_metrics_hist_observe(&h, 0.3);
	lw_metrics_hist_observe(&h, 7);
	lw_metrics_hist_observe(&h, 1000);
	lw_metrics_hist_observe(&h, -1);	/* a clock step: 0 */
	lw_metrics_hist_observe(&h, 0.0 / 0.0);	/* dropped */
	assert_int_equal(h.count, 6);
	assert_int_equal(h.counts[0], 3);
	assert_int_equal(h.counts[LW_METRICS_NBUCKETS], 1);
	assert_true(lw_metrics_bounds[0] == 0.1);
	for (int i = 1; i < LW_METRICS_NBUCKETS; i++)
		assert_true(lw_metrics_bounds[i] > lw_metrics_bounds[i - 1]);
	assert_true(lw_metrics_bounds[LW_METRICS_NBUCKETS - 1] == 600);

	struct fixture *f = fixture();
	char *t = render(f, LW_METRICS_OPENMETRICS, &h);
	static const char *const want[] = {
		"_bucket{le=\"0.1\"} 3", "_bucket{le=\"0.25\"} 3",
		"_bucket{le=\"0.5\"} 4", "_bucket{le=\"1.0\"} 4",
		"_bucket{le=\"5.0\"} 4", "_bucket{le=\"10.0\"} 5",
		"_bucket{le=\"600.0\"} 5", "_bucket{le=\"+Inf\"} 6",
		"_sum 1007.45", "_count 6",
	};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		char line[96];
		snprintf(line, sizeof line, "lakewatch_poll_duration_seconds%s",
			 want[i]);
		assert_line(t, line);
	}
	assert_line(t, "# TYPE lakewatch_poll_duration_seconds histogram");
	assert_line(t, "# UNIT lakewatch_poll_duration_seconds seconds");
	free(t);
	fixture_free(f);
}

static void test_formats(void **state)
{
	(void)state;
	struct fixture *f = fixture();
	char *om = render(f, LW_METRICS_OPENMETRICS, NULL);
	char *pr = render(f, LW_METRICS_PROMETHEUS, NULL);

	/* OpenMetrics: counter families without _total, units, # EOF last */
	assert_line(om, "# TYPE lakewatch_lake_requests counter");
	assert_line(om, "# TYPE lakewatch_lake_read_bytes counter");
	assert_line(om, "# UNIT lakewatch_lake_read_bytes bytes");
	assert_line(om, "# UNIT lakewatch_dataset_age_seconds seconds");
	assert_line(om, "lakewatch_lake_read_bytes_total{lake=\"adls\"} 3400");
	size_t n = strlen(om);
	assert_true(n > 6 && strcmp(om + n - 6, "# EOF\n") == 0);
	assert_true(strstr(om, "# EOF") == om + n - 6);
	/* Prometheus 0.0.4: the sample name, no UNIT, no EOF */
	assert_line(pr, "# TYPE lakewatch_lake_requests_total counter");
	assert_line(pr, "# TYPE lakewatch_check_status gauge");
	assert_no(pr, "# UNIT");
	assert_no(pr, "# EOF");
	/* the samples are the same */
	char *a = om, *b = pr;
	for (;;) {
		while (*a == '#')
			a = strchr(a, '\n') + 1;
		while (*b == '#')
			b = strchr(b, '\n') + 1;
		if (!*a || !*b)
			break;
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
		assert_int_equal(la, lb);
		assert_memory_equal(a, b, la);
		a += la + 1;
		b += lb + 1;
	}
	assert_true(!*a && !*b);
	/* build info is the first family, and rendering is stable */
	assert_true(lw_str_starts(pr, "# HELP lakewatch_build_info "));
	char *pr2 = render(f, LW_METRICS_PROMETHEUS, NULL);
	assert_string_equal(pr, pr2);
	free(pr2);
	free(om);
	free(pr);
	fixture_free(f);
}

/* Before the first poll: build info and the process's counters only. */
static void test_no_run(void **state)
{
	(void)state;
	struct fixture *f = fixture();
	struct lw_metrics_channel ch = {"ops \"pager\"", 3, 1, 0};
	struct lw_metrics_in in = {.cfg = &f->cfg, .lakes = lakes,
		.nlakes = 2, .channels = &ch, .nchannels = 1, .now = T0};
	struct lw_buf b;
	lw_buf_init(&b, LW_BUF_1M);
	assert_int_equal(lw_metrics_render(&in, LW_METRICS_OPENMETRICS, &b),
			 LW_OK);
	assert_non_null(strstr(b.data, "lakewatch_build_info{version=\""));
	assert_no(b.data, "lakewatch_dataset");
	assert_no(b.data, "lakewatch_check_status");
	assert_no(b.data, "lakewatch_last_poll");
	assert_line(b.data, "lakewatch_notify_sent_total{channel=\"ops "
		    "\\\"pager\\\"\"} 3");
	assert_line(b.data, "lakewatch_notify_pending{channel=\"ops "
		    "\\\"pager\\\"\"} 0");
	assert_line(b.data, "# TYPE lakewatch_notify_failed counter");
	lw_buf_free(&b);
	/* bad arguments are an error, not a crash */
	assert_int_not_equal(lw_metrics_render(NULL, LW_METRICS_PROMETHEUS,
					       &b), LW_OK);
	assert_int_not_equal(lw_metrics_render(&in, (enum lw_metrics_fmt)9,
					       &b), LW_OK);
	fixture_free(f);
}

/* Every buffer size short of the whole exposition fails the render (no
 * append's result is dropped: a short exposition never passes as whole). */
static void test_buffer_full(void **state)
{
	(void)state;
	struct fixture *f = fixture();
	with_incidents(f);
	struct lw_metrics_hist h;
	memset(&h, 0, sizeof h);
	lw_metrics_hist_observe(&h, 1.5);
	char *whole = render(f, LW_METRICS_OPENMETRICS, &h);
	size_t n = strlen(whole);
	struct lw_metrics_in in = {.cfg = &f->cfg, .run = &f->run,
		.lakes = lakes, .nlakes = NLAKES, .polls = &h, .now = T0};

	/* sparse over the whole, then every size near the end ("# EOF") */
	assert_true(n > 64);
	for (size_t max = 0, step = 1; max < n; max += step) {
		step = max + 64 < n ? 1 + max / 64 : 1;
		if (max < n - 64 && max + step > n - 64)
			step = n - 64 - max;
		struct lw_buf b;
		lw_buf_init(&b, max);
		assert_int_equal(lw_metrics_render(&in, LW_METRICS_OPENMETRICS,
						   &b), LW_ETOOBIG);
		assert_true(lw_buf_failed(&b));
		lw_buf_free(&b);
	}
	struct lw_buf b;
	lw_buf_init(&b, n);
	assert_int_equal(lw_metrics_render(&in, LW_METRICS_OPENMETRICS, &b),
			 LW_OK);
	assert_string_equal(b.data, whole);
	lw_buf_free(&b);
	free(whole);
	fixture_free(f);
}

/* The families docs/metrics.md's table lists, "name type" per line, in
 * table order; NULL when the doc cannot be read. Caller frees. */
static char *doc_families(void)
{
	FILE *f = fopen("docs/metrics.md", "r");
	char line[2048];
	struct lw_buf b;
	bool bad = false;

	if (!f)
		return NULL;
	lw_buf_init(&b, LW_BUF_1M);
	while (fgets(line, sizeof line, f)) {
		char name[128], type[32];
		if (sscanf(line, "| `%127[a-z_]` | %31[a-z] |", name, type) == 2)
			bad |= lw_buf_addf(&b, "%s %s\n", name, type) != LW_OK;
	}
	fclose(f);
	assert_false(bad);
	return lw_buf_steal(&b);
}

/* Every family, with everything a run can have: its "# TYPE" lines. */
static char *rendered_families(void)
{
	struct fixture *f = fixture();
	with_incidents(f);
	struct lw_metrics_hist h;
	memset(&h, 0, sizeof h);
	lw_metrics_hist_observe(&h, 2);
	struct lw_metrics_channel ch = {"ops", 3, 1, 2};
	struct lw_metrics_in in = {.cfg = &f->cfg, .run = &f->run,
		.lakes = lakes, .nlakes = NLAKES, .polls = &h, .channels = &ch,
		.nchannels = 1, .now = T0};
	struct lw_buf b, out;
	lw_buf_init(&b, LW_BUF_1M);
	lw_buf_init(&out, LW_BUF_1M);
	assert_int_equal(lw_metrics_render(&in, LW_METRICS_PROMETHEUS, &b),
			 LW_OK);
	for (char *p = b.data, *nl; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (strncmp(p, "# TYPE ", 7) == 0)
			UNIT_OK(lw_buf_add(&out, p + 7, (size_t)(nl - p) - 6));
	}
	lw_buf_free(&b);
	fixture_free(f);
	return lw_buf_steal(&out);
}

/* docs/metrics.md is the reference for the names: the table lists exactly
 * the families the renderer has, with their types, in output order. */
static void test_docs_both_ways(void **state)
{
	(void)state;
	char *doc = doc_families();
	if (!doc) {
		lw_needs("docs/metrics.md");
		skip();
	}
	char *got = rendered_families();
	assert_true(strlen(got) > 100);
	if (strcmp(doc, got) != 0)
		fail_msg("docs/metrics.md's family table:\n%s\nrendered:\n%s",
			 doc, got);
	free(doc);
	free(got);
}

/* lw_report_write knows the metrics formats too (without lake counters):
 * the same text as lw_metrics_render with nothing but the run. */
static void test_report_write(void **state)
{
	(void)state;
	struct fixture *f = fixture();
	enum lw_report_format fmt;
	assert_int_equal(lw_report_format_parse("openmetrics", &fmt), LW_OK);
	assert_int_equal(fmt, LW_REPORT_OPENMETRICS);
	assert_int_equal(lw_report_format_parse("Prometheus", &fmt), LW_OK);
	assert_int_equal(fmt, LW_REPORT_PROMETHEUS);
	for (int k = 0; k < 2; k++) {
		char *text = NULL;
		size_t len = 0;
		FILE *mf = open_memstream(&text, &len);
		struct lw_err err;
		assert_non_null(mf);
		assert_int_equal(lw_report_write(mf, k ? LW_REPORT_PROMETHEUS :
						 LW_REPORT_OPENMETRICS, &f->cfg,
						 &f->run, NULL, &err), LW_OK);
		fclose(mf);
		struct lw_metrics_in in = {.cfg = &f->cfg, .run = &f->run,
					   .now = f->run.finished};
		struct lw_buf b;
		lw_buf_init(&b, LW_BUF_1M);
		assert_int_equal(lw_metrics_render(&in, k ? LW_METRICS_PROMETHEUS
				: LW_METRICS_OPENMETRICS, &b), LW_OK);
		assert_string_equal(text, b.data);
		lw_buf_free(&b);
		free(text);
	}
	fixture_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_left_out),
		cmocka_unit_test(test_incidents),
		cmocka_unit_test(test_histogram),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_no_run),
		cmocka_unit_test(test_buffer_full),
		cmocka_unit_test(test_docs_both_ways),
		cmocka_unit_test(test_report_write),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
