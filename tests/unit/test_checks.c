/* test_checks.c - every check kind: config parsing (good and bad) and
 * judging, plus the shared limit helpers. Data-driven cases live in
 * tests/checks/ (test_check_cases.c); these test what is awkward to
 * write as data: parse errors, registry, helpers, entries. */
#include <stdio.h>
#include "unit.h"
#include <math.h>
#include "lakewatch/check.h"
#include "lakewatch/config.h"
#include "lakewatch/limits.h"
#include "lakewatch/util.h"

#define NOW 1795608000	/* 2026-11-25T12:00:00Z */

static struct lw_cfgctx cc;

/* Parse json as the config of check `kind`; NULL on error (see cc). */
static void *parse(const char *kind, const char *json)
{
	const struct lw_check_kind *k = lw_check_kind_find(kind);
	assert_non_null(k);
	cJSON *j = cJSON_Parse(json);
	assert_non_null(j);
	lw_cfgctx_free(&cc);
	lw_cfgctx_init(&cc, "test.json", NULL);
	void *c = k->parse(j, &cc);
	cJSON_Delete(j);
	if (!c)
		assert_true(cc.nerrors > 0);
	return c;
}

static const char *errors(void)
{
	return cc.errors.data ? cc.errors.data : "";
}

/* Parsing must fail and the errors mention `needle`. */
static void parse_bad(const char *kind, const char *json, const char *needle)
{
	void *c = parse(kind, json);
	if (c) {
		lw_check_kind_find(kind)->free(c);
		fail_msg("%s %s: parsed, expected an error", kind, json);
	}
	if (!strstr(errors(), needle))
		fail_msg("%s %s: errors '%s' lack '%s'", kind, json, errors(),
			 needle);
}

static void obs_from(struct lw_obs *o, const char *json)
{
	cJSON *j = cJSON_Parse(json);
	assert_non_null(j);
	assert_int_equal(lw_obs_from_json(j, o), LW_OK);
	cJSON_Delete(j);
}

static void add_entry(struct lw_obs *o, const char *path, int64_t size)
{
	lw_xgrow((void **)&o->entries, &o->capentries, o->nentries,
		 sizeof *o->entries);
	o->entries[o->nentries].path = lw_xstrdup(path);
	o->entries[o->nentries].size = size;
	o->entries[o->nentries].mtime = NOW - 60;
	o->nentries++;
}

static const struct lw_obs *lookup_obs;
static const struct lw_obs *lookup(void *ud, const char *name)
{
	return strcmp(name, (const char *)ud) == 0 ? lookup_obs : NULL;
}

/* Run check kind (config json) on obs/prev; result into r. */
static void judge(const char *kind, const char *cfgjson,
		  const struct lw_obs *obs, const struct lw_obs *prev,
		  const struct lw_dataset *ds, struct lw_result *r)
{
	void *c = parse(kind, cfgjson);
	if (!c)
		fail_msg("%s %s: %s", kind, cfgjson, errors());
	struct lw_judge_ctx ctx = {
		.ds = ds, .obs = obs, .prev = prev, .now = NOW,
		.lookup = lookup, .lookup_ud = (void *)"other.ds",
	};
	memset(r, 0, sizeof *r);
	lw_check_kind_find(kind)->run(c, &ctx, r);
	lw_check_kind_find(kind)->free(c);
	assert_non_null(r->check);
	assert_string_equal(r->check, kind);
	assert_non_null(r->message);
	assert_non_null(r->measured);
	assert_non_null(r->threshold);
	assert_true(r->message[0] != '\0');
}

#define HAS(r, s) do { if (!strstr((r)->message, (s))) \
	fail_msg("message '%s' lacks '%s'", (r)->message, (s)); } while (0)

static void expect(const char *kind, const char *cfg, const char *obsjson,
		   const char *prevjson, enum lw_status st, const char *needle)
{
	struct lw_obs o, p;
	struct lw_result r;
	obs_from(&o, obsjson);
	if (prevjson)
		obs_from(&p, prevjson);
	judge(kind, cfg, &o, prevjson ? &p : NULL, NULL, &r);
	if (r.status != st)
		fail_msg("%s %s: status %s, expected %s (%s)", kind, cfg,
			 lw_status_name(r.status), lw_status_name(st),
			 r.message);
	HAS(&r, needle);
	lw_result_free(&r);
	lw_obs_free(&o);
	if (prevjson)
		lw_obs_free(&p);
}

/* --- registry and helpers ---------------------------------------------- */

static void test_registry(void **state)
{
	(void)state;
	char names[512];
	snprintf(names, sizeof names, "%s", lw_check_kind_names());
	int n = 0;
	for (char *s = strtok(names, ", "); s; s = strtok(NULL, ", ")) {
		const struct lw_check_kind *k = lw_check_kind_find(s);
		assert_non_null(k);
		assert_string_equal(k->name, s);
		assert_non_null(k->parse);
		assert_non_null(k->run);
		assert_non_null(k->free);
		n++;
	}
	assert_int_equal(n, 16);	/* with anomaly, runs, job_state, metric */
	assert_null(lw_check_kind_find("frehsness"));
	assert_null(lw_check_kind_find(""));
	assert_null(lw_check_kind_find(NULL));
}

static void test_sizes(void **state)
{
	(void)state;
	int64_t v;
	assert_int_equal(lw_size_parse("512", &v), LW_OK);
	assert_int_equal(v, 512);
	assert_int_equal(lw_size_parse("512B", &v), LW_OK);
	assert_int_equal(v, 512);
	assert_int_equal(lw_size_parse("128KB", &v), LW_OK);
	assert_int_equal(v, 128 * 1024);
	assert_int_equal(lw_size_parse("1MiB", &v), LW_OK);
	assert_int_equal(v, 1024 * 1024);
	assert_int_equal(lw_size_parse("2 gb", &v), LW_OK);
	assert_int_equal(v, 2LL << 30);
	assert_int_equal(lw_size_parse("1.5MB", &v), LW_OK);
	assert_int_equal(v, 3 << 19);
	assert_int_equal(lw_size_parse("1XB", &v), LW_EPARSE);
	assert_int_equal(lw_size_parse("-1KB", &v), LW_EPARSE);
	assert_int_equal(lw_size_parse("KB", &v), LW_EPARSE);
	assert_int_equal(lw_size_parse("", &v), LW_EPARSE);
	assert_int_equal(lw_size_parse("99999999TB", &v), LW_EPARSE);
	char b[32];
	/* One size format (issue 15): powers of 1024 as sizes parse, one
	 * decimal below 10 and none from 10 up, whatever the value; a limit
	 * and the value it is compared with read alike. */
	assert_string_equal(lw_bytes_fmt(1024, b, sizeof b), "1.0KiB");
	assert_string_equal(lw_bytes_fmt(1536, b, sizeof b), "1.5KiB");
	assert_string_equal(lw_bytes_fmt(100, b, sizeof b), "100B");
	assert_string_equal(lw_bytes_fmt(1023, b, sizeof b), "1023B");
	assert_string_equal(lw_bytes_fmt(1LL << 30, b, sizeof b), "1.0GiB");
	assert_string_equal(lw_bytes_fmt(5LL << 30, b, sizeof b), "5.0GiB");
	assert_string_equal(lw_bytes_fmt((5LL << 30) + 1, b, sizeof b),
			    "5.0GiB");
	assert_string_equal(lw_bytes_fmt(12LL << 20, b, sizeof b), "12MiB");
	/* rounding never prints "10.0" or "1024" of a unit */
	assert_string_equal(lw_bytes_fmt(10LL * 1024 - 20, b, sizeof b),
			    "10KiB");
	assert_string_equal(lw_bytes_fmt((1LL << 20) - 10, b, sizeof b),
			    "1.0MiB");
	assert_string_equal(lw_bytes_fmt(-1, b, sizeof b), "?");
	/* the size a limit is configured with prints as the formatter does */
	int64_t five;
	assert_int_equal(lw_size_parse("5GB", &five), LW_OK);
	assert_string_equal(lw_unit_fmt(LW_U_SIZE, (double)five, b, sizeof b),
			    "5.0GiB");
}

static void test_numbers(void **state)
{
	(void)state;
	char b[48];
	assert_string_equal(lw_thousands_fmt(12034, b, sizeof b), "12,034");
	assert_string_equal(lw_thousands_fmt(0, b, sizeof b), "0");
	assert_string_equal(lw_thousands_fmt(999, b, sizeof b), "999");
	assert_string_equal(lw_thousands_fmt(1000000, b, sizeof b),
			    "1,000,000");
	assert_string_equal(lw_thousands_fmt(-1234, b, sizeof b), "-1,234");
	assert_string_equal(lw_thousands_fmt(INT64_MIN, b, sizeof b),
			    "-9,223,372,036,854,775,808");
	assert_string_equal(lw_pct_fmt(34.02, b, sizeof b), "34%");
	assert_string_equal(lw_pct_fmt(0.5, b, sizeof b), "0.5%");
	assert_string_equal(lw_pct_fmt(0.283, b, sizeof b), "0.28%");
	assert_string_equal(lw_pct_fmt(250, b, sizeof b), "250%");
	double d;
	assert_int_equal(lw_percent_parse("0.5%", &d), LW_OK);
	assert_true(d == 0.5);
	assert_int_equal(lw_percent_parse("20", &d), LW_OK);
	assert_true(d == 20);
	assert_int_equal(lw_percent_parse("x%", &d), LW_EPARSE);
	assert_int_equal(lw_percent_parse("5%%", &d), LW_EPARSE);
	assert_int_equal(lw_percent_parse("-5%", &d), LW_EPARSE);
}

static void test_limits(void **state)
{
	(void)state;
	struct lw_limit l;
	cJSON *j = cJSON_Parse("{\"a\": 10, \"b\": {\"warn\": 100, \"fail\": 10},"
			       "\"c\": {\"warn\": 1, \"fail\": 10},"
			       "\"d\": {\"wran\": 1}, \"e\": \"x\","
			       "\"f\": {}, \"g\": {\"warn\": \"1KB\"},"
			       "\"h\": -3}");
	lw_cfgctx_free(&cc);
	lw_cfgctx_init(&cc, "t", NULL);
	assert_int_equal(lw_limit_get(&cc, j, "a", "x", LW_U_COUNT, LW_DIR_MIN,
				      &l), LW_OK);
	assert_true(l.has_fail && !l.has_warn && l.fail == 10);
	assert_int_equal(lw_limit_get(&cc, j, "b", "x", LW_U_COUNT, LW_DIR_MIN,
				      &l), LW_OK);
	assert_true(l.has_fail && l.has_warn && l.warn == 100);
	assert_int_equal(lw_limit_eval(&l, LW_DIR_MIN, 5), LW_FAIL);
	assert_int_equal(lw_limit_eval(&l, LW_DIR_MIN, 10), LW_WARN);
	assert_int_equal(lw_limit_eval(&l, LW_DIR_MIN, 100), LW_PASS);
	assert_int_equal(lw_limit_get(&cc, j, "zz", "x", LW_U_COUNT,
				      LW_DIR_MIN, &l), LW_OK);
	assert_false(lw_limit_set(&l));
	assert_int_equal(cc.nerrors, 0);
	/* warn after fail for a min limit */
	assert_int_equal(lw_limit_get(&cc, j, "c", "x", LW_U_COUNT, LW_DIR_MIN,
				      &l), LW_ECONFIG);
	assert_non_null(strstr(errors(), "x.c: warn 1 must be no lower"));
	assert_int_equal(lw_limit_get(&cc, j, "c", "x", LW_U_COUNT, LW_DIR_MAX,
				      &l), LW_OK);
	assert_int_equal(lw_limit_eval(&l, LW_DIR_MAX, 11), LW_FAIL);
	assert_int_equal(lw_limit_eval(&l, LW_DIR_MAX, 2), LW_WARN);
	assert_int_equal(lw_limit_eval(&l, LW_DIR_MAX, 1), LW_PASS);
	assert_int_equal(lw_limit_get(&cc, j, "d", "x", LW_U_COUNT, LW_DIR_MIN,
				      &l), LW_ECONFIG);
	assert_non_null(strstr(errors(), "wran"));
	assert_int_equal(lw_limit_get(&cc, j, "e", "x", LW_U_COUNT, LW_DIR_MIN,
				      &l), LW_ECONFIG);
	assert_non_null(strstr(errors(), "x.e: expected a number"));
	assert_int_equal(lw_limit_get(&cc, j, "f", "x", LW_U_COUNT, LW_DIR_MIN,
				      &l), LW_ECONFIG);
	assert_int_equal(lw_limit_get(&cc, j, "g", "x", LW_U_SIZE, LW_DIR_MIN,
				      &l), LW_OK);
	assert_true(l.has_warn && l.warn == 1024);
	assert_int_equal(lw_limit_get(&cc, j, "h", "x", LW_U_COUNT, LW_DIR_MIN,
				      &l), LW_ECONFIG);
	assert_non_null(strstr(errors(), "negative"));
	cJSON_Delete(j);

	char b[96];
	l = (struct lw_limit){.has_warn = true, .warn = 7200,
			      .has_fail = true, .fail = 21600};
	assert_string_equal(lw_limit_fmt(&l, LW_U_DURATION, b, sizeof b),
			    "warn 2h, fail 6h");
	assert_string_equal(lw_limit_why(&l, LW_DIR_MAX, LW_FAIL,
					 LW_U_DURATION, b, sizeof b),
			    "fail at 6h");
	assert_string_equal(lw_limit_why(&l, LW_DIR_MAX, LW_PASS,
					 LW_U_DURATION, b, sizeof b),
			    "warn at 2h");
	l = (struct lw_limit){.has_warn = true, .warn = 1000};
	assert_string_equal(lw_limit_why(&l, LW_DIR_MIN, LW_WARN, LW_U_COUNT,
					 b, sizeof b), "warn below 1,000");
}

/* Every kind: non-object config, unknown key, and an unobserved dataset. */
static void test_every_kind_rejects(void **state)
{
	(void)state;
	static const char *const ok[][2] = {
		{"freshness", "{\"warn\": \"1h\"}"},
		{"row_count", "{\"min\": 1}"},
		{"change", "{\"drop\": 10}"},
		{"schema", "{}"},
		{"files", "{\"count\": {\"min\": 1}}"},
		{"partitions", "{\"period\": \"day\"}"},
		{"refresh", "{}"},
		{"reconcile", "{\"with\": \"other.ds\"}"},
		{"last_load", "{\"min\": 1}"},
		{"operations", "{\"allowed\": [\"WRITE\"]}"},
		{"live_files", "{\"max\": 10}"},
		{"checkpoint_age", "{\"warn\": \"1d\"}"},
		{"runs", "{}"},
		{"job_state", "{}"},
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		const char *k = ok[i][0];
		parse_bad(k, "[]", "expected an object");
		parse_bad(k, "\"x\"", "expected an object");
		/* the valid config plus a typo'd key */
		char bad[256];
		snprintf(bad, sizeof bad, "%.*s, \"bogus_key\": 1}",
			 (int)strlen(ok[i][1]) - 1, ok[i][1]);
		if (strcmp(ok[i][1], "{}") == 0)
			snprintf(bad, sizeof bad, "{\"bogus_key\": 1}");
		parse_bad(k, bad, "unknown key \"bogus_key\"");

		struct lw_obs o;
		lw_obs_init(&o);
		lw_obs_fail(&o, "listing failed: 403");
		struct lw_result r;
		judge(k, ok[i][1], &o, NULL, NULL, &r);
		assert_int_equal(r.status, LW_ERROR);
		HAS(&r, "listing failed: 403");
		lw_result_free(&r);
		lw_obs_free(&o);
	}
}

/* --- freshness ----------------------------------------------------------- */

static void test_freshness(void **state)
{
	(void)state;
	const char *cfg = "{\"warn\": \"2h\", \"fail\": \"6h\"}";
	expect("freshness", cfg, "{\"files\": 1, \"newest_mtime\": 1795582800}",
	       NULL, LW_FAIL, "stale: newest file 7h old (fail at 6h)");
	expect("freshness", cfg, "{\"files\": 1, \"newest_mtime\": 1795597200}",
	       NULL, LW_WARN, "getting stale: newest file 3h old (warn at 2h)");
	expect("freshness", cfg, "{\"files\": 1, \"newest_mtime\": 1795605300}",
	       NULL, LW_PASS, "fresh: newest file 45m old");
	/* exactly at the threshold is not over it */
	expect("freshness", cfg, "{\"files\": 1, \"newest_mtime\": 1795586400}",
	       NULL, LW_WARN, "6h old");
	/* future mtime (clock skew) is fresh, not negative */
	expect("freshness", cfg, "{\"files\": 1, \"newest_mtime\": 1795700000}",
	       NULL, LW_PASS, "0s old");
	expect("freshness", cfg, "{\"files\": 0}", NULL, LW_FAIL, "no data");
	/* auto prefers the Delta commit over the mtime */
	expect("freshness", cfg, "{\"files\": 1, \"newest_mtime\": 1795607000,"
	       "\"detail\": {\"delta\": {\"last_commit\": 1795582800}}}",
	       NULL, LW_FAIL, "last Delta commit 7h ago");
	expect("freshness", "{\"fail\": \"6h\", \"from\": \"mtime\"}",
	       "{\"files\": 1, \"newest_mtime\": 1795607000,"
	       "\"detail\": {\"delta\": {\"last_commit\": 1795582800}}}",
	       NULL, LW_PASS, "newest file 16m old");
	/* partition time */
	expect("freshness", "{\"warn\": \"1d6h\", \"from\": \"partition\"}",
	       "{\"files\": 3, \"newest_mtime\": 1795607000, "
	       "\"newest_part_time\": 1795478400}",
	       NULL, LW_WARN, "newest partition 1d12h old");
	expect("freshness", "{\"warn\": \"1d\", \"from\": \"partition\"}",
	       "{\"files\": 3, \"newest_mtime\": 1795607000}", NULL, LW_ERROR,
	       "no partition times");
	expect("freshness", "{\"warn\": \"1d\", \"from\": \"data\"}",
	       "{\"files\": 3, \"newest_mtime\": 1795607000}", NULL, LW_ERROR,
	       "no data time");
	/* Power BI: thresholds from the refresh schedule */
	const char *pbi = "{\"detail\": {\"powerbi\": {\"refresh\": {"
		"\"status\": \"Completed\", \"last_success\": %d},"
		"\"schedule\": {\"enabled\": true, \"interval\": 86400}}}}";
	char o[512];
	snprintf(o, sizeof o, pbi, NOW - 3600);
	expect("freshness", "{}", o, NULL, LW_PASS, "fresh: last successful "
	       "refresh 1h ago");
	snprintf(o, sizeof o, pbi, NOW - 86400 - 7200);
	expect("freshness", "{}", o, NULL, LW_WARN, "1 scheduled refresh "
	       "missed");
	snprintf(o, sizeof o, pbi, NOW - 2 * 86400 - 7200);
	expect("freshness", "{}", o, NULL, LW_FAIL, "2 or more scheduled "
	       "refreshes missed");
	expect("freshness", "{}", "{\"files\": 1, \"newest_mtime\": 1795607000}",
	       NULL, LW_ERROR, "no thresholds");

	parse_bad("freshness", "{\"warn\": \"2x\"}", "freshness.warn: bad "
		  "duration '2x'");
	parse_bad("freshness", "{\"warn\": true}", "freshness.warn: expected a "
		  "duration");
	parse_bad("freshness", "{\"warn\": \"6h\", \"fail\": \"2h\"}",
		  "warn 6h must be no higher than fail 2h");
	parse_bad("freshness", "{\"from\": \"ctime\"}", "freshness.from");
	parse_bad("freshness", "{\"from\": 3}", "freshness.from");
	parse_bad("freshness", "{\"wran\": \"1h\"}", "unknown key \"wran\" in "
		  "freshness");
}

/* --- row_count ----------------------------------------------------------- */

static void test_row_count(void **state)
{
	(void)state;
	const char *cfg = "{\"min\": {\"warn\": 1000, \"fail\": 10}, "
			  "\"max\": {\"warn\": 1e7}}";
	expect("row_count", cfg, "{\"rows\": 12034}", NULL, LW_PASS,
	       "12,034 rows, within limits");
	expect("row_count", cfg, "{\"rows\": 500}", NULL, LW_WARN,
	       "too few rows: 500 rows (warn below 1,000)");
	expect("row_count", cfg, "{\"rows\": 7}", NULL, LW_FAIL,
	       "too few rows: 7 rows (fail below 10)");
	expect("row_count", cfg, "{\"rows\": 20000000}", NULL, LW_WARN,
	       "too many rows: 20,000,000 rows (warn above 10,000,000)");
	expect("row_count", "{\"min\": 1}", "{\"rows\": 0, \"files\": 1}",
	       NULL, LW_FAIL, "fail below 1");
	expect("row_count", cfg, "{\"rows\": -1, \"files\": 2}", NULL,
	       LW_ERROR, "row count unknown");
	expect("row_count", cfg, "{\"rows\": -1, \"files\": 2, \"file_errors\":"
	       " [{\"path\": \"a.csv\", \"message\": \"line 3: bad quote\"}]}",
	       NULL, LW_ERROR, "1 file could not be read (a.csv: line 3: bad "
	       "quote)");

	struct lw_dataset ds = {.name = "bronze.pos", .count_rows = false};
	struct lw_obs o;
	struct lw_result r;
	obs_from(&o, "{\"rows\": -1, \"files\": 2}");
	judge("row_count", cfg, &o, NULL, &ds, &r);
	assert_int_equal(r.status, LW_ERROR);
	HAS(&r, "\"count_rows\" is false for bronze.pos");
	assert_false(r.has_value);
	lw_result_free(&r);
	o.rows = 12034;
	judge("row_count", cfg, &o, NULL, &ds, &r);
	assert_true(r.has_value);
	assert_true(r.value == 12034);
	assert_string_equal(r.measured, "12,034 rows");
	assert_string_equal(r.threshold, "min warn 1,000, fail 10; "
			    "max warn 10,000,000");
	lw_result_free(&r);
	lw_obs_free(&o);

	parse_bad("row_count", "{}", "give \"min\", \"max\"");
	parse_bad("row_count", "{\"min\": \"10\"}", "row_count.min: expected "
		  "a number");
	parse_bad("row_count", "{\"min\": {\"warn\": 10, \"fail\": 100}}",
		  "warn 10 must be no lower than fail 100");
	parse_bad("row_count", "{\"max\": {\"fial\": 10}}", "unknown key "
		  "\"fial\" in row_count.max");
	parse_bad("row_count", "{\"max\": 1e300}", "row_count.max: too large");
}

/* --- change -------------------------------------------------------------- */

static void test_change(void **state)
{
	(void)state;
	const char *cfg = "{\"drop\": {\"warn\": 20, \"fail\": 50}, "
			  "\"growth\": {\"warn\": 200, \"fail\": 500}}";
	expect("change", cfg, "{\"rows\": 7940}", NULL, LW_PASS,
	       "no previous observation; baseline recorded");
	expect("change", cfg, "{\"rows\": 7940}", "{\"rows\": 12034}", LW_WARN,
	       "row count dropped 34% since last poll (12,034 \xe2\x86\x92 "
	       "7,940; warn at 20%)");
	expect("change", cfg, "{\"rows\": 100}", "{\"rows\": 1000}", LW_FAIL,
	       "dropped 90%");
	expect("change", cfg, "{\"rows\": 3500}", "{\"rows\": 1000}", LW_WARN,
	       "row count grew 250% since last poll (1,000 \xe2\x86\x92 3,500;"
	       " warn at 200%)");
	expect("change", cfg, "{\"rows\": 7000}", "{\"rows\": 1000}", LW_FAIL,
	       "fail at 500%");
	expect("change", cfg, "{\"rows\": 1100}", "{\"rows\": 1000}", LW_PASS,
	       "grew 10%");
	expect("change", cfg, "{\"rows\": 1000}", "{\"rows\": 1000}", LW_PASS,
	       "unchanged");
	expect("change", cfg, "{\"rows\": 10}", "{\"rows\": 0}", LW_PASS,
	       "was empty at the last poll, now 10 rows");
	expect("change", cfg, "{\"rows\": 0}", "{\"rows\": 0}", LW_PASS,
	       "still 0 rows");
	expect("change", cfg, "{\"rows\": -1}", "{\"rows\": 10}", LW_ERROR,
	       "row count unknown");
	expect("change", cfg, "{\"rows\": 5}", "{\"rows\": -1}", LW_PASS,
	       "previous row count unknown; baseline recorded");
	/* only growth configured: a drop passes and says so */
	expect("change", "{\"growth\": \"50%\"}", "{\"rows\": 1}",
	       "{\"rows\": 1000}", LW_PASS, "no drop limit");

	struct lw_obs o, p;
	struct lw_result r;
	obs_from(&o, "{\"rows\": 7940}");
	obs_from(&p, "{\"rows\": 12034}");
	judge("change", cfg, &o, &p, NULL, &r);
	assert_string_equal(r.measured, "-34%");
	assert_true(r.has_value);
	assert_true(fabs(r.value + 34.02) < 0.01);
	lw_result_free(&r);
	lw_obs_free(&o);
	lw_obs_free(&p);

	parse_bad("change", "{}", "give \"drop\", \"growth\"");
	parse_bad("change", "{\"drop\": \"lots\"}", "change.drop: bad "
		  "percentage 'lots'");
	parse_bad("change", "{\"drop\": {\"warn\": 50, \"fail\": 20}}",
		  "must be no higher");
}

/* --- schema -------------------------------------------------------------- */

#define SCHEMA_OBS "{\"files\": 1, \"schema\": [" \
	"{\"name\": \"order_id\", \"type\": \"int64\"}," \
	"{\"name\": \"amount\", \"type\": \"decimal(10,2)\"}," \
	"{\"name\": \"note\", \"type\": \"string\"}]}"

static void test_schema(void **state)
{
	(void)state;
	const char *req = "{\"required\": {\"order_id\": \"bigint\", "
		"\"amount\": \"decimal(10,2)\", \"note\": \"any\"}}";
	expect("schema", req, SCHEMA_OBS, NULL, LW_PASS, "schema ok: 3 "
	       "columns, 3 required present (no previous schema");
	expect("schema", req, SCHEMA_OBS, SCHEMA_OBS, LW_PASS, "no drift");
	expect("schema", "{\"required\": {\"customer\": \"string\"}}",
	       SCHEMA_OBS, NULL, LW_FAIL, "missing required column customer");
	expect("schema", "{\"required\": {\"amount\": \"double\"}}",
	       SCHEMA_OBS, NULL, LW_FAIL,
	       "wrong type: amount is decimal(10,2), expected double");
	expect("schema", "{\"required\": {\"amount\": \"decimal(12,2)\"}}",
	       SCHEMA_OBS, NULL, LW_FAIL, "expected decimal(12,2)");
	expect("schema", "{\"required\": {\"amount\": \"decimal\"}}",
	       SCHEMA_OBS, NULL, LW_PASS, "schema ok");
	expect("schema", "{\"forbidden\": [\"ssn\", \"note\"]}", SCHEMA_OBS,
	       NULL, LW_FAIL, "forbidden column present: note");
	expect("schema", "{\"required\": {\"order_id\": \"any\"}, "
	       "\"allow_extra\": false}", SCHEMA_OBS, NULL, LW_FAIL,
	       "unexpected columns: amount, note");
	/* drift: added, removed, retyped */
	const char *prev = "{\"files\": 1, \"schema\": ["
		"{\"name\": \"order_id\", \"type\": \"int32\"},"
		"{\"name\": \"amount\", \"type\": \"decimal(10,2)\"},"
		"{\"name\": \"store\", \"type\": \"string\"}]}";
	expect("schema", "{}", SCHEMA_OBS, prev, LW_WARN,
	       "schema drift since last poll: added note; removed store; "
	       "retyped order_id (int32 \xe2\x86\x92 int64)");
	expect("schema", "{\"drift\": \"fail\"}", SCHEMA_OBS, prev, LW_FAIL,
	       "added note");
	expect("schema", "{\"drift\": \"ignore\"}", SCHEMA_OBS, prev, LW_PASS,
	       "schema ok");
	/* drift warn does not hide a failure */
	expect("schema", "{\"forbidden\": [\"note\"]}", SCHEMA_OBS, prev,
	       LW_FAIL, "forbidden column present: note; schema drift");
	expect("schema", "{}", "{\"files\": 0}", NULL, LW_ERROR,
	       "no schema observed: no files");
	expect("schema", "{}", "{\"files\": 2}", NULL, LW_ERROR,
	       "no schema observed");

	parse_bad("schema", "{\"required\": {\"a\": \"decmal(1,0)\"}}",
		  "schema.required.a: unknown type 'decmal(1,0)'");
	parse_bad("schema", "{\"required\": {\"a\": 5}}",
		  "schema.required.a: expected a type string");
	parse_bad("schema", "{\"required\": [\"a\"]}", "schema.required: "
		  "expected an object");
	parse_bad("schema", "{\"forbidden\": \"ssn\"}", "schema.forbidden: "
		  "expected an array");
	parse_bad("schema", "{\"forbidden\": [1]}", "schema.forbidden");
	parse_bad("schema", "{\"required\": {\"a\": \"any\"}, "
		  "\"forbidden\": [\"a\"]}", "both required and forbidden");
	parse_bad("schema", "{\"drift\": \"loud\"}", "schema.drift: expected "
		  "\"warn\", \"fail\" or \"ignore\"");
	parse_bad("schema", "{\"allow_extra\": \"yes\"}", "allow_extra");
}

/* --- files --------------------------------------------------------------- */

static void test_files(void **state)
{
	(void)state;
	struct lw_obs o;
	struct lw_result r;
	obs_from(&o, "{\"files\": 6, \"bytes\": 6000, \"empty_files\": 2, "
		 "\"min_file_size\": 0, \"max_file_size\": 3000}");
	add_entry(&o, "gold/t/part-00000.parquet", 1000);
	add_entry(&o, "gold/t/part-00001.parquet", 2000);
	add_entry(&o, "gold/t/_tmp.parquet", 0);
	add_entry(&o, "gold/t/x.crc", 0);
	add_entry(&o, "gold/t/notes.txt", 3000);
	add_entry(&o, "gold/t/part-1.parquet", 500);

	judge("files", "{\"name\": \"^part-\\\\d{5}\"}", &o, NULL, NULL, &r);
	assert_int_equal(r.status, LW_FAIL);
	HAS(&r, "4 of 6 files do not match name pattern ^part-\\d{5}: "
	    "gold/t/_tmp.parquet, gold/t/x.crc, gold/t/notes.txt and 1 more");
	lw_result_free(&r);
	judge("files", "{\"name\": {\"pattern\": \"^(part|_tmp|x|notes)\", "
	      "\"status\": \"warn\"}}", &o, NULL, NULL, &r);
	assert_int_equal(r.status, LW_PASS);
	lw_result_free(&r);

	judge("files", "{\"empty\": \"warn\"}", &o, NULL, NULL, &r);
	assert_int_equal(r.status, LW_WARN);
	HAS(&r, "2 empty files: gold/t/_tmp.parquet, gold/t/x.crc");
	lw_result_free(&r);
	judge("files", "{\"empty\": \"ignore\", \"count\": {\"max\": 10}}", &o,
	      NULL, NULL, &r);
	assert_int_equal(r.status, LW_PASS);
	assert_string_equal(r.measured, "6 files");
	lw_result_free(&r);

	/* size.min ignores the empty files (that is "empty"'s business) */
	judge("files", "{\"size\": {\"min\": {\"warn\": \"1KB\", "
	      "\"fail\": 100}, \"max\": {\"fail\": \"2KB\"}}}", &o, NULL,
	      NULL, &r);
	assert_int_equal(r.status, LW_FAIL);
	HAS(&r, "smallest file 500B (warn below 1.0KiB), 2 files: "
	    "gold/t/part-00000.parquet, gold/t/part-1.parquet");
	HAS(&r, "largest file 2.9KiB (fail above 2.0KiB), 1 file: "
	    "gold/t/notes.txt");
	lw_result_free(&r);

	judge("files", "{\"count\": {\"min\": {\"fail\": 10}}}", &o, NULL,
	      NULL, &r);
	assert_int_equal(r.status, LW_FAIL);
	HAS(&r, "too few files: 6 (fail below 10)");
	lw_result_free(&r);
	judge("files", "{\"count\": {\"max\": {\"warn\": 5}}}", &o, NULL,
	      NULL, &r);
	assert_int_equal(r.status, LW_WARN);
	HAS(&r, "too many files: 6 (warn above 5)");
	lw_result_free(&r);

	/* no listing (an observation from history): names can't be judged */
	for (size_t i = 0; i < o.nentries; i++)
		free(o.entries[i].path);
	o.nentries = 0;
	judge("files", "{\"name\": \"^part\"}", &o, NULL, NULL, &r);
	assert_int_equal(r.status, LW_ERROR);
	HAS(&r, "no file listing");
	lw_result_free(&r);
	lw_obs_free(&o);

	expect("files", "{\"count\": {\"min\": 1}}", "{\"files\": 0}", NULL,
	       LW_FAIL, "too few files: 0 (fail below 1)");
	expect("files", "{\"size\": {\"max\": \"1GB\"}}", "{\"files\": 0}",
	       NULL, LW_PASS, "no files");

	parse_bad("files", "{}", "give at least one");
	parse_bad("files", "{\"name\": \"(\"}", "files.name: bad pattern");
	parse_bad("files", "{\"name\": {\"status\": \"warn\"}}",
		  "\"pattern\" is required");
	parse_bad("files", "{\"name\": {\"pattern\": \"a\", \"status\": "
		  "\"ignore\"}}", "files.name.status");
	parse_bad("files", "{\"size\": {\"min\": \"12 parsecs\"}}",
		  "files.size.min: bad size '12 parsecs'");
	parse_bad("files", "{\"size\": {\"avg\": 1}}", "unknown key \"avg\"");
	parse_bad("files", "{\"size\": {\"max\": \"99999999GB\"}}",
		  "files.size.max: bad size");
	parse_bad("files", "{\"count\": 5}", "files.count: expected an object");
	parse_bad("files", "{\"empty\": true}", "files.empty");
}

/* --- partitions ---------------------------------------------------------- */

/* Day partitions for the given days before NOW's day (1 = yesterday). */
static void day_parts(struct lw_obs *o, const int *ago, size_t n)
{
	lw_obs_init(o);
	o->files = (int64_t)n;
	int64_t today = (int64_t)NOW / 86400 * 86400;
	for (size_t i = 0; i < n; i++) {
		lw_xgrow((void **)&o->parts, &o->capparts, o->nparts,
			 sizeof *o->parts);
		struct lw_partition *p = &o->parts[o->nparts++];
		p->time = today - ago[i] * 86400;
		p->key = lw_xasprintf("date=%lld", (long long)p->time);
		p->files = 1;
		p->rows = -1;
	}
}

static void test_partitions(void **state)
{
	(void)state;
	struct lw_obs o;
	struct lw_result r;
	const char *cfg = "{\"period\": \"day\", \"last\": 7, \"warn\": 1, "
			  "\"fail\": 2}";
	/* the last 7 days are today (0, open: present or pending, never
	 * missing) and days 1-6 before it; 3 and 5 are missing, 7 and 9 are
	 * outside the window */
	int a[] = {0, 1, 2, 4, 6, 7, 9};
	day_parts(&o, a, 7);
	judge("partitions", cfg, &o, NULL, NULL, &r);
	assert_int_equal(r.status, LW_FAIL);
	HAS(&r, "missing 2 of last 7 days: 2026-11-20, 2026-11-22 (fail at 2)");
	assert_string_equal(r.measured, "2 missing");
	assert_true(r.value == 2);
	lw_result_free(&r);
	lw_obs_free(&o);

	int b[] = {1, 2, 3, 4, 5, 6};	/* today pending, 7 missing */
	day_parts(&o, b, 6);
	judge("partitions", cfg, &o, NULL, NULL, &r);
	assert_int_equal(r.status, LW_PASS);
	HAS(&r, "all of the last 7 days present but today (still open)");
	lw_result_free(&r);
	judge("partitions", "{\"period\": \"day\", \"last\": 8, "
	      "\"warn\": 1}", &o, NULL, NULL, &r);
	assert_int_equal(r.status, LW_WARN);
	HAS(&r, "missing 1 of last 8 days: 2026-11-18 (warn at 1)");
	lw_result_free(&r);
	/* hours: only yesterday's midnight partitions: most hours missing */
	judge("partitions", "{\"period\": \"hour\", \"last\": 3}", &o, NULL,
	      NULL, &r);
	assert_int_equal(r.status, LW_FAIL);
	HAS(&r, "missing 2 of last 3 hours: 2026-11-25 10:00, "
	    "2026-11-25 11:00");
	lw_result_free(&r);
	/* partitions with no times: the setting is wrong */
	for (size_t i = 0; i < o.nparts; i++)
		o.parts[i].time = -1;
	judge("partitions", cfg, &o, NULL, NULL, &r);
	assert_int_equal(r.status, LW_ERROR);
	HAS(&r, "no partition times");
	lw_result_free(&r);
	lw_obs_free(&o);
	/* nothing at all: every ended period missing (today is pending) */
	expect("partitions", "{\"period\": \"day\", \"last\": 10}",
	       "{\"files\": 0}", NULL, LW_FAIL, "missing 9 of last 10 days: "
	       "2026-11-16, 2026-11-17, 2026-11-18, 2026-11-19, 2026-11-20 "
	       "and 4 more");

	parse_bad("partitions", "{}", "\"period\" is required");
	parse_bad("partitions", "{\"period\": \"week\"}", "partitions.period");
	parse_bad("partitions", "{\"period\": \"day\", \"last\": 0}",
		  "partitions.last");
	parse_bad("partitions", "{\"period\": \"day\", \"last\": 1}",
		  "from 2 to 10000 (the current period counts");
	parse_bad("partitions", "{\"period\": \"day\", \"last\": 2.5}",
		  "partitions.last");
	parse_bad("partitions", "{\"period\": \"day\", \"warn\": 0}",
		  "partitions.warn");
	parse_bad("partitions", "{\"period\": \"day\", \"warn\": 3, "
		  "\"fail\": 2}", "must be no higher");
}

/* --- refresh ------------------------------------------------------------- */

static void test_refresh(void **state)
{
	(void)state;
	const char *cfg = "{\"in_progress\": {\"warn\": \"2h\", "
			  "\"fail\": \"4h\"}}";
	char o[512];
	snprintf(o, sizeof o, "{\"detail\": {\"powerbi\": {\"refresh\": {"
		 "\"status\": \"Completed\", \"type\": \"Scheduled\", "
		 "\"ended\": %d}}}}", NOW - 3 * 3600);
	expect("refresh", cfg, o, NULL, LW_PASS, "last scheduled refresh "
	       "completed 3h ago");
	snprintf(o, sizeof o, "{\"detail\": {\"powerbi\": {\"refresh\": {"
		 "\"status\": \"Failed\", \"error_code\": "
		 "\"ModelRefresh_ShortMessage_ProcessingError\", \"started\": "
		 "%d, \"last_success\": %d}}}}", NOW - 3600, NOW - 86400);
	expect("refresh", cfg, o, NULL, LW_FAIL, "last refresh failed: "
	       "ModelRefresh_ShortMessage_ProcessingError, started "
	       "2026-11-25T11:00:00Z; last success 1d ago");
	snprintf(o, sizeof o, "{\"detail\": {\"powerbi\": {\"refresh\": {"
		 "\"status\": \"Unknown\", \"started\": %d}}}}", NOW - 1800);
	expect("refresh", cfg, o, NULL, LW_PASS, "refresh in progress for 30m");
	snprintf(o, sizeof o, "{\"detail\": {\"powerbi\": {\"refresh\": {"
		 "\"status\": \"Unknown\", \"started\": %d}}}}", NOW - 3 * 3600);
	expect("refresh", cfg, o, NULL, LW_WARN, "in progress for 3h (warn at "
	       "2h)");
	snprintf(o, sizeof o, "{\"detail\": {\"powerbi\": {\"refresh\": {"
		 "\"status\": \"Unknown\", \"started\": %d}}}}", NOW - 5 * 3600);
	expect("refresh", cfg, o, NULL, LW_FAIL, "fail at 4h");
	const char *dis = "{\"detail\": {\"powerbi\": {\"refresh\": {"
		"\"status\": \"Disabled\"}}}}";
	expect("refresh", cfg, dis, NULL, LW_WARN, "refresh is disabled");
	expect("refresh", "{\"disabled\": \"fail\"}", dis, NULL, LW_FAIL,
	       "disabled");
	expect("refresh", "{\"disabled\": \"ignore\"}", dis, NULL, LW_PASS,
	       "disabled");
	expect("refresh", cfg, "{\"files\": 3}", NULL, LW_ERROR,
	       "no refresh information");
	expect("refresh", cfg, "{\"detail\": {\"powerbi\": {\"refresh\": {"
	       "\"status\": \"Exploded\"}}}}", NULL, LW_ERROR,
	       "unknown refresh status \"Exploded\"");

	parse_bad("refresh", "{\"in_progress\": \"forever\"}",
		  "refresh.in_progress: bad duration 'forever'");
	parse_bad("refresh", "{\"disabled\": \"maybe\"}", "refresh.disabled");
}

/* --- reconcile ----------------------------------------------------------- */

static void test_reconcile(void **state)
{
	(void)state;
	struct lw_dataset ds = {.name = "gold.sales"};
	struct lw_obs me, other;
	struct lw_result r;
	obs_from(&me, "{\"rows\": 12034}");
	obs_from(&other, "{\"rows\": 12000}");
	lookup_obs = &other;
	judge("reconcile", "{\"with\": \"other.ds\", \"warn\": \"0.1%\", "
	      "\"fail\": \"2%\"}", &me, NULL, &ds, &r);
	assert_int_equal(r.status, LW_WARN);
	HAS(&r, "gold.sales has 12,034 rows, other.ds has 12,000: off by 34 "
	    "rows (0.28%; warn at 0.1%)");
	assert_true(r.value == 34);
	lw_result_free(&r);
	judge("reconcile", "{\"with\": \"other.ds\", \"warn\": 10, "
	      "\"fail\": 30}", &me, NULL, &ds, &r);
	assert_int_equal(r.status, LW_FAIL);
	HAS(&r, "fail at 30 rows");
	lw_result_free(&r);
	judge("reconcile", "{\"with\": \"other.ds\", \"warn\": \"1%\"}", &me,
	      NULL, &ds, &r);
	assert_int_equal(r.status, LW_PASS);
	HAS(&r, "within tolerance");
	lw_result_free(&r);
	other.rows = 12034;
	judge("reconcile", "{\"with\": \"other.ds\"}", &me, NULL, &ds, &r);
	assert_int_equal(r.status, LW_PASS);
	HAS(&r, "gold.sales and other.ds both have 12,034 rows");
	lw_result_free(&r);
	other.rows = 12035;	/* default: exact */
	judge("reconcile", "{\"with\": \"other.ds\"}", &me, NULL, &ds, &r);
	assert_int_equal(r.status, LW_FAIL);
	lw_result_free(&r);
	other.rows = -1;
	judge("reconcile", "{\"with\": \"other.ds\"}", &me, NULL, &ds, &r);
	assert_int_equal(r.status, LW_ERROR);
	HAS(&r, "row count of other.ds unknown");
	lw_result_free(&r);
	other.rows = 0;
	judge("reconcile", "{\"with\": \"other.ds\", \"fail\": \"50%\"}", &me,
	      NULL, &ds, &r);
	assert_int_equal(r.status, LW_FAIL);
	lw_result_free(&r);
	lw_obs_fail(&other, "HTTP 401");
	judge("reconcile", "{\"with\": \"other.ds\"}", &me, NULL, &ds, &r);
	assert_int_equal(r.status, LW_ERROR);
	HAS(&r, "other.ds could not be observed: HTTP 401");
	lw_result_free(&r);
	judge("reconcile", "{\"with\": \"nowhere\"}", &me, NULL, &ds, &r);
	assert_int_equal(r.status, LW_ERROR);
	HAS(&r, "nowhere was not observed in this run");
	lw_result_free(&r);
	lw_obs_free(&other);
	lw_obs_free(&me);

	void *c = parse("reconcile", "{\"with\": \"powerbi.sales\"}");
	assert_non_null(c);
	const char *const *refs = lw_check_kind_find("reconcile")->refs(c);
	assert_string_equal(refs[0], "powerbi.sales");
	assert_null(refs[1]);
	lw_check_kind_find("reconcile")->free(c);

	parse_bad("reconcile", "{}", "missing required key \"with\"");
	parse_bad("reconcile", "{\"with\": 3}", "\"with\" must be a string");
	parse_bad("reconcile", "{\"with\": \"\"}", "name a dataset");
	parse_bad("reconcile", "{\"with\": \"a\", \"warn\": \"lots\"}",
		  "reconcile.warn");
	parse_bad("reconcile", "{\"with\": \"a\", \"warn\": 5, \"fail\": 1}",
		  "warn must not be more than fail");
}

/* --- Delta rules --------------------------------------------------------- */

static void test_delta_rules(void **state)
{
	(void)state;
	char o[512];
	snprintf(o, sizeof o, "{\"detail\": {\"delta\": {\"version\": 12, "
		 "\"last_operation\": \"DELETE\", \"last_load_rows\": 7, "
		 "\"live_files\": 12500, \"checkpoint_version\": 10, "
		 "\"checkpoint_time\": %d}}}", NOW - 4 * 86400);
	expect("last_load", "{\"min\": {\"warn\": 100, \"fail\": 10}}", o, NULL,
	       LW_FAIL, "last load (DELETE, version 12) wrote 7 rows: too few "
	       "(fail below 10)");
	expect("last_load", "{\"min\": 5}", o, NULL, LW_PASS, "within limits");
	expect("operations", "{\"allowed\": [\"WRITE\", \"MERGE\"]}", o, NULL,
	       LW_FAIL, "last operation DELETE (version 12) not allowed on "
	       "dataset (allowed: WRITE, MERGE)");
	expect("operations", "{\"allowed\": [\"WRITE\"], \"status\": "
	       "\"warn\"}", o, NULL, LW_WARN, "not allowed");
	expect("operations", "{\"allowed\": [\"write\", \"delete\"]}", o, NULL,
	       LW_PASS, "last operation DELETE (version 12) is allowed");
	expect("live_files", "{\"max\": {\"warn\": 10000, \"fail\": 50000}}",
	       o, NULL, LW_WARN, "too many live files: 12,500 files (warn above"
	       " 10,000); compact the table with OPTIMIZE");
	expect("live_files", "{\"max\": 20000}", o, NULL, LW_PASS,
	       "within limits");
	expect("checkpoint_age", "{\"warn\": \"1d\", \"fail\": \"3d\"}", o,
	       NULL, LW_FAIL, "old checkpoint: last checkpoint (version 10 of "
	       "12) 4d old (fail at 3d)");
	expect("checkpoint_age", "{\"warn\": \"5d\"}", o, NULL, LW_PASS,
	       "last checkpoint (version 10 of 12) 4d old (warn at 5d)");
	expect("checkpoint_age", "{\"warn\": \"1d\"}", "{\"detail\": {\"delta\":"
	       " {\"version\": 3}}}", NULL, LW_WARN, "no checkpoint yet (table "
	       "at version 3)");
	expect("last_load", "{\"min\": 1}", "{\"detail\": {\"delta\": "
	       "{\"version\": 3, \"last_operation\": \"OPTIMIZE\"}}}", NULL,
	       LW_ERROR, "rows written by the last load unknown");
	expect("operations", "{\"allowed\": [\"WRITE\"]}", "{\"detail\": "
	       "{\"delta\": {\"version\": 3}}}", NULL, LW_ERROR,
	       "last operation unknown");
	static const char *const k[][2] = {
		{"last_load", "{\"min\": 1}"},
		{"operations", "{\"allowed\": [\"WRITE\"]}"},
		{"live_files", "{\"max\": 1}"},
		{"checkpoint_age", "{\"fail\": \"1d\"}"},
	};
	for (size_t i = 0; i < 4; i++)
		expect(k[i][0], k[i][1], "{\"files\": 3, \"detail\": "
		       "{\"parquet\": {\"row_groups\": 3}}}", NULL, LW_ERROR,
		       "not a Delta table");

	parse_bad("operations", "{}", "\"allowed\" is required");
	parse_bad("operations", "{\"allowed\": []}", "non-empty array");
	parse_bad("operations", "{\"allowed\": [1]}", "operation names");
	parse_bad("operations", "{\"allowed\": [\"W\"], \"status\": "
		  "\"ignore\"}", "operations.status");
	parse_bad("last_load", "{}", "give \"min\"");
	parse_bad("last_load", "{\"min\": {\"warn\": \"x\"}}",
		  "last_load.min.warn: expected a number");
	parse_bad("live_files", "{\"max\": -5}", "must not be negative");
	parse_bad("checkpoint_age", "{}", "give \"warn\"");
	parse_bad("checkpoint_age", "{\"warn\": \"1 day\"}",
		  "checkpoint_age.warn: bad duration");
}

static int teardown(void **state)
{
	(void)state;
	lw_cfgctx_free(&cc);
	return 0;
}

int main(void)
{
	lw_cfgctx_init(&cc, "test.json", NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_every_kind_rejects),
		cmocka_unit_test(test_freshness),
		cmocka_unit_test(test_row_count),
		cmocka_unit_test(test_change),
		cmocka_unit_test(test_schema),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_partitions),
		cmocka_unit_test(test_refresh),
		cmocka_unit_test(test_reconcile),
		cmocka_unit_test(test_delta_rules),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
