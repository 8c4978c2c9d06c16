/* engine_incidents.c - the engine's side of incidents and baselines: fill
 * the judge context from history before judging, advance each dataset's
 * incidents after, and store them with the run's results.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/engine_incidents.h"
#include "lakewatch/util.h"

/* Only schema and change read baselines: the others cost no queries. */
static bool wants_baseline(const struct lw_dataset *ds)
{
	for (size_t i = 0; i < ds->nchecks; i++)
		if (!strcmp(ds->checks[i].kind->name, "schema") ||
		    !strcmp(ds->checks[i].kind->name, "change"))
			return true;
	return false;
}

/* See engine_incidents.h. */
int lw_engine_baseline(struct lw_history *h, struct lw_ds_run *dr,
		       int64_t run_id, struct lw_err *err)
{
	if (!wants_baseline(dr->ds))
		return LW_OK;
	struct lw_baseline *b = lw_xcalloc(1, sizeof *b);
	int rc = lw_history_baseline(h, dr->ds->name, run_id, b, err);
	if (rc != LW_OK) {
		free(b);
		return rc;
	}
	dr->base = b;
	return LW_OK;
}

/* See engine_incidents.h. */
void lw_engine_baseline_ctx(const struct lw_ds_run *dr,
			    struct lw_judge_ctx *ctx)
{
	const struct lw_baseline *b = dr->base;
	if (!b)
		return;
	if (b->has_schema) {
		ctx->accepted_schema = &b->schema;
		ctx->accepted_schema_from = b->schema_from;
	}
	ctx->has_baseline_rows = b->has_rows;
	ctx->baseline_rows = b->rows;
	ctx->baseline_from = b->rows_from;
}

static int resolve_after(const struct lw_config *cfg,
			 const struct lw_dataset *ds, const char *check)
{
	for (size_t i = 0; i < ds->nchecks; i++)
		if (strcmp(ds->checks[i].name, check) == 0 &&
		    ds->checks[i].resolve_after > 0)
			return ds->checks[i].resolve_after;
	return cfg->resolve_after > 0 ? cfg->resolve_after : 1;
}

/* Take the open incident of `check` out of open[] (its slot emptied). */
static void take_open(struct lw_incident *open, size_t nopen,
		      const char *check, struct lw_incident *dst)
{
	lw_incident_init(dst);
	for (size_t k = 0; k < nopen; k++)
		if (open[k].check && strcmp(open[k].check, check) == 0) {
			*dst = open[k];
			lw_incident_init(&open[k]);
			return;
		}
}

/* One dataset: results first, then open incidents nobody spoke of (a
 * check removed from the config, a "readable" error gone), which count as
 * passing polls. */
static int advance_ds(const struct lw_config *cfg, struct lw_history *h,
		      struct lw_ds_run *dr, int64_t now, struct lw_err *err)
{
	struct lw_incident *open = NULL;
	size_t nopen = 0;
	const char *name = dr->ds->name;
	int rc = lw_history_open_incidents(h, name, NULL, now, &open, &nopen,
					   err);
	if (rc != LW_OK)
		return rc;
	size_t cap = dr->nresults + nopen;
	dr->inc = lw_xcalloc(cap ? cap : 1, sizeof *dr->inc);
	dr->inc_ev = lw_xcalloc(cap ? cap : 1, sizeof *dr->inc_ev);
	for (size_t i = 0; i < dr->nresults; i++) {
		const struct lw_result *r = &dr->results[i];
		const char *check = r->check ? r->check : "?";
		take_open(open, nopen, check, &dr->inc[i]);
		dr->inc_ev[i] = lw_incident_step(&dr->inc[i], name, r, now,
						 resolve_after(cfg, dr->ds,
							       check));
	}
	dr->ninc = dr->nresults;
	for (size_t k = 0; k < nopen; k++) {
		if (!open[k].dataset)
			continue;
		struct lw_result pass = {0};
		lw_result_set(&pass, open[k].check, LW_PASS, "", "",
			      "no longer reported by this dataset's checks");
		dr->inc[dr->ninc] = open[k];
		lw_incident_init(&open[k]);
		dr->inc_ev[dr->ninc] = lw_incident_step(&dr->inc[dr->ninc],
							name, &pass, now, 1);
		dr->ninc++;
		lw_result_free(&pass);
	}
	lw_incidents_free(open, nopen);
	for (size_t i = 0; i < dr->ninc && rc == LW_OK; i++)
		if (lw_incident_is_open(&dr->inc[i]))
			rc = lw_history_muted_until(h, name, dr->inc[i].check,
						    now, &dr->inc[i].muted_until,
						    err);
	return rc;
}

/* See engine_incidents.h. */
int lw_engine_incidents(const struct lw_config *cfg, struct lw_history *h,
			struct lw_run *run, int64_t now, struct lw_err *err)
{
	for (size_t i = 0; i < run->n; i++) {
		int rc = advance_ds(cfg, h, &run->ds[i], now, err);
		if (rc != LW_OK)
			return rc;
	}
	return LW_OK;
}

/* See engine_incidents.h. */
int lw_engine_record_ds(struct lw_history *h, int64_t run_id,
			struct lw_ds_run *dr, struct lw_err *err)
{
	int64_t *ids = lw_xcalloc(dr->ninc ? dr->ninc : 1, sizeof *ids);
	int rc = lw_history_record_incidents(h, run_id, dr->ds->name, &dr->obs,
					     dr->results, dr->nresults,
					     dr->status, dr->inc, dr->inc_ev,
					     dr->ninc, ids, err);
	if (rc == LW_OK)
		for (size_t i = 0; i < dr->ninc; i++)
			dr->inc[i].id = ids[i];
	free(ids);
	return rc;
}
