/* powerbi_observe.c - one Power BI dataset's observation: its refresh
 * history and schedule (into detail.powerbi and the typed obs->powerbi
 * facts), then its table through DAX (powerbi_dax.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "powerbi_int.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"

static cJSON *refresh_json(const struct lw_pbi_refresh *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "requestId", r->request_id);
	cJSON_AddStringToObject(o, "status", r->status);
	if (r->type)
		cJSON_AddStringToObject(o, "type", r->type);
	if (r->error_code)
		cJSON_AddStringToObject(o, "error_code", r->error_code);
	cJSON_AddNumberToObject(o, "started", (double)r->start);
	cJSON_AddNumberToObject(o, "ended", (double)r->end);
	return o;
}

/* The typed side of detail.powerbi.refresh: the newest refresh. */
static void refresh_facts(const struct lw_pbi_refresh *r, int64_t last_success,
			  struct lw_powerbi_refresh_facts *f)
{
	free(f->status);
	free(f->type);
	free(f->error_code);
	f->present = true;
	f->status = lw_xstrdup(r->status);
	f->type = r->type ? lw_xstrdup(r->type) : NULL;
	f->error_code = r->error_code ? lw_xstrdup(r->error_code) : NULL;
	f->has_started = lw_fact_time_ok(r->start);
	f->started = r->start;
	f->has_ended = lw_fact_time_ok(r->end);
	f->ended = r->end;
	f->has_last_success = lw_fact_time_ok(last_success);
	f->last_success = last_success;
}

void lw_pbi_record_refreshes(struct lw_obs *obs, cJSON *pbi,
			     const struct lw_pbi_refresh *rs, size_t n)
{
	cJSON *all = cJSON_AddArrayToObject(lw_obs_detail(obs), "refreshes");
	int64_t last_success = -1;
	for (size_t i = 0; i < n; i++) {
		cJSON_AddItemToArray(all, refresh_json(&rs[i]));
		if (strcmp(rs[i].status, "Completed") == 0 && rs[i].end >
		    last_success)
			last_success = rs[i].end;
	}
	if (n) {
		cJSON *last = refresh_json(&rs[0]);
		cJSON_AddStringToObject(last, "request_id", rs[0].request_id);
		cJSON_AddNumberToObject(last, "last_success", (double)last_success);
		cJSON_AddItemToObject(pbi, "refresh", last);
		refresh_facts(&rs[0], last_success, &obs->powerbi.refresh);
	}
	if (last_success > obs->newest_mtime)
		obs->newest_mtime = last_success;
}

void lw_pbi_record_schedule(struct lw_obs *obs, cJSON *pbi,
			    const struct lw_pbi_schedule *s)
{
	cJSON *o = cJSON_AddObjectToObject(pbi, "schedule");
	cJSON_AddBoolToObject(o, "enabled", s->enabled);
	cJSON_AddNumberToObject(o, "interval", (double)s->interval);
	cJSON_AddNumberToObject(o, "days", s->ndays);
	cJSON_AddNumberToObject(o, "times", s->ntimes);
	obs->powerbi.has_schedule = true;
	obs->powerbi.schedule_disabled = !s->enabled;
	obs->powerbi.has_interval = true;
	obs->powerbi.interval = s->interval;
}

static void put_opt(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
}

/* See powerbi.h. */
void lw_pbi_record_datasources(struct lw_obs *obs, cJSON *pbi,
			       struct lw_powerbi_source *src, size_t n,
			       const char *why)
{
	struct lw_powerbi_facts *f = &obs->powerbi;
	lw_powerbi_sources_free(f);
	if (!src) {
		f->sources_error = lw_redact_dup(why ? why : "no answer");
		cJSON_AddStringToObject(pbi, "datasources_error",
					f->sources_error);
		return;
	}
	cJSON *a = cJSON_AddArrayToObject(pbi, "datasources");
	for (size_t i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		put_opt(o, "type", src[i].type);
		put_opt(o, "server", src[i].server);
		put_opt(o, "database", src[i].database);
		put_opt(o, "path", src[i].path);
		cJSON_AddItemToArray(a, o);
	}
	f->has_sources = true;
	f->sources = src;
	f->nsources = n;
}

/* Get Datasources In Group, for a dataset whose upstream the service may
 * teach (no "upstream" in the config). A refusal is no error of the
 * dataset's: it is kept as datasources_error and the layer rule stays. */
static void observe_datasources(struct lw_lake *l, const char *id,
				struct lw_obs *obs, cJSON *pbi)
{
	char *path = lw_xasprintf("/groups/%s/datasets/%s/datasources",
				  l->workspace, id);
	char *body = NULL;
	size_t len = 0, n = 0;
	long st;
	struct lw_err err;
	struct lw_powerbi_source *src = NULL;
	lw_err_clear(&err);
	if (lw_pbi_call(l, "GET", path, NULL, &body, &len, &st, &err) == LW_OK)
		lw_pbi_parse_datasources(body, len, &src, &n, &err);
	lw_pbi_record_datasources(obs, pbi, src, n, err.msg);
	free(body);
	free(path);
}

static int observe_refreshes(struct lw_lake *l, const char *id,
			     const struct lw_pbi_opts *po, struct lw_obs *obs,
			     cJSON *pbi, struct lw_err *err)
{
	char *path = lw_xasprintf("/groups/%s/datasets/%s/refreshes?$top=%d",
				  l->workspace, id, po ? po->refresh_top : 20);
	char *body = NULL;
	size_t len = 0;
	long st;
	int rc = lw_pbi_call(l, "GET", path, NULL, &body, &len, &st, err);
	free(path);
	if (rc)
		return rc;
	struct lw_pbi_refresh *rs = NULL;
	size_t n = 0;
	rc = lw_pbi_parse_refreshes(body, len, &rs, &n, err);
	free(body);
	if (rc)
		return rc;
	lw_pbi_record_refreshes(obs, pbi, rs, n);
	lw_pbi_refreshes_free(rs, n);
	return LW_OK;
}

/* Push and streaming datasets have no schedule: their 404 is not an error. */
static void observe_schedule(struct lw_lake *l, const char *id,
			     struct lw_obs *obs, cJSON *pbi)
{
	char *path = lw_xasprintf("/groups/%s/datasets/%s/refreshSchedule",
				  l->workspace, id);
	char *body = NULL;
	size_t len = 0;
	long st;
	struct lw_err err;
	struct lw_pbi_schedule s;
	if (lw_pbi_call(l, "GET", path, NULL, &body, &len, &st, &err) == LW_OK &&
	    lw_pbi_parse_schedule(body, len, &s, &err) == LW_OK)
		lw_pbi_record_schedule(obs, pbi, &s);
	free(body);
	free(path);
}

int lw_pbi_observe(struct lw_lake *l, const struct lw_dataset *ds,
		   struct lw_obs *obs)
{
	const struct lw_pbi_opts *po = ds->format_name &&
		strcmp(ds->format_name, "powerbi") == 0 ? ds->format_opts : NULL;
	struct lw_err err;
	lw_err_clear(&err);
	char *id = NULL;
	int64_t q0 = l->queries, req0, in0, req1, in1;
	lw_http_stats(l->http, &req0, &in0);
	int rc = lw_pbi_resolve(l, ds->path, &id, &err);
	cJSON *pbi = cJSON_AddObjectToObject(lw_obs_detail(obs), "powerbi");
	obs->powerbi.present = true;
	if (rc == LW_OK) {
		cJSON_AddStringToObject(pbi, "dataset_id", id);
		rc = observe_refreshes(l, id, po, obs, pbi, &err);
	}
	if (rc == LW_OK)
		observe_schedule(l, id, obs, pbi);
	if (rc == LW_OK && ds->upstream_default)
		observe_datasources(l, id, obs, pbi);
	if (rc == LW_OK && po && po->table)
		rc = lw_pbi_observe_table(l, id, po, obs, &err);
	cJSON_AddNumberToObject(pbi, "queries", (double)(l->queries - q0));
	lw_http_stats(l->http, &req1, &in1);
	cJSON_AddNumberToObject(pbi, "requests", (double)(req1 - req0));
	obs->bytes_read += in1 - in0;
	free(id);
	if (rc)
		lw_obs_fail(obs, "%s", err.msg);
	return rc;
}
