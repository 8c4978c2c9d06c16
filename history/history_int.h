/* history_int.h - what the history/ files share and nobody else sees.
 *
 * store.c opens and writes, migrate.c owns the schema, query.c reads.
 */
#ifndef LAKEWATCH_HISTORY_INT_H
#define LAKEWATCH_HISTORY_INT_H

#include <pthread.h>
#include <sqlite3.h>
#include "lakewatch/history.h"

/* The schema this lakewatch writes; PRAGMA user_version holds it. */
#define LW_HISTORY_VERSION 10
/* PRAGMA application_id: "LkWt", so a file is known to be ours even before
 * its version is looked at. */
#define LW_HISTORY_APPID 0x4C6B5774

/* How long one statement waits for another process's lock, by default.
 * $LAKEWATCH_HISTORY_TIMEOUT (milliseconds) overrides it. */
#define LW_HISTORY_BUSY_MS 5000

#define LW_HIST_NSTMT 10
struct lw_history {
	sqlite3 *db;
	char *path;		/* owned: as given, for messages */
	bool readonly;
	int busy_ms;
	/* One write transaction per handle at a time: SQLite's own mutex
	 * serialises statements, not BEGIN..COMMIT spans, and the dashboard
	 * shares one handle between its poller and its screen. */
	pthread_mutex_t tx_lock;
	/* Our own descriptor of the file, held until after sqlite3_close:
	 * its flock() serialises opening and migrating between processes
	 * (closing it earlier would drop SQLite's fcntl locks too). */
	int lockfd;
	/* The anomaly rule's series statements, prepared once per handle
	 * (lw_hist_stmt): a poll reads a few rows per dataset, and preparing
	 * cost more than stepping. Used by the judge stage only (one thread). */
	sqlite3_stmt *stmts[LW_HIST_NSTMT];
	/* Runs this handle marked aborted (lw_hist_mark_aborted), for the
	 * report of the run that found them (lw_history_found_aborted). */
	int64_t *marked;
	size_t nmarked, capmarked;
	/* Kept series rows this handle read or wrote, decoded, trusted only
	 * while the row is unchanged (series_batch.c). Judge stage only. */
	struct lw_hist_snapmem *snapmem;
};
/* Slots of struct lw_history's stmts. */
enum {
	LW_ST_SERIES = 0,	/* + metric: 6 of them */
	LW_ST_FLAGS = 6, LW_ST_ACCEPTS, LW_ST_SNAP_LOAD, LW_ST_SNAP_STORE
};
/* Statement slot of h, prepared from sql the first time, reset and
 * unbound after; the handle owns it (never finalize it: reset it when
 * done). */
int lw_hist_stmt(struct lw_history *h, int slot, const char *sql,
		 sqlite3_stmt **st, struct lw_err *err);

/* Fill err from the connection's last error: "path: what (code)". Locks
 * become LW_ETIMEOUT, corruption LW_EPARSE, the rest LW_EIO. */
int lw_hist_dberr(struct lw_history *h, int rc, const char *what,
		  struct lw_err *err);
/* stmt.c: prepare (*st the caller's to finalize), step a write to its end
 * (st finalized whatever happens), and a text column as an owned string
 * (NULL for SQL NULL). */
int lw_hist_prep(struct lw_history *h, const char *sql, sqlite3_stmt **st,
		 struct lw_err *err);
int lw_hist_step_done(struct lw_history *h, sqlite3_stmt *st,
		      struct lw_err *err);
char *lw_hist_col_dup(sqlite3_stmt *st, int i);
/* Run sql (no results) and map failures through lw_hist_dberr. */
int lw_hist_exec(struct lw_history *h, const char *sql, struct lw_err *err);
/* Who writes a run (aborted.c): this process, its start time in clock
 * ticks since boot (-1 unknown) and the host name. */
struct lw_hist_owner {
	int64_t pid, start;
	char host[256];
};
void lw_hist_owner_self(struct lw_hist_owner *o);
/* Mark aborted every run without an end whose process, on this host, is
 * gone (aborted.c); inside the caller's write transaction. Runs of other
 * hosts are left alone: their processes cannot be seen from here. The
 * kept series of the datasets such a run recorded are dropped, so they
 * are rebuilt without its points. */
int lw_hist_mark_aborted(struct lw_history *h, struct lw_err *err);
/* SQL that is true when the observation (table or alias o) is not from an
 * aborted run: baselines and the anomaly rule read only those. */
#define LW_HIST_NOT_ABORTED(o) \
	o ".run NOT IN (SELECT id FROM runs WHERE aborted IS NOT NULL)"
/* Bring the schema to LW_HISTORY_VERSION (migrate.c). */
int lw_hist_migrate(struct lw_history *h, struct lw_err *err);
/* Run fn in one IMMEDIATE transaction, retried on locks (store.c). */
typedef int (*lw_hist_tx_fn)(struct lw_history *h, void *ud,
			     struct lw_err *err);
int lw_hist_tx(struct lw_history *h, lw_hist_tx_fn fn, void *ud,
	       struct lw_err *err);
/* Store incidents and their events inside the caller's transaction
 * (incidents.c). ids[i] receives inc[i]'s row id; inc is not changed, so a
 * retried transaction writes the same thing again. */
struct lw_incident;
int lw_hist_put_incidents(struct lw_history *h, int64_t run,
			  const struct lw_incident *inc, const int *ev,
			  size_t n, int64_t *ids, struct lw_err *err);
/* A metric's kept series (series_snap.c): the window's points up to the
 * observation (last_at, last_run), the load's base there (last_v, when
 * have_last), the seasonality picked at time `picked` (0 or 1 + enum
 * lw_season). */
#define LW_HIST_SNAP_MAX 100000	/* points a kept row may hold */
struct lw_hist_snap {
	bool have;
	int64_t since, last_at, last_run, picked;
	double last_v;
	bool have_last;
	int season;
	struct lw_point *p;	/* owned */
	size_t n;
};
int lw_hist_snap_load(struct lw_history *h, const char *dataset, int m,
		      struct lw_hist_snap *sn, struct lw_err *err);
int lw_hist_snap_store(struct lw_history *h, const char *dataset, int m,
		       const struct lw_hist_snap *sn, struct lw_err *err);
void lw_hist_snap_free(struct lw_hist_snap *sn);
#define LW_HIST_SNAP_PT_BYTES 20	/* a packed point in a kept row */
/* Whether a and b describe the same kept row (points aside). */
bool lw_hist_snap_same(const struct lw_hist_snap *a,
		       const struct lw_hist_snap *b);
/* The kept rows a handle holds decoded between polls (series_batch.c):
 * get is borrowed until the next put or free; put copies sn (or forgets
 * the row when memory is full); free drops them all (retention, aborted
 * runs: rows the database no longer has). */
struct lw_hist_snapmem;
const struct lw_hist_snap *lw_hist_snapmem_get(struct lw_history *h,
					       const char *dataset, int m);
void lw_hist_snapmem_put(struct lw_history *h, const char *dataset, int m,
			 const struct lw_hist_snap *sn);
void lw_hist_snapmem_free(struct lw_history *h);
/* The SQL of metric m's column in observations o (series.c). */
const char *lw_hist_metric_sql(int m);
/* One poll's series reads for every dataset of metric m at once
 * (series_batch.c): NULL when they could not be read (each dataset is
 * then read alone, which reports the error). The caller frees it. */
struct lw_hist_raw {	/* an observation as read: value, or null */
	int64_t at, run;
	double v;
	bool null;
};
struct lw_hist_batch_part {	/* borrowed from the batch */
	const struct lw_hist_snap *meta;	/* the kept row's position */
	const struct lw_hist_raw *obs;	/* the observations after it */
	size_t nobs;
	const int64_t *bad;	/* their runs judged WARN/FAIL, ascending */
	size_t nbad;
	const int64_t *acc;	/* times of accepts in force, in id order */
	size_t nacc;
};
struct lw_series_batch *lw_hist_batch_build(struct lw_history *h, int m,
					    int64_t before_run);
/* dataset's part, once: false when the batch cannot serve it (no kept
 * row, a damaged one, one rewritten while read, or asked before). */
bool lw_hist_batch_part(struct lw_series_batch *b, const char *dataset,
			struct lw_hist_batch_part *out);
void lw_hist_batch_free(struct lw_series_batch *b);

/* Store outbox items inside the caller's transaction (outbox.c); ids
 * are the rows of the incidents recorded with them. */
struct lw_outbox_item;
int lw_hist_put_outbox(struct lw_history *h, int64_t run,
		       const struct lw_incident *inc, const int64_t *ids,
		       size_t ninc, const struct lw_outbox_item *items,
		       size_t nitems, int64_t now, struct lw_err *err);

/* Bind text after secret redaction (a copy; the statement frees it). */
int lw_hist_bind_text(sqlite3_stmt *st, int idx, const char *s);
/* Store the expected ranges of res[0..n) that have one (has_range) for
 * dataset's observation in run (bands.c), inside the caller's
 * transaction. */
int lw_hist_put_bands(struct lw_history *h, int64_t run, const char *dataset,
		      const struct lw_result *res, size_t n,
		      struct lw_err *err);
/* Fill the bands of p[0..n) (dataset's points, any order) from what
 * lw_hist_put_bands stored for their runs (bands.c). */
struct lw_hpoint;
int lw_hist_read_bands(struct lw_history *h, const char *dataset,
		       struct lw_hpoint *p, size_t n, struct lw_err *err);

/* Store obs->runs (pipeline_runs.c) inside the caller's transaction: each
 * run once, updated when its state, end or message changes. */
int lw_hist_put_pipeline_runs(struct lw_history *h, const char *dataset,
			      const struct lw_obs *obs, struct lw_err *err);

#endif
