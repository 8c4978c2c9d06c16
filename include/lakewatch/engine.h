/* engine.h - one poll: observe every selected dataset, judge it, record it.
 *
 * Both front ends (check and the dashboard) call lw_engine_poll(); what it
 * returns is a self-contained snapshot (struct lw_run, run.h) that the show
 * stage reads.
 */
#ifndef LAKEWATCH_ENGINE_H
#define LAKEWATCH_ENGINE_H

#include <stdint.h>
#include <stdbool.h>
#include <signal.h>
#include "lakewatch/config.h"
#include "lakewatch/history.h"
#include "lakewatch/run.h"

struct lw_filter {
	const char *source;		/* id, or NULL */
	const char *consumer;		/* id, or NULL */
	int layer;			/* enum lw_layer, or -1 */
	pcre2_code *dataset;		/* borrowed, or NULL */
};

/* Called from the polling thread after each dataset. */
typedef void (*lw_progress_cb)(void *ud, size_t done, size_t total,
			       const struct lw_ds_run *just_done);

/* Poll once. hist may be NULL (no change/drift baseline, nothing stored).
 * cancel, when non-NULL and set, stops between datasets (the rest are
 * ERROR "cancelled"). Returns LW_OK; *out is the caller's (lw_run_free). */
int lw_engine_poll(const struct lw_config *cfg, struct lw_history *hist,
		   const struct lw_filter *filter, lw_progress_cb progress,
		   void *ud, volatile sig_atomic_t *cancel,
		   struct lw_run **out);

bool lw_filter_match(const struct lw_config *cfg, const struct lw_filter *f,
		     const struct lw_dataset *ds);

#endif
