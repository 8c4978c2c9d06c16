/* cp_parse.c - the Azure control-plane answers lakewatch reads (pipeline
 * runs, activity runs, Databricks runs, streaming jobs, Azure Monitor
 * metrics, error bodies), parsed with cJSON into the typed facts of
 * model.h. Anything unexpected is an error that says what was expected
 * where; nothing is guessed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/pipelines.h"
#include "lakewatch/util.h"

/* Most runs one answer may add, whatever max says (a hostile page). */
#define PAGE_MAX 10000
/* Longest message kept from a run (ADF messages hold whole stack
 * traces). */
#define MSG_MAX 600

/* Parse json; on failure err says where the JSON broke. Caller owns it. */
static cJSON *parse(const char *json, size_t len, const char *what,
		    struct lw_err *err)
{
	const char *end = NULL;
	cJSON *root = json ? cJSON_ParseWithLengthOpts(json, len, &end, 0) :
		NULL;
	if (!root) {
		size_t at = end && end >= json ? (size_t)(end - json) : 0;
		lw_err_set(err, LW_EPARSE, "%s: malformed JSON near byte %zu",
			   what, at);
	}
	return root;
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A copy of s cut to MSG_MAX bytes (on a UTF-8 boundary), or NULL. */
static char *dup_msg(const char *s)
{
	if (!s || !*s)
		return NULL;
	size_t n = strlen(s);
	if (n <= MSG_MAX)
		return lw_xstrdup(s);
	n = MSG_MAX;
	while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	char *d = lw_xmalloc(n + 4);
	memcpy(d, s, n);
	memcpy(d + n, "...", 4);
	return d;
}

static char *dup_or_null(const char *s)
{
	return s && *s ? lw_xstrdup(s) : NULL;
}

/* An ISO time at o[k], else -1. */
static int64_t iso_at(const cJSON *o, const char *k)
{
	int64_t t;
	const char *s = str(o, k);
	return s && lw_time_parse(s, &t) == LW_OK && lw_fact_time_ok(t) ? t :
		-1;
}

/* A number at o[k] in [0, 1e15), else -1. */
static double num_at(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(v) && isfinite(v->valuedouble) &&
	       v->valuedouble >= 0 && v->valuedouble < 1e15 ?
	       v->valuedouble : -1;
}

void lw_run_fact_free(struct lw_run_fact *r)
{
	free(r->run_id);
	free(r->status);
	free(r->message);
	free(r->failing);
	free(r->error_code);
	memset(r, 0, sizeof *r);
}

void lw_cp_page_free(struct lw_cp_page *p)
{
	for (size_t i = 0; i < p->n; i++)
		lw_run_fact_free(&p->runs[i]);
	free(p->runs);
	free(p->next);
	free(p->name);
	memset(p, 0, sizeof *p);
}

/* A new run at the end of p. */
static struct lw_run_fact *add_run(struct lw_cp_page *p)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16;
		p->runs = lw_xrealloc(p->runs, p->cap * sizeof *p->runs);
	}
	struct lw_run_fact *r = &p->runs[p->n++];
	memset(r, 0, sizeof *r);
	r->start = r->end = r->duration = -1;
	return r;
}

static void set_next(struct lw_cp_page *p, const char *tok)
{
	free(p->next);
	p->next = dup_or_null(tok);
}

enum lw_run_state lw_cp_pipeline_state(const char *s)
{
	static const struct { const char *name; enum lw_run_state st; } m[] = {
		{"Queued", LW_RUN_QUEUED}, {"InProgress", LW_RUN_IN_PROGRESS},
		{"Canceling", LW_RUN_IN_PROGRESS},
		{"Succeeded", LW_RUN_SUCCEEDED}, {"Failed", LW_RUN_FAILED},
		{"Cancelled", LW_RUN_CANCELLED}, {"Canceled", LW_RUN_CANCELLED},
	};
	for (size_t i = 0; s && i < sizeof m / sizeof *m; i++)
		if (strcmp(s, m[i].name) == 0)
			return m[i].st;
	return LW_RUN_UNKNOWN;
}

int lw_cp_parse_pipeline_runs(const char *json, size_t len, size_t max,
			      struct lw_cp_page *p, struct lw_err *err)
{
	cJSON *root = parse(json, len, "pipeline runs", err);
	if (!root)
		return LW_EPARSE;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "value"), *it;
	if (!cJSON_IsArray(v)) {
		cJSON_Delete(root);
		return lw_err_set(err, LW_EPARSE, "pipeline runs: expected an "
				  "object with a \"value\" array");
	}
	size_t added = 0;
	cJSON_ArrayForEach(it, v) {
		const char *id = str(it, "runId");
		if (!id || !*id)
			continue;	/* not a run we can name */
		if (p->n >= max || ++added > PAGE_MAX)
			break;
		struct lw_run_fact *r = add_run(p);
		r->run_id = lw_xstrdup(id);
		r->status = dup_or_null(str(it, "status"));
		r->state = lw_cp_pipeline_state(r->status);
		r->start = iso_at(it, "runStart");
		r->end = iso_at(it, "runEnd");
		double ms = num_at(it, "durationInMs");
		r->duration = ms >= 0 ? (int64_t)(ms / 1000) :
			r->start >= 0 && r->end >= r->start ?
			r->end - r->start : -1;
		r->message = dup_msg(str(it, "message"));
	}
	set_next(p, str(root, "continuationToken"));
	cJSON_Delete(root);
	return LW_OK;
}

int lw_cp_parse_activity_error(const char *json, size_t len, char **activity,
			       char **code, char **message, struct lw_err *err)
{
	*activity = *code = *message = NULL;
	cJSON *root = parse(json, len, "activity runs", err);
	if (!root)
		return LW_EPARSE;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "value"), *it;
	if (!cJSON_IsArray(v)) {
		cJSON_Delete(root);
		return lw_err_set(err, LW_EPARSE, "activity runs: expected an "
				  "object with a \"value\" array");
	}
	int rc = LW_ENOTFOUND;
	cJSON_ArrayForEach(it, v) {
		const char *st = str(it, "status");
		if (!st || strcmp(st, "Failed") != 0)
			continue;
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(it, "error");
		*activity = dup_or_null(str(it, "activityName"));
		*code = cJSON_IsObject(e) ? dup_or_null(str(e, "errorCode")) :
			NULL;
		*message = cJSON_IsObject(e) ? dup_msg(str(e, "message")) :
			NULL;
		rc = LW_OK;
		break;
	}
	cJSON_Delete(root);
	if (rc == LW_ENOTFOUND)
		lw_err_set(err, rc, "activity runs: no failed activity");
	return rc;
}

enum lw_run_state lw_cp_databricks_state(const char *life, const char *result)
{
	static const char *const queued[] = {"PENDING", "QUEUED", "BLOCKED",
		"WAITING_FOR_RETRY", NULL};
	if (!life)
		return LW_RUN_UNKNOWN;
	for (int i = 0; queued[i]; i++)
		if (strcmp(life, queued[i]) == 0)
			return LW_RUN_QUEUED;
	if (!strcmp(life, "RUNNING") || !strcmp(life, "TERMINATING"))
		return LW_RUN_IN_PROGRESS;
	if (!strcmp(life, "SKIPPED"))
		return LW_RUN_SKIPPED;
	if (!strcmp(life, "INTERNAL_ERROR"))
		return LW_RUN_FAILED;
	if (strcmp(life, "TERMINATED") != 0 || !result)
		return LW_RUN_UNKNOWN;
	if (!strcmp(result, "SUCCESS") ||
	    !strcmp(result, "SUCCESS_WITH_FAILURES"))
		return LW_RUN_SUCCEEDED;
	if (!strcmp(result, "FAILED") || !strcmp(result, "UPSTREAM_FAILED"))
		return LW_RUN_FAILED;
	if (!strcmp(result, "TIMEDOUT"))
		return LW_RUN_TIMEDOUT;
	if (!strcmp(result, "CANCELED") || !strcmp(result, "UPSTREAM_CANCELED"))
		return LW_RUN_CANCELLED;
	if (!strcmp(result, "MAXIMUM_CONCURRENT_RUNS_REACHED") ||
	    !strcmp(result, "EXCLUDED"))
		return LW_RUN_SKIPPED;
	return LW_RUN_UNKNOWN;
}

/* Milliseconds at o[k] as epoch seconds; 0 (Databricks' "not yet") and
 * absent are -1. */
static int64_t ms_at(const cJSON *o, const char *k)
{
	double ms = num_at(o, k);
	return ms > 0 ? (int64_t)(ms / 1000) : -1;
}

/* The first task that failed or timed out: its key and message. */
static void failing_task(const cJSON *run, struct lw_run_fact *r)
{
	const cJSON *tasks = cJSON_GetObjectItemCaseSensitive(run, "tasks"), *t;
	if (!cJSON_IsArray(tasks))
		return;
	cJSON_ArrayForEach(t, tasks) {
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(t, "state");
		enum lw_run_state s = lw_cp_databricks_state(
			str(st, "life_cycle_state"), str(st, "result_state"));
		if (s != LW_RUN_FAILED && s != LW_RUN_TIMEDOUT)
			continue;
		r->failing = dup_or_null(str(t, "task_key"));
		const char *m = str(st, "state_message");
		if (m && *m) {	/* the task's reason says more */
			free(r->message);
			r->message = dup_msg(m);
		}
		return;
	}
}

static void databricks_run(const cJSON *it, struct lw_run_fact *r)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(it, "state");
	const char *life = str(st, "life_cycle_state"),
		*result = str(st, "result_state");
	r->state = lw_cp_databricks_state(life, result);
	if (life)
		r->status = lw_xasprintf("%s%s%s", life, result ? "/" : "",
					 result ? result : "");
	r->message = dup_msg(str(st, "state_message"));
	r->start = ms_at(it, "start_time");
	r->end = ms_at(it, "end_time");
	double d = num_at(it, "run_duration");
	if (d < 0 && num_at(it, "execution_duration") >= 0)
		d = num_at(it, "execution_duration") +
		    fmax(num_at(it, "setup_duration"), 0) +
		    fmax(num_at(it, "cleanup_duration"), 0);
	r->duration = d > 0 ? (int64_t)(d / 1000) : r->start >= 0 &&
		r->end >= r->start ? r->end - r->start : -1;
	failing_task(it, r);
}

int lw_cp_parse_databricks_runs(const char *json, size_t len, size_t max,
				struct lw_cp_page *p, struct lw_err *err)
{
	cJSON *root = parse(json, len, "job runs", err);
	if (!root)
		return LW_EPARSE;
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return lw_err_set(err, LW_EPARSE, "job runs: expected an "
				  "object");
	}
	/* a job without runs answers {} or {"has_more": false} */
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "runs"), *it;
	if (v && !cJSON_IsArray(v)) {
		cJSON_Delete(root);
		return lw_err_set(err, LW_EPARSE, "job runs: \"runs\" is not "
				  "an array");
	}
	size_t added = 0;
	cJSON_ArrayForEach(it, v) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "run_id");
		if (!cJSON_IsNumber(id) || !isfinite(id->valuedouble) ||
		    fabs(id->valuedouble) >= 9e15)
			continue;
		if (p->n >= max || ++added > PAGE_MAX)
			break;
		struct lw_run_fact *r = add_run(p);
		r->run_id = lw_xasprintf("%.0f", id->valuedouble);
		databricks_run(it, r);
		if (!p->name)
			p->name = dup_msg(str(it, "run_name"));
	}
	bool more = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root,
							"has_more"));
	set_next(p, more ? str(root, "next_page_token") : NULL);
	cJSON_Delete(root);
	return LW_OK;
}

int lw_cp_parse_databricks_job(const char *json, size_t len, char **name,
			       struct lw_err *err)
{
	*name = NULL;
	cJSON *root = parse(json, len, "job", err);
	if (!root)
		return LW_EPARSE;
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return lw_err_set(err, LW_EPARSE, "job: expected an object");
	}
	*name = dup_msg(str(cJSON_GetObjectItemCaseSensitive(root, "settings"),
			    "name"));
	cJSON_Delete(root);
	return LW_OK;
}

int lw_cp_parse_stream_job(const char *json, size_t len, char **state,
			   int64_t *last_output, struct lw_err *err)
{
	*state = NULL;
	*last_output = -1;
	cJSON *root = parse(json, len, "streaming job", err);
	if (!root)
		return LW_EPARSE;
	const cJSON *pr = cJSON_GetObjectItemCaseSensitive(root, "properties");
	const char *js = cJSON_IsObject(pr) ? str(pr, "jobState") : NULL;
	if (!js) {
		cJSON_Delete(root);
		return lw_err_set(err, LW_EPARSE, "streaming job: expected "
				  "properties.jobState");
	}
	*state = lw_xstrdup(js);
	*last_output = iso_at(pr, "lastOutputEventTime");
	cJSON_Delete(root);
	return LW_OK;
}

bool lw_cp_parse_error(const char *json, size_t len, char **code,
		       char **message)
{
	*code = *message = NULL;
	struct lw_err err;
	cJSON *root = parse(json, len, "error", &err);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return false;
	}
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "error");
	const cJSON *o = cJSON_IsObject(e) ? e : root;
	const char *c = str(o, "code") ? str(o, "code") :
		str(root, "error_code") ? str(root, "error_code") :
		cJSON_IsString(e) ? e->valuestring : NULL;
	const char *m = str(o, "message") ? str(o, "message") :
		str(root, "message");
	*code = dup_or_null(c);
	*message = dup_msg(m);
	cJSON_Delete(root);
	return *code || *message;
}
