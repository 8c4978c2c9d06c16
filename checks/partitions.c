/* partitions.c - are the recent periods all there?
 *
 *   "partitions": {"period": "day", "last": 7, "warn": 1, "fail": 2}
 *
 * The last N periods (hours or days of the dataset's time zone, UTC by
 * default) are the current one and the N-1 before it, as a person reads
 * "the last 7 days" on a calendar. Each ended period must have a partition
 * whose time falls in it; the current, still-open period is present or
 * pending, never missing until it has ended (then it is the newest of the
 * N-1 ended ones). So "last" is 2 or more: 1 would judge only a period that
 * cannot be missing yet. "warn"/"fail" are numbers of missing periods at
 * which the status is reached (default: fail at 1). "last" defaults to 7
 * days or 24 hours. Partition times come from the dataset's "partitions"
 * setting.
 *
 * Periods are counted on the zone's wall clock, where partition keys live
 * (date=2026-03-29/hour=03 is local; Event Hubs Capture paths are UTC and
 * are moved onto it). An hour the clock skips (02:00 on the spring-forward
 * day in Europe/Berlin) is not expected: that day has 23 hourly partitions.
 * The fall-back day's repeated hour is one period (keys cannot tell its two
 * passes apart): that day has 24 hourly partitions, the 02:00 one covering
 * two real hours.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lakewatch/config.h"
#include "lakewatch/limits.h"
#include "lakewatch/tz.h"
#include "lakewatch/util.h"

#define SHOW 5
#define MAX_LAST 10000

struct parts_cfg {
	int64_t period;		/* seconds: 3600 or 86400 */
	int64_t last;
	struct lw_limit lim;	/* missing periods, reached at >= */
};

static void *parts_parse(const cJSON *node, struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"period", "last", "warn", "fail",
					   NULL};
	struct parts_cfg c = {0};
	if (lw_cfg_object(cc, node, "partitions") != LW_OK ||
	    lw_cfg_keys(cc, node, "partitions", keys) != LW_OK)
		return NULL;
	int rc = LW_OK;
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(node, "period");
	if (!p)
		rc = lw_cfg_error(cc, node, "partitions: \"period\" is required"
				  " (\"hour\" or \"day\")");
	else if (cJSON_IsString(p) && strcmp(p->valuestring, "hour") == 0)
		c.period = 3600;
	else if (cJSON_IsString(p) && strcmp(p->valuestring, "day") == 0)
		c.period = 86400;
	else
		rc = lw_cfg_error(cc, p, "partitions.period: expected \"hour\" "
				  "or \"day\"");
	c.last = c.period == 3600 ? 24 : 7;
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(node, "last");
	/* range before the int64 round trip: 1e300 would be undefined */
	if (l && (!cJSON_IsNumber(l) || !(l->valuedouble >= 2 &&
		  l->valuedouble <= MAX_LAST) || l->valuedouble !=
		  (double)(int64_t)l->valuedouble))
		rc = lw_cfg_error(cc, l, "partitions.last: expected a whole "
				  "number of periods from 2 to %d (the current "
				  "period counts, and is never missing while "
				  "it is open)", MAX_LAST);
	else if (l)
		c.last = (int64_t)l->valuedouble;
	if (lw_limit_flat(cc, node, "partitions", LW_U_COUNT, LW_DIR_MAX,
			  &c.lim) != LW_OK)
		rc = LW_ECONFIG;
	for (int i = 0; i < 2 && rc == LW_OK; i++) {
		bool has = i ? c.lim.has_fail : c.lim.has_warn;
		double v = i ? c.lim.fail : c.lim.warn;
		if (has && (v < 1 || v != (double)(int64_t)v))
			rc = lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(
				node, i ? "fail" : "warn"), "partitions.%s: "
				"expected a whole number of missing periods "
				"(1 or more)", i ? "fail" : "warn");
	}
	if (rc != LW_OK)
		return NULL;
	if (!lw_limit_set(&c.lim)) {
		c.lim.has_fail = true;
		c.lim.fail = 1;
	}
	struct parts_cfg *r = lw_xmalloc(sizeof *r);
	*r = c;
	return r;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Is some time in [lo, hi) in the sorted array? */
static bool any_in(const int64_t *t, size_t n, int64_t lo, int64_t hi)
{
	size_t a = 0, b = n;
	while (a < b) {	/* first index with t >= lo */
		size_t m = a + (b - a) / 2;
		if (t[m] < lo)
			a = m + 1;
		else
			b = m;
	}
	return a < n && t[a] < hi;
}

/* Wall-clock period start t as "2026-03-29" or "2026-03-29 03:00", with
 * the zone's abbreviation after an hour when the dataset names a zone;
 * returns buf. */
static const char *period_fmt(int64_t t, int64_t period,
			      const struct lw_tz *tz, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	int64_t at;
	if (!gmtime_r(&tt, &tm) ||
	    !strftime(buf, n, period == 3600 ? "%Y-%m-%d %H:00" : "%Y-%m-%d",
		      &tm))
		snprintf(buf, n, "@%lld", (long long)t);
	else if (tz && period == 3600) {
		size_t l = strlen(buf);
		(void)lw_tz_from_wall(tz, t, &at);
		snprintf(buf + l, n - l, " %s", lw_tz_abbr(tz, at));
	}
	return buf;
}

/* Does wall period [start, start + period) happen at all in tz? Not when
 * the clock jumps over all of it (the spring-forward hour). */
static bool period_exists(const struct lw_tz *tz, int64_t start,
			  int64_t period)
{
	int64_t at;
	if (lw_tz_from_wall(tz, start, &at) == LW_OK)
		return true;
	return lw_tz_wall(tz, at) < start + period;	/* the gap ends in it */
}

/* The partitions' known times on the local clock, sorted (caller frees);
 * *nt of them. Capture paths are UTC: moved onto the zone's clock. */
static int64_t *local_times(const struct lw_judge_ctx *ctx, size_t *nt)
{
	const struct lw_obs *o = ctx->obs;
	int64_t *times = lw_xcalloc(o->nparts ? o->nparts : 1, sizeof *times);
	bool utc_keys = ctx->ds && ctx->ds->part_mode == LW_PART_CAPTURE;
	*nt = 0;
	for (size_t i = 0; i < o->nparts; i++)
		if (o->parts[i].time >= 0)
			times[(*nt)++] = utc_keys ? lw_tz_wall(ctx->tz,
				o->parts[i].time) : o->parts[i].time;
	lw_sort(times, *nt, sizeof *times, cmp_i64);
	return times;
}

/* What the window holds: the ended periods without a partition (the first
 * SHOW named), the ones the clock skips, whether the open one is pending. */
struct window {
	const char *miss[SHOW];
	char missbuf[SHOW][40], skipbuf[40];
	size_t nmiss, nskip;
	bool pending;
};

/* Of the last c->last periods (the open one and the c->last - 1 ended
 * before it), the ended ones without a partition. */
static void scan_window(const struct parts_cfg *c,
			const struct lw_judge_ctx *ctx, const int64_t *times,
			size_t nt, struct window *w)
{
	/* start of the open period on the local clock; floor also for times
	 * before 1970 */
	int64_t now = lw_tz_wall(ctx->tz, ctx->now);
	int64_t open = now / c->period * c->period;
	if (open > now)
		open -= c->period;
	memset(w, 0, sizeof *w);
	w->pending = !any_in(times, nt, open, open + c->period);
	for (int64_t k = c->last - 1; k >= 1; k--) {
		int64_t start = open - k * c->period;
		if (any_in(times, nt, start, start + c->period))
			continue;
		if (!period_exists(ctx->tz, start, c->period)) {
			if (!w->nskip++)
				period_fmt(start, c->period, NULL, w->skipbuf,
					   sizeof w->skipbuf);
			continue;
		}
		if (w->nmiss < SHOW)
			w->miss[w->nmiss] = period_fmt(start, c->period,
				ctx->tz, w->missbuf[w->nmiss], 40);
		w->nmiss++;
	}
}

/* The status for w's missing periods, and "fail at 2" into why. */
static enum lw_status parts_status(const struct parts_cfg *c,
				   const struct window *w, char *why, size_t n)
{
	enum lw_status st = LW_PASS;
	if (c->lim.has_fail && (double)w->nmiss >= c->lim.fail)
		st = LW_FAIL;
	else if (c->lim.has_warn && (double)w->nmiss >= c->lim.warn)
		st = LW_WARN;
	bool fail = st == LW_FAIL || (st == LW_PASS && !c->lim.has_warn);
	snprintf(why, n, "%s at %.0f", fail ? "fail" : "warn",
		 fail ? c->lim.fail : c->lim.warn);
	return st;
}

/* The message into b (sticky on failure: lw_check_msg tells). */
static void parts_say(const struct parts_cfg *c, const struct lw_judge_ctx *ctx,
		      const struct window *w, const char *why, struct lw_buf *b)
{
	const char *units = c->period == 3600 ? "hours" : "days";
	int rc;
	if (!w->nmiss) {
		rc = lw_buf_addf(b, "all of the last %lld %s present%s",
				 (long long)c->last, units, !w->pending ? "" :
				 c->period == 3600 ? " but the current hour "
				 "(still open)" : " but today (still open)");
	} else {
		rc = lw_buf_addf(b, "missing %zu of last %lld %s: ", w->nmiss,
				 (long long)c->last, units);
		if (rc == LW_OK)
			rc = lw_names_add(b, w->miss, w->nmiss, SHOW);
		if (rc == LW_OK)
			rc = lw_buf_addf(b, " (%s)", why);
	}
	if (rc == LW_OK && w->nskip)	/* say why fewer were expected */
		rc = lw_buf_addf(b, "; %s not expected: the %s clock skips "
				 "%s", w->skipbuf, lw_tz_name(ctx->tz),
				 w->nskip == 1 ? "it" : "them");
	assert(rc == LW_OK || lw_buf_failed(b));
	(void)rc;
}

static void parts_run(const void *cfgp, const struct lw_judge_ctx *ctx,
		      struct lw_result *out)
{
	const struct parts_cfg *c = cfgp;
	if (lw_check_unobserved("partitions", ctx, out))
		return;
	const struct lw_obs *o = ctx->obs;
	char thr[160], lim[96], meas[48], why[64];
	lw_limit_fmt(&c->lim, LW_U_COUNT, lim, sizeof lim);
	snprintf(thr, sizeof thr, "%s missing of last %lld %s", lim,
		 (long long)c->last, c->period == 3600 ? "hours" : "days");

	size_t nt;
	int64_t *times = local_times(ctx, &nt);
	if (o->nparts && !nt) {
		free(times);
		lw_check_result(out, "partitions", LW_ERROR, "", thr, false, 0,
				"no partition times: partition keys carry no "
				"date (check the dataset's \"partitions\" "
				"setting)");
		return;
	}
	struct window w;
	scan_window(c, ctx, times, nt, &w);
	free(times);
	enum lw_status st = parts_status(c, &w, why, sizeof why);
	struct lw_buf b;
	lw_buf_init(&b, LW_CHECK_MSG_MAX);
	parts_say(c, ctx, &w, why, &b);
	snprintf(meas, sizeof meas, "%zu missing", w.nmiss);
	lw_check_result(out, "partitions", st, meas, thr, true,
			(double)w.nmiss, lw_check_msg(&b));
	lw_buf_free(&b);
}

static void parts_free(void *cfg)
{
	free(cfg);
}

const struct lw_check_kind lw_check_partitions = {
	.name = "partitions",
	.parse = parts_parse,
	.free = parts_free,
	.run = parts_run,
};
