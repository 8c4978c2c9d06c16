/* watch.h - the poll loop of `lakewatch watch` (engine/watch.c): polls
 * each dataset on its interval (the dataset's "interval", else
 * poll.interval, plus a little jitter), polling the datasets that are due
 * together in one lw_engine_poll; records history; after each poll renders
 * the exposition (metrics.h) in both formats and publishes it to the
 * listener (serve.h); reports events (poll started/finished, status
 * changes, incidents, reloads, errors) through a callback.
 *
 * Threads: lw_watch_run() is the loop, on the caller's thread. Reload and
 * stop may be called from any other thread (a signal thread).
 */
#ifndef LAKEWATCH_WATCH_H
#define LAKEWATCH_WATCH_H

#include <stdbool.h>
#include "lakewatch/cfgref.h"
#include "lakewatch/history.h"
#include "lakewatch/log.h"
#include "lakewatch/serve.h"

/* One event: dataset and check may be NULL. msg is not yet redacted. */
typedef void (*lw_watch_log_cb)(void *ud, enum lw_log_level lvl,
				const char *dataset, const char *check,
				const char *msg);

struct lw_watch;

/* cfg: a reference the loop takes over; hist and srv may be NULL and stay
 * the caller's (closed after lw_watch_free). The caller owns the result
 * (lw_watch_free). */
struct lw_watch *lw_watch_new(struct lw_cfgref *cfg, struct lw_history *hist,
			      struct lw_serve *srv, lw_watch_log_cb log,
			      void *ud);
/* Poll until lw_watch_stop; 0. Problems (a lake down, history that cannot
 * be written) are logged events, never the end of the loop. */
int lw_watch_run(struct lw_watch *w);
/* Use cfg (a reference the loop takes over) from the next poll on, which
 * polls every dataset. */
void lw_watch_set_config(struct lw_watch *w, struct lw_cfgref *cfg);
/* Stop: a poll in flight is cancelled between datasets (what it observed
 * is still recorded); lw_watch_run returns after it. Async-signal-unsafe:
 * call it from a thread, not a handler. */
void lw_watch_stop(struct lw_watch *w);
void lw_watch_free(struct lw_watch *w);	/* NULL is fine */

/* Poll only the datasets of shard (0-based) of nshards (lw_shard_has in
 * engine.h); 0 of 0, the default, is every dataset. Before lw_watch_run. */
void lw_watch_set_shard(struct lw_watch *w, unsigned shard, unsigned nshards);

struct lw_notify_thread;
/* Kick t (notifier.h, borrowed; outlives w) after each poll commits, and
 * publish its per-channel counters with the metrics. Before lw_watch_run. */
void lw_watch_set_notifier(struct lw_watch *w, struct lw_notify_thread *t);

#endif
