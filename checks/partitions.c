/* partitions.c - are the recent periods all there?
 *
 *   "partitions": {"period": "day", "last": 7, "warn": 1, "fail": 2}
 *
 * The last N periods (UTC hours or days) are the current one and the N-1
 * before it, as a person reads "the last 7 days" on a calendar. Each ended
 * period must have a partition whose time falls in it; the current,
 * still-open period is present or pending, never missing until it has
 * ended (then it is the newest of the N-1 ended ones). So "last" is 2 or
 * more: 1 would judge only a period that cannot be missing yet.
 * "warn"/"fail" are numbers of missing periods at which the status is
 * reached (default: fail at 1). "last" defaults to 7 days or 24 hours.
 * Partition times come from the dataset's "partitions" setting.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lakewatch/limits.h"
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

static const char *period_fmt(int64_t t, int64_t period, char *buf,
			      size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) ||
	    !strftime(buf, n, period == 3600 ? "%Y-%m-%d %H:00" : "%Y-%m-%d",
		      &tm))
		snprintf(buf, n, "@%lld", (long long)t);
	return buf;
}

/* The partitions' known times, sorted (caller frees); *nt of them. */
static int64_t *sorted_times(const struct lw_obs *o, size_t *nt)
{
	int64_t *times = lw_xcalloc(o->nparts ? o->nparts : 1, sizeof *times);
	*nt = 0;
	for (size_t i = 0; i < o->nparts; i++)
		if (o->parts[i].time >= 0)
			times[(*nt)++] = o->parts[i].time;
	lw_sort(times, *nt, sizeof *times, cmp_i64);
	return times;
}

/* The missing periods; the first SHOW are named in miss (strings in
 * missbuf, the caller's). */
struct missing {
	const char *miss[SHOW];
	char missbuf[SHOW][32];
	size_t n;
	bool pending;	/* the open period has no partition yet */
};

/* Of the last c->last periods (the open one and the c->last - 1 ended
 * before it), the ended ones without a partition. */
static void find_missing(const struct parts_cfg *c, int64_t now,
			 const int64_t *times, size_t nt, struct missing *m)
{
	/* start of the open period; floor also for times before 1970 */
	int64_t open = now / c->period * c->period;
	if (open > now)
		open -= c->period;
	m->n = 0;
	m->pending = !any_in(times, nt, open, open + c->period);
	for (int64_t k = c->last - 1; k >= 1; k--) {
		int64_t start = open - k * c->period;
		if (any_in(times, nt, start, start + c->period))
			continue;
		if (m->n < SHOW)
			m->miss[m->n] = period_fmt(start, c->period,
						   m->missbuf[m->n], 32);
		m->n++;
	}
}

/* The status for nmiss missing periods, and "fail at 2" into why. */
static enum lw_status parts_status(const struct parts_cfg *c, size_t nmiss,
				   char *why, size_t n)
{
	enum lw_status st = LW_PASS;
	if (c->lim.has_fail && (double)nmiss >= c->lim.fail)
		st = LW_FAIL;
	else if (c->lim.has_warn && (double)nmiss >= c->lim.warn)
		st = LW_WARN;
	bool fail = st == LW_FAIL || (st == LW_PASS && !c->lim.has_warn);
	snprintf(why, n, "%s at %.0f", fail ? "fail" : "warn",
		 fail ? c->lim.fail : c->lim.warn);
	return st;
}

static void parts_run(const void *cfgp, const struct lw_judge_ctx *ctx,
		      struct lw_result *out)
{
	const struct parts_cfg *c = cfgp;
	if (lw_check_unobserved("partitions", ctx, out))
		return;
	const struct lw_obs *o = ctx->obs;
	const char *units = c->period == 3600 ? "hours" : "days";
	char thr[160], lim[96], meas[48], why[64];
	lw_limit_fmt(&c->lim, LW_U_COUNT, lim, sizeof lim);
	snprintf(thr, sizeof thr, "%s missing of last %lld %s", lim,
		 (long long)c->last, units);

	size_t nt;
	int64_t *times = sorted_times(o, &nt);
	if (o->nparts && !nt) {
		free(times);
		lw_check_result(out, "partitions", LW_ERROR, "", thr, false, 0,
				"no partition times: partition keys carry no "
				"date (check the dataset's \"partitions\" "
				"setting)");
		return;
	}
	struct missing m;
	find_missing(c, ctx->now, times, nt, &m);
	free(times);
	enum lw_status st = parts_status(c, m.n, why, sizeof why);

	struct lw_buf b;
	int rc;
	lw_buf_init(&b, LW_CHECK_MSG_MAX);
	if (!m.n) {
		rc = lw_buf_addf(&b, "all of the last %lld %s present%s",
				 (long long)c->last, units, !m.pending ? "" :
				 c->period == 3600 ? " but the current hour "
				 "(still open)" : " but today (still open)");
	} else {
		rc = lw_buf_addf(&b, "missing %zu of last %lld %s: ", m.n,
				 (long long)c->last, units);
		if (rc == LW_OK)
			rc = lw_names_add(&b, m.miss, m.n, SHOW);
		if (rc == LW_OK)
			rc = lw_buf_addf(&b, " (%s)", why);
	}
	assert(rc == LW_OK || lw_buf_failed(&b));
	(void)rc;	/* a failed message shows as such: lw_check_msg */
	snprintf(meas, sizeof meas, "%zu missing", m.n);
	lw_check_result(out, "partitions", st, meas, thr, true, (double)m.n,
			lw_check_msg(&b));
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
