/* engine_notify.c - the outbox half of recording a dataset: what the
 * notify routes make of its incident changes (notify/plan.c), written in
 * the transaction that stores the incidents (history/outbox.c), so a
 * crash loses neither or both.
 */
#include <stdlib.h>
#include "lakewatch/engine_incidents.h"
#include "lakewatch/history_outbox.h"
#include "lakewatch/notifier.h"
#include "lakewatch/util.h"

/* See engine_incidents.h. */
int lw_engine_record_notify(const struct lw_config *cfg,
			    struct lw_history *h, int64_t run_id,
			    struct lw_ds_run *dr, int64_t now,
			    struct lw_err *err)
{
	if (!cfg->notify || !dr->ninc)
		return lw_engine_record_ds(h, run_id, dr, err);
	struct lw_announced *ann = NULL;
	size_t nann = 0;
	int rc = lw_history_announced(h, dr->ds->name, &ann, &nann, err);
	if (rc != LW_OK)
		return rc;
	struct lw_notify_plan plan;
	lw_notify_plan(cfg, dr, ann, nann, now, &plan);
	lw_announced_free(ann, nann);
	int64_t *ids = lw_xcalloc(dr->ninc, sizeof *ids);
	rc = lw_history_record_outbox(h, run_id, dr->ds->name, &dr->obs,
				      dr->results, dr->nresults, dr->status,
				      dr->inc, dr->inc_ev, dr->ninc, ids,
				      plan.v, plan.n, now, err);
	if (rc == LW_OK)
		for (size_t i = 0; i < dr->ninc; i++)
			dr->inc[i].id = ids[i];
	free(ids);
	lw_notify_plan_free(&plan);
	return rc;
}
