/* run.c - one poll's verdicts (run.h): their incidents, and freeing. */
#include <stdlib.h>
#include "lakewatch/incident.h"
#include "lakewatch/run.h"

/* See run.h. Borrowed from dr. */
const struct lw_incident *lw_ds_run_incident(const struct lw_ds_run *dr,
					     size_t i)
{
	if (!dr->inc || i >= dr->nresults || i >= dr->ninc ||
	    !lw_incident_is_open(&dr->inc[i]) || !dr->inc[i].id)
		return NULL;
	return &dr->inc[i];
}

/* See run.h. */
void lw_ds_run_free_incidents(struct lw_ds_run *dr)
{
	for (size_t i = 0; i < dr->ninc; i++)
		lw_incident_free(&dr->inc[i]);
	free(dr->inc);
	free(dr->inc_ev);
	dr->inc = NULL;
	dr->inc_ev = NULL;
	dr->ninc = 0;
	lw_baseline_free(dr->base);
	free(dr->base);
	dr->base = NULL;
}


void lw_run_free(struct lw_run *run)
{
	if (!run)
		return;
	for (size_t i = 0; i < run->naux; i++) {
		lw_obs_free(&run->aux[i].obs);
		lw_obs_free(&run->aux[i].prev);
	}
	free(run->aux);
	for (size_t i = 0; i < run->n; i++) {
		struct lw_ds_run *dr = &run->ds[i];
		lw_obs_free(&dr->obs);
		lw_obs_free(&dr->prev);
		for (size_t j = 0; j < dr->nresults; j++)
			lw_result_free(&dr->results[j]);
		free(dr->results);
		free(dr->learned);
		free(dr->up_note);
		lw_ds_run_free_incidents(dr);
	}
	free(run->ds);
	free(run->history_error);
	free(run->aborted);
	free(run);
}
