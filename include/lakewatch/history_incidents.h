/* history_incidents.h - incidents, acknowledgements, mutes and accepted
 * baselines in the history file (history/incidents.c, history/baseline.c).
 *
 * Incidents are written by the engine in the same transaction as the run's
 * results; people's actions (ack, mute, accept) by the cli. Every array
 * returned is the caller's; free incidents with lw_incidents_free().
 */
#ifndef LAKEWATCH_HISTORY_INCIDENTS_H
#define LAKEWATCH_HISTORY_INCIDENTS_H

#include "lakewatch/history.h"
#include "lakewatch/incident.h"

/* Medians of this many passing polls make a row-count baseline. */
#define LW_BASELINE_POLLS 5

/* lw_history_record() plus incidents: inc[i] advanced this poll with event
 * ev[i] (enum lw_inc_event); ids[i] receives each incident's row id
 * (new ones get theirs here). All in one transaction. */
int lw_history_record_incidents(struct lw_history *h, int64_t run_id,
				const char *dataset, const struct lw_obs *obs,
				const struct lw_result *res, size_t nres,
				enum lw_status status,
				const struct lw_incident *inc, const int *ev,
				size_t ninc, int64_t *ids, struct lw_err *err);

/* The open incidents of dataset (check NULL = every check), muted_until
 * filled for `now`. */
int lw_history_open_incidents(struct lw_history *h, const char *dataset,
			      const char *check, int64_t now,
			      struct lw_incident **out, size_t *n,
			      struct lw_err *err);
/* Incidents newest first, at most max: dataset NULL = all, open_only to
 * leave resolved ones out. For the dashboard's incidents screen. */
int lw_history_incidents(struct lw_history *h, const char *dataset,
			 bool open_only, int64_t now, size_t max,
			 struct lw_incident **out, size_t *n,
			 struct lw_err *err);
void lw_incidents_free(struct lw_incident *v, size_t n);

/* An incident's timeline entry: opened, escalated, de-escalated, resolved,
 * acknowledged. */
struct lw_hinc_event {
	int64_t id, incident, at;
	char *dataset, *check, *kind, *message;	/* owned; message may be NULL */
	enum lw_status from, to;
};
/* incident 0 = every incident; newest first, at most max. */
int lw_history_incident_events(struct lw_history *h, int64_t incident,
			       size_t max, struct lw_hinc_event **out,
			       size_t *n, struct lw_err *err);
void lw_hinc_events_free(struct lw_hinc_event *v, size_t n);
/* The events timeline: status changes (lw_history_events) and incident
 * events ("incident #12 opened: ..." in message) merged, newest first, at
 * most max; dataset NULL = all. Free with lw_hevents_free(). */
int lw_history_timeline(struct lw_history *h, const char *dataset,
			size_t max, struct lw_hevent **out, size_t *n,
			struct lw_err *err);

/* Acknowledge the open incidents of dataset (check NULL = all of them).
 * When none is open, the newest resolved one is acknowledged instead, and
 * comes back with resolved != 0 so the caller can say so. LW_ENOTFOUND when
 * the dataset (and check) never had an incident. *out: what was acked. */
int lw_history_ack(struct lw_history *h, const char *dataset,
		   const char *check, const char *user, const char *note,
		   int64_t at, struct lw_incident **out, size_t *n,
		   struct lw_err *err);
/* Hide dataset's (check's; NULL = all) incidents until `until`. */
int lw_history_mute(struct lw_history *h, const char *dataset,
		    const char *check, const char *user, int64_t at,
		    int64_t until, struct lw_err *err);
/* End dataset's mutes in force at `at` now (check NULL: every one; else
 * that check's own, not a mute of every check), recording user and time.
 * *ended: how many; LW_ENOTFOUND when none was in force. */
int lw_history_unmute(struct lw_history *h, const char *dataset,
		      const char *check, const char *user, int64_t at,
		      int *ended, struct lw_err *err);
/* Until when dataset/check is muted at now; 0 when it is not. A mute of the
 * whole dataset covers every check. */
int lw_history_muted_until(struct lw_history *h, const char *dataset,
			   const char *check, int64_t now, int64_t *until,
			   struct lw_err *err);

/* Accept dataset's last recorded observation as its baseline: its schema
 * (check NULL or "schema") and its row count (check NULL or "change").
 * LW_ENOTFOUND when there is no observation to accept. *what says what was
 * taken ("schema of 5 columns and 1,234 rows"), caller frees. */
int lw_history_accept(struct lw_history *h, const char *dataset,
		      const char *check, const char *user, int64_t at,
		      char **what, struct lw_err *err);
/* Take back the newest accept of dataset (and check); LW_ENOTFOUND when
 * there is none in force. */
int lw_history_accept_undo(struct lw_history *h, const char *dataset,
			   const char *check, int64_t at, struct lw_err *err);

/* struct lw_baseline (what the schema and change checks compare with)
 * is the judge stage's: incident.h. */
/* The accepted schema (the last one accepted, else the first observed),
 * and the row-count baseline (the last accepted count, else the median of
 * the last LW_BASELINE_POLLS observations whose change check passed; after
 * an accept only observations since it count), from runs before
 * before_run (0 = all). */
int lw_history_baseline(struct lw_history *h, const char *dataset,
			int64_t before_run, struct lw_baseline *b,
			struct lw_err *err);

#endif
