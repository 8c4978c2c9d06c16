/* cache_int.h - the per-file observation cache as the engine wires it:
 * the probe's struct lw_probe_cache bound to the history's lw_fcache. */
#ifndef LAKEWATCH_ENGINE_CACHE_INT_H
#define LAKEWATCH_ENGINE_CACHE_INT_H

#include "lakewatch/config.h"
#include "lakewatch/history.h"

/* Observe ds into obs through the probe, unchanged files from the cache
 * in hist (NULL, or cfg->cache_entries 0: read them all). no_read: read
 * every file, and keep what was read (--no-cache). */
void lw_engine_observe(const struct lw_config *cfg, struct lw_history *hist,
		       const struct lw_dataset *ds, int64_t now,
		       struct lw_obs *obs, bool no_read);
/* Bound the cache (history.retention, history.cache_entries); a failure
 * is logged, never the poll's error: the results stand without it. */
void lw_engine_cache_prune(const struct lw_config *cfg,
			   struct lw_history *hist, int64_t now);

#endif
