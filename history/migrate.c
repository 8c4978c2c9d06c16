/* migrate.c - the history schema, step by step, and the checks that a file
 * is ours before anything is written to it.
 *
 * A file is ours when PRAGMA application_id is LW_HISTORY_APPID. A brand-new
 * (empty) database gets the schema; anything else - another program's
 * database, a text file, a corrupt file - is refused untouched, because
 * overwriting it would lose someone's data.
 */
#include <stdio.h>
#include <string.h>
#include "lakewatch/util.h"
#include "history_int.h"

/* The notification outbox (history/outbox.c): one message per run, route
 * and channel, its notices in the order enqueued, what the sender did
 * (state 0 pending, 1 delivered, 2 rejected, 3 expired), and what was
 * announced per incident, route and channel (reminders and the resolve
 * that is always sent for it). Self-contained, so it can be renumbered. */
#define STEP_OUTBOX \
	"CREATE TABLE outbox ("					\
	"  id INTEGER PRIMARY KEY,"				\
	"  run INTEGER NOT NULL,"				\
	"  route TEXT NOT NULL,"				\
	"  channel TEXT NOT NULL,"				\
	"  created INTEGER NOT NULL,"				\
	"  state INTEGER NOT NULL DEFAULT 0,"			\
	"  attempts INTEGER NOT NULL DEFAULT 0,"		\
	"  next_at INTEGER NOT NULL,"				\
	"  last_error TEXT,"					\
	"  done_at INTEGER);"					\
	"CREATE INDEX outbox_run ON outbox(run, route, channel);"	\
	"CREATE INDEX outbox_pending ON outbox(state, channel, id);"	\
	"CREATE TABLE outbox_notices ("				\
	"  id INTEGER PRIMARY KEY,"				\
	"  msg INTEGER NOT NULL,"				\
	"  incident INTEGER NOT NULL,"				\
	"  dataset TEXT NOT NULL,"				\
	"  check_name TEXT NOT NULL,"				\
	"  kind TEXT NOT NULL,"					\
	"  notice TEXT NOT NULL);"				\
	"CREATE INDEX outbox_notices_msg ON outbox_notices(msg, id);"	\
	"CREATE TABLE notify_sent ("				\
	"  incident INTEGER NOT NULL,"				\
	"  route TEXT NOT NULL,"				\
	"  channel TEXT NOT NULL,"				\
	"  first_at INTEGER NOT NULL,"				\
	"  last_at INTEGER NOT NULL,"				\
	"  PRIMARY KEY (incident, route, channel));"

/* 5 -> 6: the per-file observation cache (fcache.c, history_cache.h): a
 * scope per lake, dataset path and fingerprint (with the state a table
 * format kept: a Delta snapshot), and per file its key and what its
 * format saw. Ids grow with each write (INSERT OR REPLACE), so
 * the oldest written go first past the entry cap. */
static const char step_file_cache[] =
	"CREATE TABLE file_cache_scope ("
	"  id INTEGER PRIMARY KEY,"
	"  lake TEXT NOT NULL,"
	"  path TEXT NOT NULL,"
	"  fp TEXT NOT NULL,"
	"  seen INTEGER NOT NULL,"
	"  state TEXT,"
	"  UNIQUE (lake, path, fp));"
	"CREATE INDEX file_cache_scope_seen ON file_cache_scope(seen);"
	"CREATE TABLE file_cache ("
	"  id INTEGER PRIMARY KEY,"
	"  scope INTEGER NOT NULL,"
	"  path TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  mtime INTEGER NOT NULL,"
	"  mtime_nsec INTEGER NOT NULL,"
	"  tag INTEGER NOT NULL,"
	"  obs TEXT NOT NULL,"
	"  UNIQUE (scope, path));";

/* 6 -> 7: which process on which host wrote a run (pid, its start time in
 * clock ticks since boot from /proc, host name), so a run left without an
 * end by a process that is gone can be told from one still going, and
 * marked aborted (store.c, mark_aborted): its partial observations stay
 * visible but never feed baselines or the anomaly rule. runs_aborted keeps
 * the few aborted run ids in an index the series queries exclude. */
#define STEP_RUN_OWNER \
	"ALTER TABLE runs ADD COLUMN pid INTEGER;" \
	"ALTER TABLE runs ADD COLUMN pid_start INTEGER;" \
	"ALTER TABLE runs ADD COLUMN host TEXT;" \
	"ALTER TABLE runs ADD COLUMN aborted INTEGER;" \
	"CREATE INDEX runs_aborted ON runs(id) WHERE aborted IS NOT NULL;" \
	"CREATE INDEX runs_open ON runs(id) WHERE finished IS NULL AND " \
	"  aborted IS NULL;"

/* 9 -> 10 (anomaly_bands): what the anomaly rule expected at each
 * observation it judged (bands.c): per dataset, run and metric name
 * ("rows", "load", ...), the range [lo, hi] and the value judged, so the
 * dashboard draws each past point's own band (a seasonal series' band
 * moves with the season). Keyed for the detail's read (a dataset's
 * recent runs); bands_run serves retention, which prunes by run like
 * the observations. IF NOT EXISTS: a file that already holds it (a
 * test's hand-made older file) migrates all the same. Self-contained,
 * so it can be renumbered. */
#define STEP_ANOMALY_BANDS \
	"CREATE TABLE IF NOT EXISTS anomaly_bands ("		\
	"  dataset TEXT NOT NULL,"				\
	"  run INTEGER NOT NULL,"				\
	"  metric TEXT NOT NULL,"				\
	"  lo REAL NOT NULL,"					\
	"  hi REAL NOT NULL,"					\
	"  v REAL,"						\
	"  PRIMARY KEY (dataset, run, metric)) WITHOUT ROWID;"	\
	"CREATE INDEX IF NOT EXISTS anomaly_bands_run ON anomaly_bands(run);"

/* steps[i] takes the schema from version i to i+1. Append only: a released
 * step never changes, so any old file can be walked forward. */
static const char *const steps[LW_HISTORY_VERSION] = {
	/* 0 -> 1 */
	"CREATE TABLE runs ("
	"  id INTEGER PRIMARY KEY,"
	"  started INTEGER NOT NULL,"
	"  finished INTEGER,"
	"  config TEXT,"
	"  n_pass INTEGER NOT NULL DEFAULT 0,"
	"  n_warn INTEGER NOT NULL DEFAULT 0,"
	"  n_fail INTEGER NOT NULL DEFAULT 0,"
	"  n_error INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX runs_started ON runs(started);"
	"CREATE TABLE observations ("
	"  id INTEGER PRIMARY KEY,"
	"  run INTEGER NOT NULL,"
	"  dataset TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  ok INTEGER NOT NULL,"
	"  error TEXT,"
	"  files INTEGER, bytes INTEGER, rows INTEGER,"
	"  newest INTEGER, age INTEGER,"
	"  status INTEGER NOT NULL,"
	"  obs TEXT);"
	"CREATE INDEX obs_series ON observations(dataset, at);"
	"CREATE INDEX obs_prev ON observations(dataset, ok, run);"
	"CREATE INDEX obs_run ON observations(run);"
	"CREATE TABLE results ("
	"  id INTEGER PRIMARY KEY,"
	"  run INTEGER NOT NULL,"
	"  dataset TEXT NOT NULL,"
	"  check_name TEXT NOT NULL,"
	"  status INTEGER NOT NULL,"
	"  measured TEXT, threshold TEXT, message TEXT,"
	"  value REAL);"
	"CREATE INDEX results_run ON results(run);"
	"CREATE INDEX results_ds ON results(dataset, check_name, run);"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  run INTEGER NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  dataset TEXT NOT NULL,"
	"  from_status INTEGER NOT NULL,"
	"  to_status INTEGER NOT NULL,"
	"  check_name TEXT,"
	"  message TEXT);"
	"CREATE INDEX events_at ON events(at DESC, id DESC);"
	"CREATE INDEX events_ds ON events(dataset, at DESC, id DESC);"
	"CREATE INDEX events_run ON events(run);"
	"CREATE TABLE refreshes ("
	"  request_id TEXT PRIMARY KEY,"
	"  run INTEGER NOT NULL,"
	"  dataset TEXT NOT NULL,"
	"  status TEXT,"
	"  started INTEGER, ended INTEGER,"
	"  refresh TEXT NOT NULL);"
	"CREATE INDEX refreshes_ds ON refreshes(dataset, started);"
	"CREATE INDEX refreshes_run ON refreshes(run);"
	/* The last recorded status of each dataset, kept apart from the
	 * observations so that pruning never makes an old status look new
	 * (which would invent or hide a status-change event). */
	"CREATE TABLE state ("
	"  dataset TEXT PRIMARY KEY,"
	"  status INTEGER NOT NULL,"
	"  at INTEGER NOT NULL);",
	/* 1 -> 2: incidents (a problem across polls) and what people did
	 * about them. Only new tables: every recorded run stays as it is. */
	"CREATE TABLE incidents ("
	"  id INTEGER PRIMARY KEY,"
	"  dataset TEXT NOT NULL,"
	"  check_name TEXT NOT NULL,"
	"  opened INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL,"
	"  resolved INTEGER,"
	"  worst INTEGER NOT NULL,"
	"  current INTEGER NOT NULL,"
	"  last_bad INTEGER NOT NULL,"
	"  polls INTEGER NOT NULL,"
	"  passes INTEGER NOT NULL,"
	"  open_at INTEGER, open_status INTEGER, open_measured TEXT,"
	"  open_threshold TEXT, open_message TEXT, open_value REAL,"
	"  worst_at INTEGER, worst_status INTEGER, worst_measured TEXT,"
	"  worst_threshold TEXT, worst_message TEXT, worst_value REAL,"
	"  now_at INTEGER, now_status INTEGER, now_measured TEXT,"
	"  now_threshold TEXT, now_message TEXT, now_value REAL,"
	"  acked_by TEXT, acked_at INTEGER, ack_note TEXT);"
	"CREATE INDEX incidents_open ON incidents(dataset, check_name) "
	"  WHERE resolved IS NULL;"
	"CREATE INDEX incidents_ds ON incidents(dataset, check_name, id);"
	"CREATE TABLE incident_events ("
	"  id INTEGER PRIMARY KEY,"
	"  incident INTEGER NOT NULL,"
	"  run INTEGER,"
	"  at INTEGER NOT NULL,"
	"  dataset TEXT NOT NULL,"
	"  check_name TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  from_status INTEGER NOT NULL,"
	"  to_status INTEGER NOT NULL,"
	"  message TEXT);"
	"CREATE INDEX incident_events_at ON incident_events(at DESC, id DESC);"
	"CREATE INDEX incident_events_inc ON incident_events(incident);"
	"CREATE TABLE acks ("
	"  id INTEGER PRIMARY KEY,"
	"  incident INTEGER NOT NULL,"
	"  dataset TEXT NOT NULL,"
	"  check_name TEXT NOT NULL,"
	"  user TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  note TEXT);"
	"CREATE INDEX acks_inc ON acks(incident);"
	/* check_name NULL: every check of the dataset. */
	"CREATE TABLE mutes ("
	"  id INTEGER PRIMARY KEY,"
	"  dataset TEXT NOT NULL,"
	"  check_name TEXT,"
	"  user TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  until INTEGER NOT NULL);"
	"CREATE INDEX mutes_ds ON mutes(dataset, until);"
	/* A baseline a person accepted: the schema and/or row count of the
	 * last observation at that moment. undone: when it was taken back. */
	"CREATE TABLE accepts ("
	"  id INTEGER PRIMARY KEY,"
	"  dataset TEXT NOT NULL,"
	"  check_name TEXT,"
	"  user TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  schema TEXT,"
	"  rows INTEGER,"
	"  undone INTEGER);"
	"CREATE INDEX accepts_ds ON accepts(dataset, id);",
	/* 2 -> 3: covering indexes for the anomaly rule's series
	 * (history/series.c): a dataset's points and their verdicts are
	 * read from the index alone, contiguous, instead of one table page
	 * per observation (the observations of a run share pages). */
	"CREATE INDEX obs_metric ON observations(dataset, at, ok, run, rows,"
	"  bytes, files, newest);"
	"CREATE INDEX results_verdict ON results(dataset, check_name, run,"
	"  status);",
	/* 3 -> 4: the anomaly rule's series kept between polls
	 * (history/series.c): per dataset and metric, the points of the
	 * window packed in one row, how far into the observations they
	 * reach, and the seasonality `auto` last picked from them. A poll
	 * reads this row and the observations after it, not the window. */
	"CREATE TABLE series_snap ("
	"  dataset TEXT NOT NULL,"
	"  metric INTEGER NOT NULL,"
	"  since INTEGER NOT NULL,"
	"  last_at INTEGER NOT NULL,"
	"  last_run INTEGER NOT NULL,"
	"  last_v REAL,"
	"  season INTEGER NOT NULL,"
	"  picked INTEGER NOT NULL,"
	"  pts BLOB NOT NULL,"
	"  PRIMARY KEY (dataset, metric));",
	/* 4 -> 5 */
	STEP_OUTBOX,
	/* 5 -> 6 */
	step_file_cache,
	/* 6 -> 7 */
	STEP_RUN_OWNER,
	/* 7 -> 8 (mutes_ended): `lakewatch unmute` ends a mute early and
	 * says who did and when; until is set to that time, so every reader
	 * of mutes already sees it ended. */
	"ALTER TABLE mutes ADD COLUMN ended_by TEXT;"
	"ALTER TABLE mutes ADD COLUMN ended_at INTEGER;",
	/* 8 -> 9: pipeline and job runs seen on the control-plane lakes
	 * (pipeline_runs.c), kept past the services' 45-60 days: one row
	 * per run, keyed by lake, pipeline and run id, written when first
	 * seen and again only when what is known of it changes. */
	"CREATE TABLE pipeline_runs ("
	"  lake TEXT NOT NULL,"
	"  pipeline TEXT NOT NULL,"
	"  run_id TEXT NOT NULL,"
	"  service TEXT,"
	"  dataset TEXT NOT NULL,"
	"  state TEXT NOT NULL,"
	"  status TEXT,"
	"  started INTEGER, ended INTEGER, duration INTEGER,"
	"  message TEXT, failing TEXT, error_code TEXT,"
	"  first_seen INTEGER NOT NULL,"
	"  updated INTEGER NOT NULL,"
	"  PRIMARY KEY (lake, pipeline, run_id));"
	"CREATE INDEX pipeline_runs_started ON pipeline_runs(lake, pipeline,"
	"  started);"
	"CREATE INDEX pipeline_runs_updated ON pipeline_runs(updated);",
	/* 9 -> 10 */
	STEP_ANOMALY_BANDS,
};

static int pragma_int(struct lw_history *h, const char *sql, int *out,
		      struct lw_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(h->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int(st, 0);
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return lw_hist_dberr(h, rc, "reading the schema version", err);
	return LW_OK;
}

static int not_ours(struct lw_history *h, struct lw_err *err)
{
	return lw_err_set(err, LW_EPARSE, "%s: not a lakewatch history file "
			  "(left untouched; move it away or set "
			  "\"history\": {\"path\": ...})", h->path);
}

/* Decide what the file is. *fresh: empty, ours to initialise. */
static int identify(struct lw_history *h, int *version, bool *fresh,
		    struct lw_err *err)
{
	int appid = 0, objects = 0, rc;

	*fresh = false;
	rc = pragma_int(h, "PRAGMA application_id", &appid, err);
	if (rc == LW_OK)
		rc = pragma_int(h, "PRAGMA user_version", version, err);
	if (rc == LW_OK)
		rc = pragma_int(h, "SELECT count(*) FROM sqlite_master",
				&objects, err);
	if (rc != LW_OK) {
		/* SQLITE_NOTADB / SQLITE_CORRUPT: say what it is not. */
		if (rc == LW_EPARSE)
			return not_ours(h, err);
		return rc;
	}
	if (appid == 0 && *version == 0 && objects == 0) {
		*fresh = true;
		return LW_OK;
	}
	if (appid != LW_HISTORY_APPID)
		return not_ours(h, err);
	if (*version > LW_HISTORY_VERSION)
		return lw_err_set(err, LW_EUNSUPPORTED, "%s: schema version %d "
				  "is newer than this lakewatch (%d)", h->path,
				  *version, LW_HISTORY_VERSION);
	return LW_OK;
}

static int apply_steps(struct lw_history *h, int from, struct lw_err *err)
{
	char sql[96];
	int rc = LW_OK;

	for (int v = from; v < LW_HISTORY_VERSION && rc == LW_OK; v++)
		rc = lw_hist_exec(h, steps[v], err);
	if (rc != LW_OK) {
		/* the caller rolls the transaction back: say so, so nobody
		 * restores a backup of a file that was not changed */
		lw_err_prefix(err, "migrating from version %d to %d failed "
			      "(rolled back: its tables and rows are as they "
			      "were)", from, LW_HISTORY_VERSION);
		return rc;
	}
	snprintf(sql, sizeof sql, "PRAGMA application_id=%d",
		 LW_HISTORY_APPID);
	rc = lw_hist_exec(h, sql, err);
	snprintf(sql, sizeof sql, "PRAGMA user_version=%d",
		 LW_HISTORY_VERSION);
	if (rc == LW_OK)
		rc = lw_hist_exec(h, sql, err);
	return rc;
}

/* See history_int.h. */
int lw_hist_migrate(struct lw_history *h, struct lw_err *err)
{
	int version = 0, rc;
	bool fresh;

	/* One read transaction, so the three reads see one snapshot: read
	 * apart, another process's migration could commit between them and
	 * its tables would be seen without its application id. */
	rc = lw_hist_exec(h, "BEGIN", err);
	if (rc != LW_OK)
		return rc;
	rc = identify(h, &version, &fresh, err);
	sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL);
	if (rc != LW_OK)
		return rc;
	if (h->readonly) {
		if (fresh)
			return lw_err_set(err, LW_ENOTFOUND,
					  "%s: no history recorded yet",
					  h->path);
		if (version < LW_HISTORY_VERSION)
			return lw_err_set(err, LW_EUNSUPPORTED, "%s: schema "
					  "version %d is older than this "
					  "lakewatch (%d); open it once "
					  "read-write to migrate", h->path,
					  version, LW_HISTORY_VERSION);
		return LW_OK;
	}
	/* WAL lets readers and one writer work at once; it is remembered in
	 * the file, and cannot be switched inside a transaction. */
	rc = lw_hist_exec(h, "PRAGMA journal_mode=WAL", err);
	if (rc == LW_OK)
		rc = lw_hist_exec(h, "PRAGMA synchronous=NORMAL", err);
	if (rc != LW_OK || (!fresh && version == LW_HISTORY_VERSION))
		return rc;

	/* IMMEDIATE takes the write lock now, so two processes opening a new
	 * file at once queue up instead of both creating tables. */
	rc = lw_hist_exec(h, "BEGIN IMMEDIATE", err);
	if (rc != LW_OK)
		return rc;
	/* Look again under the lock: the other process may have done it. */
	rc = identify(h, &version, &fresh, err);
	if (rc == LW_OK && (fresh || version < LW_HISTORY_VERSION))
		rc = apply_steps(h, fresh ? 0 : version, err);
	if (rc == LW_OK)
		rc = lw_hist_exec(h, "COMMIT", err);
	if (rc != LW_OK)
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}
