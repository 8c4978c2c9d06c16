/* test_series.c - history/series.c: a metric's past from the stored
 * observations, with the anomaly verdict of each run as a flag, and the
 * per-dataset cache the engine hands to checks. */
#include "unit.h"
#include <stdio.h>
#include <unistd.h>
#include <sqlite3.h>
#include "lakewatch/anomaly.h"
#include "lakewatch/history.h"
#include "lakewatch/history_incidents.h"
#include "lakewatch/util.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/lw_test_series_XXXXXX");
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

/* One run: dataset "d" with rows, files = rows / 10, a 2-column schema
 * from run 3 on, and an anomaly result of status st. Returns the run. */
static int64_t poll(struct lw_history *h, int64_t at, int64_t rows, bool ok,
		    enum lw_status st)
{
	struct lw_err err;
	struct lw_obs o;
	struct lw_result r;
	int64_t run;
	int counts[LW_NSTATUS] = {0};
	assert_int_equal(lw_history_begin_run(h, at, "t", &run, &err), LW_OK);
	lw_obs_init(&o);
	o.at = at;
	o.rows = rows;
	o.files = rows < 0 ? 0 : rows / 10;
	o.bytes = 1000;
	o.newest_mtime = at - 600;
	if (run >= 3) {
		o.has_schema = true;
		lw_schema_add(&o.schema, "a", LW_T_INT64, NULL);
		lw_schema_add(&o.schema, "b", LW_T_STRING, NULL);
	}
	if (!ok)
		lw_obs_fail(&o, "cannot list");
	memset(&r, 0, sizeof r);
	lw_result_set(&r, "anomaly", st, "m", "t", "x");
	assert_int_equal(lw_history_record(h, run, "d", &o, &r, 1, st, &err),
			 LW_OK);
	counts[st]++;
	assert_int_equal(lw_history_end_run(h, run, at, counts, &err), LW_OK);
	lw_obs_free(&o);
	lw_result_free(&r);
	return run;
}

static void test_series(void **state)
{
	(void)state;
	char *p = lw_xasprintf("%s/h.db", dir);
	struct lw_history *h;
	struct lw_err err;
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	int64_t t0 = 1796000000;
	poll(h, t0, 100, true, LW_PASS);		/* run 1 */
	poll(h, t0 + 3600, 150, true, LW_PASS);		/* 2 */
	poll(h, t0 + 7200, 0, false, LW_ERROR);		/* 3: not ok */
	poll(h, t0 + 10800, 400, true, LW_FAIL);	/* 4: anomalous */
	poll(h, t0 + 14400, -1, true, LW_PASS);		/* 5: rows unknown */
	poll(h, t0 + 18000, 500, true, LW_PASS);	/* 6 */
	int64_t last = poll(h, t0 + 21600, 560, true, LW_WARN);	/* 7 */

	struct lw_point *pt;
	size_t n;
	assert_int_equal(lw_history_metric_series(h, "d", LW_M_ROWS, 0, 0,
						  &pt, &n, &err), LW_OK);
	assert_int_equal(n, 5);	/* not-ok and unknown rows left out */
	assert_int_equal(pt[0].t, t0);
	assert_true(pt[0].v == 100 && pt[2].v == 400 && pt[4].v == 560);
	assert_int_equal(pt[2].flags, LW_PT_ANOMALOUS);
	assert_int_equal(pt[4].flags, LW_PT_ANOMALOUS);	/* WARN too */
	assert_int_equal(pt[0].flags | pt[1].flags | pt[3].flags, 0);
	free(pt);
	/* load: differences of consecutive known counts, never across an
	 * unknown one */
	assert_int_equal(lw_history_metric_series(h, "d", LW_M_LOAD, 0, 0,
						  &pt, &n, &err), LW_OK);
	assert_int_equal(n, 3);
	assert_true(pt[0].v == 50 && pt[1].v == 250 && pt[2].v == 60);
	assert_int_equal(pt[1].t, t0 + 10800);
	free(pt);
	/* window and run bounds */
	assert_int_equal(lw_history_metric_series(h, "d", LW_M_FILES,
						  t0 + 3600, last, &pt, &n,
						  &err), LW_OK);
	assert_int_equal(n, 4);	/* runs 2, 4, 5 (0 files is a count), 6 */
	free(pt);
	assert_int_equal(lw_history_metric_series(h, "d", LW_M_COLUMNS, 0, 0,
						  &pt, &n, &err), LW_OK);
	assert_int_equal(n, 4);	/* schema from run 3 on, 3 not ok */
	assert_true(pt[0].v == 2);
	free(pt);
	assert_int_equal(lw_history_metric_series(h, "d", LW_M_ARRIVAL, 0, 0,
						  &pt, &n, &err), LW_OK);
	assert_int_equal(n, 6);
	assert_true(pt[0].v == (double)(t0 - 600));
	free(pt);
	assert_int_equal(lw_history_metric_series(h, "other", LW_M_ROWS, 0, 0,
						  &pt, &n, &err), LW_OK);
	assert_int_equal(n, 0);
	free(pt);

	/* the cache: read once, borrowed, a wider window reads again */
	struct lw_series_cache c;
	lw_series_cache_init(&c, h, last);
	const struct lw_series *s = lw_series_cache_get(&c, "d", LW_M_ROWS,
							 t0 + 1);
	assert_non_null(s);
	assert_null(s->error);
	assert_int_equal(s->n, 3);	/* 150, 400, 500: run 7 excluded */
	assert_string_equal(s->source, "history");
	assert_ptr_equal(lw_series_cache_get(&c, "d", LW_M_ROWS, t0 + 5), s);
	s = lw_series_cache_get(&c, "d", LW_M_ROWS, 0);
	assert_int_equal(s->n, 4);
	lw_series_cache_done(&c);
	lw_series_cache_init(&c, NULL, 0);
	assert_null(lw_series_cache_get(&c, "d", LW_M_ROWS, 0));
	lw_history_close(h);
	free(p);
}

static void same_points(const struct lw_point *a, size_t na,
			const struct lw_point *b, size_t nb)
{
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_int_equal(a[i].t, b[i].t);
		assert_true(a[i].v == b[i].v);
		assert_int_equal(a[i].flags, b[i].flags);
	}
}

/* The kept series (series_snap) gives what a full read gives, poll after
 * poll: the row written at the first read, then only the observations
 * after it read, loads continued across the seam and broken by an unknown
 * count, verdicts flagged, the window trimmed; a run bound before the row
 * reads the index again. */
static void test_kept(void **state)
{
	(void)state;
	char *p = lw_xasprintf("%s/kept.db", dir);
	struct lw_history *h;
	struct lw_err err;
	struct lw_point *a, *b;
	size_t na, nb;
	int season;
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	int64_t t0 = 1796000000;
	static const int64_t rows[] = {100, 150, 170, -1, 300, 320, 400, 410,
				       430, 440};
	for (int i = 0; i < 10; i++) {
		poll(h, t0 + i * 3600, rows[i], true,
		     i == 6 ? LW_WARN : LW_PASS);
		for (int m = LW_M_ROWS; m <= LW_M_FILES; m++) {
			int64_t since = t0 + (i >= 8 ? 3600 : 0);
			assert_int_equal(lw_history_metric_series_kept(h, "d",
				(enum lw_metric)m, since, 0, &a, &na, &season,
				&err), LW_OK);
			assert_int_equal(lw_history_metric_series(h, "d",
				(enum lw_metric)m, since, 0, &b, &nb, &err),
				LW_OK);
			/* a kept load's first point in a window that moved
			 * counts from the observation just before it */
			size_t off = m == LW_M_LOAD && i >= 8;
			assert_true(na >= off);
			same_points(a + off, na - off, b, nb);
			assert_true(season >= 0 && season <= 4);
			free(a);
			free(b);
		}
	}
	assert_int_equal(lw_history_metric_series_kept(h, "d", LW_M_LOAD,
		t0 + 3600, 0, &a, &na, &season, &err), LW_OK);
	/* 50 (from run 1's count, before the window), 20, then unknown,
	 * 20, 80 (flagged), 10, 20, 10 */
	assert_int_equal(na, 7);
	assert_true(a[0].v == 50 && a[1].v == 20 && a[2].v == 20 &&
		    a[3].v == 80 && a[6].v == 10);
	assert_int_equal(a[3].flags, LW_PT_ANOMALOUS);
	free(a);
	/* bounded before the kept row: read from the index */
	assert_int_equal(lw_history_metric_series_kept(h, "d", LW_M_ROWS, t0,
		4, &a, &na, &season, &err), LW_OK);
	assert_int_equal(na, 3);
	free(a);
	lw_history_close(h);
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM "
		"series_snap WHERE dataset = 'd'", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 4);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(p);
}

/* lakewatch accept DATASET anomaly: the step it accepts becomes the new
 * normal at once. Before the accept the step's points are anomalous and a
 * new point at the new level is flagged; after it, the step's first point
 * is LW_PT_ACCEPTED, its flags cleared, and the same point passes. Undone,
 * the step is anomalous again. */
static void test_accept(void **state)
{
	(void)state;
	char *p = lw_xasprintf("%s/acc.db", dir);
	struct lw_history *h;
	struct lw_err err;
	struct lw_anomaly_params ap = {.season = LW_SEAS_NONE,
		.window = 42 * 86400L, .min_points = 14, .sensitivity = 3,
		.min_abs = 10, .min_pct = 5, .direction = LW_AD_BOTH};
	struct lw_point *pt;
	struct lw_verdict vd;
	size_t n;
	char *what;
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	int64_t t0 = 1796000000, t;
	for (int i = 0; i < 16; i++)
		poll(h, t0 + i * 3600, 1000 + (i % 3), true, LW_PASS);
	poll(h, t0 + 16 * 3600, 2000, true, LW_FAIL);
	poll(h, t0 + 17 * 3600, 2001, true, LW_FAIL);
	t = t0 + 18 * 3600;
	assert_int_equal(lw_history_metric_series(h, "d", LW_M_ROWS, 0, 0,
						  &pt, &n, &err), LW_OK);
	assert_int_equal(n, 18);
	assert_int_equal(pt[16].flags, LW_PT_ANOMALOUS);
	lw_anomaly_judge(&ap, pt, n, t, 2002, &vd);
	assert_int_equal(vd.status, LW_FAIL);
	free(pt);

	assert_int_equal(lw_history_accept(h, "d", "anomaly", "ann",
					   t0 + 17 * 3600 + 60, &what, &err),
			 LW_OK);
	assert_non_null(strstr(what, "anomaly"));
	free(what);
	assert_int_equal(lw_history_metric_series(h, "d", LW_M_ROWS, 0, 0,
						  &pt, &n, &err), LW_OK);
	assert_int_equal(pt[15].flags, 0);
	assert_int_equal(pt[16].flags, LW_PT_ACCEPTED);
	assert_int_equal(pt[17].flags, 0);
	lw_anomaly_judge(&ap, pt, n, t, 2002, &vd);
	assert_int_equal(vd.status, LW_PASS);
	assert_true(vd.expected > 1990 && vd.expected < 2010);
	free(pt);

	assert_int_equal(lw_history_accept_undo(h, "d", "anomaly", t, &err),
			 LW_OK);
	assert_int_equal(lw_history_metric_series(h, "d", LW_M_ROWS, 0, 0,
						  &pt, &n, &err), LW_OK);
	assert_int_equal(pt[16].flags, LW_PT_ANOMALOUS);
	free(pt);
	lw_history_close(h);
	free(p);
}

static int64_t sql_int(const char *path, const char *sql);

/* One run of datasets a, b, c: rows[i] each (-1 unknown), an anomaly
 * result of st[i]. */
static void poll3(struct lw_history *h, int64_t at, const int64_t *rows,
		  const enum lw_status *st)
{
	static const char *const names[] = {"a", "b", "c"};
	struct lw_err err;
	int64_t run;
	int counts[LW_NSTATUS] = {0};
	assert_int_equal(lw_history_begin_run(h, at, "t", &run, &err), LW_OK);
	for (int i = 0; i < 3; i++) {
		struct lw_obs o;
		struct lw_result r;
		lw_obs_init(&o);
		o.at = at;
		o.rows = rows[i];
		o.files = rows[i] < 0 ? 0 : rows[i] / 10;
		o.bytes = 1000;
		memset(&r, 0, sizeof r);
		lw_result_set(&r, "anomaly", st[i], "m", "t", "x");
		assert_int_equal(lw_history_record(h, run, names[i], &o, &r, 1,
						   st[i], &err), LW_OK);
		counts[st[i]]++;
		lw_obs_free(&o);
		lw_result_free(&r);
	}
	assert_int_equal(lw_history_end_run(h, run, at, counts, &err), LW_OK);
}

/* The poll's batch (every dataset's kept row, observations since, flagged
 * verdicts and accepts in four statements, the kept points from the
 * handle's memory) gives exactly what a full read gives, poll after poll:
 * loads across an unknown count, WARN/FAIL flagged, an accept applied, a
 * kept row rewritten by another handle read again. The memory is trusted
 * while the row's position is unchanged: a row whose points were damaged
 * behind the handle's back with its position kept is not read again. */
static void test_batch(void **state)
{
	(void)state;
	static const char *const names[] = {"a", "b", "c"};
	char *p = lw_xasprintf("%s/batch.db", dir);
	struct lw_history *h, *h2;
	struct lw_err err;
	struct lw_point *b;
	size_t nb;
	int season;
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	int64_t t0 = 1796000000;
	for (int i = 0; i < 60; i++) {
		int64_t rows[3] = {1000 + 10 * i, 500 + (i % 7) * 3,
				   i == 20 ? -1 : 2000 + 50 * i};
		enum lw_status st[3] = {i == 30 ? LW_WARN : LW_PASS,
			i == 40 || i == 41 ? LW_FAIL : LW_PASS,
			i % 11 == 5 ? LW_WARN : LW_PASS};
		if (i == 40 || i == 41)
			rows[1] *= 3;	/* a step, accepted below */
		poll3(h, t0 + i * 3600, rows, st);
		if (i == 42) {
			char *what = NULL;
			assert_int_equal(lw_history_accept(h, "b", "anomaly",
				"ann", t0 + 41 * 3600 + 60, &what, &err),
				LW_OK);
			free(what);
		}
		if (i == 50) {	/* another handle rewrites a's rows */
			assert_int_equal(lw_history_open(p, false, &h2, &err),
					 LW_OK);
			for (int m = LW_M_ROWS; m <= LW_M_FILES; m++) {
				struct lw_point *x;
				size_t nx;
				assert_int_equal(lw_history_metric_series_kept(
					h2, "a", (enum lw_metric)m, t0 + 3600,
					0, &x, &nx, &season, &err), LW_OK);
				free(x);
			}
			lw_history_close(h2);
		}
		struct lw_series_cache c;
		lw_series_cache_init(&c, h, 0);
		for (int d = 0; d < 3; d++) {
			for (int m = LW_M_ROWS; m <= LW_M_FILES; m++) {
				int64_t since = t0 + (i > 50 && d == 0 ? 3600
						      : 0);
				const struct lw_series *s = lw_series_cache_get(
					&c, names[d], (enum lw_metric)m, since);
				assert_null(s->error);
				assert_int_equal(lw_history_metric_series(h,
					names[d], (enum lw_metric)m, since, 0,
					&b, &nb, &err), LW_OK);
				size_t off = m == LW_M_LOAD && s->n > nb;
				same_points(s->pts + off, s->n - off, b, nb);
				free(b);
			}
			lw_series_cache_clear(&c);
		}
		lw_series_cache_done(&c);
	}
	/* b's step: accepted, its flags gone */
	struct lw_series_cache c;
	lw_series_cache_init(&c, h, 0);
	const struct lw_series *s = lw_series_cache_get(&c, "b", LW_M_ROWS, 0);
	assert_int_equal(s->n, 60);
	assert_int_equal(s->pts[40].flags, LW_PT_ACCEPTED);
	assert_int_equal(s->pts[41].flags, 0);
	lw_series_cache_done(&c);
	/* damage c's kept rows' points, keeping their positions: this
	 * handle keeps what it read; a fresh one reads the damage */
	static const char damage[] = "UPDATE series_snap SET pts = "
		"zeroblob(length(pts)) WHERE dataset = 'c'";
	assert_int_equal(sql_int(p, damage), -1);
	lw_series_cache_init(&c, h, 0);
	s = lw_series_cache_get(&c, "c", LW_M_ROWS, 0);
	assert_true(s->n > 0 && s->pts[0].v == 2000);
	lw_series_cache_done(&c);
	lw_history_close(h);
	assert_int_equal(sql_int(p, damage), -1);
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	lw_series_cache_init(&c, h, 0);
	s = lw_series_cache_get(&c, "c", LW_M_ROWS, 0);
	assert_true(s->n > 0 && s->pts[0].v == 0);
	lw_series_cache_done(&c);
	lw_history_close(h);
	free(p);
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

/* A version-2 file (before the series indexes) is migrated to 5, its data
 * kept, and the series query reads from the covering index. */
static void test_migrate_v2(void **state)
{
	(void)state;
	char *p = lw_xasprintf("%s/v2.db", dir);
	struct lw_history *h;
	struct lw_err err;
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	poll(h, 1796000000, 100, true, LW_PASS);
	lw_history_close(h);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP INDEX obs_metric; DROP INDEX "
				      "results_verdict; DROP TABLE series_snap; "
				      "DROP TABLE outbox; DROP TABLE "
				      "outbox_notices; DROP TABLE notify_sent; "
				      "DROP TABLE file_cache; DROP TABLE "
				      "file_cache_scope; "
				      "DROP INDEX runs_aborted; DROP INDEX "
				      "runs_open; ALTER TABLE runs DROP COLUMN "
				      "pid; ALTER TABLE runs DROP COLUMN "
				      "pid_start; ALTER TABLE runs DROP COLUMN "
				      "host; ALTER TABLE runs DROP COLUMN "
				      "aborted; "
				      "ALTER TABLE mutes DROP COLUMN ended_by; "
				      "ALTER TABLE mutes DROP COLUMN ended_at; "
				      "DROP TABLE pipeline_runs; "
				      "PRAGMA user_version=2",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	lw_history_close(h);
	assert_int_equal(sql_int(p, "PRAGMA user_version"), 10);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM sqlite_master WHERE "
				 "name IN ('obs_metric', 'results_verdict', "
				 "'series_snap')"), 3);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM observations"), 1);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_series, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_v2, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
