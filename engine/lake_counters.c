/* lake_counters.c - the lakes' request counters for the exposition
 * (metrics.h), read as `check --stats` reads them: through each lake
 * kind's stats hook (lake.h). One place for `check --format openmetrics`
 * and the watch loop's /metrics. */
#include <stdlib.h>
#include "lakewatch/engine.h"
#include "lakewatch/lake.h"
#include "lakewatch/metrics.h"
#include "lakewatch/util.h"

/* See engine.h. Caller frees the array; names borrow from cfg. */
struct lw_metrics_lake *lw_engine_lake_counters(const struct lw_config *cfg)
{
	struct lw_metrics_lake *v = lw_xcalloc(cfg->nlakes ? cfg->nlakes : 1,
					       sizeof *v);
	for (size_t i = 0; i < cfg->nlakes; i++) {
		struct lw_lake *l = cfg->lakes[i].lake;
		const struct lw_lake_kind *k = l ? lw_lake_base(l)->kind : NULL;
		/* what a kind does not count (fs: no retries) stays -1:
		 * the exposition leaves it out rather than saying 0 */
		v[i] = (struct lw_metrics_lake){.lake = cfg->lakes[i].name,
			.requests = -1, .bytes = -1, .retries = -1,
			.errors = -1};
		if (k && k->stats)
			k->stats(l, &v[i].requests, &v[i].bytes);
		if (k && k->faults)
			k->faults(l, &v[i].retries, &v[i].errors);
	}
	return v;
}
