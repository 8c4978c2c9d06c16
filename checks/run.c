/* run.c - freeing one poll's verdicts (run.h). */
#include <stdlib.h>
#include "lakewatch/run.h"

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
	}
	free(run->ds);
	free(run->history_error);
	free(run);
}
