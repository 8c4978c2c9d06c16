#include <assert.h>
#include <fcntl.h>
#include <sys/file.h>
/* store.c - opening the history file and writing runs into it.
 *
 * Every write is one IMMEDIATE transaction: it takes the write lock up
 * front, so SQLite's busy handler (not a deadlock error) decides what
 * happens when a dashboard and a CI job write at once. On top of the busy
 * timeout, a transaction that still fails with "busy" early is retried until
 * the same deadline (WAL snapshots can fail fast without waiting).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lakewatch/log.h"
#include "lakewatch/util.h"
#include "lakewatch/secret.h"
#include "lakewatch/history_incidents.h"
#include "lakewatch/history_outbox.h"
#include "history_int.h"

/* See history_int.h. */
static int dberr(struct lw_history *h, int rc, const char *what,
		 struct lw_err *err);

/* See history_int.h; every history problem goes to the log too. */
int lw_hist_dberr(struct lw_history *h, int rc, const char *what,
		  struct lw_err *err)
{
	struct lw_err e;
	int code = dberr(h, rc, what, &e);
	lw_log(LW_LOG_ERROR, "history: %s", e.msg);
	if (err)
		*err = e;
	return code;
}

static int dberr(struct lw_history *h, int rc, const char *what,
		 struct lw_err *err)
{
	const char *msg = h->db ? sqlite3_errmsg(h->db) : sqlite3_errstr(rc);
	int en = h->db ? sqlite3_system_errno(h->db) : 0;

	/* "disk I/O error" says nothing an operator can act on: name the
	 * cause the system gave, and the files it may be in */
	if ((rc & 0xff) == SQLITE_FULL || en == ENOSPC || en == EDQUOT)
		return lw_err_set(err, LW_EIO, "%s: %s: the disk is full (%s "
				  "or its -wal/-journal file could not grow)",
				  h->path, what, en == EDQUOT ? "disk quota "
				  "exceeded" : "no space left on device");
	if (en == EROFS)
		return lw_err_set(err, LW_EPERM, "%s: %s: read-only file "
				  "system", h->path, what);
	if ((en == EACCES || en == EPERM) && (rc & 0xff) != SQLITE_BUSY)
		return lw_err_set(err, LW_EPERM, "%s: %s: permission denied "
				  "(the file, its -wal/-shm files or their "
				  "folder)", h->path, what);
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return lw_err_set(err, LW_ETIMEOUT, "%s: %s: database is "
				  "locked by another process (waited %d ms)",
				  h->path, what, h->busy_ms);
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return lw_err_set(err, LW_EPARSE, "%s: %s: %s", h->path, what,
				  msg);
	case SQLITE_CANTOPEN:
		return lw_err_set(err, LW_EIO, "%s: cannot open: %s", h->path,
				  msg);
	case SQLITE_PERM:
	case SQLITE_READONLY:
	case SQLITE_AUTH:
		return lw_err_set(err, LW_EPERM, "%s: %s: %s", h->path, what,
				  msg);
	case SQLITE_NOMEM:
		return lw_err_set(err, LW_ENOMEM, "%s: %s: out of memory",
				  h->path, what);
	default:
		return lw_err_set(err, LW_EIO, "%s: %s: %s", h->path, what,
				  msg);
	}
}

/* See history_int.h. */
int lw_hist_exec(struct lw_history *h, const char *sql, struct lw_err *err)
{
	int rc = sqlite3_exec(h->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return lw_hist_dberr(h, rc, "writing", err);
	return LW_OK;
}

/* See history_int.h. */
int lw_hist_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	if (!s)
		return sqlite3_bind_null(st, idx);
	return sqlite3_bind_text(st, idx, lw_redact_dup(s), -1, free);
}

static int busy_ms_from_env(void)
{
	const char *e = getenv("LAKEWATCH_HISTORY_TIMEOUT");
	char *end;
	long v;

	if (!e || !*e)
		return LW_HISTORY_BUSY_MS;
	v = strtol(e, &end, 10);
	if (*end || v < 0 || v > 600000)
		return LW_HISTORY_BUSY_MS;
	return (int)v;
}

/* Caller owns *out (lw_history_close). */
static int64_t mono_ms(void);

/* Two processes opening one new file at once would both switch it to WAL
 * and create tables; SQLite's locks do not cover that first step, so
 * creation and migration run under an exclusive flock(). */
static int lock_for_open(struct lw_history *h, struct lw_err *err)
{
	/* 0600: the history holds the lake's names, sizes and messages;
	 * SQLite gives its -wal and -shm files the database's mode */
	h->lockfd = open(h->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (h->lockfd < 0)
		return lw_err_set(err, errno == EACCES ? LW_EPERM : LW_EIO,
				  "%s: cannot open: %s", h->path,
				  strerror(errno));
	int64_t deadline = mono_ms() + h->busy_ms;
	while (flock(h->lockfd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK || mono_ms() >= deadline)
			return lw_err_set(err, LW_ETIMEOUT, "%s: another process "
					  "kept it locked while opening (waited "
					  "%d ms)", h->path, h->busy_ms);
		struct timespec nap = {0, 10 * 1000 * 1000};
		nanosleep(&nap, NULL);
	}
	return LW_OK;
}

static int in_tx(struct lw_history *h, lw_hist_tx_fn fn, void *ud,
		 struct lw_err *err);

static int mark_fn(struct lw_history *h, void *ud, struct lw_err *err)
{
	(void)ud;
	return lw_hist_mark_aborted(h, err);
}

int lw_history_open(const char *path, bool readonly, struct lw_history **out,
		    struct lw_err *err)
{
	struct lw_history *h;
	struct stat sb;
	int flags, rc;

	*out = NULL;
	if (!path || !*path)
		return lw_err_set(err, LW_ECONFIG, "history: no path given");
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		return lw_err_set(err, LW_EIO, "%s: not a regular file",
				  path);
	if (readonly && access(path, F_OK) != 0)
		return lw_err_set(err, LW_ENOTFOUND, "%s: no history recorded "
				  "yet", path);

	h = lw_xcalloc(1, sizeof *h);
	h->lockfd = -1;
	h->path = lw_xstrdup(path);
	h->readonly = readonly;
	h->busy_ms = busy_ms_from_env();
	pthread_mutex_init(&h->tx_lock, NULL);
	/* FULLMUTEX: the dashboard reads while its poller thread records. */
	flags = SQLITE_OPEN_FULLMUTEX | (readonly ? SQLITE_OPEN_READONLY :
		SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	if (!readonly && (rc = lock_for_open(h, err)) != LW_OK) {
		lw_history_close(h);
		return rc;
	}
	rc = sqlite3_open_v2(path, &h->db, flags, NULL);
	if (rc != SQLITE_OK) {
		rc = lw_hist_dberr(h, rc, "opening", err);
		lw_history_close(h);
		return rc;
	}
	sqlite3_extended_result_codes(h->db, 0);
	sqlite3_busy_timeout(h->db, h->busy_ms);
	/* A page cache that holds the anomaly rule's kept series (about 20 KB
	 * per dataset and metric): a dashboard or watch polling 1,000
	 * datasets then reads them from memory, not the file, each poll.
	 * Pages are allocated as used, so a small history costs nothing. */
	sqlite3_exec(h->db, "PRAGMA cache_size=-65536", NULL, NULL, NULL);
	rc = lw_hist_migrate(h, err);
	if (h->lockfd >= 0)
		flock(h->lockfd, LOCK_UN);
	if (rc == LW_OK && !readonly)
		rc = in_tx(h, mark_fn, NULL, err);
	if (rc != LW_OK) {
		lw_history_close(h);
		return rc;
	}
	*out = h;
	return LW_OK;
}

void lw_history_close(struct lw_history *h)
{
	if (!h)
		return;
	for (int i = 0; i < LW_HIST_NSTMT; i++)
		sqlite3_finalize(h->stmts[i]);
	lw_hist_snapmem_free(h);
	sqlite3_close_v2(h->db);
	if (h->lockfd >= 0)
		close(h->lockfd);
	pthread_mutex_destroy(&h->tx_lock);
	free(h->marked);
	free(h->path);
	free(h);
}

/* See history_int.h. */
int lw_hist_stmt(struct lw_history *h, int slot, const char *sql,
		 sqlite3_stmt **st, struct lw_err *err)
{
	assert(slot >= 0 && slot < LW_HIST_NSTMT);
	if (h->stmts[slot]) {
		sqlite3_reset(h->stmts[slot]);
		sqlite3_clear_bindings(h->stmts[slot]);
		*st = h->stmts[slot];
		return LW_OK;
	}
	int rc = sqlite3_prepare_v3(h->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
				    &h->stmts[slot], NULL);
	if (rc != SQLITE_OK)
		return lw_hist_dberr(h, rc, "preparing a query", err);
	*st = h->stmts[slot];
	return LW_OK;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Run fn inside BEGIN IMMEDIATE ... COMMIT; roll back when it fails and
 * retry the whole of it while the failure is a lock and time is left. */
static int in_tx(struct lw_history *h, lw_hist_tx_fn fn, void *ud,
		 struct lw_err *err)
{
	int64_t deadline = mono_ms() + h->busy_ms;
	int rc;

	if (h->readonly)
		return lw_err_set(err, LW_EPERM, "%s: opened read-only",
				  h->path);
	pthread_mutex_lock(&h->tx_lock);
	for (;;) {
		rc = lw_hist_exec(h, "BEGIN IMMEDIATE", err);
		if (rc == LW_OK) {
			rc = fn(h, ud, err);
			if (rc == LW_OK)
				rc = lw_hist_exec(h, "COMMIT", err);
			if (rc != LW_OK && !sqlite3_get_autocommit(h->db))
				sqlite3_exec(h->db, "ROLLBACK", NULL, NULL,
					     NULL);
		}
		if (rc != LW_ETIMEOUT || mono_ms() >= deadline)
			break;
		struct timespec nap = {0, 20 * 1000 * 1000};
		nanosleep(&nap, NULL);
	}
	/* a committed transaction leaves none open behind it */
	assert(rc != LW_OK || sqlite3_get_autocommit(h->db));
	pthread_mutex_unlock(&h->tx_lock);
	return rc;
}

/* See history_int.h. */
int lw_hist_tx(struct lw_history *h, lw_hist_tx_fn fn, void *ud,
	       struct lw_err *err)
{
	return in_tx(h, fn, ud, err);
}

/* Prepare, or fill err. */
/* Step a statement that returns no rows, then finalize it. */
static void bind_opt(sqlite3_stmt *st, int idx, int64_t v)
{
	if (v < 0)
		sqlite3_bind_null(st, idx);
	else
		sqlite3_bind_int64(st, idx, v);
}

struct begin_ud {
	int64_t started;
	const char *config;
	int64_t id;
};

static int begin_fn(struct lw_history *h, void *ud, struct lw_err *err)
{
	struct begin_ud *b = ud;
	struct lw_hist_owner me;
	sqlite3_stmt *st;
	/* a run that died since the last one is marked before this one
	 * starts, so this run's baselines already leave it out */
	int rc = lw_hist_mark_aborted(h, err);
	if (rc == LW_OK)
		rc = lw_hist_prep(h, "INSERT INTO runs(started, config, pid, pid_start, "
			  "host) VALUES (?, ?, ?, ?, ?)", &st, err);
	if (rc != LW_OK)
		return rc;
	lw_hist_owner_self(&me);
	sqlite3_bind_int64(st, 1, b->started);
	lw_hist_bind_text(st, 2, b->config);
	sqlite3_bind_int64(st, 3, me.pid);
	bind_opt(st, 4, me.start);
	sqlite3_bind_text(st, 5, me.host, -1, SQLITE_TRANSIENT);
	rc = lw_hist_step_done(h, st, err);
	b->id = sqlite3_last_insert_rowid(h->db);
	return rc;
}

int lw_history_begin_run(struct lw_history *h, int64_t started,
			 const char *config_name, int64_t *run_id,
			 struct lw_err *err)
{
	struct begin_ud b = {started, config_name, 0};
	int rc = in_tx(h, begin_fn, &b, err);
	*run_id = rc == LW_OK ? b.id : 0;
	return rc;
}

struct end_ud {
	int64_t id, finished;
	const int *counts;
};

static int end_fn(struct lw_history *h, void *ud, struct lw_err *err)
{
	struct end_ud *e = ud;
	sqlite3_stmt *st;
	int rc = lw_hist_prep(h, "UPDATE runs SET finished = ?, n_pass = ?, "
		      "n_warn = ?, n_fail = ?, n_error = ? WHERE id = ?",
		      &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_int64(st, 1, e->finished);
	for (int i = 0; i < LW_NSTATUS; i++)
		sqlite3_bind_int(st, 2 + i, e->counts ? e->counts[i] : 0);
	sqlite3_bind_int64(st, 6, e->id);
	rc = lw_hist_step_done(h, st, err);
	if (rc == LW_OK && sqlite3_changes(h->db) == 0)
		rc = lw_err_set(err, LW_ENOTFOUND, "%s: no run %lld", h->path,
				(long long)e->id);
	return rc;
}

int lw_history_end_run(struct lw_history *h, int64_t run_id,
		       int64_t finished, const int counts[LW_NSTATUS],
		       struct lw_err *err)
{
	struct end_ud e = {run_id, finished, counts};
	return in_tx(h, end_fn, &e, err);
}

/* --- one dataset's record ------------------------------------------- */

struct rec_ud {
	int64_t run;
	const char *dataset;
	const struct lw_obs *obs;
	const struct lw_result *res;
	size_t nres;
	enum lw_status status;
	char *obs_json;		/* printed once, outside the retries */
	const struct lw_incident *inc;	/* incidents.c writes these */
	const int *inc_ev;
	size_t ninc;
	int64_t *inc_ids;
	const struct lw_outbox_item *items;	/* outbox.c writes these */
	size_t nitems;
	int64_t now;
};

/* Seconds since the newest data. The freshness check knows best where the
 * newest data is (partition, Delta commit, data column), and its value is
 * that age in seconds; without it, fall back to file modification times. */
static int64_t obs_age(const struct rec_ud *r)
{
	for (size_t i = 0; i < r->nres; i++)
		if (r->res[i].check && r->res[i].has_value &&
		    strcmp(r->res[i].check, "freshness") == 0 &&
		    r->res[i].value >= 0 && r->res[i].value < 1e15)
			return (int64_t)r->res[i].value;
	if (r->obs->ok && r->obs->newest_mtime >= 0 &&
	    r->obs->at >= r->obs->newest_mtime)
		return r->obs->at - r->obs->newest_mtime;
	return -1;
}

static int put_obs(struct lw_history *h, const struct rec_ud *r,
		   struct lw_err *err)
{
	const struct lw_obs *o = r->obs;
	sqlite3_stmt *st;
	int rc = lw_hist_prep(h, "INSERT INTO observations(run, dataset, at, ok, "
		      "error, files, bytes, rows, newest, age, status, obs) "
		      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_int64(st, 1, r->run);
	lw_hist_bind_text(st, 2, r->dataset);
	sqlite3_bind_int64(st, 3, o->at);
	sqlite3_bind_int(st, 4, o->ok);
	lw_hist_bind_text(st, 5, o->ok ? NULL : o->error);
	sqlite3_bind_int64(st, 6, o->files);
	sqlite3_bind_int64(st, 7, o->bytes);
	bind_opt(st, 8, o->rows);
	bind_opt(st, 9, o->newest_mtime);
	bind_opt(st, 10, obs_age(r));
	sqlite3_bind_int(st, 11, r->status);
	lw_hist_bind_text(st, 12, r->obs_json);
	return lw_hist_step_done(h, st, err);
}

static int put_results(struct lw_history *h, const struct rec_ud *r,
		       struct lw_err *err)
{
	for (size_t i = 0; i < r->nres; i++) {
		const struct lw_result *x = &r->res[i];
		sqlite3_stmt *st;
		int rc = lw_hist_prep(h, "INSERT INTO results(run, dataset, "
			      "check_name, status, measured, threshold, "
			      "message, value) VALUES (?,?,?,?,?,?,?,?)",
			      &st, err);
		if (rc != LW_OK)
			return rc;
		sqlite3_bind_int64(st, 1, r->run);
		lw_hist_bind_text(st, 2, r->dataset);
		lw_hist_bind_text(st, 3, x->check ? x->check : "?");
		sqlite3_bind_int(st, 4, x->status);
		lw_hist_bind_text(st, 5, x->measured);
		lw_hist_bind_text(st, 6, x->threshold);
		lw_hist_bind_text(st, 7, x->message);
		if (x->has_value)
			sqlite3_bind_double(st, 8, x->value);
		else
			sqlite3_bind_null(st, 8);
		rc = lw_hist_step_done(h, st, err);
		if (rc != LW_OK)
			return rc;
	}
	return LW_OK;
}

/* The last recorded status of dataset; *have false when never seen. */
static int last_status(struct lw_history *h, const char *dataset, int *out,
		       bool *have, struct lw_err *err)
{
	sqlite3_stmt *st;
	int rc = lw_hist_prep(h, "SELECT status FROM state WHERE dataset = ?", &st,
		      err);
	if (rc != LW_OK)
		return rc;
	lw_hist_bind_text(st, 1, dataset);
	rc = sqlite3_step(st);
	*have = rc == SQLITE_ROW;
	if (*have)
		*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return lw_hist_dberr(h, rc, "reading", err);
	return LW_OK;
}

/* Record a status change. A dataset seen for the first time comes from
 * nothing (LW_HIST_FROM_NEW, shown as "new"), so a first run that fails
 * shows up in the event list without claiming it ever passed; a first run
 * that passes is not news. */
static int put_event(struct lw_history *h, const struct rec_ud *r,
		     struct lw_err *err)
{
	const struct lw_result *worst = NULL;
	sqlite3_stmt *st;
	bool have;
	int prev = LW_PASS, rc;

	rc = last_status(h, r->dataset, &prev, &have, err);
	if (rc != LW_OK)
		return rc;
	if (!have && r->status == LW_PASS)
		goto state;
	if (!have)
		prev = LW_HIST_FROM_NEW;
	else if (prev == (int)r->status)
		goto state;
	for (size_t i = 0; i < r->nres; i++)
		if (!worst || r->res[i].status > worst->status)
			worst = &r->res[i];
	rc = lw_hist_prep(h, "INSERT INTO events(run, at, dataset, from_status, "
		  "to_status, check_name, message) VALUES (?,?,?,?,?,?,?)",
		  &st, err);
	if (rc != LW_OK)
		return rc;
	sqlite3_bind_int64(st, 1, r->run);
	sqlite3_bind_int64(st, 2, r->obs->at);
	lw_hist_bind_text(st, 3, r->dataset);
	sqlite3_bind_int(st, 4, prev);
	sqlite3_bind_int(st, 5, r->status);
	if (worst && r->status != LW_PASS) {
		lw_hist_bind_text(st, 6, worst->check);
		lw_hist_bind_text(st, 7, worst->message);
	} else if (!r->obs->ok && r->obs->error) {
		lw_hist_bind_text(st, 6, "observe");
		lw_hist_bind_text(st, 7, r->obs->error);
	}
	rc = lw_hist_step_done(h, st, err);
	if (rc != LW_OK)
		return rc;
state:
	rc = lw_hist_prep(h, "INSERT INTO state(dataset, status, at) VALUES (?,?,?) "
		  "ON CONFLICT(dataset) DO UPDATE SET status = excluded.status,"
		  " at = excluded.at", &st, err);
	if (rc != LW_OK)
		return rc;
	lw_hist_bind_text(st, 1, r->dataset);
	sqlite3_bind_int(st, 2, r->status);
	sqlite3_bind_int64(st, 3, r->obs->at);
	return lw_hist_step_done(h, st, err);
}

/* A refresh time: epoch number, or an ISO string as the REST API gives. */
static int64_t refresh_time(const cJSON *o, const char *num_key,
			    const char *str_key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, num_key);
	int64_t t;

	if (cJSON_IsNumber(v))	/* out of range: undefined to convert */
		return v->valuedouble >= -9.2e18 && v->valuedouble <= 9.2e18
		       ? (int64_t)v->valuedouble : -1;
	v = cJSON_GetObjectItemCaseSensitive(o, str_key);
	if (cJSON_IsString(v) && lw_time_parse(v->valuestring, &t) == LW_OK)
		return t;
	return -1;
}

static int put_refreshes(struct lw_history *h, const struct rec_ud *r,
			 struct lw_err *err)
{
	const cJSON *arr, *it;

	if (!r->obs->detail)
		return LW_OK;
	arr = cJSON_GetObjectItemCaseSensitive(r->obs->detail, "refreshes");
	if (!cJSON_IsArray(arr))
		return LW_OK;
	cJSON_ArrayForEach(it, arr) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(it,
							"requestId");
		const cJSON *status = cJSON_GetObjectItemCaseSensitive(it,
							"status");
		sqlite3_stmt *st;
		char *text;
		int rc;

		if (!cJSON_IsString(id) || !*id->valuestring)
			continue;
		text = cJSON_PrintUnformatted(it);
		if (!text)
			return lw_err_set(err, LW_ENOMEM, "%s: out of memory",
					  h->path);
		rc = lw_hist_prep(h, "INSERT OR IGNORE INTO refreshes(request_id, "
			  "run, dataset, status, started, ended, refresh) "
			  "VALUES (?,?,?,?,?,?,?)", &st, err);
		if (rc != LW_OK) {
			cJSON_free(text);
			return rc;
		}
		lw_hist_bind_text(st, 1, id->valuestring);
		sqlite3_bind_int64(st, 2, r->run);
		lw_hist_bind_text(st, 3, r->dataset);
		lw_hist_bind_text(st, 4, cJSON_IsString(status) ?
				  status->valuestring : NULL);
		bind_opt(st, 5, refresh_time(it, "started", "startTime"));
		bind_opt(st, 6, refresh_time(it, "ended", "endTime"));
		lw_hist_bind_text(st, 7, text);
		cJSON_free(text);
		rc = lw_hist_step_done(h, st, err);
		if (rc != LW_OK)
			return rc;
	}
	return LW_OK;
}

static int record_fn(struct lw_history *h, void *ud, struct lw_err *err)
{
	struct rec_ud *r = ud;
	int rc = put_obs(h, r, err);
	if (rc == LW_OK)
		rc = put_results(h, r, err);
	if (rc == LW_OK)
		rc = lw_hist_put_bands(h, r->run, r->dataset, r->res, r->nres,
				       err);
	if (rc == LW_OK)
		rc = put_event(h, r, err);
	if (rc == LW_OK)
		rc = put_refreshes(h, r, err);
	if (rc == LW_OK)
		rc = lw_hist_put_pipeline_runs(h, r->dataset, r->obs, err);
	if (rc == LW_OK && r->ninc)
		rc = lw_hist_put_incidents(h, r->run, r->inc, r->inc_ev,
					   r->ninc, r->inc_ids, err);
	if (rc == LW_OK && r->nitems)
		rc = lw_hist_put_outbox(h, r->run, r->inc, r->inc_ids, r->ninc,
					r->items, r->nitems, r->now, err);
	return rc;
}

int lw_history_record(struct lw_history *h, int64_t run_id,
		      const char *dataset, const struct lw_obs *obs,
		      const struct lw_result *res, size_t nres,
		      enum lw_status status, struct lw_err *err)
{
	return lw_history_record_incidents(h, run_id, dataset, obs, res, nres,
					   status, NULL, NULL, 0, NULL, err);
}

/* See history_incidents.h. */
int lw_history_record_incidents(struct lw_history *h, int64_t run_id,
				const char *dataset, const struct lw_obs *obs,
				const struct lw_result *res, size_t nres,
				enum lw_status status,
				const struct lw_incident *inc, const int *ev,
				size_t ninc, int64_t *ids, struct lw_err *err)
{
	return lw_history_record_outbox(h, run_id, dataset, obs, res, nres,
					status, inc, ev, ninc, ids, NULL, 0, 0,
					err);
}

/* See history_outbox.h. */
int lw_history_record_outbox(struct lw_history *h, int64_t run_id,
			     const char *dataset, const struct lw_obs *obs,
			     const struct lw_result *res, size_t nres,
			     enum lw_status status,
			     const struct lw_incident *inc, const int *ev,
			     size_t ninc, int64_t *ids,
			     const struct lw_outbox_item *items, size_t nitems,
			     int64_t now, struct lw_err *err)
{
	struct rec_ud r = {run_id, dataset, obs, res, nres, status, NULL,
			   inc, ev, ninc, ids, items, nitems, now};
	cJSON *j;
	int rc;

	if (!dataset || !obs || (nres && !res) || (nitems && !ids))
		return lw_err_set(err, LW_ECONFIG, "%s: record: nothing to "
				  "record", h->path);
	j = lw_obs_to_json(obs);
	if (j) {
		r.obs_json = cJSON_PrintUnformatted(j);
		cJSON_Delete(j);
	}
	rc = in_tx(h, record_fn, &r, err);
	if (r.obs_json)
		cJSON_free(r.obs_json);
	if (rc != LW_OK)
		lw_err_prefix(err, "recording %s", dataset);
	return rc;
}

/* --- retention ------------------------------------------------------ */

static int prune_fn(struct lw_history *h, void *ud, struct lw_err *err)
{
	static const char *const sql[] = {
		"DELETE FROM observations WHERE run IN "
		"(SELECT id FROM runs WHERE started < ?1)",
		"DELETE FROM results WHERE run IN "
		"(SELECT id FROM runs WHERE started < ?1)",
		"DELETE FROM events WHERE run IN "
		"(SELECT id FROM runs WHERE started < ?1)",
		"DELETE FROM refreshes WHERE run IN "
		"(SELECT id FROM runs WHERE started < ?1)",
		/* the anomaly rule's bands go with their observations */
		"DELETE FROM anomaly_bands WHERE run IN "
		"(SELECT id FROM runs WHERE started < ?1)",
		"DELETE FROM runs WHERE started < ?1",
		/* incidents do not hang on runs: resolved ones age out */
		"DELETE FROM incident_events WHERE incident IN "
		"(SELECT id FROM incidents WHERE resolved < ?1)",
		"DELETE FROM acks WHERE incident IN "
		"(SELECT id FROM incidents WHERE resolved < ?1)",
		"DELETE FROM notify_sent WHERE incident IN "
		"(SELECT id FROM incidents WHERE resolved < ?1)",
		"DELETE FROM incidents WHERE resolved < ?1",
		"DELETE FROM mutes WHERE until < ?1",
		/* an accept taken back: no reader looks at it again; the
		 * one in force stays, however old (it is the baseline) */
		"DELETE FROM accepts WHERE undone < ?1",
		/* the anomaly rule's kept series (series.c): a snapshot that
		 * still holds pruned points is rebuilt from what is left */
		"DELETE FROM series_snap WHERE since < ?1",
		/* the outbox: what is done with, and what was announced
		 * about incidents that are gone */
		"DELETE FROM outbox_notices WHERE msg IN "
		"(SELECT id FROM outbox WHERE state != 0 AND created < ?1)",
		"DELETE FROM outbox WHERE state != 0 AND created < ?1",
		/* runs no longer changing age out like the rest */
		"DELETE FROM pipeline_runs WHERE updated < ?1",
	};
	int64_t before = *(int64_t *)ud;

	for (size_t i = 0; i < sizeof sql / sizeof *sql; i++) {
		sqlite3_stmt *st;
		int rc = lw_hist_prep(h, sql[i], &st, err);
		if (rc != LW_OK)
			return rc;
		sqlite3_bind_int64(st, 1, before);
		rc = lw_hist_step_done(h, st, err);
		if (rc != LW_OK)
			return rc;
	}
	return LW_OK;
}

int lw_history_prune(struct lw_history *h, int64_t before, struct lw_err *err)
{
	lw_hist_snapmem_free(h);	/* kept rows it may delete */
	return in_tx(h, prune_fn, &before, err);
}
