/* runs_int.h - the runs check's parts, shared by its files only: runs.c
 * (the check) and runs_duration.c (a run's duration against the
 * pipeline's usual ones, through the anomaly model of anomaly.h). */
#ifndef LAKEWATCH_RUNS_INT_H
#define LAKEWATCH_RUNS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lakewatch/check.h"
#include "lakewatch/config.h"

/* "duration": learned from the successful runs seen (obs->runs). */
struct runs_duration {
	bool on;		/* default on; "duration": false turns it off */
	int64_t min_points;	/* fewer successful runs: nothing judged */
	int64_t last;		/* at most this many runs learned from */
	double sensitivity;	/* robust standard deviations */
	int64_t min_change;	/* seconds: a smaller change is never flagged */
	bool both;		/* shorter than usual counts too */
};

/* node's "duration" (absent, true, false or an object) into *d; errors
 * name runs.duration.KEY. */
int lw_runs_duration_parse(struct lw_cfgctx *cc, const cJSON *node,
			   struct runs_duration *d);

/* The run to judge - one in progress (how long so far), else the newest
 * finished one when it succeeded - against the durations of the
 * successful runs before it. WARN outside the usual range, FAIL twice as
 * far out (anomaly.h); *st PASS and *msg empty when there is nothing to
 * say. msg: "run r9 ran 2h41m, usually 38m–52m (from 14 runs)". */
void lw_runs_duration_judge(const struct runs_duration *d,
			    const struct lw_runs_facts *rf, int64_t now,
			    enum lw_status *st, char *msg, size_t n);

/* "2h41m", "45m", "1d3h" into buf (minutes under a day: lw_duration_fmt
 * keeps whole hours there, too coarse for how long a run took); returns
 * buf. */
const char *lw_runs_dur_fmt(int64_t secs, char *buf, size_t n);

#endif
