/* poller.h - the background poll thread: lw_engine_poll() on a timer, and
 * at once when asked.
 *
 * This is composition (engine/), not dashboard: the dashboard never reaches
 * the engine itself. cli/tui.c hands the dashboard a struct lw_tui_source
 * (tui.h) whose functions call these. Every function here is called from
 * one thread (the UI's) and returns at once; the poll thread tells that
 * thread something changed by writing one byte to wake_fd.
 */
#ifndef LAKEWATCH_POLLER_H
#define LAKEWATCH_POLLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lakewatch/cfgref.h"
#include "lakewatch/history.h"
#include "lakewatch/run.h"

struct lw_poller;		/* opaque */

struct lw_poller_state {	/* a copy, for drawing */
	bool paused, running;
	size_t done, total;
	int64_t next_at;	/* time(NULL) seconds */
};

/* Start the thread (no config yet: it waits for lw_poller_set_config).
 * hist may be NULL. Returns NULL when the thread cannot be started. The
 * caller ends it with lw_poller_stop. */
struct lw_poller *lw_poller_start(int wake_fd, struct lw_history *hist,
				  int64_t interval);
/* Ask the thread to quit (cancelling a poll) and wait a few seconds. true:
 * it ended and p is freed with the run and references it held. false: it
 * did not end in time; p is left to process exit (leave its data alone). */
bool lw_poller_stop(struct lw_poller *p);
/* Poll with r (takes a reference) from now on, and poll at once. */
void lw_poller_set_config(struct lw_poller *p, struct lw_cfgref *r);
void lw_poller_now(struct lw_poller *p);
void lw_poller_pause(struct lw_poller *p, bool paused);
void lw_poller_set_interval(struct lw_poller *p, int64_t secs);
/* Read every file in every poll, not the per-file cache's copy
 * (lw_poll_opts.no_cache; `lakewatch tui --no-cache`). */
void lw_poller_set_no_cache(struct lw_poller *p, bool no_cache);
/* Give the poll thread a history handle (used from the next poll on). */
void lw_poller_set_history(struct lw_poller *p, struct lw_history *h);
/* Hand over a finished run (false when none): the caller owns *run and the
 * reference *cfg. */
bool lw_poller_take(struct lw_poller *p, struct lw_run **run,
		    struct lw_cfgref **cfg);
void lw_poller_state(struct lw_poller *p, struct lw_poller_state *s);

#endif
