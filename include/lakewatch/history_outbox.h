/* history_outbox.h - the notification outbox in the history file
 * (history/outbox.c).
 *
 * A message is what one route sends to one channel for one poll: every
 * notice of that poll for that route and channel (a cascade is one
 * message). Notices are written by the engine in the same transaction as
 * the incident change that caused them (lw_history_record_outbox), so a
 * crash loses neither or both; the sender reads due messages after the
 * run is finished and marks what happened. What was announced per
 * incident, route and channel is kept too (reminders, and the resolve
 * that is always sent for what was announced).
 *
 * The history stage knows nothing of channels: a notice is JSON text.
 * Every text bound goes through secret redaction. Arrays returned are the
 * caller's.
 */
#ifndef LAKEWATCH_HISTORY_OUTBOX_H
#define LAKEWATCH_HISTORY_OUTBOX_H

#include "lakewatch/history.h"
#include "lakewatch/incident.h"

/* One notice to enqueue with a dataset's record (all borrowed). */
struct lw_outbox_item {
	const char *route, *channel;
	size_t inc;		/* index into the incidents recorded with it */
	const char *kind;	/* "opened", "escalated", "reminder",
				 * "resolved" */
	char *notice;		/* JSON object text (owned by the plan) */
	int announce;		/* 1: remember (incident, route, channel) as
				 * announced now; -1: forget it (resolved) */
};

/* lw_history_record_incidents() plus the outbox: items[] are added to
 * the (run, route, channel) messages, created as needed, and the
 * announced rows updated, all in one transaction with the incidents. */
int lw_history_record_outbox(struct lw_history *h, int64_t run_id,
			     const char *dataset, const struct lw_obs *obs,
			     const struct lw_result *res, size_t nres,
			     enum lw_status status,
			     const struct lw_incident *inc, const int *ev,
			     size_t ninc, int64_t *ids,
			     const struct lw_outbox_item *items, size_t nitems,
			     int64_t now, struct lw_err *err);

/* What was announced about dataset's incidents, per route and channel. */
struct lw_announced {
	int64_t incident;
	char *route, *channel;	/* owned */
	int64_t last_at;	/* when the last notice was enqueued */
};
int lw_history_announced(struct lw_history *h, const char *dataset,
			 struct lw_announced **out, size_t *n,
			 struct lw_err *err);
void lw_announced_free(struct lw_announced *v, size_t n);

enum lw_outbox_state { LW_OUTBOX_PENDING = 0, LW_OUTBOX_DELIVERED,
		       LW_OUTBOX_REJECTED, LW_OUTBOX_EXPIRED };
const char *lw_outbox_state_name(enum lw_outbox_state s);	/* static */

struct lw_outbox_notice {
	int64_t incident;
	char *dataset, *check;	/* owned */
	char *kind;		/* owned */
	char *notice;		/* owned: JSON object text */
};

struct lw_outbox_msg {
	int64_t id, run, created, next_at;
	char *config;		/* owned: the run's config name, may be NULL */
	char *route, *channel;	/* owned */
	int attempts;
	enum lw_outbox_state state;
	char *error;		/* owned: the last failure, may be NULL */
	struct lw_outbox_notice *v;	/* owned, in the order enqueued */
	size_t n;
};
void lw_outbox_msgs_free(struct lw_outbox_msg *v, size_t n);

/* The oldest pending message of each channel whose run has finished (or
 * was started before stale_before: a run that never finished, killed),
 * whether due or not (the caller waits for next_at: a channel's newer
 * message never overtakes its older one). */
int lw_history_outbox_heads(struct lw_history *h, int64_t stale_before,
			    struct lw_outbox_msg **out, size_t *n,
			    struct lw_err *err);
/* Record an attempt's outcome: state, attempts, next attempt, error
 * (redacted; NULL clears it), at = when. */
int lw_history_outbox_mark(struct lw_history *h, int64_t id,
			   enum lw_outbox_state state, int attempts,
			   int64_t next_at, const char *error, int64_t at,
			   struct lw_err *err);
/* Pending messages per channel: names[i] (owned, free each and the array)
 * with counts[i] (owned array). */
int lw_history_outbox_pending(struct lw_history *h, char ***names,
			      int64_t **counts, size_t *n, struct lw_err *err);
/* Whether deliveries are failing: the oldest pending message that has
 * been tried (attempts > 0) says so in msg ("notify: channel \"hook\":
 * 3 message(s) waiting, last: 503 ..."); false when none. For a
 * dashboard over a history another process (watch, check) sends from. */
int lw_history_outbox_failing(struct lw_history *h, char *msg, size_t n,
			      bool *failing, struct lw_err *err);

#endif
