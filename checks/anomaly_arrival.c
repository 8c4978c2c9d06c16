/* anomaly_arrival.c - the anomaly check on arrival time: when new data
 * usually lands in the day (or hour), and how late this period is.
 *
 *   "usually lands by 03:10 ±12m; 05:00 now and nothing"
 *
 * The series holds the newest file time at each past observation; each
 * period's first new time is when it landed. A period with nothing yet is
 * judged by how long it has been: late once past the expected range.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/anomaly.h"
#include "lakewatch/limits.h"
#include "lakewatch/tz.h"
#include "lakewatch/util.h"

/* "03:10" (daily) or ":10" (hourly) for seconds into the period. */
static const char *clock_fmt(int64_t period, double secs, char *buf,
			     size_t n)
{
	long s = secs < 0 ? 0 : (long)(secs + 30);
	if (period >= 86400)
		snprintf(buf, n, "%02ld:%02ld", (s / 3600) % 24, (s / 60) % 60);
	else
		snprintf(buf, n, ":%02ld", (s / 60) % 60);
	return buf;
}

/* Newest file times, past observations then this one, on tz's wall clock
 * (a day is a local day; the fall-back hour's second pass is held at the
 * first's end so the times stay in order); caller frees. */
static int64_t *landings(const struct lw_series *s, const struct lw_obs *o,
			 const struct lw_tz *tz, size_t *n)
{
	size_t k = 0, max = (s ? s->n : 0) + 1;
	int64_t *l = lw_xmalloc(max * sizeof *l);
	for (size_t i = 0; s && i < s->n; i++)
		if (s->pts[i].v >= 0)
			l[k++] = (int64_t)s->pts[i].v;
	if (o->newest_mtime >= 0)
		l[k++] = o->newest_mtime;
	for (size_t i = 0; i < k; i++) {
		int64_t raw = l[i];
		l[i] = lw_tz_wall(tz, raw);
		if (i && raw >= 0 && l[i] < l[i - 1] && l[i] + 3600 >= l[i - 1])
			l[i] = l[i - 1];
	}
	*n = k;
	return l;
}

/* " CET" after a time of day when the dataset names a zone (the default,
 * UTC, keeps the plain "03:10"); hourly ":10" needs none. */
static void zone_add(const struct lw_judge_ctx *ctx, int64_t period,
		     char *buf, size_t n)
{
	size_t l = strlen(buf);
	if (ctx->tz && period >= 86400 && l < n)
		snprintf(buf + l, n - l, " %s", lw_tz_abbr(ctx->tz, ctx->now));
}

static void say(struct lw_result *out, enum lw_status st, const char *meas,
		const char *thr, double v, const char *msg)
{
	lw_check_result(out, "anomaly", st, meas, thr, true, v, msg);
}

void lw_anomaly_arrival_run(const struct lw_anomaly_params *p,
			    const struct lw_series *s,
			    const struct lw_judge_ctx *ctx,
			    struct lw_result *out)
{
	size_t nl, np;
	int64_t *l = landings(s, ctx->obs, ctx->tz, &nl);
	int64_t period = lw_arrival_period(l, nl);
	struct lw_point *pts = lw_xmalloc((nl + 1) * sizeof *pts);
	np = lw_arrival_points(l, nl, period, pts, nl + 1);
	free(l);
	int64_t now = lw_tz_wall(ctx->tz, ctx->now);	/* local clock */
	int64_t start = now - ((now % period) + period) % period;
	bool landed = np && pts[np - 1].t == start;
	double v = landed ? pts[np - 1].v : (double)(now - start);
	struct lw_verdict vd;
	lw_anomaly_judge(p, pts, np, start, v, &vd);
	free(pts);
	char now_s[32], exp_s[32], pm[32], meas[48], thr[96], from[96];
	char b[40], span[32], msg[LW_CHECK_MSG_MAX];
	const char *unit = period >= 86400 ? "day" : "hour";
	clock_fmt(period, v, now_s, sizeof now_s);
	snprintf(meas, sizeof meas, "%s %s", landed ? "landed" : "nothing by",
		 now_s);
	if (vd.learning) {
		snprintf(msg, sizeof msg, "learning: %zu of %zu %ss with new "
			 "data (%s)", vd.trained, vd.need, unit, meas);
		say(out, LW_PASS, meas, "learning", v, msg);
		return;
	}
	clock_fmt(period, vd.expected, exp_s, sizeof exp_s);
	zone_add(ctx, period, exp_s, sizeof exp_s);
	zone_add(ctx, period, now_s, sizeof now_s);
	lw_duration_fmt((int64_t)(vd.hi - vd.expected + 0.5), pm, sizeof pm);
	snprintf(thr, sizeof thr, "by %s \xc2\xb1%s", exp_s, pm);
	lw_season_bucket_fmt(vd.season, vd.bucket, b, sizeof b);
	lw_span_fmt(vd.span, span, sizeof span);
	if (s && s->source && s->source[0] >= '0' && s->source[0] <= '9')
		snprintf(from, sizeof from, "%s%s%sfrom %s over %s", b[0] ?
			 "for " : "", b, b[0] ? ", " : "", s->source, span);
	else
		snprintf(from, sizeof from, "%s%s%sfrom %s", b[0] ? "for " :
			 "", b, b[0] ? ", " : "", span);
	enum lw_status st = vd.status;
	if (!landed && v <= vd.hi)
		st = LW_PASS;	/* not yet, and not late yet */
	if (landed)
		snprintf(msg, sizeof msg, "landed %s %s; usually lands by "
			 "%s \xc2\xb1%s (%s)", now_s, period >= 86400 ?
			 "today" : "this hour", exp_s, pm, from);
	else
		snprintf(msg, sizeof msg, "usually lands by %s \xc2\xb1%s; %s "
			 "now and nothing%s (%s)", exp_s, pm, now_s,
			 st == LW_PASS ? " yet" : "", from);
	say(out, st, meas, thr, v, msg);
	/* seconds into the period, as the history keeps the band */
	out->has_range = true;
	out->range_lo = vd.lo;
	out->range_hi = vd.hi;
	out->range_metric = lw_metric_name(LW_M_ARRIVAL);
}
