/* engine_incidents.h - the engine's hooks for baselines and incidents
 * (engine/engine_incidents.c).
 *
 * Per dataset of a poll: before judging, the baselines come from history
 * into the judge context; after judging, the open incidents are loaded and
 * advanced one poll; recording stores them with the run's results.
 */
#ifndef LAKEWATCH_ENGINE_INCIDENTS_H
#define LAKEWATCH_ENGINE_INCIDENTS_H

#include "lakewatch/engine.h"
#include "lakewatch/check.h"
#include "lakewatch/history_incidents.h"

/* Load dr's baselines (dr->base, owned by dr) from runs before run_id. */
int lw_engine_baseline(struct lw_history *h, struct lw_ds_run *dr,
		       int64_t run_id, struct lw_err *err);
/* Hand dr's baselines to the checks (ctx borrows from dr). */
void lw_engine_baseline_ctx(const struct lw_ds_run *dr,
			    struct lw_judge_ctx *ctx);
/* Advance every selected dataset's incidents by this poll's results
 * (dr->inc, dr->inc_ev; owned by dr). */
int lw_engine_incidents(const struct lw_config *cfg, struct lw_history *h,
			struct lw_run *run, int64_t now, struct lw_err *err);
/* Record dr (observation, results, incidents) in one transaction; new
 * incidents get their ids. */
int lw_engine_record_ds(struct lw_history *h, int64_t run_id,
			struct lw_ds_run *dr, struct lw_err *err);
/* The same, with the notices cfg's notify routes make of dr's incident
 * changes written to the outbox in that transaction (engine_notify.c).
 * Without a notify section it is lw_engine_record_ds. */
int lw_engine_record_notify(const struct lw_config *cfg,
			    struct lw_history *h, int64_t run_id,
			    struct lw_ds_run *dr, int64_t now,
			    struct lw_err *err);

#endif
