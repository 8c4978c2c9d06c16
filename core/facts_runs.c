/* facts_runs.c - the typed facts of the control-plane lake kinds (struct
 * lw_obs runs, metrics, stream): read back from the detail JSON the lakes
 * write (lakes/cp_record.c) and history stores, and freed.
 *
 * detail.runs    {"service", "pipeline", "lake", "truncated",
 *                 "list": [{"run_id", "state", "status", "start", "end",
 *                           "duration", "message", "failing",
 *                           "error_code"}]}          newest first
 * detail.metrics {"from", "to", "list": [{"name", "unit", "error",
 *                 "points": [[t, average, maximum, minimum, total,
 *                             count], ...]}]}    null = absent value
 * detail.stream  {"job_state", "last_output"}
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/util.h"
#include "facts_int.h"

/* Bounds on what is restored from a file someone may have edited. */
#define RUNS_MAX 1000
#define METRICS_MAX 64
#define POINTS_MAX 10000

static const char *const state_names[LW_NRUN_STATES] = {
	"Unknown", "Queued", "InProgress", "Succeeded", "Failed", "TimedOut",
	"Cancelled", "Skipped",
};

const char *lw_run_state_name(enum lw_run_state s)
{
	return (unsigned)s < LW_NRUN_STATES ? state_names[s] : "Unknown";
}

enum lw_run_state lw_run_state_parse(const char *s)
{
	for (int i = 1; s && i < LW_NRUN_STATES; i++)
		if (strcmp(s, state_names[i]) == 0)
			return (enum lw_run_state)i;
	return LW_RUN_UNKNOWN;
}

/* Copy of the string at obj[key], or NULL. Caller owns it. */
static char *str_at(const cJSON *obj, const char *key)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(n) ? lw_xstrdup(n->valuestring) : NULL;
}

/* An epoch-seconds number at obj[key] (as the lakes write them), else
 * -1. */
static int64_t time_at(const cJSON *obj, const char *key)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!cJSON_IsNumber(n) || !isfinite(n->valuedouble) ||
	    fabs(n->valuedouble) >= 1e15)
		return -1;
	return (int64_t)n->valuedouble;
}

static void run_from(const cJSON *j, struct lw_run_fact *r)
{
	r->run_id = str_at(j, "run_id");
	r->status = str_at(j, "status");
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(j, "state");
	r->state = cJSON_IsString(st) ? lw_run_state_parse(st->valuestring) :
		LW_RUN_UNKNOWN;
	r->start = time_at(j, "start");
	r->end = time_at(j, "end");
	r->duration = time_at(j, "duration");
	r->message = str_at(j, "message");
	r->failing = str_at(j, "failing");
	r->error_code = str_at(j, "error_code");
}

static void runs_from(const cJSON *d, struct lw_runs_facts *f)
{
	if (!cJSON_IsObject(d))
		return;
	f->present = true;
	f->service = str_at(d, "service");
	f->pipeline = str_at(d, "pipeline");
	f->name = str_at(d, "name");
	f->lake = str_at(d, "lake");
	f->truncated = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(d,
							"truncated"));
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(d, "list"), *it;
	int n = cJSON_IsArray(list) ? cJSON_GetArraySize(list) : 0;
	if (n > RUNS_MAX)
		n = RUNS_MAX;
	if (n <= 0)
		return;
	f->runs = lw_xcalloc((size_t)n, sizeof *f->runs);
	cJSON_ArrayForEach(it, list) {
		if (f->n == (size_t)n)
			break;
		if (cJSON_IsObject(it))
			run_from(it, &f->runs[f->n++]);
	}
}

static double num_or_nan(const cJSON *n)
{
	return cJSON_IsNumber(n) && isfinite(n->valuedouble) ?
		n->valuedouble : NAN;
}

static void points_from(const cJSON *pts, struct lw_metric_fact *m)
{
	int n = cJSON_IsArray(pts) ? cJSON_GetArraySize(pts) : 0;
	if (n > POINTS_MAX)
		n = POINTS_MAX;
	if (n <= 0)
		return;
	m->pts = lw_xcalloc((size_t)n, sizeof *m->pts);
	const cJSON *p;
	cJSON_ArrayForEach(p, pts) {
		if (m->n == (size_t)n)
			break;
		if (!cJSON_IsArray(p) || cJSON_GetArraySize(p) != 6)
			continue;
		double t = num_or_nan(cJSON_GetArrayItem(p, 0));
		if (!isfinite(t) || fabs(t) >= 1e15)
			continue;
		struct lw_metric_point *q = &m->pts[m->n++];
		q->t = (int64_t)t;
		q->average = num_or_nan(cJSON_GetArrayItem(p, 1));
		q->maximum = num_or_nan(cJSON_GetArrayItem(p, 2));
		q->minimum = num_or_nan(cJSON_GetArrayItem(p, 3));
		q->total = num_or_nan(cJSON_GetArrayItem(p, 4));
		q->count = num_or_nan(cJSON_GetArrayItem(p, 5));
	}
}

static void metrics_from(const cJSON *d, struct lw_metrics_facts *f)
{
	if (!cJSON_IsObject(d))
		return;
	f->present = true;
	f->from = time_at(d, "from");
	f->to = time_at(d, "to");
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(d, "list"), *it;
	int n = cJSON_IsArray(list) ? cJSON_GetArraySize(list) : 0;
	if (n > METRICS_MAX)
		n = METRICS_MAX;
	if (n <= 0)
		return;
	f->m = lw_xcalloc((size_t)n, sizeof *f->m);
	cJSON_ArrayForEach(it, list) {
		if (f->n == (size_t)n)
			break;
		char *name = str_at(it, "name");
		if (!name)
			continue;
		struct lw_metric_fact *m = &f->m[f->n++];
		m->name = name;
		m->unit = str_at(it, "unit");
		m->error = str_at(it, "error");
		points_from(cJSON_GetObjectItemCaseSensitive(it, "points"), m);
	}
}

static void stream_from(const cJSON *d, struct lw_stream_facts *f)
{
	if (!cJSON_IsObject(d))
		return;
	f->present = true;
	f->job_state = str_at(d, "job_state");
	f->last_output = time_at(d, "last_output");
	f->has_last_output = f->last_output >= 0;
}

void lw_facts_runs_from(struct lw_obs *o)
{
	if (!o->detail)
		return;
	runs_from(cJSON_GetObjectItemCaseSensitive(o->detail, "runs"),
		  &o->runs);
	metrics_from(cJSON_GetObjectItemCaseSensitive(o->detail, "metrics"),
		     &o->metrics);
	stream_from(cJSON_GetObjectItemCaseSensitive(o->detail, "stream"),
		    &o->stream);
}

void lw_facts_runs_free(struct lw_obs *o)
{
	for (size_t i = 0; i < o->runs.n; i++) {
		struct lw_run_fact *r = &o->runs.runs[i];
		free(r->run_id);
		free(r->status);
		free(r->message);
		free(r->failing);
		free(r->error_code);
	}
	free(o->runs.runs);
	free(o->runs.service);
	free(o->runs.pipeline);
	free(o->runs.name);
	free(o->runs.lake);
	for (size_t i = 0; i < o->metrics.n; i++) {
		free(o->metrics.m[i].name);
		free(o->metrics.m[i].unit);
		free(o->metrics.m[i].error);
		free(o->metrics.m[i].pts);
	}
	free(o->metrics.m);
	free(o->stream.job_state);
	memset(&o->runs, 0, sizeof o->runs);
	memset(&o->metrics, 0, sizeof o->metrics);
	memset(&o->stream, 0, sizeof o->stream);
}

/* See model.h. */
const char *lw_runs_label(const struct lw_runs_facts *rf, char *buf,
			  size_t n)
{
	if (rf && rf->name && rf->pipeline && strcmp(rf->name, rf->pipeline))
		snprintf(buf, n, "%.200s (job %.40s)", rf->name, rf->pipeline);
	else
		snprintf(buf, n, "%.240s", rf && rf->pipeline ? rf->pipeline :
			 rf && rf->name ? rf->name : "the pipeline");
	return buf;
}
