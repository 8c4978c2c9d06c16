/* metric.c - limits on Azure Monitor metrics of a streaming job or an
 * Event Hubs namespace (obs->metrics).
 *
 *   "metric": {"name": "OutputWatermarkDelaySeconds",
 *              "aggregation": "maximum", "window": "15m",
 *              "warn": "1m", "fail": "5m"}
 *
 * or an array of such objects (the verdict is the worst, its message
 * first). The aggregation (average, maximum, minimum, total, count) is
 * taken over the points of the last `window` (default: all the lake
 * asked for) and judged against warn/fail with the limit rule of the
 * other checks (limits.h): too big is bad, or too small with "below":
 * true. A metric named ...Seconds takes durations ("5m"), others counts.
 * A metric the service answered with an error, or not at all, is ERROR;
 * no value in the window is 0 for total and count, ERROR for the others.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/limits.h"
#include "lakewatch/util.h"

#define METRIC_RULES 16

enum agg { AGG_AVERAGE, AGG_MAXIMUM, AGG_MINIMUM, AGG_TOTAL, AGG_COUNT };
static const char *const agg_names[] = {"average", "maximum", "minimum",
	"total", "count", NULL};

struct metric_rule {
	char *name;		/* owned */
	enum agg agg;
	int64_t window;		/* seconds, 0 = the observed window */
	enum lw_unit unit;
	enum lw_dir dir;
	struct lw_limit lim;
};

struct metric_cfg {
	struct metric_rule r[METRIC_RULES];
	size_t n;
};

static void metric_free(void *cfgp)
{
	struct metric_cfg *c = cfgp;
	for (size_t i = 0; c && i < c->n; i++)
		free(c->r[i].name);
	free(c);
}

static int rule_parse(const cJSON *node, struct metric_rule *r,
		      struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"name", "aggregation", "window",
		"warn", "fail", "below", NULL};
	const char *name = NULL, *agg = NULL;
	bool below = false;
	if (lw_cfg_object(cc, node, "metric") != LW_OK ||
	    lw_cfg_keys(cc, node, "metric", keys) != LW_OK ||
	    lw_cfg_str(cc, node, "name", true, &name) ||
	    lw_cfg_str(cc, node, "aggregation", true, &agg) ||
	    lw_cfg_duration(cc, node, "window", false, &r->window) ||
	    lw_cfg_bool(cc, node, "below", false, &below))
		return LW_ECONFIG;
	int a = 0;
	while (agg_names[a] && strcmp(agg_names[a], agg) != 0)
		a++;
	if (!agg_names[a])
		return lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(node,
				    "aggregation"), "metric %s: unknown "
				    "aggregation \"%s\" (known: average, maximum, "
				    "minimum, total, count)", name, agg);
	r->agg = (enum agg)a;
	r->unit = lw_str_ends(name, "Seconds") ? LW_U_DURATION : LW_U_COUNT;
	r->dir = below ? LW_DIR_MIN : LW_DIR_MAX;
	char what[160];
	snprintf(what, sizeof what, "metric %s", name);
	if (lw_limit_flat(cc, node, what, r->unit, r->dir, &r->lim) != LW_OK)
		return LW_ECONFIG;
	if (!lw_limit_set(&r->lim))
		return lw_cfg_error(cc, node, "metric %s: give \"warn\" and/or "
				    "\"fail\"", name);
	r->name = lw_xstrdup(name);
	return LW_OK;
}

static void *metric_parse(const cJSON *node, struct lw_cfgctx *cc)
{
	struct metric_cfg *c = lw_xcalloc(1, sizeof *c);
	const cJSON *it;
	int e = LW_OK;
	if (cJSON_IsArray(node)) {
		if (!cJSON_GetArraySize(node) ||
		    cJSON_GetArraySize(node) > METRIC_RULES)
			e = lw_cfg_error(cc, node, "metric: give 1 to %d limits",
					 METRIC_RULES);
		cJSON_ArrayForEach(it, node) {
			if (e || c->n == METRIC_RULES)
				break;
			e = rule_parse(it, &c->r[c->n], cc);
			if (!e)
				c->n++;
		}
	} else {
		e = rule_parse(node, &c->r[0], cc);
		if (!e)
			c->n = 1;
	}
	if (e) {
		metric_free(c);
		return NULL;
	}
	return c;
}

static double point_value(const struct lw_metric_point *p, enum agg a)
{
	switch (a) {
	case AGG_AVERAGE:
		return !isnan(p->average) ? p->average : !isnan(p->total) &&
			p->count > 0 ? p->total / p->count : NAN;
	case AGG_MAXIMUM:
		return p->maximum;
	case AGG_MINIMUM:
		return p->minimum;
	case AGG_TOTAL:
		return p->total;
	case AGG_COUNT:
		return p->count;
	}
	return NAN;
}

/* The aggregation over points at or after since; *n the points used. */
static double aggregate(const struct lw_metric_fact *m, enum agg a,
			int64_t since, size_t *n)
{
	double v = NAN, sum = 0;
	*n = 0;
	for (size_t i = 0; i < m->n; i++) {
		double x = point_value(&m->pts[i], a);
		if (m->pts[i].t < since || isnan(x))
			continue;
		(*n)++;
		sum += x;
		v = isnan(v) ? x : a == AGG_MAXIMUM ? fmax(v, x) :
			a == AGG_MINIMUM ? fmin(v, x) : v;
	}
	if (a == AGG_TOTAL || a == AGG_COUNT)
		return sum;
	if (a == AGG_AVERAGE)
		return *n ? sum / (double)*n : NAN;
	return v;
}

static const struct lw_metric_fact *find_metric(const struct lw_metrics_facts *f,
						const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->m[i].name, name) == 0)
			return &f->m[i];
	return NULL;
}

/* One rule's verdict into st, meas, msg; value into *v. */
static enum lw_status rule_run(const struct metric_rule *r,
			       const struct lw_metrics_facts *f, int64_t now,
			       char *meas, size_t mn, char *msg, size_t n,
			       double *v)
{
	const struct lw_metric_fact *m = find_metric(f, r->name);
	char d[32], why[96];
	meas[0] = '\0';
	if (!m) {
		size_t o = (size_t)snprintf(msg, n, "metric %s was not observed "
			"(add it to the lake's job_metrics or namespace_metrics;"
			" observed:", r->name);
		for (size_t i = 0; i < f->n && o < n; i++)
			o += (size_t)snprintf(msg + o, n - o, "%s %.60s",
					      i ? "," : "", f->m[i].name);
		if (o < n)
			snprintf(msg + o, n - o, "%s)", f->n ? "" : " none");
		return LW_ERROR;
	}
	if (m->error) {
		snprintf(msg, n, "metric %s: the service answered %s", r->name,
			 m->error);
		return LW_ERROR;
	}
	int64_t span = f->to > f->from ? f->to - f->from : 0;
	if (r->window && span && r->window > span) {
		snprintf(msg, n, "metric %s: window %s is longer than the %s of "
			 "metrics the lake asks for (its \"window\")", r->name,
			 lw_duration_fmt(r->window, d, sizeof d),
			 lw_duration_fmt(span, why, sizeof why));
		return LW_ERROR;
	}
	int64_t since = r->window ? now - r->window : f->from >= 0 ? f->from :
		INT64_MIN;
	size_t used;
	*v = aggregate(m, r->agg, since, &used);
	const char *w = lw_duration_fmt(r->window ? r->window : span, d,
					sizeof d);
	if (isnan(*v)) {
		snprintf(msg, n, "metric %s: no %s value in the last %s",
			 r->name, agg_names[r->agg], w);
		return LW_ERROR;
	}
	lw_unit_fmt(r->unit, *v, meas, mn);
	enum lw_status st = lw_limit_eval(&r->lim, r->dir, *v);
	lw_limit_why(&r->lim, r->dir, st, r->unit, why, sizeof why);
	/* a unit besides seconds and plain counts is said ("Bytes") */
	bool say_unit = m->unit && r->unit == LW_U_COUNT &&
		strcmp(m->unit, "Count") != 0;
	snprintf(msg, n, "%.100s %s over the last %s: %.40s%s%.20s (%s)",
		 r->name, agg_names[r->agg], w, meas, say_unit ? " " : "",
		 say_unit ? m->unit : "", why);
	return st;
}

static void metric_run(const void *cfgp, const struct lw_judge_ctx *ctx,
		       struct lw_result *out)
{
	const struct metric_cfg *c = cfgp;
	if (lw_check_unobserved("metric", ctx, out))
		return;
	const struct lw_metrics_facts *f = &ctx->obs->metrics;
	char thr[600] = "", lim[96];
	size_t o = 0;
	for (size_t i = 0; i < c->n && o < sizeof thr; i++) {
		lw_limit_fmt(&c->r[i].lim, c->r[i].unit, lim, sizeof lim);
		o += (size_t)snprintf(thr + o, sizeof thr - o, "%s%s %s %s%s",
				      i ? "; " : "", c->r[i].name,
				      agg_names[c->r[i].agg],
				      c->r[i].dir == LW_DIR_MIN ? "below " : "",
				      lim);
	}
	if (!f->present) {
		lw_check_result(out, "metric", LW_ERROR, "", thr, false, 0,
				"no metrics (not a streaming job or Event Hubs "
				"namespace on a streamanalytics lake)");
		return;
	}
	/* the worst rule leads; the others that are not PASS follow */
	enum lw_status st[METRIC_RULES], worst = LW_PASS;
	char meas[METRIC_RULES][48], msg[METRIC_RULES][LW_CHECK_MSG_MAX / 2];
	double v[METRIC_RULES];
	size_t lead = 0;
	for (size_t i = 0; i < c->n; i++) {
		v[i] = 0;
		st[i] = rule_run(&c->r[i], f, ctx->now, meas[i], sizeof meas[i],
				 msg[i], sizeof msg[i], &v[i]);
		if (st[i] > worst) {
			worst = st[i];
			lead = i;
		}
	}
	char all[LW_CHECK_MSG_MAX];
	o = (size_t)snprintf(all, sizeof all, "%s", msg[lead]);
	for (size_t i = 0; i < c->n && o < sizeof all; i++)
		if (i != lead && st[i] != LW_PASS)
			o += (size_t)snprintf(all + o, sizeof all - o, "; %s",
					      msg[i]);
	lw_check_result(out, "metric", worst, meas[lead], thr,
			st[lead] != LW_ERROR, v[lead], all);
}

const struct lw_check_kind lw_check_metric = {
	.name = "metric",
	.parse = metric_parse,
	.free = metric_free,
	.run = metric_run,
};
