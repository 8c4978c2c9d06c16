/* rollup.c - a group's health is its worst dataset (per source, layer,
 * consumer, or all of them). */
#include <string.h>
#include "lakewatch/run.h"

/* The result that explains c: its worst, except that at equal status the
 * root checks win (`observe`: the dataset could not be seen; `readable`:
 * some files could not be read), since a row count or schema that is off
 * because files are missing is their consequence, not the cause.
 * Points into c. */
static const struct lw_result *root_result(const struct lw_ds_run *c)
{
	if (c->worst < 0 || (size_t)c->worst >= c->nresults)
		return NULL;
	const struct lw_result *w = &c->results[c->worst];
	for (size_t i = 0; i < c->nresults; i++) {
		const struct lw_result *r = &c->results[i];
		if (r->status == w->status && r->check &&
		    (!strcmp(r->check, "observe") ||
		     !strcmp(r->check, "readable")))
			return r;
	}
	return w;
}

void lw_rollup(const struct lw_config *cfg, const struct lw_run *run,
	       int source, int layer, int consumer, struct lw_rollup *out)
{
	(void)cfg;	/* the run's datasets point into it already */
	memset(out, 0, sizeof *out);
	out->status = LW_PASS;
	if (!run)
		return;
	for (size_t i = 0; i < run->n; i++) {
		const struct lw_ds_run *r = &run->ds[i];
		const struct lw_dataset *ds = r->ds;
		if (!ds)
			continue;
		if (source >= 0 && ds->source != source)
			continue;
		if (layer >= 0 && (int)ds->layer != layer)
			continue;
		if (consumer >= 0 && !lw_dataset_has_consumer(ds, consumer))
			continue;
		enum lw_status st = (unsigned)r->status < LW_NSTATUS ?
				    r->status : LW_ERROR;
		out->counts[st]++;
		out->total++;
		/* strictly worse: ties keep the first in config order */
		if (st > out->status) {
			out->status = st;
			out->culprit = r;
		}
	}
	if (out->culprit)
		out->culprit_result = root_result(out->culprit);
}
