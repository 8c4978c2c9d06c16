/* notifier.h - the notify section, what a poll enqueues, and the sender
 * (notify/config.c, notify/plan.c, notify/sender.c). notify.h is the
 * channel plug-in interface; this is what the engine and the front ends
 * use.
 *
 * Flow: the engine asks lw_notify_plan() which notices a dataset's
 * incident changes make for each route and channel, and writes them to
 * the outbox in history in the same transaction as the incidents
 * (history_outbox.h). After the commit, lw_notify_deliver() (check) or
 * the sender thread (watch) sends what is due.
 */
#ifndef LAKEWATCH_NOTIFIER_H
#define LAKEWATCH_NOTIFIER_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "lakewatch/notify.h"
#include "lakewatch/config.h"
#include "lakewatch/history_outbox.h"
#include "lakewatch/log.h"
#include "lakewatch/run.h"

struct lw_notify_channel {
	char *name;				/* owned: its key */
	const struct lw_channel_kind *kind;
	void *state;				/* owned by kind->free */
};

struct lw_notify_route {
	char *name;		/* owned */
	int source;		/* index into cfg->sources, -1 = any */
	int consumer;		/* index into cfg->consumers, -1 = any */
	int layer;		/* enum lw_layer, -1 = any */
	enum lw_status severity;	/* at least this; default WARN */
	size_t *channels;	/* owned: indexes into lw_notify_cfg */
	size_t nchannels;
	int64_t repeat;		/* seconds between reminders; 0 = none */
};

struct lw_notify_cfg {
	struct lw_notify_channel *channels;	size_t nchannels;
	struct lw_notify_route *routes;		size_t nroutes;
	int64_t max_age;	/* give a message up after; default 24 h */
};

/* The binder's half (engine/config_bind.c forwards here). Returns an
 * owned section (lw_notify_cfg_free), or NULL after reporting through
 * cc. Every error names file:line:col. */
struct lw_notify_cfg *lw_notify_cfg_parse(const struct lw_config *cfg,
					  const cJSON *node,
					  struct lw_cfgctx *cc);
void lw_notify_cfg_free(struct lw_notify_cfg *n);
/* The channel called name, or -1. */
int lw_notify_channel_index(const struct lw_notify_cfg *n, const char *name);

/* What one dataset's incident step enqueues: *items (the caller frees
 * with lw_notify_plan_free) for dr's incidents (dr->inc, dr->inc_ev),
 * given what was announced before (ann, from lw_history_announced).
 * Grouping is by (run, route, channel) in the outbox; this decides only
 * which notices go where. */
struct lw_notify_plan {
	struct lw_outbox_item *v;	size_t n;	/* owned */
};
void lw_notify_plan(const struct lw_config *cfg, const struct lw_ds_run *dr,
		    const struct lw_announced *ann, size_t nann, int64_t now,
		    struct lw_notify_plan *out);
void lw_notify_plan_free(struct lw_notify_plan *p);

/* --- delivery (notify/sender.c) ------------------------------------- */

/* One channel's counters: the fields of metrics.h's struct
 * lw_metrics_channel (report/ is a sibling, so it is not included here;
 * whoever serves /metrics copies them across). */
struct lw_notify_chan_stat {
	const char *channel;		/* borrowed: the channel's config name */
	int64_t sent, failed, pending;
};

/* Per channel, what the sender did since it started (and what waits). */
struct lw_notify_stats {
	struct lw_notify_chan_stat *v;	/* channel names borrowed */
	size_t n;
	char last_error[256];	/* redacted: the newest failure, "" */
	int failing;		/* channels whose last attempt failed */
};

struct lw_notify_sender;

/* An event-log sink (watch's stderr log): one redacted line per
 * delivery, failed attempt, rejection or expiry. Called from the thread
 * that delivers. */
typedef void (*lw_notify_log_cb)(void *ud, enum lw_log_level lvl,
				 const char *msg);

/* A sender over cfg (borrowed, must outlive it) and history h (borrowed,
 * not used by another thread while a call runs). */
struct lw_notify_sender *lw_notify_sender_new(const struct lw_config *cfg,
					      struct lw_history *h);
void lw_notify_sender_free(struct lw_notify_sender *s);
/* Deliver due messages, oldest first per channel (a channel's newer
 * message waits for its older one, so notices arrive in order), until
 * none is due or deadline_ms (lw_http_now_ms()) passes. Returns the
 * number of messages still pending after it (due or waiting). */
size_t lw_notify_deliver(struct lw_notify_sender *s, int64_t deadline_ms);
/* The same, but deadline_ms bounds only when a request may start: one
 * started by start_by runs until its answer or its own timeout (10 s),
 * or end_by (0: no such bound). The watch thread's: a slow endpoint that
 * answers in 6 s is delivered, not timed out by the pass. */
size_t lw_notify_deliver_until(struct lw_notify_sender *s, int64_t start_by,
			       int64_t end_by);
/* on: the request in flight ends within 100 ms and no other starts until
 * it is turned off again; its message is left as it was (sent again
 * later: at least once). Any thread may call it. */
void lw_notify_sender_cancel(struct lw_notify_sender *s, bool on);
/* Send the sender's lines to cb too (they always go to the diagnostic
 * log, lw_log). cb NULL: only there. */
void lw_notify_sender_set_log(struct lw_notify_sender *s, lw_notify_log_cb cb,
			      void *ud);
/* Say on f what this sender gave up on (rejected, expired) and what is
 * still undelivered, one line per channel with the last error
 * ("lakewatch: notify: channel \"hook\": 2 message(s) not delivered yet
 * (last: 503 ...)"). Nothing when all went. */
void lw_notify_say_pending(struct lw_notify_sender *s, FILE *f);
/* Copy the counters (s's lock held briefly: any thread). out->v is the
 * caller's (free). */
void lw_notify_sender_stats(struct lw_notify_sender *s,
			    struct lw_notify_stats *out);

/* The sender thread for watch: opens its own history handle on
 * history_path and delivers what is due, waking every second and at
 * lw_notify_thread_kick() (after a poll commits). cfg is a reference
 * the thread holds (lw_cfgref_get); lw_notify_thread_reload swaps it.
 * Never blocks the caller: a slow endpoint only delays the thread.
 * Its lines go to log (with ud; NULL: the diagnostic log only).
 * NULL with err on failure. */
struct lw_cfgref;
struct lw_notify_thread;
struct lw_notify_thread *lw_notify_thread_start(struct lw_cfgref *cfg,
						const char *history_path,
						lw_notify_log_cb log, void *ud,
						struct lw_err *err);
void lw_notify_thread_kick(struct lw_notify_thread *t);
void lw_notify_thread_reload(struct lw_notify_thread *t,
			     struct lw_cfgref *cfg);
/* Stop within a few seconds (a request in flight is given up; its
 * message stays pending and is sent again next time) and free t. */
void lw_notify_thread_stop(struct lw_notify_thread *t);
/* A copy of the counters; channel names are copied too (the thread may
 * swap its config, and the names with it, at any time): free out with
 * lw_notify_stats_free. */
void lw_notify_thread_stats(struct lw_notify_thread *t,
			    struct lw_notify_stats *out);
void lw_notify_stats_free(struct lw_notify_stats *st);
/* One line for a dashboard header when deliveries are failing
 * ("notify: hook failing: 503 ..."); false when all is well. */
bool lw_notify_thread_failing(struct lw_notify_thread *t, char *msg,
			      size_t n);

/* `lakewatch notify test`: send one test notice to channel ci now (no
 * outbox). answer gets what came back ("202", "400: bad payload",
 * "connection refused"), redacted. */
enum lw_deliver lw_notify_send_test(const struct lw_config *cfg, size_t ci,
				    char *answer, size_t n);

#endif
