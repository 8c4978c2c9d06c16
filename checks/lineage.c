/* lineage.c - the root cause: a failing dataset whose upstream (or writer)
 * fails too is impacted, and its root is the most-upstream failing one.
 *
 * The graph is the config's (upstream and linked written_by, never a
 * cycle: config_lineage.c rejects them), with the upstream a Power BI
 * dataset learned from the service instead of its default one
 * (lineage_learn.c; that one may loop, and the walks keep a seen set so no
 * graph can hang them). Of several roots the worst status wins,
 * then the most upstream. Datasets outside a filtered run are
 * walked through but count as not failing.
 */
#include <assert.h>
#include <stdlib.h>
#include "lakewatch/run.h"
#include "lakewatch/util.h"

static bool failing(const struct lw_ds_run *dr)
{
	return dr && dr->status >= LW_WARN;
}

/* dataset -> its ds_run in the run, NULL when not in it. Caller frees. */
static const struct lw_ds_run **index_run(const struct lw_config *cfg,
					  const struct lw_run *run)
{
	const struct lw_ds_run **by = lw_xcalloc(cfg->ndatasets + 1,
						 sizeof *by);
	for (size_t i = 0; i < run->n; i++) {
		const struct lw_dataset *ds = run->ds[i].ds;
		if (ds >= cfg->datasets && ds < cfg->datasets + cfg->ndatasets)
			by[ds - cfg->datasets] = &run->ds[i];
	}
	return by;
}

/* See run.h. */
const struct lw_ds_run *lw_run_dataset(const struct lw_config *cfg,
				       const struct lw_run *run, size_t i)
{
	if (!cfg || !run || i >= cfg->ndatasets)
		return NULL;
	for (size_t k = 0; k < run->n; k++)
		if (run->ds[k].ds == &cfg->datasets[i])
			return &run->ds[k];
	return NULL;
}

/* Scratch for the breadth-first walks, sized to the config. */
struct walk {
	const struct lw_config *cfg;
	const struct lw_ds_run **by;
	int *queue, *dist;
	bool *has_failing;	/* some ancestor fails */
};

/* Of two root candidates: the worse status (a FAIL explains more than a
 * WARN), then the farther upstream, then the first in config order. */
static bool better(const struct walk *w, int p, int best)
{
	if (best < 0)
		return true;
	if (w->by[p]->status != w->by[best]->status)
		return w->by[p]->status > w->by[best]->status;
	if (w->dist[p] != w->dist[best])
		return w->dist[p] > w->dist[best];
	return p < best;
}

/* Walk what cfg's dataset start is made from. Returns the failing
 * ancestor that has no failing ancestor of its own (the worst, farthest
 * away, first in config order: better()), -1 when no ancestor fails.
 * With roots_only false, returns any failing ancestor (the first met). */
static int walk_up(struct walk *w, int start, bool roots_only)
{
	size_t n = w->cfg->ndatasets, head = 0, tail = 0;
	for (size_t i = 0; i < n; i++)
		w->dist[i] = -1;
	w->dist[start] = 0;
	w->queue[tail++] = start;
	int best = -1;
	while (head < tail) {
		int i = w->queue[head++];
		const struct lw_dataset *ds = &w->cfg->datasets[i];
		size_t nu;
		const int *up = lw_ds_upstream(ds, w->by[i], &nu);
		size_t np = nu + ds->nwritten_by;
		for (size_t k = 0; k < np; k++) {
			int p = k < nu ? up[k] : ds->writer_ds[k - nu];
			if (p < 0 || (size_t)p >= n || w->dist[p] >= 0)
				continue;
			assert(tail < n);
			w->dist[p] = w->dist[i] + 1;
			w->queue[tail++] = p;
			if (!failing(w->by[p]))
				continue;
			if (!roots_only)
				return p;
			if (!w->has_failing[p] && better(w, p, best))
				best = p;
		}
	}
	return best;
}

/* See run.h. */
void lw_lineage_mark(const struct lw_config *cfg, struct lw_run *run)
{
	if (!cfg || !run)
		return;
	lw_lineage_learn(cfg, run);	/* upstreams the service taught */
	size_t n = cfg->ndatasets;
	struct walk w = {cfg, index_run(cfg, run),
			 lw_xcalloc(n + 1, sizeof(int)),
			 lw_xcalloc(n + 1, sizeof(int)),
			 lw_xcalloc(n + 1, sizeof(bool))};
	for (size_t i = 0; i < n; i++)
		w.has_failing[i] = walk_up(&w, (int)i, false) >= 0;
	for (size_t k = 0; k < run->n; k++) {
		struct lw_ds_run *dr = &run->ds[k];
		dr->root = NULL;
		dr->impacted = false;
		if (!failing(dr) || dr->ds < cfg->datasets ||
		    dr->ds >= cfg->datasets + n)
			continue;
		int i = (int)(dr->ds - cfg->datasets);
		if (!w.has_failing[i])
			continue;
		int r = walk_up(&w, i, true);
		if (r >= 0) {
			dr->impacted = true;
			dr->root = w.by[r];
		}
	}
	free(w.by);
	free(w.queue);
	free(w.dist);
	free(w.has_failing);
}

/* See run.h. Caller frees. */
char *lw_ds_cause(const struct lw_ds_run *d)
{
	if (!d)
		return NULL;
	const struct lw_result *x = d->worst >= 0 &&
		(size_t)d->worst < d->nresults ? &d->results[d->worst] : NULL;
	/* a failed run names its pipeline or job (a Databricks job by its
	 * name), not the check: the message (runs.c) already says which run
	 * and what failed */
	if (x && d->ds->runs && d->ds->path && x->message)
		return lw_xasprintf("%s: %s", d->obs.runs.name ?
				    d->obs.runs.name : d->ds->path,
				    x->message);
	if (x)
		return lw_xasprintf("%s %s: %s", d->ds->name,
				    x->check ? x->check : "?",
				    x->message ? x->message :
				    lw_status_name(x->status));
	if (!d->obs.ok && d->obs.error)
		return lw_xasprintf("%s: %s", d->ds->name, d->obs.error);
	return lw_xasprintf("%s: %s", d->ds->name, lw_status_name(d->status));
}
