/* incident.h - a problem that lasts across polls (the judge stage).
 *
 * An incident opens when a dataset's check leaves PASS and resolves when it
 * has passed `resolve_after` polls in a row, so a flapping check is one
 * incident, not twenty. lw_incident_step() is pure: it takes the open
 * incident (or none) and this poll's result and says what happened; the
 * history (history/incidents.c) stores it, people acknowledge it.
 */
#ifndef LAKEWATCH_INCIDENT_H
#define LAKEWATCH_INCIDENT_H

#include <stdint.h>
#include <stdbool.h>
#include "lakewatch/model.h"

/* What a poll did to an incident. */
enum lw_inc_event {
	LW_INC_NONE = 0,	/* no incident, or nothing new */
	LW_INC_OPENED,
	LW_INC_ESCALATED,	/* status got worse (WARN -> FAIL) */
	LW_INC_DEESCALATED,	/* better, but not PASS (FAIL -> WARN) */
	LW_INC_RESOLVED,	/* passed resolve_after polls in a row */
};
const char *lw_inc_event_name(enum lw_inc_event e);	/* "opened"; static */

/* A check's verdict at one moment, as the incident keeps it. */
struct lw_inc_point {
	int64_t at;
	enum lw_status status;
	char *measured;		/* owned, may be NULL */
	char *threshold;	/* owned, may be NULL */
	char *message;		/* owned, may be NULL */
	double value;
	bool has_value;
};

struct lw_incident {
	int64_t id;		/* history row id; 0 until stored */
	char *dataset;		/* owned */
	char *check;		/* owned */
	int64_t opened, last_seen;
	int64_t resolved;	/* 0 while open */
	enum lw_status worst, current;
	enum lw_status last_bad;	/* the last status other than PASS */
	enum lw_status before;	/* what this poll's event moved it from
				 * (not stored) */
	struct lw_inc_point at_open, at_worst, now;
	int64_t polls;		/* polls it lasted, the opening one included */
	int passes;		/* passing polls in a row since it last failed */
	char *acked_by;		/* owned, NULL when nobody acknowledged */
	int64_t acked_at;
	char *ack_note;		/* owned, may be NULL */
	int64_t muted_until;	/* 0 = not muted (filled by history reads) */
};

void lw_incident_init(struct lw_incident *inc);
void lw_incident_free(struct lw_incident *inc);	/* frees members only */
void lw_incident_copy(struct lw_incident *dst, const struct lw_incident *src);
bool lw_incident_is_open(const struct lw_incident *inc);

/* Advance one poll. inc is the open incident of r's dataset and check, or
 * an lw_incident_init()ed one when there is none (id 0, dataset NULL); it
 * is updated in place (dataset and check copied in when it opens). A PASS
 * with no open incident leaves it empty and returns LW_INC_NONE.
 * resolve_after < 1 counts as 1. */
enum lw_inc_event lw_incident_step(struct lw_incident *inc,
				   const char *dataset,
				   const struct lw_result *r, int64_t now,
				   int resolve_after);

/* What the schema and change checks compare with (see check.h):
 * the history finds it, the engine hands it to the checks. */
struct lw_baseline {
	bool has_schema;
	struct lw_schema schema;	/* owned */
	char *schema_from;		/* owned: "accepted by ann at ..." */
	bool has_rows;
	double rows;
	char *rows_from;		/* owned: "median of 5 passing polls" */
};
void lw_baseline_init(struct lw_baseline *b);
void lw_baseline_free(struct lw_baseline *b);

/* "3d" / "7h": how long inc has lasted at now, into buf. */
const char *lw_incident_age_fmt(const struct lw_incident *inc, int64_t now,
				char *buf, size_t n);

#endif
