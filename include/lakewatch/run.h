/* run.h - one poll's verdicts: every dataset's observation and results,
 * and roll-ups of them (the judge stage's output).
 *
 * The engine fills a struct lw_run (engine.h); the show stage (report/,
 * tui/) reads it through this header alone, without the engine.
 */
#ifndef LAKEWATCH_RUN_H
#define LAKEWATCH_RUN_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "lakewatch/model.h"
#include "lakewatch/config.h"

struct lw_baseline;
struct lw_incident;

/* Where a dataset's upstream comes from in a run (lw_lineage_mark). */
enum lw_up_from {
	LW_UP_LAYER = 0,	/* its source's previous layer (the default) */
	LW_UP_CONFIG,		/* the config's "upstream" */
	LW_UP_SERVICE,		/* a Power BI dataset's datasources, matched
				 * with datasets' "published_as" */
	LW_UP_NONE		/* a run dataset (pipeline, job): none */
};
/* "config", "layer", "service", "none": the JSON report's words. */
const char *lw_up_from_name(enum lw_up_from f);
/* What the dashboard says: "from config", "previous layer", "from the
 * service's datasources", "none (a pipeline or job)". */
const char *lw_up_from_text(enum lw_up_from f);

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
	/* Incidents and baselines (engine/engine_incidents.c); NULL without
	 * history. inc[i] goes with results[i] for i < nresults; after those
	 * come open incidents no result spoke of this poll. */
	struct lw_baseline *base;	/* owned */
	struct lw_incident *inc;	/* owned */
	int *inc_ev;			/* owned: enum lw_inc_event each */
	size_t ninc;
	/* Lineage (checks/lineage.c, after the poll's datasets are judged;
	 * it never changes a status): impacted when this dataset fails (WARN
	 * or worse) and a dataset it is made from (upstream, transitively)
	 * or written by fails too; root is then the most-upstream failing
	 * one of those (borrowed from the same run), else NULL. */
	const struct lw_ds_run *root;
	bool impacted;
	/* Its upstream in this poll (lw_lineage_mark, before the marking):
	 * a Power BI dataset without "upstream" whose datasources name
	 * datasets' "published_as" takes those (learned, LW_UP_SERVICE);
	 * every other keeps the config's. up_note: why one that asked the
	 * service kept the layer rule (the refusal, or no match), else NULL.
	 * Read it through lw_ds_upstream(). */
	enum lw_up_from up_from;
	int *learned;			/* owned: indexes into cfg->datasets */
	size_t nlearned;
	char *up_note;			/* owned */
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
	/* Earlier runs found aborted as this one began (their process
	 * gone: kill -9, a crash): their results feed no baseline. */
	int64_t *aborted;		/* owned: run ids */
	size_t naborted;
};

/* dr's incident of result i, or NULL when that check has none open (or it
 * resolved this poll). Borrowed from dr. (run.c) */
const struct lw_incident *lw_ds_run_incident(const struct lw_ds_run *dr,
					     size_t i);
/* Free dr's incidents and baselines and leave it without them. */
void lw_ds_run_free_incidents(struct lw_ds_run *dr);
/* Frees run and everything it owns; NULL is fine. (run.c) */
void lw_run_free(struct lw_run *run);

/* Mark run's failing datasets impacted, with their root, from cfg's
 * upstream and written_by links (datasets outside the run are passed
 * through, not judged). Pure: reads statuses, writes root and impacted
 * only. (lineage.c) */
void lw_lineage_mark(const struct lw_config *cfg, struct lw_run *run);
/* The upstream of ds in this poll: dr's learned one when dr (ds's ds_run,
 * NULL when not in the run) learned it, else the config's. *n set;
 * borrowed. (lineage_learn.c) */
const int *lw_ds_upstream(const struct lw_dataset *ds,
			  const struct lw_ds_run *dr, size_t *n);
/* Set every ds_run's up_from, learned and up_note (lineage_learn.c);
 * lw_lineage_mark calls it first. */
void lw_lineage_learn(const struct lw_config *cfg, struct lw_run *run);
/* "bronze.orders freshness: no new files for 9h": d's worst check and
 * its message (a failed run by its pipeline or job), else why d was not
 * observed; uncleaned; NULL for NULL. The words of a root cause, for the
 * reports' consumer lines and the notices alike. Caller frees.
 * (lineage.c) */
char *lw_ds_cause(const struct lw_ds_run *d);
/* The ds_run of cfg's dataset i in run, or NULL when the run has none.
 * Borrowed from run. (lineage.c) */
const struct lw_ds_run *lw_run_dataset(const struct lw_config *cfg,
				       const struct lw_run *run, size_t i);

/* --- roll-ups: a group's status is its worst dataset --- */
struct lw_rollup {
	enum lw_status status;
	int counts[LW_NSTATUS];		/* datasets per status */
	int total;			/* datasets in the group */
	const struct lw_ds_run *culprit;	/* worst dataset, NULL if PASS */
	const struct lw_result *culprit_result;	/* its worst check */
};
/* source/consumer: index, or -1 for any; layer: enum or -1 for any.
 * Fills out; the culprit pointers borrow from run. (rollup.c) */
void lw_rollup(const struct lw_config *cfg, const struct lw_run *run,
	       int source, int layer, int consumer, struct lw_rollup *out);

#endif
