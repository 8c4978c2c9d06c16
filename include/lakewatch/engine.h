/* engine.h - one poll: observe every selected dataset, judge it, record it.
 *
 * Both front ends (check and the dashboard) call lw_engine_poll(); what it
 * returns is a self-contained snapshot that the show stage reads.
 */
#ifndef LAKEWATCH_ENGINE_H
#define LAKEWATCH_ENGINE_H

#include <stdint.h>
#include <stdbool.h>
#include <signal.h>
#include "lakewatch/config.h"
#include "lakewatch/history.h"

struct lw_baseline;
struct lw_incident;

struct lw_ds_run {
	const struct lw_dataset *ds;	/* borrowed from the config */
	struct lw_obs obs;
	bool has_prev;
	struct lw_obs prev;		/* previous ok observation */
	struct lw_result *results;	/* owned; one per check, in config
					 * order, plus engine-made ones
					 * ("observe", "readable") */
	size_t nresults;
	enum lw_status status;		/* worst result */
	int worst;			/* index of the worst result, -1 none */
	double seconds;			/* time spent observing */
	/* Incidents and baselines (core/engine_incidents.c); NULL without
	 * history. inc[i] goes with results[i] for i < nresults; after those
	 * come open incidents no result spoke of this poll. */
	struct lw_baseline *base;	/* owned */
	struct lw_incident *inc;	/* owned */
	int *inc_ev;			/* owned: enum lw_inc_event each */
	size_t ninc;
};

struct lw_run {
	int64_t id;			/* history run id, 0 when not recorded */
	int64_t started, finished;
	struct lw_ds_run *ds;		/* owned, config order */
	size_t n;
	/* Observed only, neither judged nor recorded nor reported: datasets
	 * outside the filter that a selected check compares with
	 * (reconcile), so a filtered run judges like a full one. */
	struct lw_ds_run *aux;		/* owned */
	size_t naux;
	int counts[LW_NSTATUS];		/* datasets per status */
	enum lw_status status;		/* worst dataset */
	char *history_error;		/* owned: recording failed (the run is
					 * still reported, and is ERROR) */
};

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
void lw_run_free(struct lw_run *run);

bool lw_filter_match(const struct lw_config *cfg, const struct lw_filter *f,
		     const struct lw_dataset *ds);

/* --- roll-ups: a group's status is its worst dataset --- */
struct lw_rollup {
	enum lw_status status;
	int counts[LW_NSTATUS];		/* datasets per status */
	int total;			/* datasets in the group */
	const struct lw_ds_run *culprit;	/* worst dataset, NULL if PASS */
	const struct lw_result *culprit_result;	/* its worst check */
};
/* source/consumer: index, or -1 for any; layer: enum or -1 for any. */
void lw_rollup(const struct lw_config *cfg, const struct lw_run *run,
	       int source, int layer, int consumer, struct lw_rollup *out);

#endif
