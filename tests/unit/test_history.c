/* test_history.c - the SQLite history: round trips, events, refreshes,
 * refusal of foreign/newer/corrupt files, locks, two writers, redaction,
 * retention; the anomaly rule's band per observation (bands.c). */
#include "unit.h"
#include <stdio.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <pthread.h>
#include <sqlite3.h>
#include "lakewatch/history.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"
#include "lakewatch/buf.h"
#include <math.h>

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/lw_test_history_XXXXXX");
	assert_non_null(mkdtemp(dir));
	unsetenv("LAKEWATCH_HISTORY_TIMEOUT");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *path_of(const char *name)
{
	return lw_xasprintf("%s/%s", dir, name);
}

static void obs_make(struct lw_obs *o, int64_t at, int64_t rows, bool ok)
{
	lw_obs_init(o);
	o->at = at;
	o->files = 3;
	o->bytes = 3000;
	o->rows = rows;
	o->newest_mtime = at - 600;
	if (!ok)
		lw_obs_fail(o, "cannot list: permission denied");
}

static void res_make(struct lw_result *r, const char *check,
		     enum lw_status st, const char *msg)
{
	memset(r, 0, sizeof *r);
	lw_result_set(r, check, st, "7h", "warn 2h, fail 6h", "%s", msg);
}

/* Record one dataset with one result in its own run. */
static int64_t record_one(struct lw_history *h, int64_t at, const char *ds,
			  enum lw_status st, int64_t rows, bool ok)
{
	struct lw_err err = {0};
	struct lw_obs o;
	struct lw_result r;
	int64_t run;
	int counts[LW_NSTATUS] = {0};

	assert_int_equal(lw_history_begin_run(h, at, "demo", &run, &err),
			 LW_OK);
	obs_make(&o, at, rows, ok);
	res_make(&r, "freshness", st, st == LW_PASS ? "fresh" : "stale 7h");
	r.has_value = true;
	r.value = 25200;
	assert_int_equal(lw_history_record(h, run, ds, &o, &r, 1, st, &err),
			 LW_OK);
	counts[st]++;
	assert_int_equal(lw_history_end_run(h, run, at + 5, counts, &err),
			 LW_OK);
	lw_obs_free(&o);
	lw_result_free(&r);
	return run;
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

static void test_create_wal_version(void **state)
{
	char *p = path_of("h.db");
	struct lw_history *h;
	struct lw_err err = {0};
	(void)state;

	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	lw_history_close(h);
	assert_int_equal(sql_int(p, "PRAGMA user_version"), 10);
	assert_int_equal(sql_int(p, "PRAGMA application_id"), 0x4C6B5774);
	{
		sqlite3 *db;
		sqlite3_stmt *st;
		sqlite3_open(p, &db);
		sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0),
				    "wal");
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	/* Reopening an up-to-date file is fine, read-only too. */
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	lw_history_close(h);
	assert_int_equal(lw_history_open(p, true, &h, &err), LW_OK);
	lw_history_close(h);
	free(p);
}

static void test_round_trip(void **state)
{
	char *p = path_of("h.db");
	struct lw_history *h;
	struct lw_err err = {0};
	struct lw_obs o, prev;
	struct lw_result r[2];
	struct lw_hrun *runs;
	struct lw_hpoint *pts;
	size_t n;
	int64_t run1, run2;
	bool found;
	int counts[LW_NSTATUS] = {1, 0, 1, 0};
	(void)state;

	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	run1 = record_one(h, 1000, "gold.sales", LW_PASS, 500, true);

	assert_int_equal(lw_history_begin_run(h, 2000, "demo", &run2, &err),
			 LW_OK);
	assert_true(run2 > run1);
	obs_make(&o, 2000, 700, true);
	o.has_schema = true;
	lw_schema_add(&o.schema, "order_id", LW_T_INT64, "INT64");
	res_make(&r[0], "row_count", LW_PASS, "700 rows");
	res_make(&r[1], "freshness", LW_FAIL, "stale 7h (limit 2h)");
	r[1].has_value = true;
	r[1].value = 7 * 3600;
	assert_int_equal(lw_history_record(h, run2, "gold.sales", &o, r, 2,
					   LW_FAIL, &err), LW_OK);
	lw_obs_free(&o);
	obs_make(&o, 2000, -1, false);
	assert_int_equal(lw_history_record(h, run2, "bronze.pos", &o, NULL, 0,
					   LW_ERROR, &err), LW_OK);
	lw_obs_free(&o);
	assert_int_equal(lw_history_end_run(h, run2, 2010, counts, &err),
			 LW_OK);
	lw_result_free(&r[0]);
	lw_result_free(&r[1]);

	/* Runs, newest first, with their counts. */
	assert_int_equal(lw_history_runs(h, 10, &runs, &n, &err), LW_OK);
	assert_int_equal(n, 2);
	assert_int_equal(runs[0].id, run2);
	assert_int_equal(runs[0].started, 2000);
	assert_int_equal(runs[0].finished, 2010);
	assert_int_equal(runs[0].counts[LW_FAIL], 1);
	assert_int_equal(runs[1].counts[LW_PASS], 1);
	free(runs);

	/* Series, oldest first; age comes from the freshness value. */
	assert_int_equal(lw_history_series(h, "gold.sales", 10, &pts, &n,
					   &err), LW_OK);
	assert_int_equal(n, 2);
	assert_int_equal(pts[0].at, 1000);
	assert_int_equal(pts[0].rows, 500);
	assert_int_equal(pts[0].status, LW_PASS);
	assert_int_equal(pts[1].rows, 700);
	assert_int_equal(pts[1].age, 7 * 3600);
	assert_int_equal(pts[1].status, LW_FAIL);
	assert_int_equal(pts[1].run_id, run2);
	free(pts);
	assert_int_equal(lw_history_series(h, "gold.sales", 1, &pts, &n,
					   &err), LW_OK);
	assert_int_equal(n, 1);
	assert_int_equal(pts[0].at, 2000);
	free(pts);

	/* The previous ok observation, before a run and at any time. */
	assert_int_equal(lw_history_prev_obs(h, "gold.sales", run2, &prev,
					     &found, &err), LW_OK);
	assert_true(found);
	assert_int_equal(prev.rows, 500);
	lw_obs_free(&prev);
	assert_int_equal(lw_history_prev_obs(h, "gold.sales", 0, &prev,
					     &found, &err), LW_OK);
	assert_true(found);
	assert_int_equal(prev.rows, 700);
	assert_true(prev.has_schema);
	assert_string_equal(prev.schema.cols[0].name, "order_id");
	lw_obs_free(&prev);
	/* A failed observation is never a baseline. */
	assert_int_equal(lw_history_prev_obs(h, "bronze.pos", 0, &prev,
					     &found, &err), LW_OK);
	assert_false(found);
	assert_int_equal(lw_history_prev_obs(h, "nope", 0, &prev, &found,
					     &err), LW_OK);
	assert_false(found);

	/* end_run of a run that does not exist is an error. */
	assert_int_not_equal(lw_history_end_run(h, 999, 1, counts, &err),
			     LW_OK);
	lw_history_close(h);
	free(p);
}

static void test_events(void **state)
{
	char *p = path_of("h.db");
	struct lw_history *h;
	struct lw_err err = {0};
	struct lw_hevent *ev;
	size_t n;
	(void)state;

	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	record_one(h, 100, "a", LW_PASS, 1, true);	/* first, PASS: none */
	record_one(h, 200, "a", LW_FAIL, 1, true);	/* PASS -> FAIL */
	record_one(h, 300, "a", LW_FAIL, 1, true);	/* same: none */
	record_one(h, 400, "a", LW_PASS, 1, true);	/* FAIL -> PASS */
	record_one(h, 250, "b", LW_WARN, 1, true);	/* first, WARN: new */

	assert_int_equal(lw_history_events(h, NULL, 10, &ev, &n, &err),
			 LW_OK);
	assert_int_equal(n, 3);
	assert_int_equal(ev[0].at, 400);
	assert_string_equal(ev[0].dataset, "a");
	assert_int_equal(ev[0].from, LW_FAIL);
	assert_int_equal(ev[0].to, LW_PASS);
	assert_int_equal(ev[1].at, 250);
	assert_string_equal(ev[1].dataset, "b");
	/* never seen passing: a first observation, not a change from PASS */
	assert_true(ev[1].from_new);
	assert_string_equal(lw_hevent_from_name(&ev[1]), "new");
	assert_int_equal(ev[1].to, LW_WARN);
	assert_false(ev[0].from_new);
	assert_string_equal(lw_hevent_from_name(&ev[0]), "FAIL");
	assert_false(ev[2].from_new);
	assert_string_equal(lw_hevent_from_name(&ev[2]), "PASS");
	assert_int_equal(ev[2].at, 200);
	assert_int_equal(ev[2].to, LW_FAIL);
	assert_string_equal(ev[2].check, "freshness");
	assert_string_equal(ev[2].message, "stale 7h");
	lw_hevents_free(ev, n);

	assert_int_equal(lw_history_events(h, "a", 1, &ev, &n, &err), LW_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].at, 400);
	lw_hevents_free(ev, n);
	lw_history_close(h);
	free(p);
}

static void test_refreshes_once(void **state)
{
	char *p = path_of("h.db");
	struct lw_history *h;
	struct lw_err err = {0};
	struct lw_obs o;
	int64_t run;
	(void)state;

	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(lw_history_begin_run(h, 100 + i, "d", &run,
						      &err), LW_OK);
		obs_make(&o, 100 + i, -1, true);
		cJSON *arr = cJSON_AddArrayToObject(lw_obs_detail(&o),
						    "refreshes");
		for (int k = 0; k < 2 + i; k++) {
			cJSON *x = cJSON_CreateObject();
			char id[16];
			snprintf(id, sizeof id, "req-%d", k);
			cJSON_AddStringToObject(x, "requestId", id);
			cJSON_AddStringToObject(x, "status", "Completed");
			cJSON_AddStringToObject(x, "startTime",
						"2026-11-20T03:00:00Z");
			cJSON_AddItemToArray(arr, x);
		}
		/* No requestId: not storable, skipped. */
		cJSON_AddItemToArray(arr, cJSON_CreateObject());
		assert_int_equal(lw_history_record(h, run, "powerbi.sales",
						   &o, NULL, 0, LW_PASS,
						   &err), LW_OK);
		lw_obs_free(&o);
	}
	lw_history_close(h);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM refreshes"), 3);
	assert_int_equal(sql_int(p, "SELECT started FROM refreshes WHERE "
				 "request_id = 'req-0'"), 1795143600);
	/* Each stays with the run that first saw it. */
	assert_int_equal(sql_int(p, "SELECT count(DISTINCT run) FROM "
				 "refreshes"), 2);
	free(p);
}

static void test_newer_version(void **state)
{
	char *p = path_of("h.db");
	struct lw_history *h;
	struct lw_err err = {0};
	char want[256];
	(void)state;

	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	lw_history_close(h);
	sql_exec(p, "PRAGMA user_version=99");
	assert_int_not_equal(lw_history_open(p, false, &h, &err), LW_OK);
	assert_null(h);
	snprintf(want, sizeof want, "%s: schema version 99 is newer than "
		 "this lakewatch (10)", p);
	assert_string_equal(err.msg, want);
	assert_int_equal(sql_int(p, "PRAGMA user_version"), 99);
	free(p);
}

static char *slurp(const char *p, size_t *n)
{
	char *d = NULL;
	struct lw_err err;
	if (lw_read_file(p, 64 * LW_BUF_1M, &d, n, &err) != LW_OK)
		return NULL;
	return d;
}

static void refuse_untouched(const char *p)
{
	struct lw_history *h = (void *)1;
	struct lw_err err = {0};
	size_t n0, n1;
	char *before = slurp(p, &n0), *after;

	assert_non_null(before);
	assert_int_not_equal(lw_history_open(p, false, &h, &err), LW_OK);
	assert_null(h);
	assert_non_null(strstr(err.msg, p));
	assert_non_null(strstr(err.msg, "not a lakewatch history file"));
	after = slurp(p, &n1);
	assert_non_null(after);
	assert_int_equal(n0, n1);
	assert_memory_equal(before, after, n0);
	free(before);
	free(after);
}

static void test_not_a_database(void **state)
{
	char *p = path_of("notes.txt");
	FILE *f = fopen(p, "w");
	(void)state;

	assert_non_null(f);
	for (int i = 0; i < 200; i++)
		fputs("these are my notes, not a database\n", f);
	fclose(f);
	refuse_untouched(p);
	free(p);
}

static void test_foreign_database(void **state)
{
	char *p = path_of("other.db");
	(void)state;

	sql_exec(p, "CREATE TABLE customers(id, name);"
		 "INSERT INTO customers VALUES (1, 'Ada')");
	refuse_untouched(p);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM customers"), 1);
	free(p);
}

static void test_corrupt(void **state)
{
	char *p = path_of("h.db");
	struct lw_history *h;
	struct lw_err err = {0};
	char junk[3000];
	int fd;
	(void)state;

	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	record_one(h, 100, "a", LW_PASS, 1, true);
	lw_history_close(h);
	/* Scribble over the first page's b-tree (sqlite_master) and the
	 * second page; the 100-byte header stays valid. */
	memset(junk, 0xa5, sizeof junk);
	fd = open(p, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, junk, sizeof junk, 100), sizeof junk);
	close(fd);
	refuse_untouched(p);
	free(p);
}

static void test_locked(void **state)
{
	char *p = path_of("h.db");
	struct lw_history *h;
	struct lw_err err = {0};
	sqlite3 *db;
	int64_t run, t0;
	(void)state;

	setenv("LAKEWATCH_HISTORY_TIMEOUT", "300", 1);
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	/* Another process holds the write lock. */
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL,
				      NULL), SQLITE_OK);
	t0 = lw_now();
	assert_int_equal(lw_history_begin_run(h, 1, "x", &run, &err),
			 LW_ETIMEOUT);
	assert_true(lw_now() - t0 < 5);
	assert_non_null(strstr(err.msg, p));
	assert_non_null(strstr(err.msg, "locked"));
	/* Reads still work under WAL while the writer holds its lock. */
	{
		struct lw_hrun *runs;
		size_t n;
		assert_int_equal(lw_history_runs(h, 5, &runs, &n, &err),
				 LW_OK);
		free(runs);
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	assert_int_equal(lw_history_begin_run(h, 1, "x", &run, &err), LW_OK);
	lw_history_close(h);
	sqlite3_close(db);
	free(p);
}

static void test_locked_at_open(void **state)
{
	char *p = path_of("new.db");
	struct lw_history *h;
	struct lw_err err = {0};
	sqlite3 *db;
	(void)state;

	setenv("LAKEWATCH_HISTORY_TIMEOUT", "200", 1);
	/* A rollback-journal database mid-write by someone else. */
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN EXCLUSIVE; CREATE TABLE "
				      "t(x)", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_ETIMEOUT);
	assert_null(h);
	assert_non_null(strstr(err.msg, p));
	assert_non_null(strstr(err.msg, "locked"));
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	free(p);
}

#define WRITES 40

static int writer(const char *p, const char *who)
{
	struct lw_history *h;
	struct lw_err err = {0};
	int bad = 0;

	if (lw_history_open(p, false, &h, &err) != LW_OK) {
		fprintf(stderr, "%s: %s\n", who, err.msg);
		return 1;
	}
	for (int i = 0; i < WRITES; i++) {
		struct lw_obs o;
		struct lw_result r;
		int64_t run;
		int counts[LW_NSTATUS] = {2, 0, 0, 0};
		char ds[32];

		obs_make(&o, 1000 + i, i, true);
		res_make(&r, "row_count", LW_PASS, "ok");
		if (lw_history_begin_run(h, 1000 + i, who, &run, &err))
			bad++;
		for (int k = 0; k < 2; k++) {
			snprintf(ds, sizeof ds, "%s.ds%d", who, k);
			if (lw_history_record(h, run, ds, &o, &r, 1, LW_PASS,
					      &err))
				bad++;
		}
		if (lw_history_end_run(h, run, 1001 + i, counts, &err))
			bad++;
		lw_obs_free(&o);
		lw_result_free(&r);
	}
	if (bad)
		fprintf(stderr, "%s: %d failures, last: %s\n", who, bad,
			err.msg);
	lw_history_close(h);
	return bad ? 1 : 0;
}

static void test_two_writers(void **state)
{
	char *p = path_of("shared.db");
	int status;
	pid_t pid;
	(void)state;

	/* Both start on a file that does not exist yet: creation races
	 * too. */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(writer(p, "child"));
	assert_int_equal(writer(p, "parent"), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM runs WHERE "
				 "finished IS NOT NULL"), 2 * WRITES);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM observations"),
			 2 * 2 * WRITES);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM results"),
			 2 * 2 * WRITES);
	free(p);
}

#define THREAD_WRITES 300

struct thr {
	struct lw_history *h;
	const char *name;
	int bad;
};

static void *thread_writer(void *ud)
{
	struct thr *t = ud;
	for (int i = 0; i < THREAD_WRITES; i++) {
		struct lw_err err = {0};
		struct lw_obs o;
		int64_t run;
		obs_make(&o, 10 + i, i, true);
		if (lw_history_begin_run(t->h, 10 + i, t->name, &run, &err) ||
		    lw_history_record(t->h, run, t->name, &o, NULL, 0,
				      i % 2 ? LW_WARN : LW_PASS, &err))
			t->bad++;
		lw_obs_free(&o);
	}
	return NULL;
}

/* The dashboard's poller records while its screen reads and prunes, all
 * on one handle. */
static void test_threads_share_handle(void **state)
{
	char *p = path_of("h.db");
	struct lw_err err = {0};
	struct thr a = {NULL, "a", 0}, b = {NULL, "b", 0};
	pthread_t ta, tb;
	struct lw_hevent *ev;
	size_t n;
	(void)state;

	assert_int_equal(lw_history_open(p, false, &a.h, &err), LW_OK);
	b.h = a.h;
	pthread_create(&ta, NULL, thread_writer, &a);
	pthread_create(&tb, NULL, thread_writer, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	assert_int_equal(a.bad + b.bad, 0);
	assert_int_equal(lw_history_events(a.h, "a", 1000, &ev, &n, &err),
			 LW_OK);
	assert_int_equal(n, THREAD_WRITES - 1);	/* every other run flips */
	lw_hevents_free(ev, n);
	lw_history_close(a.h);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM observations"),
			 2 * THREAD_WRITES);
	free(p);
}

static bool file_has(const char *p, const char *needle)
{
	size_t n;
	char *d = slurp(p, &n);
	bool hit;
	if (!d)
		return false;
	hit = memmem(d, n, needle, strlen(needle)) != NULL;
	free(d);
	return hit;
}

static void test_secrets_never_stored(void **state)
{
	const char *secret = "Zq8sEcReT0kEn4711xyz";
	char *p = path_of("h.db"), *wal = path_of("h.db-wal");
	char *msg = lw_xasprintf("GET ...?sv=1&sig=%s failed", secret);
	struct lw_history *h;
	struct lw_err err = {0};
	struct lw_obs o;
	struct lw_result r;
	int64_t run;
	(void)state;

	lw_secret_register(secret);
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	assert_int_equal(lw_history_begin_run(h, 5, secret, &run, &err),
			 LW_OK);
	obs_make(&o, 5, 1, true);
	cJSON_AddStringToObject(lw_obs_detail(&o), "url", msg);
	/* Bypass lw_obs_fail's own redaction: the store must not rely on
	 * its callers. */
	o.ok = false;
	o.error = lw_xstrdup(msg);
	memset(&r, 0, sizeof r);
	r.check = lw_xstrdup("observe");
	r.status = LW_ERROR;
	r.message = lw_xstrdup(msg);
	r.measured = lw_xstrdup(secret);
	r.threshold = lw_xstrdup(secret);
	cJSON *arr = cJSON_AddArrayToObject(lw_obs_detail(&o), "refreshes");
	cJSON *x = cJSON_CreateObject();
	cJSON_AddStringToObject(x, "requestId", secret);
	cJSON_AddItemToArray(arr, x);
	assert_int_equal(lw_history_record(h, run, secret, &o, &r, 1,
					   LW_ERROR, &err), LW_OK);
	/* While open, the data sits in the WAL; check it there too. */
	assert_true(file_has(wal, "observe"));
	assert_false(file_has(wal, secret));
	lw_history_close(h);
	assert_false(file_has(p, secret));
	assert_true(file_has(p, "***"));
	assert_true(file_has(p, "observe"));
	lw_obs_free(&o);
	lw_result_free(&r);
	lw_secret_clear_all();
	free(msg);
	free(p);
	free(wal);
}

static void test_prune(void **state)
{
	char *p = path_of("h.db");
	struct lw_history *h;
	struct lw_err err = {0};
	struct lw_hrun *runs;
	struct lw_hevent *ev;
	size_t n;
	(void)state;

	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	record_one(h, 100, "a", LW_FAIL, 1, true);
	record_one(h, 200, "a", LW_PASS, 2, true);
	record_one(h, 300, "a", LW_WARN, 3, true);
	assert_int_equal(lw_history_prune(h, 250, &err), LW_OK);
	assert_int_equal(lw_history_runs(h, 10, &runs, &n, &err), LW_OK);
	assert_int_equal(n, 1);
	assert_int_equal(runs[0].started, 300);
	free(runs);
	assert_int_equal(lw_history_events(h, NULL, 10, &ev, &n, &err),
			 LW_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].to, LW_WARN);
	lw_hevents_free(ev, n);
	/* Same status again after the prune: still no new event. */
	record_one(h, 400, "a", LW_WARN, 4, true);
	assert_int_equal(lw_history_events(h, NULL, 10, &ev, &n, &err),
			 LW_OK);
	assert_int_equal(n, 1);
	lw_hevents_free(ev, n);
	lw_history_close(h);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM observations "
				 "WHERE at < 250"), 0);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM results WHERE run "
				 "NOT IN (SELECT id FROM runs)"), 0);
	free(p);
}

static void test_readonly(void **state)
{
	char *p = path_of("h.db");
	struct lw_history *h;
	struct lw_err err = {0};
	struct lw_hpoint *pts;
	size_t n;
	int64_t run;
	(void)state;

	assert_int_equal(lw_history_open(p, true, &h, &err), LW_ENOTFOUND);
	assert_non_null(strstr(err.msg, p));
	assert_int_equal(access(p, F_OK), -1);	/* not created */
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	record_one(h, 100, "a", LW_PASS, 9, true);
	lw_history_close(h);
	assert_int_equal(lw_history_open(p, true, &h, &err), LW_OK);
	assert_int_equal(lw_history_begin_run(h, 1, "x", &run, &err),
			 LW_EPERM);
	assert_int_equal(lw_history_series(h, "a", 5, &pts, &n, &err),
			 LW_OK);
	assert_int_equal(n, 1);
	assert_int_equal(pts[0].rows, 9);
	free(pts);
	lw_history_close(h);
	/* A directory is not a history file. */
	assert_int_not_equal(lw_history_open(dir, false, &h, &err), LW_OK);
	free(p);
}

/* issue 11: the history and its WAL and SHM files are the owner's only,
 * whatever the umask: they hold the lake's names, sizes and messages. */
static void test_files_0600(void **st)
{
	(void)st;
	char *p = path_of("h.db"), *wal = lw_xasprintf("%s-wal", p),
	     *shm = lw_xasprintf("%s-shm", p);
	struct lw_history *h = NULL;
	struct lw_err err;
	struct stat sb;
	int64_t id = 0;
	mode_t old = umask(022);
	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	assert_int_equal(lw_history_begin_run(h, 1000, "t", &id, &err), LW_OK);
	umask(old);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 077, 0);
	assert_int_equal(stat(wal, &sb), 0);
	assert_int_equal(sb.st_mode & 077, 0);
	assert_int_equal(stat(shm, &sb), 0);
	assert_int_equal(sb.st_mode & 077, 0);
	lw_history_close(h);
	free(p);
	free(wal);
	free(shm);
}

/* --- the anomaly rule's bands (bands.c, table anomaly_bands) --- */

/* One run at `at` recording ds with `files` files; an anomaly result on
 * files with range [lo, hi] when lo <= hi, else a learning one. */
static void band_poll(struct lw_history *h, int64_t at, int64_t files, double lo,
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
static void test_bands_round_trip(void **state)
{
	char *p = path_of("h.db");
	struct lw_history *h;
	struct lw_err err = {0};
	struct lw_hpoint *s;
	size_t n;
	(void)state;

	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	band_poll(h, 1000, 5, 1, 0);			/* learning: no band */
	band_poll(h, 2000, 5, 4, 6);
	band_poll(h, 3000, 20, 18, 22);		/* another season's band */
	band_poll(h, 4000, 40, 4, 6);		/* outside its band */
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
static void test_bands_retention(void **state)
{
	char *p = path_of("h.db");
	struct lw_history *h;
	struct lw_err err = {0};
	(void)state;

	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	for (int i = 1; i <= 5; i++)
		band_poll(h, i * 1000, 5, 4, 6);
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
static void test_bands_migrate_v9(void **state)
{
	char *p = path_of("v9.db");
	struct lw_history *h;
	struct lw_err err = {0};
	struct lw_hpoint *s;
	size_t n;
	(void)state;

	assert_int_equal(lw_history_open(p, false, &h, &err), LW_OK);
	band_poll(h, 1000, 5, 4, 6);
	band_poll(h, 2000, 5, 4, 6);
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
	band_poll(h, 3000, 5, 4, 6);
	assert_int_equal(lw_history_series(h, "ds", 10, &s, &n, &err), LW_OK);
	assert_int_equal(n, 3);
	assert_true(s[0].band_mask == 0 && s[1].band_mask == 0);
	assert_int_equal(s[2].band_mask, 1u << LW_M_FILES);
	free(s);
	lw_history_close(h);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_create_wal_version),
		T(test_files_0600),
		T(test_round_trip),
		T(test_events),
		T(test_refreshes_once),
		T(test_newer_version),
		T(test_not_a_database),
		T(test_foreign_database),
		T(test_corrupt),
		T(test_locked),
		T(test_locked_at_open),
		T(test_two_writers),
		T(test_threads_share_handle),
		T(test_secrets_never_stored),
		T(test_prune),
		T(test_readonly),
		T(test_bands_round_trip),
		T(test_bands_retention),
		T(test_bands_migrate_v9),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
