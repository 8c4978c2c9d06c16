/* incident.c - the incident state machine: open on leaving PASS, escalate
 * and de-escalate with the status, resolve after resolve_after passing polls
 * in a row. Pure: no I/O, the caller stores what it returns. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/incident.h"
#include "lakewatch/util.h"

const char *lw_inc_event_name(enum lw_inc_event e)
{
	switch (e) {
	case LW_INC_OPENED: return "opened";
	case LW_INC_ESCALATED: return "escalated";
	case LW_INC_DEESCALATED: return "de-escalated";
	case LW_INC_RESOLVED: return "resolved";
	default: return "none";
	}
}

static void point_free(struct lw_inc_point *p)
{
	free(p->measured);
	free(p->threshold);
	free(p->message);
	memset(p, 0, sizeof *p);
}

/* p takes copies of r's strings. */
static void point_set(struct lw_inc_point *p, const struct lw_result *r,
		      int64_t now)
{
	point_free(p);
	p->at = now;
	p->status = r->status;
	p->measured = lw_xstrdup(r->measured);
	p->threshold = lw_xstrdup(r->threshold);
	p->message = lw_xstrdup(r->message);
	p->value = r->value;
	p->has_value = r->has_value;
}

static void point_copy(struct lw_inc_point *d, const struct lw_inc_point *s)
{
	*d = *s;
	d->measured = lw_xstrdup(s->measured);
	d->threshold = lw_xstrdup(s->threshold);
	d->message = lw_xstrdup(s->message);
}

void lw_incident_init(struct lw_incident *inc)
{
	memset(inc, 0, sizeof *inc);
}

void lw_incident_free(struct lw_incident *inc)
{
	if (!inc)
		return;
	free(inc->dataset);
	free(inc->check);
	free(inc->acked_by);
	free(inc->ack_note);
	point_free(&inc->at_open);
	point_free(&inc->at_worst);
	point_free(&inc->now);
	lw_incident_init(inc);
}

/* dst is overwritten (not freed first); its strings are its own. */
void lw_incident_copy(struct lw_incident *dst, const struct lw_incident *src)
{
	*dst = *src;
	dst->dataset = lw_xstrdup(src->dataset);
	dst->check = lw_xstrdup(src->check);
	dst->acked_by = lw_xstrdup(src->acked_by);
	dst->ack_note = lw_xstrdup(src->ack_note);
	point_copy(&dst->at_open, &src->at_open);
	point_copy(&dst->at_worst, &src->at_worst);
	point_copy(&dst->now, &src->now);
}

bool lw_incident_is_open(const struct lw_incident *inc)
{
	return inc->dataset && inc->resolved == 0;
}

static enum lw_inc_event open_new(struct lw_incident *inc, const char *dataset,
				  const struct lw_result *r, int64_t now)
{
	lw_incident_free(inc);
	inc->dataset = lw_xstrdup(dataset);
	inc->check = lw_xstrdup(r->check ? r->check : "?");
	inc->opened = inc->last_seen = now;
	inc->worst = inc->current = inc->last_bad = r->status;
	point_set(&inc->at_open, r, now);
	point_set(&inc->at_worst, r, now);
	point_set(&inc->now, r, now);
	inc->polls = 1;
	inc->before = LW_PASS;
	return LW_INC_OPENED;
}

/* See incident.h. */
enum lw_inc_event lw_incident_step(struct lw_incident *inc,
				   const char *dataset,
				   const struct lw_result *r, int64_t now,
				   int resolve_after)
{
	assert(inc && r && dataset);
	if (resolve_after < 1)
		resolve_after = 1;
	if (!lw_incident_is_open(inc))
		return r->status == LW_PASS ? LW_INC_NONE :
		       open_new(inc, dataset, r, now);

	enum lw_status was = inc->current;
	inc->polls++;
	inc->last_seen = now;
	inc->current = r->status;
	point_set(&inc->now, r, now);
	if (r->status == LW_PASS) {
		inc->before = inc->last_bad;
		inc->passes++;
		if (inc->passes < resolve_after)
			return LW_INC_NONE;	/* still open: it may flap back */
		inc->resolved = now;
		return LW_INC_RESOLVED;
	}
	inc->passes = 0;
	if (r->status > inc->worst) {
		inc->worst = r->status;
		point_set(&inc->at_worst, r, now);
	}
	/* From a pending PASS back to failing is the same incident going
	 * on: news only when it comes back worse or better than it was. */
	if (was == LW_PASS)
		was = inc->last_bad;
	inc->last_bad = r->status;
	inc->before = was;
	if (r->status > was)
		return LW_INC_ESCALATED;
	if (r->status < was)
		return LW_INC_DEESCALATED;
	return LW_INC_NONE;
}

/* See incident.h. */
const char *lw_incident_age_fmt(const struct lw_incident *inc, int64_t now,
				char *buf, size_t n)
{
	int64_t end = inc->resolved ? inc->resolved : now;
	return lw_duration_fmt(end > inc->opened ? end - inc->opened : 0, buf,
			       n);
}

void lw_baseline_init(struct lw_baseline *b)
{
	memset(b, 0, sizeof *b);
	lw_schema_init(&b->schema);
}

void lw_baseline_free(struct lw_baseline *b)
{
	if (!b)
		return;
	lw_schema_free(&b->schema);
	free(b->schema_from);
	free(b->rows_from);
	lw_baseline_init(b);
}
