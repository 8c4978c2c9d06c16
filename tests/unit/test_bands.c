/* test_bands.c - the anomaly rule's expected range kept per observation
 * (history/bands.c, table anomaly_bands): written with the run's results,
 * read back per point with the detail's series, pruned with its run by
 * retention, and a version-9 file migrating with every row kept. */
#include "unit.h"
#include <math.h>
#include <stdio.h>
#include <sqlite3.h>
#include "lakewatch/history.h"
#include "lakewatch/util.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/lw_test_bands_XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int64_t sql_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
			 SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void sql_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* One run at `at` recording ds with `files` files; an anomaly result on
 * files with range [lo, hi] when lo <= hi, else a learning one. */
static void poll(struct lw_history *h, int64_t at, int64_t files, double lo,
		 double hi)
{
	struct lw_err err = {0};
	struct lw_obs o;
	struct lw_result r[2];
	int64_t run;
	int counts[LW_NSTATUS] = {0};

	assert_int_equal(lw_history_begin_run(h, at, "t", &run, &err), LW_OK);
	lw_obs_init(&o);
	o.at = at;
	o.files = files;
	o.bytes = files * 100;
	o.rows = files * 10;
	o.newest_mtime = at - 60;
	memset(r, 0, sizeof r);
	lw_result_set(&r[0], "freshness", LW_PASS, "1m", "warn 2h", "fresh");
	lw_result_set(&r[1], "anomaly", LW_PASS, "n files", "expected",
		      "learning or judged");
	r[1].has_value = true;
	r[1].value = (double)files;
	if (lo <= hi) {
		r[1].has_range = true;
		r[1].range_lo = lo;
		r[1].range_hi = hi;
		r[1].range_metric = "files";
	}
	assert_int_equal(lw_history_record(h, run, "ds", &o, r, 2, LW_PASS,
					   &err), LW_OK);
	counts[LW_PASS]++;
	assert_int_equal(lw_history_end_run(h, run, at + 1, counts, &err),
			 LW_OK);
	lw_obs_free(&o);
	lw_result_free(&r[0]);
	lw_result_free(&r[1]);
}

/* Every point carries its own band (a learning point none), in the
 * series' order, beside the observation's values. */
static void test_round_trip(void **state)
{
	char *p = lw_xasprintf("%s/h.db", dir);
	struct lw_history *h;
	struct lw_err err = {0};
	struct lw_hpoint *s;
	size_t n;
	(void)state;

	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	poll(h, 1000, 5, 1, 0);			/* learning: no band */
	poll(h, 2000, 5, 4, 6);
	poll(h, 3000, 20, 18, 22);		/* another season's band */
	poll(h, 4000, 40, 4, 6);		/* outside its band */
	assert_int_equal(lw_history_series(h, "ds", 10, &s, &n, &err), LW_OK);
	assert_int_equal(n, 4);
	assert_int_equal(s[0].band_mask, 0);
	assert_true(isnan(s[0].band_v[LW_M_FILES]));
	assert_int_equal(s[1].band_mask, 1u << LW_M_FILES);
	assert_true(s[1].band_lo[LW_M_FILES] == 4 &&
		    s[1].band_hi[LW_M_FILES] == 6);
	assert_true(s[2].band_lo[LW_M_FILES] == 18 &&
		    s[2].band_hi[LW_M_FILES] == 22);
	assert_true(s[3].band_lo[LW_M_FILES] == 4 &&
		    s[3].band_v[LW_M_FILES] == 40);
	assert_int_equal(s[3].files, 40);
	assert_int_equal(s[3].bytes, 4000);
	assert_int_equal(s[3].at, 4000);
	free(s);
	/* the last two only: their bands still match their points */
	assert_int_equal(lw_history_series(h, "ds", 2, &s, &n, &err), LW_OK);
	assert_int_equal(n, 2);
	assert_true(s[0].band_lo[LW_M_FILES] == 18 && s[1].at == 4000);
	free(s);
	/* a metric a later lakewatch might write is skipped, not misread */
	lw_history_close(h);
	sql_exec(p, "INSERT INTO anomaly_bands VALUES ('ds', 4, 'future', 1, "
		 "2, NULL)");
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	assert_int_equal(lw_history_series(h, "ds", 10, &s, &n, &err), LW_OK);
	assert_int_equal(s[3].band_mask, 1u << LW_M_FILES);
	free(s);
	lw_history_close(h);
	free(p);
}

/* Retention prunes a run's bands with its observations, the rest stay. */
static void test_retention(void **state)
{
	char *p = lw_xasprintf("%s/h.db", dir);
	struct lw_history *h;
	struct lw_err err = {0};
	(void)state;

	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	for (int i = 1; i <= 5; i++)
		poll(h, i * 1000, 5, 4, 6);
	assert_int_equal(lw_history_prune(h, 2500, &err), LW_OK);
	lw_history_close(h);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM anomaly_bands"), 3);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM anomaly_bands WHERE "
				 "run NOT IN (SELECT id FROM runs)"), 0);
	/* the detail's read is served by the key, not a scan */
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN SELECT "
					    "run, metric, lo, hi, v FROM "
					    "anomaly_bands WHERE dataset = 'ds' "
					    "AND run >= 3 ORDER BY run", -1,
					    &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_non_null(strstr((const char *)sqlite3_column_text(st, 3),
			       "USING PRIMARY KEY (dataset=? AND run>?)"));
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(p);
}

/* A version-9 file (no anomaly_bands) migrates to 10 keeping every run,
 * observation and result, and records bands afterwards; its old points
 * read back without a band. */
static void test_migrate_v9(void **state)
{
	char *p = lw_xasprintf("%s/v9.db", dir);
	struct lw_history *h;
	struct lw_err err = {0};
	struct lw_hpoint *s;
	size_t n;
	(void)state;

	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	poll(h, 1000, 5, 4, 6);
	poll(h, 2000, 5, 4, 6);
	lw_history_close(h);
	sql_exec(p, "DROP TABLE anomaly_bands; PRAGMA user_version=9");
	assert_int_equal(sql_int(p, "SELECT count(*) FROM sqlite_master WHERE "
				 "name = 'anomaly_bands'"), 0);
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	assert_int_equal(sql_int(p, "PRAGMA user_version"), 10);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM runs"), 2);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM observations"), 2);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM results"), 4);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM sqlite_master WHERE "
				 "name = 'anomaly_bands_run'"), 1);
	poll(h, 3000, 5, 4, 6);
	assert_int_equal(lw_history_series(h, "ds", 10, &s, &n, &err), LW_OK);
	assert_int_equal(n, 3);
	assert_true(s[0].band_mask == 0 && s[1].band_mask == 0);
	assert_int_equal(s[2].band_mask, 1u << LW_M_FILES);
	free(s);
	lw_history_close(h);
	free(p);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_round_trip),
		T(test_retention),
		T(test_migrate_v9),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
