/* metrics.h - the show stage for Prometheus: the exposition of one poll
 * (report/metrics.c), served by the listener in serve.h and written to a
 * file by `lakewatch check --format openmetrics`.
 * Series are documented in docs/metrics.md (names, types, labels).
 */
#ifndef LAKEWATCH_METRICS_H
#define LAKEWATCH_METRICS_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "lakewatch/run.h"
#include "lakewatch/buf.h"
#include "lakewatch/err.h"

enum lw_metrics_fmt { LW_METRICS_PROMETHEUS = 0,	/* text 0.0.4 */
		      LW_METRICS_OPENMETRICS };		/* 1.0.0, # EOF */

/* Cumulative request counters of one lake since the process started.
 * A negative counter is one the lake does not keep: it is left out. */
struct lw_metrics_lake {
	const char *lake;		/* borrowed: the lake's config name */
	int64_t requests, bytes, retries, errors;
};

/* Poll duration histogram, seconds (cumulative since start). */
#define LW_METRICS_NBUCKETS 12
struct lw_metrics_hist {
	uint64_t counts[LW_METRICS_NBUCKETS + 1];	/* last: +Inf only */
	double sum;
	uint64_t count;
};
extern const double lw_metrics_bounds[LW_METRICS_NBUCKETS];
void lw_metrics_hist_observe(struct lw_metrics_hist *h, double seconds);

/* Delivery counters of one notification channel (notify/); negative:
 * not kept, left out. */
struct lw_metrics_channel {
	const char *channel;		/* borrowed: the channel's config name */
	int64_t sent, failed, pending;
};

/* Everything one exposition is made from; all borrowed. run is the last
 * completed poll (NULL before the first: only build info and process
 * series are written). */
struct lw_metrics_in {
	const struct lw_config *cfg;
	const struct lw_run *run;
	const struct lw_metrics_lake *lakes;	size_t nlakes;
	const struct lw_metrics_hist *polls;	/* may be NULL */
	const struct lw_metrics_channel *channels; size_t nchannels;
	int64_t now;				/* epoch seconds */
};

/* Append the exposition of in to out (report/metrics.c). Label values are
 * escaped; no message or path is ever a label. */
int lw_metrics_render(const struct lw_metrics_in *in, enum lw_metrics_fmt fmt,
		      struct lw_buf *out) __attribute__((warn_unused_result));

#endif
