/* engine.h - one poll: observe every selected dataset, judge it, record it.
 *
 * The composition layer (engine/): the one place that wires the stages
 * together. Both front ends (check and the dashboard) call lw_engine_poll();
 * what it returns is a self-contained snapshot (run.h) that the show stage
 * reads.
 */
#ifndef LAKEWATCH_ENGINE_H
#define LAKEWATCH_ENGINE_H

#include <stdint.h>
#include <stdbool.h>
#include <stdatomic.h>
#include "lakewatch/config.h"
#include "lakewatch/history.h"
#include "lakewatch/run.h"

struct lw_filter {
	const char *source;		/* id, or NULL */
	const char *consumer;		/* id, or NULL */
	int layer;			/* enum lw_layer, or -1 */
	pcre2_code *dataset;		/* borrowed, or NULL */
	const bool *due;		/* borrowed: due[i] selects
					 * cfg->datasets[i] (`watch`), or NULL */
	unsigned shard, nshards;	/* --shard K/N: shard K-1 of N; 0 of 0
					 * is every dataset */
};

/* Whether the dataset named name falls in shard (0-based) of nshards:
 * FNV-1a 64 of the name's bytes, modulo nshards. The same on every machine
 * and in every release, and unmoved by datasets added or removed elsewhere
 * in the config. nshards 0 or 1: always. */
bool lw_shard_has(const char *name, unsigned shard, unsigned nshards);
/* "K/N" (1 <= K <= N <= 1024) into the 0-based shard and N: LW_OK, or
 * LW_EPARSE with *why set to a static reason. */
int lw_shard_parse(const char *s, unsigned *shard, unsigned *nshards,
		   const char **why);

/* Called from the polling thread after each dataset. */
typedef void (*lw_progress_cb)(void *ud, size_t done, size_t total,
			       const struct lw_ds_run *just_done);

/* Poll once. hist may be NULL (no change/drift baseline, nothing stored).
 * cancel, when non-NULL and set (by another thread), stops between
 * datasets: the rest are left out of the run (neither judged nor
 * recorded), so run->n may be less than selected. Never fails and never
 * returns NULL: a dataset that cannot be observed, or history that cannot
 * be written, is an ERROR inside the run. The caller owns the run
 * (lw_run_free). */
struct lw_run *lw_engine_poll(const struct lw_config *cfg,
			      struct lw_history *hist,
			      const struct lw_filter *filter,
			      lw_progress_cb progress, void *ud,
			      atomic_bool *cancel);

/* How one poll reads (NULL: the defaults). */
struct lw_poll_opts {
	bool no_cache;	/* read every file, not the per-file cache's copy
			 * (what is read still refreshes the cache) */
};
/* lw_engine_poll with opts. */
struct lw_run *lw_engine_poll_opts(const struct lw_config *cfg,
				   struct lw_history *hist,
				   const struct lw_filter *filter,
				   const struct lw_poll_opts *opts,
				   lw_progress_cb progress, void *ud,
				   atomic_bool *cancel);

bool lw_filter_match(const struct lw_config *cfg, const struct lw_filter *f,
		     const struct lw_dataset *ds);

/* The request counters of each of cfg's lakes since they were opened, as
 * the lake kinds keep them (lake.h's stats hook, what `check --stats`
 * prints), for the exposition (metrics.h): element i is cfg->lakes[i];
 * what a kind does not count is -1 (left out). Caller frees the array;
 * the names borrow from cfg. (engine/lake_counters.c) */
struct lw_metrics_lake;
struct lw_metrics_lake *lw_engine_lake_counters(const struct lw_config *cfg);

/* Load and validate a configuration, opening its lakes and binding its
 * formats and check kinds through the registries (config_bind.c). On
 * failure returns LW_ECONFIG and errors holds every problem found, one
 * "file:line:col: message" per line; *out is NULL then. The caller owns
 * *out (lw_config_free). */
int lw_config_load(const char *path, struct lw_config **out,
		   struct lw_buf *errors);
/* Same, from text (tests, fuzzing). file is only used in messages. */
int lw_config_parse(const char *text, size_t len, const char *file,
		    struct lw_config **out, struct lw_buf *errors);

#endif
