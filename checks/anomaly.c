/* anomaly.c - a metric outside the range the dataset's own past predicts.
 *
 *   "anomaly": {"metric": "load", "seasonality": "auto", "window": "42d",
 *               "min_points": 14, "sensitivity": 3,
 *               "min_change": {"abs": 100, "pct": 5}, "direction": "both"}
 *
 * The past comes in through ctx->series (the history; checks do no I/O)
 * and is judged by the pure detector in anomaly_model.c. Too few points:
 * PASS "learning: 5 of 14 points". An unknown current value is ERROR.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/anomaly.h"
#include "lakewatch/config.h"
#include "lakewatch/limits.h"
#include "lakewatch/tz.h"
#include "lakewatch/util.h"

struct anom_cfg {
	enum lw_metric metric;
	struct lw_anomaly_params p;
};

static int parse_enum(struct lw_cfgctx *cc, const cJSON *node,
		      const char *key, const char *known,
		      int (*fn)(const char *, int *), int *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(node, key);
	if (!v)
		return LW_OK;
	if (!cJSON_IsString(v))
		return lw_cfg_error(cc, v, "anomaly.%s: expected a string, one "
				    "of %s", key, known);
	if (fn(v->valuestring, out) != LW_OK)
		return lw_cfg_error(cc, v, "anomaly.%s: unknown \"%s\" "
				    "(expected one of %s)", key,
				    v->valuestring, known);
	return LW_OK;
}

static int metric_fn(const char *s, int *o)
{
	enum lw_metric m;
	int rc = lw_metric_parse(s, &m);
	*o = (int)m;
	return rc;
}

static int season_fn(const char *s, int *o)
{
	enum lw_season x;
	int rc = lw_season_parse(s, &x);
	*o = (int)x;
	return rc;
}

static int dir_fn(const char *s, int *o)
{
	*o = !strcmp(s, "drop") ? LW_AD_DROP : !strcmp(s, "spike") ?
	     LW_AD_SPIKE : !strcmp(s, "both") ? LW_AD_BOTH : 0;
	return *o ? LW_OK : LW_EPARSE;
}

/* "min_change": {"abs": n, "pct": "5%"}: both optional, not negative. */
static int parse_min_change(struct lw_cfgctx *cc, const cJSON *node,
			    struct lw_anomaly_params *p)
{
	static const char *const keys[] = {"abs", "pct", NULL};
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(node, "min_change");
	if (!m)
		return LW_OK;
	if (lw_cfg_object(cc, m, "anomaly.min_change") != LW_OK ||
	    lw_cfg_keys(cc, m, "anomaly.min_change", keys) != LW_OK)
		return LW_ECONFIG;
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(m, "abs");
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(m, "pct");
	if (a && lw_limit_value(cc, a, "anomaly.min_change.abs", LW_U_COUNT,
				&p->min_abs) != LW_OK)
		return LW_ECONFIG;
	if (q && lw_limit_value(cc, q, "anomaly.min_change.pct",
				LW_U_PERCENT, &p->min_pct) != LW_OK)
		return LW_ECONFIG;
	return LW_OK;
}

/* The numbers: window, min_points, sensitivity, with their ranges. */
static int parse_numbers(struct lw_cfgctx *cc, const cJSON *node,
			 struct lw_anomaly_params *p)
{
	int64_t mp = (int64_t)p->min_points;
	const cJSON *v;
	if (lw_cfg_duration(cc, node, "window", false, &p->window) != LW_OK ||
	    lw_cfg_int(cc, node, "min_points", false, &mp) != LW_OK ||
	    lw_cfg_num(cc, node, "sensitivity", false, &p->sensitivity) !=
	    LW_OK)
		return LW_ECONFIG;
	if (p->window < 3600 || p->window > 400 * 86400L) {
		v = cJSON_GetObjectItemCaseSensitive(node, "window");
		return lw_cfg_error(cc, v, "anomaly.window: between 1h and "
				    "400d");
	}
	if (mp < 3 || mp > 100000) {
		v = cJSON_GetObjectItemCaseSensitive(node, "min_points");
		return lw_cfg_error(cc, v, "anomaly.min_points: between 3 and "
				    "100000");
	}
	if (!(p->sensitivity > 0 && p->sensitivity <= 100)) {
		v = cJSON_GetObjectItemCaseSensitive(node, "sensitivity");
		return lw_cfg_error(cc, v, "anomaly.sensitivity: a number "
				    "above 0, at most 100");
	}
	p->min_points = (size_t)mp;
	return LW_OK;
}

static void *anom_parse(const cJSON *node, struct lw_cfgctx *cc)
{
	static const char *const keys[] = {
		"metric", "seasonality", "window", "min_points", "sensitivity",
		"min_change", "direction", NULL
	};
	struct anom_cfg c = {.p = {.season = LW_SEAS_AUTO,
		.window = 42 * 86400L, .min_points = 14, .sensitivity = 3}};
	int metric = -1, season = LW_SEAS_AUTO, dir = 0;
	if (lw_cfg_object(cc, node, "anomaly") != LW_OK ||
	    lw_cfg_keys(cc, node, "anomaly", keys) != LW_OK)
		return NULL;
	int rc = parse_enum(cc, node, "metric", "rows, load, bytes, files, "
			    "columns, arrival", metric_fn, &metric);
	rc |= parse_enum(cc, node, "seasonality", "none, hour, day_of_week, "
			 "hour_of_week, auto", season_fn, &season);
	rc |= parse_enum(cc, node, "direction", "drop, spike, both", dir_fn,
			 &dir);
	rc |= parse_numbers(cc, node, &c.p);
	rc |= parse_min_change(cc, node, &c.p);
	if (rc != LW_OK)
		return NULL;
	if (metric < 0) {
		lw_cfg_error(cc, node, "anomaly: \"metric\" is required (rows, "
			     "load, bytes, files, columns, arrival)");
		return NULL;
	}
	c.metric = (enum lw_metric)metric;
	c.p.season = (enum lw_season)season;
	/* Arrival: late is the problem; early data rarely is. */
	c.p.direction = dir ? (unsigned)dir : c.metric == LW_M_ARRIVAL ?
			LW_AD_SPIKE : LW_AD_BOTH;
	struct anom_cfg *p = lw_xmalloc(sizeof *p);
	*p = c;
	return p;
}

static void anom_free(void *cfg)
{
	free(cfg);
}

/* The metric now, or false (and *why) when it is unknown. */
static bool current(const struct anom_cfg *c, const struct lw_judge_ctx *ctx,
		    double *v, const char **why)
{
	const struct lw_obs *o = ctx->obs;
	switch (c->metric) {
	case LW_M_ROWS:
		*v = (double)o->rows;
		*why = "row count unknown";
		return o->rows >= 0;
	case LW_M_LOAD:
		*why = !ctx->prev ? NULL : "row count unknown";
		if (o->rows < 0 || !ctx->prev || ctx->prev->rows < 0)
			return false;
		*v = (double)(o->rows - ctx->prev->rows);
		return true;
	case LW_M_BYTES:
		*v = (double)o->bytes;
		return true;
	case LW_M_FILES:
		*v = (double)o->files;
		return true;
	case LW_M_COLUMNS:
		*v = (double)o->schema.n;
		*why = "schema unknown";
		return o->has_schema;
	default:
		return false;
	}
}

/* A value of the metric for people; range bounds (round) without a unit,
 * already rounded by the caller. */
static const char *value_fmt(enum lw_metric m, double v, bool round,
			     char *buf, size_t n)
{
	char num[40];
	int64_t x = (int64_t)llround(v);
	if (m == LW_M_BYTES)
		return lw_bytes_fmt(x < 0 ? 0 : x, buf, n);
	lw_thousands_fmt(x, num, sizeof num);
	snprintf(buf, n, "%s%s", num, m == LW_M_ROWS ? (round ? "" : " rows")
		 : m == LW_M_LOAD ? (round ? "" : " rows added")
		 : m == LW_M_FILES ? (round ? "" : " files")
		 : m == LW_M_COLUMNS ? (round ? "" : " columns") : "");
	return buf;
}

/* "for Tuesdays 09:00, from 6 weeks" (plus where the history came from
 * when it was not the history). */
static void learned_fmt(const struct lw_verdict *vd, const char *source,
			char *buf, size_t n)
{
	char b[40], span[40];
	lw_season_bucket_fmt(vd->season, vd->bucket, b, sizeof b);
	lw_span_fmt(vd->span, span, sizeof span);
	/* "from 40 Delta commits over 6 weeks": a counted source */
	int w;
	if (source && source[0] >= '0' && source[0] <= '9')
		w = snprintf(buf, n, "%s%s%sfrom %s over %s",
			     b[0] ? "for " : "", b, b[0] ? ", " : "", source,
			     span);
	else
		w = snprintf(buf, n, "%s%s%sfrom %s%s%s", b[0] ? "for " : "",
			     b, b[0] ? ", " : "", span, source &&
			     strcmp(source, "history") ? " of " : "", source &&
			     strcmp(source, "history") ? source : "");
	if (w >= (int)n && n > 4)	/* cut: say so rather than end mid-word */
		memcpy(buf + n - 4, "...", 4);
}

/* The dataset's "holidays" calendar in force, NULL for none. */
static const struct lw_holidays *holidays_of(const struct lw_judge_ctx *ctx)
{
	return ctx->ds && ctx->ds->holidays && ctx->ds->holidays->n ?
	       ctx->ds->holidays : NULL;
}

/* On a holiday of the dataset's calendar (its local date now) the rule
 * judges nothing: PASS "holiday 2026-12-25: not judged". */
static bool holiday_now(const struct lw_judge_ctx *ctx, struct lw_result *out)
{
	int64_t wall = lw_tz_wall(ctx->tz, ctx->now);
	char day[24], msg[64];
	if (!lw_holiday_on(holidays_of(ctx), wall))
		return false;
	lw_holiday_fmt(wall, day, sizeof day);
	snprintf(msg, sizeof msg, "holiday %s: not judged", day);
	lw_check_result(out, "anomaly", LW_PASS, "holiday", "not judged",
			false, 0, msg);
	return true;
}

/* s with its points on the calendar's dates marked LW_PT_HOLIDAY (not
 * learned from), in *copy (the caller's: s is borrowed); s itself when
 * there is no calendar or nothing to mark. */
static const struct lw_series *mark_series(const struct lw_judge_ctx *ctx,
					   const struct lw_series *s,
					   struct lw_series *copy,
					   struct lw_point **pts)
{
	*pts = NULL;
	if (!s || !s->n || !holidays_of(ctx))
		return s;
	*pts = lw_xmalloc(s->n * sizeof **pts);
	memcpy(*pts, s->pts, s->n * sizeof **pts);
	*copy = *s;
	copy->pts = *pts;
	lw_anomaly_mark_holidays(*pts, s->n, ctx->tz, holidays_of(ctx));
	return copy;
}

/* Where a cold start learned from: "partitions" or "40 Delta commits",
 * and what its judged value is ("newest complete partition: "). */
struct cold_src {
	char what[48];
	const char *prefix;
};

/* Too little history: learn from the partitions instead (the first poll
 * of a partitioned dataset), else from a Delta table's commits. On
 * success *vd, *v and *src are filled. */
static bool cold_start(const struct anom_cfg *c,
		       const struct lw_judge_ctx *ctx, struct lw_verdict *vd,
		       double *v, struct cold_src *src)
{
	struct lw_point *pts;
	size_t n;
	int64_t at;
	double cv;
	struct lw_verdict cvd;
	/* partition keys are read on the zone's wall clock */
	if (lw_anomaly_cold(ctx->obs, c->metric, lw_tz_wall(ctx->tz,
			    ctx->now), &pts, &n, &at, &cv)) {
		/* partition times are the wall clock's already */
		lw_anomaly_mark_holidays(pts, n, NULL, holidays_of(ctx));
		snprintf(src->what, sizeof src->what, "partitions");
		src->prefix = c->metric != LW_M_ROWS ?
			      "newest complete partition: " : "";
		lw_anomaly_judge(&c->p, pts, n, at, cv, &cvd);
	} else if (lw_anomaly_cold_delta(ctx->obs, c->metric, ctx->now, &pts,
					 &n, &at, &cv)) {
		/* commit times are instants: buckets on the zone's clock */
		lw_anomaly_mark_holidays(pts, n, ctx->tz, holidays_of(ctx));
		snprintf(src->what, sizeof src->what, "%zu Delta commits",
			 n + (c->metric != LW_M_ROWS));
		src->prefix = c->metric != LW_M_ROWS ? "last load: " : "";
		lw_anomaly_judge_tz(&c->p, ctx->tz, pts, n, at, cv, &cvd);
	} else
		return false;
	free(pts);
	if (cvd.learning)
		return false;
	*vd = cvd;
	*v = cv;
	return true;
}

/* The verdict as a result: measured, "expected lo–hi", and a message
 * saying what was learned from what. */
static void say_range(const struct anom_cfg *c, const struct lw_verdict *vd,
		      double v, const char *meas, const char *source,
		      const char *prefix, bool cold, struct lw_result *out)
{
	char lo[48], hi[48], thr[128], from[128], msg[LW_CHECK_MSG_MAX];
	enum lw_metric m = c->metric == LW_M_LOAD && cold ? LW_M_ROWS
			   : c->metric;
	bool nonneg = m != LW_M_LOAD;
	/* Round the bounds outward to a step a tenth of the range's width
	 * (a power of ten): "58,000–66,500", not "57,973–66,512". */
	double w = vd->hi - vd->lo, step = 1;
	while (step * 100 <= w)
		step *= 10;
	double l = floor(vd->lo / step) * step, u = ceil(vd->hi / step) * step;
	value_fmt(m, nonneg && l < 0 ? 0 : l, true, lo, sizeof lo);
	value_fmt(m, u, true, hi, sizeof hi);
	snprintf(thr, sizeof thr, "expected %s\xe2\x80\x93%s", lo, hi);
	learned_fmt(vd, source, from, sizeof from);
	bool out_of = v < vd->lo || v > vd->hi;
	snprintf(msg, sizeof msg, "%s%s %s expected %s\xe2\x80\x93%s %s%s",
		 cold && prefix ? prefix : "", meas, out_of ? "outside" : "within", lo, hi, from,
		 out_of && vd->status == LW_PASS ? (v > vd->hi ?
		 " (spikes not watched)" : " (drops not watched)") : "");
	lw_check_result(out, "anomaly", vd->status, meas, thr, true, v, msg);
	if (!cold) {	/* a range of the metric as the history keeps it */
		out->has_range = true;
		out->range_lo = vd->lo;
		out->range_hi = vd->hi;
		out->range_metric = lw_metric_name(c->metric);
	}
}

static bool has_accepted(const struct lw_series *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->pts[i].flags & LW_PT_ACCEPTED)
			return true;
	return false;
}

/* Arrival; with too little history, a Delta table's commits before it
 * are the landings it learns from ("from 40 Delta commits over 6 weeks"). */
static void arrival(const struct anom_cfg *c, const struct lw_series *s,
		    const struct lw_judge_ctx *ctx, struct lw_result *out)
{
	struct lw_point *cp = NULL;
	size_t k = 0;
	if (!s || s->n < c->p.min_points)
		k = lw_anomaly_cold_landings(ctx->obs, s && s->n ? s->pts[0].t
					     : ctx->now + 1, &cp);
	if (k < 3) {
		free(cp);
		lw_anomaly_arrival_run(&c->p, s, ctx, out);
		return;
	}
	size_t n = k + (s ? s->n : 0);
	struct lw_point *all = lw_xmalloc(n * sizeof *all);
	memcpy(all, cp, k * sizeof *all);
	if (s && s->n)
		memcpy(all + k, s->pts, s->n * sizeof *all);
	char what[48];
	snprintf(what, sizeof what, "%zu Delta commits", k);
	struct lw_series m = {.pts = all, .n = n, .source = what};
	lw_anomaly_arrival_run(&c->p, &m, ctx, out);
	free(all);
	free(cp);
}

static void judge_series(const struct anom_cfg *c, const struct lw_series *s,
			 const struct lw_judge_ctx *ctx, struct lw_result *out);

static void anom_run(const void *cfgp, const struct lw_judge_ctx *ctx,
		     struct lw_result *out)
{
	const struct anom_cfg *c = cfgp;
	if (lw_check_unobserved("anomaly", ctx, out) || holiday_now(ctx, out))
		return;
	const struct lw_series *s = ctx->series ? ctx->series(ctx->series_ud,
		lw_ctx_name(ctx), c->metric, ctx->now - c->p.window) : NULL;
	if (s && s->error) {
		lw_check_result(out, "anomaly", LW_ERROR, "unknown", "", false,
				0, s->error);
		return;
	}
	struct lw_series copy;
	struct lw_point *pts;
	s = mark_series(ctx, s, &copy, &pts);
	if (c->metric == LW_M_ARRIVAL)
		arrival(c, s, ctx, out);
	else
		judge_series(c, s, ctx, out);
	free(pts);
}

/* Every metric but arrival, against s (marked). */
static void judge_series(const struct anom_cfg *c, const struct lw_series *s,
			 const struct lw_judge_ctx *ctx, struct lw_result *out)
{
	char meas[64], msg[LW_CHECK_MSG_MAX];
	double v = 0;
	const char *why = NULL;
	bool have = current(c, ctx, &v, &why);
	if (!have && why) {
		lw_check_result(out, "anomaly", LW_ERROR, "unknown", "", false,
				0, why);
		return;
	}
	struct lw_verdict vd = {.learning = true, .need = c->p.min_points};
	/* The history kept what `auto` picked from this past lately: one
	 * fit instead of the four that choosing takes. Not across an
	 * accepted step: the choice is made again on the rebased points. */
	struct lw_anomaly_params p = c->p;
	if (p.season == LW_SEAS_AUTO && s && s->season > 0 &&
	    s->season <= LW_SEAS_AUTO && !has_accepted(s))
		p.season = (enum lw_season)(s->season - 1);
	if (have)
		lw_anomaly_judge_tz(&p, ctx->tz, s ? s->pts : NULL,
				    s ? s->n : 0, ctx->now, v, &vd);
	const char *source = s ? s->source : NULL;
	struct cold_src src = {"", NULL};
	bool cold = vd.learning && cold_start(c, ctx, &vd, &v, &src);
	if (cold)
		source = src.what;
	if (!have && !cold) {
		lw_check_result(out, "anomaly", LW_PASS, "learning",
				"learning", false, 0, "learning: no previous "
				"observation to count the load from");
		return;
	}
	value_fmt(cold && c->metric == LW_M_LOAD ? LW_M_ROWS : c->metric, v,
		  false, meas, sizeof meas);
	if (vd.learning) {
		snprintf(msg, sizeof msg, "learning: %zu of %zu points (%s now)",
			 vd.trained, vd.need, meas);
		lw_check_result(out, "anomaly", LW_PASS, meas, "learning",
				true, v, msg);
		return;
	}
	say_range(c, &vd, v, meas, source, src.prefix, cold, out);
}

const struct lw_check_kind lw_check_anomaly = {
	.name = "anomaly",
	.parse = anom_parse,
	.free = anom_free,
	.run = anom_run,
};
