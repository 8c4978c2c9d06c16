/* cp_observe.c - one dataset's observation on a control-plane lake: the
 * recent runs of its pipeline or job (every page, newest first, the
 * failing activity of failed runs), or its streaming job's state and the
 * Azure Monitor metrics of the job or an Event Hubs namespace.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cp_int.h"
#include "lakewatch/util.h"

#define ADF_API "api-version=2018-06-01"
#define SYN_API "api-version=2020-12-01"
#define ASA_API "api-version=2020-03-01"
#define MON_API "api-version=2018-01-01"


/* The queryPipelineRuns body: the window, the pipeline, newest first, and
 * the page asked for. Caller frees. */
static char *runs_query(const char *pipeline, int64_t from, int64_t to,
			const char *token)
{
	char a[32], b[32];
	cJSON *q = cJSON_CreateObject();
	cJSON_AddStringToObject(q, "lastUpdatedAfter", lw_time_fmt(from, a,
								     sizeof a));
	cJSON_AddStringToObject(q, "lastUpdatedBefore", lw_time_fmt(to, b,
								      sizeof b));
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "operand", "PipelineName");
	cJSON_AddStringToObject(f, "operator", "Equals");
	cJSON_AddItemToObject(f, "values", cJSON_CreateStringArray(&pipeline,
								   1));
	cJSON_AddItemToArray(cJSON_AddArrayToObject(q, "filters"), f);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "orderBy", "RunStart");
	cJSON_AddStringToObject(o, "order", "DESC");
	cJSON_AddItemToArray(cJSON_AddArrayToObject(q, "orderBy"), o);
	if (token)
		cJSON_AddStringToObject(q, "continuationToken", token);
	char *s = cJSON_PrintUnformatted(q);
	cJSON_Delete(q);
	char *out = lw_xstrdup(s);
	cJSON_free(s);
	return out;
}

/* The failing activity of failed run r (Data Factory, Synapse). */
static void explain_run(struct lw_lake *l, const char *pipeline,
			struct lw_run_fact *r, int64_t now)
{
	if (l->activity_left <= 0)
		return;
	l->activity_left--;
	char *id = lw_http_escape(r->run_id, false);
	char *pl = lw_http_escape(pipeline, false);
	char *path = l->kind == CP_SYNAPSE ?
		lw_xasprintf("/pipelines/%s/pipelineruns/%s/queryActivityruns?"
			     SYN_API, pl, id) :
		lw_xasprintf("%s/pipelineruns/%s/queryActivityruns?" ADF_API,
			     l->prefix, id);
	char a[32], b[32];
	int64_t from = r->start >= 0 ? r->start - 3600 : now - l->lookback;
	char *q = lw_xasprintf("{\"lastUpdatedAfter\":\"%s\",\"lastUpdatedBefore"
			       "\":\"%s\",\"filters\":[{\"operand\":\"Status\","
			       "\"operator\":\"Equals\",\"values\":[\"Failed\"]}]}",
			       lw_time_fmt(from, a, sizeof a),
			       lw_time_fmt(now + 300, b, sizeof b));
	char *body = NULL, *act = NULL, *code = NULL, *msg = NULL;
	size_t len = 0;
	struct lw_err err;
	if (lw_cp_call(l, "POST", path, q, &body, &len, &err) == LW_OK &&
	    lw_cp_parse_activity_error(body, len, &act, &code, &msg,
				       &err) == LW_OK) {
		r->failing = act;
		r->error_code = code;
		if (msg) {
			free(r->message);
			r->message = msg;
		}
	}
	free(body);
	free(q);
	free(path);
	free(pl);
	free(id);
}

static int pipeline_runs(struct lw_lake *l, const char *pipeline, int64_t now,
			 struct lw_cp_page *p, bool *truncated,
			 struct lw_err *err)
{
	char *path = l->kind == CP_SYNAPSE ?
		lw_xasprintf("/queryPipelineRuns?" SYN_API) :
		lw_xasprintf("%s/queryPipelineRuns?" ADF_API, l->prefix);
	int rc = LW_OK;
	for (int page = 0; rc == LW_OK; page++) {
		if (page == CP_MAX_PAGES || p->n >= (size_t)l->max_runs) {
			*truncated = p->next != NULL;
			break;
		}
		char *q = runs_query(pipeline, now - l->lookback, now + 300,
				     p->next);
		char *body = NULL;
		size_t len = 0;
		rc = lw_cp_call(l, "POST", path, q, &body, &len, err);
		free(q);
		if (rc == LW_OK)
			rc = lw_cp_parse_pipeline_runs(body, len,
						       (size_t)l->max_runs, p,
						       err);
		free(body);
		if (rc == LW_OK && !p->next)
			break;
	}
	free(path);
	for (size_t i = 0; rc == LW_OK && i < p->n; i++)
		if (p->runs[i].state == LW_RUN_FAILED)
			explain_run(l, pipeline, &p->runs[i], now);
	return rc;
}

static int databricks_runs(struct lw_lake *l, const char *job, int64_t now,
			   struct lw_cp_page *p, bool *truncated,
			   struct lw_err *err)
{
	size_t n = strspn(job, "0123456789");
	if (!n || job[n] || n > 18)
		return lw_err_set(err, LW_ECONFIG, "Databricks: job id \"%s\" "
				  "is not a number (the job's ID on its page in "
				  "the workspace)", job);
	int rc = LW_OK;
	for (int page = 0; rc == LW_OK; page++) {
		if (page == CP_MAX_PAGES || p->n >= (size_t)l->max_runs) {
			*truncated = p->next != NULL;
			break;
		}
		char *tok = p->next ? lw_http_escape(p->next, false) : NULL;
		char *path = lw_xasprintf("/api/2.1/jobs/runs/list?job_id=%s&"
			"start_time_from=%lld&expand_tasks=true&limit=25%s%s",
			job, (long long)(now - l->lookback) * 1000,
			tok ? "&page_token=" : "", tok ? tok : "");
		free(tok);
		char *body = NULL;
		size_t len = 0;
		rc = lw_cp_call(l, "GET", path, NULL, &body, &len, err);
		free(path);
		if (rc == LW_OK)
			rc = lw_cp_parse_databricks_runs(body, len,
							 (size_t)l->max_runs,
							 p, err);
		free(body);
		if (rc == LW_OK && !p->next)
			break;
	}
	return rc;
}

/* The job's name when no run listed carried one (no run in the lookback):
 * jobs/get's settings.name. Best effort: a refusal leaves the id alone.
 * Caller frees. */
static char *databricks_job_name(struct lw_lake *l, const char *job)
{
	char *path = lw_xasprintf("/api/2.1/jobs/get?job_id=%s", job);
	char *body = NULL, *name = NULL;
	size_t len = 0;
	struct lw_err err;
	if (lw_cp_call(l, "GET", path, NULL, &body, &len, &err) == LW_OK)
		lw_cp_parse_databricks_job(body, len, &name, &err);
	free(body);
	free(path);
	return name;
}

static int by_start_desc(const void *a, const void *b)
{
	const struct lw_run_fact *x = a, *y = b;
	return (x->start < y->start) - (x->start > y->start);
}

static int observe_runs(struct lw_lake *l, const struct lw_dataset *ds,
			struct lw_obs *obs, struct lw_err *err)
{
	struct lw_cp_page p = {0};
	bool truncated = false;
	int rc = l->kind == CP_DATABRICKS ?
		databricks_runs(l, ds->path, obs->at, &p, &truncated, err) :
		pipeline_runs(l, ds->path, obs->at, &p, &truncated, err);
	if (rc == LW_OK) {
		/* newest first whatever order the pages came in */
		if (p.n)	/* qsort's base must not be NULL */
			qsort(p.runs, p.n, sizeof *p.runs, by_start_desc);
		static const char *const names[] = {"datafactory", "synapse",
						    "databricks"};
		lw_cp_record_runs(obs, names[l->kind], l->base.name, ds->path,
				  p.runs, p.n,
				  truncated);
		if (l->kind == CP_DATABRICKS && !p.name)
			p.name = databricks_job_name(l, ds->path);
		lw_cp_record_runs_name(obs, p.name);
	}
	lw_cp_page_free(&p);
	return rc;
}

/* "PT5M", "PT1H" for an Azure Monitor interval. */
static void iso_interval(int64_t s, char *buf, size_t n)
{
	if (s % 3600 == 0)
		snprintf(buf, n, "PT%lldH", (long long)(s / 3600));
	else
		snprintf(buf, n, "PT%lldM", (long long)(s / 60));
}

static int observe_metrics(struct lw_lake *l, const char *resource,
			   const char *names, struct lw_obs *obs,
			   struct lw_err *err)
{
	char a[32], b[32], iv[32];
	int64_t to = obs->at, from = to - l->window;
	iso_interval(l->interval, iv, sizeof iv);
	char *path = lw_xasprintf("%s/providers/microsoft.insights/metrics?"
		MON_API "&metricnames=%s&timespan=%s/%s&interval=%s&"
		"aggregation=Average,Maximum,Minimum,Total,Count", resource,
		names, lw_time_fmt(from, a, sizeof a), lw_time_fmt(to, b,
		sizeof b), iv);
	char *body = NULL;
	size_t len = 0;
	int rc = lw_cp_call(l, "GET", path, NULL, &body, &len, err);
	free(path);
	struct lw_metrics_facts m = {.from = from, .to = to};
	if (rc == LW_OK)
		rc = lw_cp_parse_metrics(body, len, &m, err);
	free(body);
	if (rc == LW_OK)
		lw_cp_record_metrics(obs, &m);
	struct lw_obs tmp = {.metrics = m};
	lw_obs_facts_free(&tmp);
	return rc;
}

static int observe_stream(struct lw_lake *l, const struct lw_dataset *ds,
			  struct lw_obs *obs, struct lw_err *err)
{
	if (lw_str_starts(ds->path, "eventhubs/")) {
		/* the lake's "namespaces" entry, else its resource group */
		char *res = lw_cp_namespace_resource(l, ds->path + 10);
		int rc = observe_metrics(l, res, l->hub_metrics, obs, err);
		free(res);
		return rc;
	}
	char *name = lw_http_escape(ds->path, false);
	char *res = lw_xasprintf("%s/providers/Microsoft.StreamAnalytics/"
				 "streamingjobs/%s", l->prefix, name);
	char *path = lw_xasprintf("%s?" ASA_API, res), *body = NULL;
	free(name);
	size_t len = 0;
	int rc = lw_cp_call(l, "GET", path, NULL, &body, &len, err);
	free(path);
	char *state = NULL;
	int64_t last = -1;
	if (rc == LW_OK)
		rc = lw_cp_parse_stream_job(body, len, &state, &last, err);
	free(body);
	if (rc == LW_OK) {
		lw_cp_record_stream(obs, state, last);
		rc = observe_metrics(l, res, l->job_metrics, obs, err);
	}
	free(state);
	free(res);
	return rc;
}

int lw_cp_observe(struct lw_lake *l, const struct lw_dataset *ds,
		  struct lw_obs *obs)
{
	struct lw_err err;
	lw_err_clear(&err);
	int64_t req0, in0, req1, in1;
	lw_http_stats(l->http, &req0, &in0);
	int rc = l->kind == CP_STREAM ? observe_stream(l, ds, obs, &err) :
		observe_runs(l, ds, obs, &err);
	lw_http_stats(l->http, &req1, &in1);
	obs->bytes_read += in1 - in0;
	if (rc)
		lw_obs_fail(obs, "%s", err.msg);
	return rc;
}
