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
#define LW_HISTORY_VERSION 3
/* PRAGMA application_id: "LkWt", so a file is known to be ours even before
 * its version is looked at. */
#define LW_HISTORY_APPID 0x4C6B5774

/* How long one statement waits for another process's lock, by default.
 * $LAKEWATCH_HISTORY_TIMEOUT (milliseconds) overrides it. */
#define LW_HISTORY_BUSY_MS 5000

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
};

/* Fill err from the connection's last error: "path: what (code)". Locks
 * become LW_ETIMEOUT, corruption LW_EPARSE, the rest LW_EIO. */
int lw_hist_dberr(struct lw_history *h, int rc, const char *what,
		  struct lw_err *err);
/* Run sql (no results) and map failures through lw_hist_dberr. */
int lw_hist_exec(struct lw_history *h, const char *sql, struct lw_err *err);
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
/* Bind text after secret redaction (a copy; the statement frees it). */
int lw_hist_bind_text(sqlite3_stmt *st, int idx, const char *s);

#endif
