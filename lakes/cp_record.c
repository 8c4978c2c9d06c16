/* cp_record.c - what the control-plane kinds observed, onto the
 * observation: detail.runs, detail.stream and detail.metrics (the keys
 * core/facts_runs.c documents and reads back), then the typed facts from
 * that detail, so this run's facts and history's are the same by
 * construction. */
#include <math.h>
#include <string.h>
#include "lakewatch/pipelines.h"
#include "lakewatch/util.h"

static void add_opt_str(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
}

static void add_opt_num(cJSON *o, const char *k, int64_t v)
{
	if (v >= 0)
		cJSON_AddNumberToObject(o, k, (double)v);
}

static cJSON *run_json(const struct lw_run_fact *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "run_id", r->run_id ? r->run_id : "");
	cJSON_AddStringToObject(o, "state", lw_run_state_name(r->state));
	add_opt_str(o, "status", r->status);
	add_opt_num(o, "start", r->start);
	add_opt_num(o, "end", r->end);
	add_opt_num(o, "duration", r->duration);
	add_opt_str(o, "message", r->message);
	add_opt_str(o, "failing", r->failing);
	add_opt_str(o, "error_code", r->error_code);
	return o;
}

void lw_cp_record_runs(struct lw_obs *obs, const char *service,
		       const char *lake, const char *pipeline,
		       const struct lw_run_fact *rs,
		       size_t n, bool truncated)
{
	cJSON *d = lw_obs_detail(obs);
	cJSON_DeleteItemFromObjectCaseSensitive(d, "runs");
	cJSON *o = cJSON_AddObjectToObject(d, "runs");
	cJSON_AddStringToObject(o, "service", service);
	cJSON_AddStringToObject(o, "pipeline", pipeline);
	add_opt_str(o, "lake", lake);
	if (truncated)
		cJSON_AddBoolToObject(o, "truncated", true);
	cJSON *list = cJSON_AddArrayToObject(o, "list");
	int64_t success = -1;
	for (size_t i = 0; i < n; i++) {
		cJSON_AddItemToArray(list, run_json(&rs[i]));
		if (rs[i].state == LW_RUN_SUCCEEDED && rs[i].end > success)
			success = rs[i].end;
	}
	if (success > obs->newest_mtime)
		obs->newest_mtime = success;
	lw_obs_facts_from_detail(obs);
}

/* See pipelines.h. */
void lw_cp_record_runs_name(struct lw_obs *obs, const char *name)
{
	cJSON *o = cJSON_GetObjectItemCaseSensitive(lw_obs_detail(obs), "runs");
	if (!cJSON_IsObject(o) || !name || !*name)
		return;
	cJSON_DeleteItemFromObjectCaseSensitive(o, "name");
	cJSON_AddStringToObject(o, "name", name);
	lw_obs_facts_from_detail(obs);
}

void lw_cp_record_stream(struct lw_obs *obs, const char *state,
			 int64_t last_output)
{
	cJSON *d = lw_obs_detail(obs);
	cJSON_DeleteItemFromObjectCaseSensitive(d, "stream");
	cJSON *o = cJSON_AddObjectToObject(d, "stream");
	add_opt_str(o, "job_state", state);
	add_opt_num(o, "last_output", last_output);
	if (last_output > obs->newest_mtime)
		obs->newest_mtime = last_output;
	lw_obs_facts_from_detail(obs);
}

/* A value or null (absent). */
static cJSON *num_or_null(double v)
{
	return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

void lw_cp_record_metrics(struct lw_obs *obs, const struct lw_metrics_facts *m)
{
	cJSON *d = lw_obs_detail(obs);
	cJSON_DeleteItemFromObjectCaseSensitive(d, "metrics");
	cJSON *o = cJSON_AddObjectToObject(d, "metrics");
	add_opt_num(o, "from", m->from);
	add_opt_num(o, "to", m->to);
	cJSON *list = cJSON_AddArrayToObject(o, "list");
	for (size_t i = 0; i < m->n; i++) {
		const struct lw_metric_fact *f = &m->m[i];
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "name", f->name);
		add_opt_str(x, "unit", f->unit);
		add_opt_str(x, "error", f->error);
		cJSON *pts = cJSON_AddArrayToObject(x, "points");
		for (size_t k = 0; k < f->n; k++) {
			const struct lw_metric_point *p = &f->pts[k];
			cJSON *a = cJSON_CreateArray();
			cJSON_AddItemToArray(a, cJSON_CreateNumber((double)p->t));
			cJSON_AddItemToArray(a, num_or_null(p->average));
			cJSON_AddItemToArray(a, num_or_null(p->maximum));
			cJSON_AddItemToArray(a, num_or_null(p->minimum));
			cJSON_AddItemToArray(a, num_or_null(p->total));
			cJSON_AddItemToArray(a, num_or_null(p->count));
			cJSON_AddItemToArray(pts, a);
		}
		cJSON_AddItemToArray(list, x);
	}
	lw_obs_facts_from_detail(obs);
}
