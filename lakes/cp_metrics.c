/* cp_metrics.c - Azure Monitor metric answers (microsoft.insights/metrics,
 * api-version 2018-01-01) into struct lw_metrics_facts: each metric's
 * points, several time series (dimensions) merged point by point, and the
 * error a metric can carry inside a 200 answer. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/pipelines.h"
#include "lakewatch/util.h"

/* Most metrics per answer and points per metric kept (a day of minutes). */
#define METRICS_MAX 32
#define POINTS_MAX 1440

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double val(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(v) && isfinite(v->valuedouble) ? v->valuedouble :
		NAN;
}

/* a combined with b: NAN when both are absent. */
static double comb(double a, double b, int how)
{
	if (isnan(a))
		return b;
	if (isnan(b))
		return a;
	return how == 0 ? a + b : how > 0 ? fmax(a, b) : fmin(a, b);
}

/* Add one data point, merging it into a point of the same time. */
static void add_point(struct lw_metric_fact *m, size_t *cap, int64_t t,
		      const cJSON *d, int *merged)
{
	for (size_t i = 0; i < m->n; i++) {
		struct lw_metric_point *p = &m->pts[i];
		if (p->t != t)
			continue;
		double a = val(d, "average");
		p->average = isnan(p->average) ? a : isnan(a) ? p->average :
			(p->average * merged[i] + a) / (merged[i] + 1);
		merged[i]++;
		p->maximum = comb(p->maximum, val(d, "maximum"), 1);
		p->minimum = comb(p->minimum, val(d, "minimum"), -1);
		p->total = comb(p->total, val(d, "total"), 0);
		p->count = comb(p->count, val(d, "count"), 0);
		return;
	}
	if (m->n >= POINTS_MAX)
		return;
	if (m->n == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		m->pts = lw_xrealloc(m->pts, *cap * sizeof *m->pts);
	}
	merged[m->n] = 1;
	m->pts[m->n++] = (struct lw_metric_point){t, val(d, "average"),
		val(d, "maximum"), val(d, "minimum"), val(d, "total"),
		val(d, "count")};
}

static int by_time(const void *a, const void *b)
{
	const struct lw_metric_point *x = a, *y = b;
	return (x->t > y->t) - (x->t < y->t);
}

static void metric_points(const cJSON *ts, struct lw_metric_fact *m)
{
	int *merged = lw_xcalloc(POINTS_MAX, sizeof *merged);
	size_t cap = 0;
	const cJSON *s, *d;
	cJSON_ArrayForEach(s, ts) {
		const cJSON *data = cJSON_GetObjectItemCaseSensitive(s, "data");
		if (!cJSON_IsArray(data))
			continue;
		cJSON_ArrayForEach(d, data) {
			int64_t t;
			const char *at = str(d, "timeStamp");
			if (at && lw_time_parse(at, &t) == LW_OK &&
			    lw_fact_time_ok(t))
				add_point(m, &cap, t, d, merged);
		}
	}
	free(merged);
	if (m->n)
		qsort(m->pts, m->n, sizeof *m->pts, by_time);
}

static void one_metric(const cJSON *it, struct lw_metrics_facts *out)
{
	const cJSON *nm = cJSON_GetObjectItemCaseSensitive(it, "name");
	const char *name = cJSON_IsObject(nm) ? str(nm, "value") :
		cJSON_IsString(nm) ? nm->valuestring : NULL;
	if (!name || !*name || out->n >= METRICS_MAX)
		return;
	out->m = lw_xrealloc(out->m, (out->n + 1) * sizeof *out->m);
	struct lw_metric_fact *m = &out->m[out->n++];
	memset(m, 0, sizeof *m);
	m->name = lw_xstrdup(name);
	if (str(it, "unit"))
		m->unit = lw_xstrdup(str(it, "unit"));
	const char *ec = str(it, "errorCode");
	if (ec && strcmp(ec, "Success") != 0) {
		const char *em = str(it, "errorMessage");
		m->error = lw_xasprintf("%.80s%s%.300s", ec, em ? ": " : "",
					em ? em : "");
	}
	const cJSON *ts = cJSON_GetObjectItemCaseSensitive(it, "timeseries");
	if (cJSON_IsArray(ts))
		metric_points(ts, m);
}

int lw_cp_parse_metrics(const char *json, size_t len,
			struct lw_metrics_facts *out, struct lw_err *err)
{
	const char *end = NULL;
	cJSON *root = json ? cJSON_ParseWithLengthOpts(json, len, &end, 0) :
		NULL;
	if (!root)
		return lw_err_set(err, LW_EPARSE, "metrics: malformed JSON "
				  "near byte %zu", end && end >= json ?
				  (size_t)(end - json) : 0);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "value"), *it;
	if (!cJSON_IsArray(v)) {
		cJSON_Delete(root);
		return lw_err_set(err, LW_EPARSE, "metrics: expected an object "
				  "with a \"value\" array");
	}
	out->present = true;
	cJSON_ArrayForEach(it, v)
		if (cJSON_IsObject(it))
			one_metric(it, out);
	cJSON_Delete(root);
	return LW_OK;
}
