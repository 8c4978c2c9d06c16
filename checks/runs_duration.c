/* runs_duration.c - the runs check's learned duration limit: is this run
 * taking unusually long for its pipeline?
 *
 *   "runs": {"duration": {"min_points": 5, "sensitivity": 3, "last": 30,
 *                         "min_change": "5m", "direction": "longer"}}
 *
 * The durations of the successful runs the service returned (obs->runs,
 * the lake's lookback: no history series is needed) are judged by the
 * anomaly model (anomaly.h) without seasonality: their robust level and
 * spread, a trend, the minimum change. A run in progress is judged by how
 * long it has run so far (only too long counts: it has not finished); a
 * finished one when it succeeded. max_duration stays the hard limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/anomaly.h"
#include "lakewatch/limits.h"
#include "lakewatch/util.h"
#include "runs_int.h"

#define LAST_MAX 1000

/* The numbers and their ranges; errors name runs.duration.KEY. */
static int parse_numbers(struct lw_cfgctx *cc, const cJSON *v,
			 struct runs_duration *d)
{
	if (lw_cfg_int(cc, v, "min_points", false, &d->min_points) ||
	    lw_cfg_int(cc, v, "last", false, &d->last) ||
	    lw_cfg_num(cc, v, "sensitivity", false, &d->sensitivity) ||
	    lw_cfg_duration(cc, v, "min_change", false, &d->min_change))
		return LW_ECONFIG;
	if (d->min_points < 3 || d->min_points > LAST_MAX)
		return lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(v,
				    "min_points"), "runs.duration.min_points: "
				    "between 3 and %d runs", LAST_MAX);
	if (d->last < d->min_points || d->last > LAST_MAX)
		return lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(v,
				    "last"), "runs.duration.last: between "
				    "min_points (%lld) and %d runs",
				    (long long)d->min_points, LAST_MAX);
	if (!(d->sensitivity > 0 && d->sensitivity <= 100))
		return lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(v,
				    "sensitivity"), "runs.duration.sensitivity: "
				    "a number above 0, at most 100");
	if (d->min_change < 0)
		return lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(v,
				    "min_change"), "runs.duration.min_change: "
				    "not negative");
	return LW_OK;
}

/* See runs_int.h. */
int lw_runs_duration_parse(struct lw_cfgctx *cc, const cJSON *node,
			   struct runs_duration *d)
{
	static const char *const keys[] = {"min_points", "last", "sensitivity",
		"min_change", "direction", NULL};
	*d = (struct runs_duration){.on = true, .min_points = 5, .last = 30,
				    .sensitivity = 3, .min_change = 300};
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(node, "duration");
	if (!v || cJSON_IsTrue(v))
		return LW_OK;
	if (cJSON_IsFalse(v)) {
		d->on = false;
		return LW_OK;
	}
	if (!cJSON_IsObject(v))
		return lw_cfg_error(cc, v, "runs.duration: expected an object, "
				    "true or false");
	const char *dir = NULL;
	if (lw_cfg_keys(cc, v, "runs.duration", keys) ||
	    lw_cfg_str(cc, v, "direction", false, &dir) ||
	    parse_numbers(cc, v, d))
		return LW_ECONFIG;
	if (dir && strcmp(dir, "longer") && strcmp(dir, "both"))
		return lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(v,
				    "direction"), "runs.duration.direction: "
				    "expected \"longer\" or \"both\", not \"%s\"",
				    dir);
	d->both = dir && !strcmp(dir, "both");
	return LW_OK;
}

/* See runs_int.h. */
const char *lw_runs_dur_fmt(int64_t secs, char *buf, size_t n)
{
	if (secs < 3600 || secs >= 86400)
		return lw_duration_fmt(secs, buf, n);
	int64_t m = (secs + 30) / 60;
	if (m % 60)
		snprintf(buf, n, "%lldh%lldm", (long long)(m / 60),
			 (long long)(m % 60));
	else
		snprintf(buf, n, "%lldh", (long long)(m / 60));
	return buf;
}

static int64_t took(const struct lw_run_fact *r)
{
	if (r->duration >= 0)
		return r->duration;
	return r->start >= 0 && r->end >= r->start ? r->end - r->start : -1;
}

/* The index of the run to judge and its duration so far, -1 when none. */
static long judged_run(const struct lw_runs_facts *rf, int64_t now,
		       double *v, bool *running)
{
	for (size_t i = 0; i < rf->n; i++) {
		const struct lw_run_fact *x = &rf->runs[i];
		if (x->state == LW_RUN_IN_PROGRESS && x->start >= 0) {
			*v = (double)(now > x->start ? now - x->start : 0);
			*running = true;
			return (long)i;
		}
		if (x->state == LW_RUN_QUEUED || x->state == LW_RUN_IN_PROGRESS ||
		    x->state == LW_RUN_SKIPPED || x->state == LW_RUN_UNKNOWN)
			continue;
		if (x->state != LW_RUN_SUCCEEDED || took(x) < 0 || x->start < 0)
			return -1;
		*v = (double)took(x);
		*running = false;
		return (long)i;
	}
	return -1;
}

/* Successful runs older than runs[from] (newest first there) into pts,
 * oldest first, at most max. Returns how many. */
static size_t learned_from(const struct lw_runs_facts *rf, size_t from,
			   struct lw_point *pts, size_t max)
{
	size_t k = 0;
	for (size_t i = from + 1; i < rf->n && k < max; i++) {
		const struct lw_run_fact *x = &rf->runs[i];
		if (x->state == LW_RUN_SUCCEEDED && took(x) >= 0 && x->start >= 0)
			pts[k++] = (struct lw_point){.t = x->start,
						     .v = (double)took(x)};
	}
	for (size_t a = 0, b = k; a + 1 < b; a++, b--) {
		struct lw_point t = pts[a];
		pts[a] = pts[b - 1];
		pts[b - 1] = t;
	}
	return k;
}

/* See runs_int.h. */
void lw_runs_duration_judge(const struct runs_duration *d,
			    const struct lw_runs_facts *rf, int64_t now,
			    enum lw_status *st, char *msg, size_t n)
{
	*st = LW_PASS;
	msg[0] = '\0';
	double v = 0;
	bool running = false;
	long at = d->on ? judged_run(rf, now, &v, &running) : -1;
	if (at < 0)
		return;
	size_t max = (size_t)d->last;
	struct lw_point *pts = lw_xmalloc(max * sizeof *pts);
	size_t np = learned_from(rf, (size_t)at, pts, max);
	const struct lw_run_fact *r = &rf->runs[at];
	struct lw_anomaly_params p = {.season = LW_SEAS_NONE,
		.window = 400 * 86400, .min_points = (size_t)d->min_points,
		.sensitivity = d->sensitivity, .min_abs = (double)d->min_change,
		.min_pct = 10, .direction = d->both ? LW_AD_BOTH : LW_AD_SPIKE};
	struct lw_verdict vd;
	lw_anomaly_judge(&p, pts, np, r->start, v, &vd);
	free(pts);
	if (vd.learning || vd.status == LW_PASS || (running && v <= vd.hi))
		return;
	char a[32], lo[32], hi[32];
	*st = vd.status;
	lw_runs_dur_fmt((int64_t)v, a, sizeof a);
	lw_runs_dur_fmt(vd.lo > 0 ? (int64_t)(vd.lo + 0.5) : 0, lo, sizeof lo);
	lw_runs_dur_fmt((int64_t)(vd.hi + 0.5), hi, sizeof hi);
	snprintf(msg, n, "run %.64s %s %s, usually %s\xe2\x80\x93%s (from %zu "
		 "run%s)", r->run_id ? r->run_id : "?", running ?
		 "in progress for" : "ran", a, lo, hi, vd.trained,
		 vd.trained == 1 ? "" : "s");
}
