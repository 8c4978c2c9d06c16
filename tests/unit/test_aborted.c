/* test_aborted.c - history/aborted.c: a run whose process died before its
 * end (kill -9, a crash) is marked aborted when the history is opened or
 * the next run begins, and its partial observations feed no baseline, no
 * anomaly series and no previous observation; a run still going is left
 * alone. Also the migration that adds the runs' owner (schema 5). */
#include "unit.h"
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sqlite3.h>
#include "lakewatch/anomaly.h"
#include "lakewatch/history.h"
#include "lakewatch/history_incidents.h"
#include "lakewatch/incident.h"
#include "lakewatch/util.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/lw_test_aborted_XXXXXX");
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

/* Record dataset "d" with `rows` and a passing change and anomaly
 * result in run; end the run when `end`. */
static void put(struct lw_history *h, int64_t run, int64_t at, int64_t rows,
		bool end)
{
	struct lw_err err;
	struct lw_obs o;
	struct lw_result r[2];
	int counts[LW_NSTATUS] = {1};
	lw_obs_init(&o);
	o.at = at;
	o.rows = rows;
	o.files = 1;
	o.bytes = 100;
	o.newest_mtime = at - 60;
	memset(r, 0, sizeof r);
	lw_result_set(&r[0], "change", LW_PASS, "m", "t", "ok");
	lw_result_set(&r[1], "anomaly", LW_PASS, "m", "t", "ok");
	assert_int_equal(lw_history_record(h, run, "d", &o, r, 2, LW_PASS,
					   &err), LW_OK);
	if (end)
		assert_int_equal(lw_history_end_run(h, run, at, counts, &err),
				 LW_OK);
	lw_obs_free(&o);
	lw_result_free(&r[0]);
	lw_result_free(&r[1]);
}

static int64_t poll(struct lw_history *h, int64_t at, int64_t rows)
{
	struct lw_err err;
	int64_t run;
	assert_int_equal(lw_history_begin_run(h, at, "t", &run, &err), LW_OK);
	put(h, run, at, rows, true);
	return run;
}

/* A child process opens the history, begins a run, records "d" with
 * `rows` and then either dies at once (_exit, no end) or, when `hold`,
 * writes to fd and waits to be killed. Returns its pid. */
static pid_t child_run(const char *p, int64_t at, int64_t rows, int fd)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct lw_history *h;
		struct lw_err err;
		int64_t run;
		if (lw_history_open(p, false, &h, &err) != LW_OK ||
		    lw_history_begin_run(h, at, "t", &run, &err) != LW_OK)
			_exit(2);
		put(h, run, at, rows, false);
		if (fd >= 0) {
			if (write(fd, "x", 1) != 1)
				_exit(3);
			pause();
		}
		_exit(0);	/* no end: what kill -9 leaves */
	}
	return pid;
}

static void reap(pid_t pid)
{
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
}

/* Partial results of a dead run: marked on open, shown as aborted, and
 * left out of the change baseline, the anomaly series and prev_obs. */
static void test_dead_run_marked_and_excluded(void **state)
{
	(void)state;
	char *p = lw_xasprintf("%s/h.db", dir);
	struct lw_history *h;
	struct lw_err err;
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	for (int i = 0; i < 3; i++)
		poll(h, 1000 + 100 * i, 100);
	lw_history_close(h);
	reap(child_run(p, 1400, 900000, -1));
	assert_int_equal(sql_int(p, "SELECT count(*) FROM runs WHERE "
				 "finished IS NULL AND aborted IS NULL"), 1);
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	assert_int_equal(sql_int(p, "SELECT id FROM runs WHERE aborted IS "
				 "NOT NULL"), 4);
	/* shown, marked */
	struct lw_hpoint *pts;
	size_t n;
	assert_int_equal(lw_history_series(h, "d", 10, &pts, &n, &err), LW_OK);
	assert_int_equal(n, 4);
	assert_true(pts[3].aborted && pts[3].rows == 900000);
	assert_false(pts[2].aborted);
	free(pts);
	struct lw_hrun *runs;
	assert_int_equal(lw_history_runs(h, 10, &runs, &n, &err), LW_OK);
	assert_int_equal(n, 4);
	assert_true(runs[0].aborted > 0 && runs[0].finished == 0);
	assert_true(runs[0].pid > 0);
	assert_int_equal(runs[1].aborted, 0);
	free(runs);
	/* left out of the baselines and training */
	struct lw_baseline b;
	lw_baseline_init(&b);
	assert_int_equal(lw_history_baseline(h, "d", 0, &b, &err), LW_OK);
	assert_true(b.has_rows);
	assert_true(b.rows == 100);
	assert_string_equal(b.rows_from, "median of the last 3 passing polls");
	lw_baseline_free(&b);
	struct lw_point *sp;
	assert_int_equal(lw_history_metric_series(h, "d", LW_M_ROWS, 0, 0, &sp,
						  &n, &err), LW_OK);
	assert_int_equal(n, 3);
	free(sp);
	int season;
	assert_int_equal(lw_history_metric_series_kept(h, "d", LW_M_ROWS, 0,
						       0, &sp, &n, &season,
						       &err), LW_OK);
	assert_int_equal(n, 3);
	free(sp);
	struct lw_obs prev;
	bool found;
	assert_int_equal(lw_history_prev_obs(h, "d", 0, &prev, &found, &err),
			 LW_OK);
	assert_true(found && prev.rows == 100);
	lw_obs_free(&prev);
	lw_history_close(h);
	free(p);
}

/* A run still going in another process is not aborted; once that process
 * is killed, the next run to begin marks it, and a kept series that had
 * taken its point in is rebuilt without it. */
static void test_live_run_left_alone(void **state)
{
	(void)state;
	char *p = lw_xasprintf("%s/h.db", dir);
	struct lw_history *h;
	struct lw_err err;
	int fds[2];
	char c;
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	for (int i = 0; i < 3; i++)
		poll(h, 1000 + 100 * i, 100);
	assert_int_equal(pipe(fds), 0);
	pid_t pid = child_run(p, 1400, 900000, fds[1]);
	assert_int_equal(read(fds[0], &c, 1), 1);
	struct lw_history *h2;
	assert_int_equal(lw_history_open(p, false, &h2, &err), LW_OK);
	lw_history_close(h2);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM runs WHERE aborted "
				 "IS NOT NULL"), 0);
	/* the series kept while it ran holds its point */
	struct lw_point *sp;
	size_t n;
	int season;
	assert_int_equal(lw_history_metric_series_kept(h, "d", LW_M_ROWS, 0,
						       0, &sp, &n, &season,
						       &err), LW_OK);
	assert_int_equal(n, 4);
	free(sp);
	kill(pid, SIGKILL);
	reap(pid);
	int64_t run;
	assert_int_equal(lw_history_begin_run(h, 1500, "t", &run, &err), LW_OK);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM runs WHERE aborted "
				 "IS NOT NULL"), 1);
	assert_int_equal(lw_history_metric_series_kept(h, "d", LW_M_ROWS, 0,
						       run, &sp, &n, &season,
						       &err), LW_OK);
	assert_int_equal(n, 3);
	free(sp);
	/* this process's own unfinished run is never taken for dead */
	lw_history_close(h);
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	lw_history_close(h);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM runs WHERE aborted "
				 "IS NOT NULL"), 1);
	close(fds[0]);
	close(fds[1]);
	free(p);
}

/* A version-4 file (runs without an owner) is migrated to 5: its runs
 * kept, an old unfinished one left unmarked (nobody knows its process). */
static void test_migrate_v4(void **state)
{
	(void)state;
	char *p = lw_xasprintf("%s/v4.db", dir);
	struct lw_history *h;
	struct lw_err err;
	int64_t run;
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	poll(h, 1000, 100);
	assert_int_equal(lw_history_begin_run(h, 1100, "t", &run, &err), LW_OK);
	lw_history_close(h);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP INDEX runs_aborted; DROP INDEX "
				      "runs_open; ALTER TABLE runs DROP COLUMN "
				      "pid; ALTER TABLE runs DROP COLUMN "
				      "pid_start; ALTER TABLE runs DROP COLUMN "
				      "host; ALTER TABLE runs DROP COLUMN "
				      "aborted; ALTER TABLE mutes DROP COLUMN "
				      "ended_by; ALTER TABLE mutes DROP COLUMN "
				      "ended_at; DROP TABLE pipeline_runs; "
				      "PRAGMA user_version=6",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	assert_int_equal(lw_history_begin_run(h, 1200, "t", &run, &err), LW_OK);
	lw_history_close(h);
	assert_int_equal(sql_int(p, "PRAGMA user_version"), 10);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM runs"), 3);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM runs WHERE pid IS "
				 "NOT NULL AND host IS NOT NULL"), 1);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM runs WHERE aborted "
				 "IS NOT NULL"), 0);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_dead_run_marked_and_excluded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_run_left_alone,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_v4, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
