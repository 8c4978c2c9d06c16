/* test_config_cases.c - the config cases in tests/config/: each NAME.jsonc
 * must load (NAME.expected = "ok") or fail with exactly the error lines in
 * NAME.expected. */
#include "unit.h"
#include <dirent.h>
#include <stdio.h>
#include <unistd.h>
#include "lakewatch/engine.h"
#include "lakewatch/lake.h"
#include "lakewatch/format.h"
#include "lakewatch/check.h"
#include "lakewatch/util.h"

static void run_case(const char *name)
{
	char exp_path[512];
	snprintf(exp_path, sizeof exp_path, "%.*s.expected",
		 (int)(strlen(name) - 6), name);
	char *expected = NULL;
	struct lw_err err;
	if (lw_read_file(exp_path, 1 << 20, &expected, NULL, &err))
		fail_msg("%s: %s", name, err.msg);
	struct lw_buf errors;
	lw_buf_init(&errors, 1 << 20);
	struct lw_config *cfg = NULL;
	int rc = lw_config_load(name, &cfg, &errors);
	if (strcmp(expected, "ok\n") == 0) {
		if (rc)
			fail_msg("%s should load, got:\n%s", name, errors.data);
		assert_non_null(cfg);
	} else {
		assert_int_equal(rc, LW_ECONFIG);
		assert_null(cfg);
		if (strcmp(errors.data ? errors.data : "", expected) != 0)
			fail_msg("%s: errors differ.\n--- expected\n%s--- got\n%s",
				 name, expected, errors.data ? errors.data : "");
	}
	lw_config_free(cfg);
	lw_buf_free(&errors);
	free(expected);
}

static void config_cases(void **st)
{
	(void)st;
	assert_int_equal(chdir("tests/config"), 0);
	DIR *d = opendir(".");
	assert_non_null(d);
	struct dirent *de;
	int n = 0;
	while ((de = readdir(d)) != NULL)
		if (lw_str_ends(de->d_name, ".jsonc")) {
			run_case(de->d_name);
			n++;
		}
	closedir(d);
	assert_true(n >= 5);
	assert_int_equal(chdir("../.."), 0);
}

/* The file's directory anchors relative paths, and defaults merge. */
static void resolves_and_merges(void **st)
{
	(void)st;
	const char *text =
		"{\"lakes\": {\"l\": {\"kind\": \"fs\", \"root\": \"lake\"}},"
		" \"sources\": {\"s\": \"S\"},"
		" \"defaults\": {\"layers\": {\"gold\": {\"checks\": "
		"   {\"row_count\": {\"min\": 5}, \"freshness\": {\"warn\": \"1h\"}}}},"
		"   \"sources\": {\"s\": {\"checks\": {\"freshness\": null}}}},"
		" \"datasets\": {\"g\": {\"source\": \"s\", \"layer\": \"gold\","
		"   \"lake\": \"l\", \"path\": \"/g/\", \"format\": \"csv\"}}}";
	struct lw_buf errors;
	lw_buf_init(&errors, 1 << 16);
	struct lw_config *cfg;
	int rc = lw_config_parse(text, strlen(text), "/srv/conf/x.json", &cfg,
				 &errors);
	if (rc)
		fail_msg("%s", errors.data);
	assert_string_equal(cfg->datasets[0].path, "g");
	assert_int_equal(cfg->datasets[0].nchecks, 1);
	assert_string_equal(cfg->datasets[0].checks[0].name, "row_count");
	assert_string_equal(cfg->history_path, "/srv/conf/lakewatch-history.db");
	assert_string_equal(lw_lake_base(cfg->lakes[0].lake)->display,
			    "fs:/srv/conf/lake");
	lw_config_free(cfg);
	lw_buf_free(&errors);
}

/* "holidays": a dataset's own calendar, else its source's, else the top
 * level's; an empty list opts out; dates sorted, each once, local. */
static void holidays_inherit(void **st)
{
	(void)st;
	const char *text =
		"{\"lakes\": {\"l\": {\"kind\": \"fs\", \"root\": \"lake\"}},"
		" \"holidays\": [\"2026-12-26\", \"2026-12-25\", \"2026-12-26\"],"
		" \"sources\": {\"s\": {\"title\": \"S\", \"holidays\": "
		"   [\"2027-01-01\"]}, \"t\": \"T\"},"
		" \"datasets\": {"
		"  \"a\": {\"source\": \"s\", \"layer\": \"gold\", \"lake\": \"l\","
		"   \"path\": \"a\", \"format\": \"csv\", \"holidays\": []},"
		"  \"b\": {\"source\": \"s\", \"layer\": \"gold\", \"lake\": \"l\","
		"   \"path\": \"b\", \"format\": \"csv\"},"
		"  \"c\": {\"source\": \"t\", \"layer\": \"gold\", \"lake\": \"l\","
		"   \"path\": \"c\", \"format\": \"csv\"}}}";
	struct lw_buf errors;
	lw_buf_init(&errors, 1 << 16);
	struct lw_config *cfg;
	int rc = lw_config_parse(text, strlen(text), "x.json", &cfg, &errors);
	if (rc)
		fail_msg("%s", errors.data);
	const int64_t xmas = 1798156800;	/* 2026-12-25T00:00:00Z */
	char d[24];
	assert_string_equal(lw_holiday_fmt(xmas + 3600, d, sizeof d),
			    "2026-12-25");
	/* a: its own empty calendar */
	assert_non_null(cfg->datasets[0].holidays);
	assert_int_equal(cfg->datasets[0].holidays->n, 0);
	assert_false(lw_holiday_on(cfg->datasets[0].holidays, xmas));
	/* b: its source's */
	assert_false(lw_holiday_on(cfg->datasets[1].holidays, xmas));
	assert_true(lw_holiday_on(cfg->datasets[1].holidays,
				  xmas + 7 * 86400 + 86399));
	/* c: the top level's, two dates */
	assert_int_equal(cfg->datasets[2].holidays->n, 2);
	assert_true(lw_holiday_on(cfg->datasets[2].holidays, xmas));
	assert_true(lw_holiday_on(cfg->datasets[2].holidays, xmas + 86400));
	assert_false(lw_holiday_on(cfg->datasets[2].holidays, xmas - 1));
	assert_false(lw_holiday_on(NULL, xmas));
	lw_config_free(cfg);
	lw_buf_free(&errors);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(config_cases),
		cmocka_unit_test(resolves_and_merges),
		cmocka_unit_test(holidays_inherit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
