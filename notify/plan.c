/* plan.c - which notices one dataset's incident step makes, per route and
 * channel (the engine writes them to the outbox with the incidents).
 *
 * Per incident, route and channel:
 *   - resolved: sent when it had been announced there (whatever the
 *     route matches now), and the announcement forgotten;
 *   - muted: nothing else;
 *   - opened or escalated, and the route matches: sent ("opened" when it
 *     was not announced there yet);
 *   - still open, announced, not acknowledged, `repeat` passed: a
 *     reminder;
 *   - still open, matching, never announced, not acknowledged (a mute
 *     ended, the route is new, the status rose into the route's
 *     severity): announced as opened;
 *   - still open and announced on a channel whose kind has repost_s
 *     (Alertmanager: an alert not re-posted lapses after its
 *     resolve_timeout), acknowledged or not: sent again once repost_s has
 *     passed since the last, at the next poll.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/notifier.h"
#include "lakewatch/util.h"

static bool route_matches(const struct lw_config *cfg,
			  const struct lw_notify_route *r,
			  const struct lw_dataset *ds, enum lw_status st)
{
	(void)cfg;
	if (st < r->severity)
		return false;
	if (r->source >= 0 && ds->source != r->source)
		return false;
	if (r->layer >= 0 && (int)ds->layer != r->layer)
		return false;
	if (r->consumer >= 0 && !lw_dataset_has_consumer(ds, r->consumer))
		return false;
	return true;
}

static const struct lw_announced *find_ann(const struct lw_announced *a,
					   size_t n, int64_t incident,
					   const char *route,
					   const char *channel)
{
	if (!incident)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (a[i].incident == incident && !strcmp(a[i].route, route) &&
		    !strcmp(a[i].channel, channel))
			return &a[i];
	return NULL;
}

static void add_opt(cJSON *o, const char *k, const char *v)
{
	if (v && *v)
		cJSON_AddStringToObject(o, k, v);
}

static char *consumers_of(const struct lw_config *cfg,
			  const struct lw_dataset *ds)
{
	struct lw_buf b;
	lw_buf_init(&b, 4096);
	for (size_t i = 0; i < ds->nconsumers; i++)
		if (lw_buf_addf(&b, "%s%s", i ? ", " : "",
				cfg->consumers[ds->consumers[i]].id) != LW_OK)
			break;	/* sticky: the list is cut, never wrong */
	char *s = lw_buf_steal(&b);
	return s ? s : lw_xstrdup("");
}

/* The root cause in words when lineage found one upstream, in the
 * reports' words (lw_ds_cause: "bronze.a row_count: too few rows ..."),
 * or NULL: a cascade's silver and gold notices name the bronze table
 * behind them. Caller frees. */
static char *root_text(const struct lw_ds_run *dr)
{
	if (!dr->impacted || !dr->root || dr->root == dr)
		return NULL;
	return lw_ds_cause(dr->root);
}

/* The notice's fields as JSON text (caller frees); the sender reads them
 * back into struct lw_notice. */
static char *notice_json(const struct lw_config *cfg,
			 const struct lw_ds_run *dr,
			 const struct lw_incident *inc,
			 enum lw_notice_kind kind, int64_t now)
{
	const struct lw_dataset *ds = dr->ds;
	const struct lw_inc_point *p = kind == LW_NOTICE_RESOLVED ?
		&inc->at_worst : &inc->now;
	enum lw_status st = kind == LW_NOTICE_RESOLVED ? LW_PASS :
		inc->current;
	char summary[150];
	if (kind == LW_NOTICE_RESOLVED)
		snprintf(summary, sizeof summary, "%s %s resolved (was %s)",
			 inc->dataset, inc->check, lw_status_name(inc->worst));
	else
		snprintf(summary, sizeof summary, "%s %s %s%s%s", inc->dataset,
			 inc->check, lw_status_name(st),
			 p->message && *p->message ? ": " : "",
			 p->message ? p->message : "");
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", lw_notice_kind_name(kind));
	cJSON_AddStringToObject(o, "dataset", inc->dataset);
	cJSON_AddStringToObject(o, "check", inc->check);
	if (ds->source >= 0 && (size_t)ds->source < cfg->nsources)
		cJSON_AddStringToObject(o, "source",
					cfg->sources[ds->source].id);
	cJSON_AddStringToObject(o, "layer", lw_layer_name(ds->layer));
	char *cons = consumers_of(cfg, ds);
	cJSON_AddStringToObject(o, "consumers", cons);
	free(cons);
	cJSON_AddNumberToObject(o, "status", st);
	cJSON_AddStringToObject(o, "summary", summary);
	add_opt(o, "description", p->message);
	add_opt(o, "value", p->measured);
	add_opt(o, "threshold", p->threshold);
	char *root = kind != LW_NOTICE_RESOLVED ? root_text(dr) : NULL;
	add_opt(o, "root", root);
	free(root);
	cJSON_AddNumberToObject(o, "opened", (double)inc->opened);
	cJSON_AddNumberToObject(o, "at", (double)now);
	cJSON_AddNumberToObject(o, "resolved", (double)inc->resolved);
	char *s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	char *copy = lw_xstrdup(s ? s : "{}");
	cJSON_free(s);
	return copy;
}

struct planner {
	const struct lw_config *cfg;
	const struct lw_ds_run *dr;
	struct lw_notify_plan *out;
	size_t cap;
	int64_t now;
};

static void add(struct planner *p, const struct lw_notify_route *r,
		const struct lw_notify_channel *c, size_t i,
		enum lw_notice_kind kind, int announce)
{
	lw_xgrow((void **)&p->out->v, &p->cap, p->out->n, sizeof *p->out->v);
	struct lw_outbox_item *it = &p->out->v[p->out->n++];
	it->route = r->name;
	it->channel = c->name;
	it->inc = i;
	it->kind = lw_notice_kind_name(kind);
	it->notice = notice_json(p->cfg, p->dr, &p->dr->inc[i], kind,
				 p->now);
	it->announce = announce;
}

/* The one decision (see the top) for incident i on route r, channel c. */
static void decide(struct planner *p, size_t i,
		   const struct lw_notify_route *r,
		   const struct lw_notify_channel *c,
		   const struct lw_announced *ann)
{
	const struct lw_incident *inc = &p->dr->inc[i];
	int ev = p->dr->inc_ev[i];
	if (ev == LW_INC_RESOLVED) {
		if (ann)
			add(p, r, c, i, LW_NOTICE_RESOLVED, -1);
		return;
	}
	if (!lw_incident_is_open(inc) || inc->muted_until > p->now)
		return;
	bool match = route_matches(p->cfg, r, p->dr->ds, inc->current);
	if ((ev == LW_INC_OPENED || ev == LW_INC_ESCALATED) && match)
		add(p, r, c, i, ann ? LW_NOTICE_ESCALATED : LW_NOTICE_OPENED,
		    1);
	else if (ann && !inc->acked_by && r->repeat > 0 &&
		 p->now - ann->last_at >= r->repeat)
		add(p, r, c, i, LW_NOTICE_REMINDER, 1);
	else if (!ann && match && !inc->acked_by)
		add(p, r, c, i, LW_NOTICE_OPENED, 1);
	else if (ann && c->kind->repost_s > 0 &&
		 p->now - ann->last_at >= c->kind->repost_s)
		add(p, r, c, i, LW_NOTICE_REMINDER, 1);	/* keep it firing */
}

/* out->v is the caller's (lw_notify_plan_free). */
void lw_notify_plan(const struct lw_config *cfg, const struct lw_ds_run *dr,
		    const struct lw_announced *ann, size_t nann, int64_t now,
		    struct lw_notify_plan *out)
{
	struct planner p = {cfg, dr, out, 0, now};
	out->v = NULL;
	out->n = 0;
	const struct lw_notify_cfg *nc = cfg->notify;
	if (!nc || !dr->inc)
		return;
	for (size_t i = 0; i < dr->ninc; i++) {
		const struct lw_incident *inc = &dr->inc[i];
		if (!inc->dataset || !inc->check)
			continue;
		for (size_t r = 0; r < nc->nroutes; r++) {
			const struct lw_notify_route *rt = &nc->routes[r];
			for (size_t k = 0; k < rt->nchannels; k++) {
				const struct lw_notify_channel *c =
					&nc->channels[rt->channels[k]];
				decide(&p, i, rt, c, find_ann(ann, nann,
				       inc->id, rt->name, c->name));
			}
		}
	}
}

void lw_notify_plan_free(struct lw_notify_plan *p)
{
	for (size_t i = 0; p && i < p->n; i++)
		free(p->v[i].notice);
	if (p) {
		free(p->v);
		p->v = NULL;
		p->n = 0;
	}
}
