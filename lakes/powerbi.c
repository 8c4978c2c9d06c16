/* powerbi.c - lake kind "powerbi": a Power BI workspace observed through
 * its REST API. Each dataset is observed wholesale (no files): refresh
 * history and schedule, and for a named table its row count, newest
 * timestamp and columns through Execute Queries (DAX). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "lakewatch/powerbi.h"
#include "lakewatch/config.h"
#include "lakewatch/entra.h"
#include "lakewatch/http.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"

#define DEFAULT_BASE "https://api.powerbi.com/v1.0/myorg"
#define SCOPE "https://analysis.windows.net/powerbi/api/.default"
#define MAX_BODY (16 * LW_BUF_1M)
#define LIST_TTL_MS 60000

struct lw_lake {
	struct lw_lake_base base;
	char *base_url, *workspace;	/* owned */
	struct lw_http *http;
	struct lw_entra *entra;		/* client credentials or MI */
	char *token;			/* owned: a given bearer token */
	char *token_file;		/* owned: re-read on 401 */
	int64_t timeout_ms, poll_timeout_ms;
	int per_minute;			/* query rate limit */
	int64_t *query_ms;		/* ring of recent query times */
	size_t qhead;
	struct lw_pbi_dataset *list;	/* cached Get Datasets In Group */
	size_t nlist;
	int64_t list_ms;
	int64_t queries;
};

/* ---- configuration ---- */

static int read_token_file(const char *path, char **out, struct lw_err *err)
{
	char *text = NULL;
	size_t len;
	if (lw_read_file(path, 256 * 1024, &text, &len, err))
		return err->code;
	/* `az account get-access-token` prints JSON with accessToken */
	cJSON *j = cJSON_ParseWithLength(text, len);
	const cJSON *at = cJSON_GetObjectItemCaseSensitive(j, "accessToken");
	if (cJSON_IsString(at)) {
		*out = lw_xstrdup(at->valuestring);
		lw_secret_wipe(at->valuestring, strlen(at->valuestring));
	} else {
		while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' ||
			       text[len - 1] == ' '))
			text[--len] = '\0';
		*out = lw_xstrdup(text);
	}
	cJSON_Delete(j);
	lw_secret_wipe(text, len);
	free(text);
	lw_secret_register(*out);
	if (!**out)
		return lw_err_set(err, LW_EAUTH, "%s: the token file is empty",
				  path);
	return LW_OK;
}

static int open_auth(struct lw_lake *l, const cJSON *auth, const char *what,
		     struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"method", "tenant_id", "client_id",
		"client_secret", "authority_host", "token", "token_file",
		"identity_endpoint", NULL};
	const char *method = NULL, *tenant = NULL, *client = NULL,
		*authority = NULL, *ident = NULL;
	char *secret = NULL;
	if (auth && lw_cfg_keys(cc, auth, what, keys))
		return LW_ECONFIG;
	if (auth && (lw_cfg_str(cc, auth, "method", true, &method) ||
		     lw_cfg_str(cc, auth, "tenant_id", false, &tenant) ||
		     lw_cfg_str(cc, auth, "client_id", false, &client) ||
		     lw_cfg_str(cc, auth, "authority_host", false, &authority) ||
		     lw_cfg_str(cc, auth, "identity_endpoint", false, &ident)))
		return LW_ECONFIG;
	if (!method)
		method = "client_secret";
	if (strcmp(method, "token") == 0) {
		if (lw_cfg_secret(cc, auth, "token", false, &l->token) ||
		    lw_cfg_path(cc, auth, "token_file", false, &l->token_file))
			return LW_ECONFIG;
		if (!l->token == !l->token_file)
			return lw_cfg_error(cc, auth, "%s: method \"token\" needs "
					    "exactly one of \"token\" or "
					    "\"token_file\"", what);
		return LW_OK;
	}
	bool mi = strcmp(method, "managed_identity") == 0;
	if (!mi && strcmp(method, "client_secret") != 0)
		return lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(auth,
				    "method"), "%s: unknown method \"%s\" (known: "
				    "client_secret, token, managed_identity)",
				    what, method);
	if (auth && lw_cfg_secret(cc, auth, "client_secret", false, &secret))
		return LW_ECONFIG;
	struct lw_entra_opts eo = {.scope = SCOPE, .managed_identity = mi,
		.tenant_id = tenant, .client_id = client,
		.client_secret = secret, .authority_host = authority,
		.identity_endpoint = ident, .timeout_ms = l->timeout_ms,
		.retries = -1};
	struct lw_err err;
	l->entra = lw_entra_new(&eo, &err);
	free(secret);
	if (!l->entra)
		return lw_cfg_error(cc, auth, "%s: %s", what, err.msg);
	return LW_OK;
}

/* base_url: a string, or {"env": NAME, "default": URL} so a demo or test
 * can point it at a local stand-in without editing the config. */
static int open_base(struct lw_lake *l, const cJSON *cfg, struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"env", "default", NULL};
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(cfg, "base_url");
	const char *url = DEFAULT_BASE;
	if (cJSON_IsString(b)) {
		url = b->valuestring;
	} else if (b) {
		const char *env = NULL, *dflt = NULL;
		if (lw_cfg_keys(cc, b, "base_url", keys) ||
		    lw_cfg_str(cc, b, "env", true, &env) ||
		    lw_cfg_str(cc, b, "default", false, &dflt))
			return LW_ECONFIG;
		const char *v = getenv(env);
		url = v && *v ? v : dflt ? dflt : DEFAULT_BASE;
	}
	if (!lw_str_starts(url, "https://") && !lw_str_starts(url, "http://"))
		return lw_cfg_error(cc, b, "base_url \"%s\" must start with "
				    "https://", url);
	l->base_url = lw_xstrdup(url);
	size_t n = strlen(l->base_url);
	while (n && l->base_url[n - 1] == '/')
		l->base_url[--n] = '\0';
	return LW_OK;
}

static struct lw_lake *pbi_open(const char *what, const cJSON *cfg,
				struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"kind", "workspace", "base_url",
		"auth", "timeout", "poll_timeout", "retries", "queries_per_minute",
		"ca_bundle", "description", NULL};
	struct lw_lake *l = lw_xcalloc(1, sizeof *l);
	l->base.kind = &lw_lake_powerbi;
	l->base.name = lw_xstrdup(what);
	const char *ws = NULL;
	int64_t timeout = 30, poll_timeout = 600, retries = 4, per_min = 120;
	char *ca = NULL;
	int before = cc->nerrors;
	if (lw_cfg_keys(cc, cfg, what, keys) ||
	    lw_cfg_str(cc, cfg, "workspace", true, &ws) ||
	    lw_cfg_duration(cc, cfg, "timeout", false, &timeout) ||
	    lw_cfg_duration(cc, cfg, "poll_timeout", false, &poll_timeout) ||
	    lw_cfg_int(cc, cfg, "retries", false, &retries) ||
	    lw_cfg_int(cc, cfg, "queries_per_minute", false, &per_min) ||
	    lw_cfg_path(cc, cfg, "ca_bundle", false, &ca) ||
	    open_base(l, cfg, cc))
		goto bad;
	if (per_min < 1 || per_min > 120)
		lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(cfg,
			     "queries_per_minute"), "%s: queries_per_minute must "
			     "be 1 to 120 (the service's limit)", what);
	if (retries < 0 || retries > 10)
		lw_cfg_error(cc, cfg, "%s: retries must be 0 to 10", what);
	l->workspace = lw_xstrdup(ws);
	l->timeout_ms = timeout * 1000;
	l->poll_timeout_ms = poll_timeout * 1000;
	l->per_minute = (int)per_min;
	l->query_ms = lw_xcalloc((size_t)per_min, sizeof *l->query_ms);
	if (open_auth(l, cJSON_GetObjectItemCaseSensitive(cfg, "auth"), what, cc))
		goto bad;
	if (cc->nerrors != before)
		goto bad;
	struct lw_http_opts ho = {.parallel = 4, .timeout_ms = l->timeout_ms,
				  .retries = (int)retries, .ca_bundle = ca};
	l->http = lw_http_new(&ho);
	l->base.display = lw_xasprintf("powerbi:%s/groups/%s", l->base_url, ws);
	lw_redact(l->base.display);	/* a base_url may carry a key */
	free(ca);
	return l;
bad:
	free(ca);
	lw_lake_powerbi.close(l);
	return NULL;
}

static void pbi_close(struct lw_lake *l)
{
	if (!l)
		return;
	free(l->base.name);
	free(l->base.display);
	free(l->base_url);
	free(l->workspace);
	if (l->http)
		lw_http_free(l->http);
	if (l->entra)
		lw_entra_free(l->entra);
	lw_secret_free(l->token);
	free(l->token_file);
	free(l->query_ms);
	lw_pbi_datasets_free(l->list, l->nlist);
	free(l);
}

/* ---- requests ---- */

struct call {
	struct lw_lake *l;
	char *token;		/* owned: this call's bearer token */
};

static int prepare(void *ud, struct lw_http_req *r, int attempt,
		   struct lw_err *err)
{
	(void)attempt;
	(void)err;
	struct call *c = ud;
	lw_http_req_attempt_header(r, "Authorization: Bearer %s", c->token);
	return LW_OK;
}

/* A token for the next request; fresh = the last one was refused. */
static int get_token(struct lw_lake *l, bool fresh, char **tok,
		     struct lw_err *err)
{
	if (l->entra) {
		if (fresh)
			lw_entra_invalidate(l->entra);
		return lw_entra_token(l->entra, tok, err);
	}
	if (l->token_file && (fresh || !l->token)) {
		lw_secret_free(l->token);
		l->token = NULL;
		if (read_token_file(l->token_file, &l->token, err))
			return err->code;
	}
	*tok = lw_xstrdup(l->token);
	return LW_OK;
}

/* Keep under the service's queries per minute: wait for the oldest of the
 * last `per_minute` queries to be a minute old. */
static void rate_limit(struct lw_lake *l)
{
	int64_t oldest = l->query_ms[l->qhead], now = lw_http_now_ms();
	if (oldest && now - oldest < 60000) {
		int64_t ms = 60000 - (now - oldest);
		struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
		nanosleep(&ts, NULL);
	}
	l->query_ms[l->qhead] = lw_http_now_ms();
	l->qhead = (l->qhead + 1) % (size_t)l->per_minute;
	l->queries++;
}

static int explain(struct lw_lake *l, const struct lw_http_req *r,
		   const char *path, struct lw_err *err)
{
	switch (r->status) {
	case 401:
		return lw_err_set(err, LW_EAUTH, "Power BI refused the token "
				  "for %s (401), also after fetching a fresh one: "
				  "check the credentials and that the app may use "
				  "the Power BI API", path);
	case 403:
		return lw_err_set(err, LW_EPERM, "Power BI: no access to %s (403): "
				  "add the identity to workspace %s as a Member "
				  "or Contributor, and allow service principals "
				  "in the tenant's Power BI settings", path,
				  l->workspace);
	case 404:
		return lw_err_set(err, LW_ENOTFOUND, "Power BI: %s not found "
				  "(404): was the dataset deleted or the "
				  "workspace id mistyped?", path);
	default:
		break;
	}
	/* A DAX error comes back as 400 with the reason in the body. */
	cJSON *rows = NULL;
	struct lw_err why;
	lw_err_clear(&why);
	if (r->status == 400 && r->resp.len &&
	    lw_pbi_parse_query(r->resp.data, r->resp.len, &rows, &why) &&
	    lw_str_starts(why.msg, "DAX query failed"))
		return lw_err_set(err, LW_EPARSE, "%s: %s", path, why.msg);
	cJSON_Delete(rows);
	return lw_err_set(err, r->rc ? r->rc : LW_EIO, "%s",
			  r->err.msg[0] ? r->err.msg : "request failed");
}

/* GET or POST base_url + path; the 2xx body into *body (caller frees). */
static int call(struct lw_lake *l, const char *method, const char *path,
		const char *json, char **body, size_t *len, long *status,
		struct lw_err *err)
{
	int rc = LW_OK;
	for (int attempt = 0; attempt < 2; attempt++) {
		struct call c = {l, NULL};
		if ((rc = get_token(l, attempt > 0, &c.token, err)))
			return lw_err_prefix(err, "Power BI token");
		struct lw_http_req r;
		lw_http_req_init(&r);
		r.method = method;
		r.url = lw_xasprintf("%s%s", l->base_url, path);
		r.max_body = MAX_BODY;
		r.prepare = prepare;
		r.ud = &c;
		lw_http_req_header(&r, "Accept: application/json");
		if (json) {
			r.body = lw_xstrdup(json);
			r.body_len = strlen(json);
			lw_http_req_header(&r, "Content-Type: application/json");
		}
		lw_http_do(l->http, &r, lw_http_now_ms() + l->poll_timeout_ms,
			   NULL);
		lw_secret_free(c.token);
		*status = r.status;
		if (r.rc == LW_OK) {
			*len = r.resp.len;
			*body = lw_buf_steal(&r.resp);
			lw_http_req_free(&r);
			return LW_OK;
		}
		bool again = r.status == 401 && attempt == 0 &&
			     (l->entra || l->token_file);
		if (!again)
			rc = explain(l, &r, path, err);
		lw_http_req_free(&r);
		if (!again)
			return rc;
	}
	return rc;
}

/* ---- observing ---- */

static bool looks_like_id(const char *s)
{
	return strlen(s) == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' &&
	       s[23] == '-';
}

/* The dataset id for a configured id or name. Caller frees *id. */
static int resolve(struct lw_lake *l, const char *want, char **id,
		   struct lw_err *err)
{
	if (looks_like_id(want)) {
		*id = lw_xstrdup(want);
		return LW_OK;
	}
	int64_t now = lw_http_now_ms();
	if (!l->list || now - l->list_ms > LIST_TTL_MS) {
		char *path = lw_xasprintf("/groups/%s/datasets", l->workspace);
		char *body = NULL;
		size_t len = 0;
		long st;
		int rc = call(l, "GET", path, NULL, &body, &len, &st, err);
		free(path);
		if (rc)
			return rc;
		lw_pbi_datasets_free(l->list, l->nlist);
		l->list = NULL;
		l->nlist = 0;
		rc = lw_pbi_parse_datasets(body, len, &l->list, &l->nlist, err);
		free(body);
		if (rc)
			return rc;
		l->list_ms = now;
	}
	for (size_t i = 0; i < l->nlist; i++)
		if (strcmp(l->list[i].name, want) == 0) {
			*id = lw_xstrdup(l->list[i].id);
			return LW_OK;
		}
	return lw_err_set(err, LW_ENOTFOUND, "Power BI: no dataset named "
			  "\"%s\" in workspace %s (deleted or renamed?)", want,
			  l->workspace);
}

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

static int observe_refreshes(struct lw_lake *l, const char *id,
			     const struct lw_pbi_opts *po, struct lw_obs *obs,
			     cJSON *pbi, struct lw_err *err)
{
	char *path = lw_xasprintf("/groups/%s/datasets/%s/refreshes?$top=%d",
				  l->workspace, id, po ? po->refresh_top : 20);
	char *body = NULL;
	size_t len = 0;
	long st;
	int rc = call(l, "GET", path, NULL, &body, &len, &st, err);
	free(path);
	if (rc)
		return rc;
	struct lw_pbi_refresh *rs = NULL;
	size_t n = 0;
	rc = lw_pbi_parse_refreshes(body, len, &rs, &n, err);
	free(body);
	if (rc)
		return rc;
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
	}
	if (last_success > obs->newest_mtime)
		obs->newest_mtime = last_success;
	lw_pbi_refreshes_free(rs, n);
	return LW_OK;
}

/* Push and streaming datasets have no schedule: their 404 is not an error. */
static void observe_schedule(struct lw_lake *l, const char *id, cJSON *pbi)
{
	char *path = lw_xasprintf("/groups/%s/datasets/%s/refreshSchedule",
				  l->workspace, id);
	char *body = NULL;
	size_t len = 0;
	long st;
	struct lw_err err;
	struct lw_pbi_schedule s;
	if (call(l, "GET", path, NULL, &body, &len, &st, &err) == LW_OK &&
	    lw_pbi_parse_schedule(body, len, &s, &err) == LW_OK) {
		cJSON *o = cJSON_AddObjectToObject(pbi, "schedule");
		cJSON_AddBoolToObject(o, "enabled", s.enabled);
		cJSON_AddNumberToObject(o, "interval", (double)s.interval);
		cJSON_AddNumberToObject(o, "days", s.ndays);
		cJSON_AddNumberToObject(o, "times", s.ntimes);
	}
	free(body);
	free(path);
}

/* One DAX query (one per call, as the API allows); rows are the caller's. */
static int dax(struct lw_lake *l, const char *id, const char *query,
	       cJSON **rows, struct lw_err *err)
{
	cJSON *req = cJSON_CreateObject();
	cJSON *qs = cJSON_AddArrayToObject(req, "queries");
	cJSON *q = cJSON_CreateObject();
	cJSON_AddStringToObject(q, "query", query);
	cJSON_AddItemToArray(qs, q);
	cJSON_AddBoolToObject(cJSON_AddObjectToObject(req, "serializerSettings"),
			      "includeNulls", true);
	char *json = cJSON_PrintUnformatted(req);
	cJSON_Delete(req);
	char *path = lw_xasprintf("/groups/%s/datasets/%s/executeQueries",
				  l->workspace, id);
	char *body = NULL;
	size_t len = 0;
	long st;
	rate_limit(l);
	int rc = call(l, "POST", path, json, &body, &len, &st, err);
	free(json);
	free(path);
	if (rc == LW_OK)
		rc = lw_pbi_parse_query(body, len, rows, err);
	free(body);
	return rc;
}

/* A whole number in int64 range (converting others is undefined). */
static bool whole(double d)
{
	return d >= -9.2e18 && d <= 9.2e18 && d == (double)(int64_t)d;
}

static const cJSON *first_value(const cJSON *rows)
{
	const cJSON *row = cJSON_GetArrayItem(rows, 0);
	return row ? row->child : NULL;
}

/* Columns from INFO.VIEW.COLUMNS(), which has data types. Where the
 * service refuses INFO functions, COLUMNSTATISTICS() still names the
 * columns; their types then come from the JSON type of [Max]. */
static int observe_columns(struct lw_lake *l, const char *id,
			   const char *table, struct lw_obs *obs,
			   struct lw_err *err)
{
	char *name = lw_pbi_dax_string(table);
	char *q = lw_xasprintf("EVALUATE FILTER(INFO.VIEW.COLUMNS(), "
			       "[Table] = %s)", name);
	cJSON *rows = NULL;
	int rc = dax(l, id, q, &rows, err);
	free(q);
	bool typed = rc == LW_OK;
	if (rc == LW_EPARSE) {
		cJSON_AddStringToObject(cJSON_GetObjectItem(obs->detail,
			"powerbi"), "columns_from", "COLUMNSTATISTICS");
		q = lw_xasprintf("EVALUATE FILTER(COLUMNSTATISTICS(), "
				 "[Table Name] = %s)", name);
		rc = dax(l, id, q, &rows, err);
		free(q);
	}
	free(name);
	const cJSON *row;
	cJSON_ArrayForEach(row, rows) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(row,
			typed ? "[Name]" : "[Column Name]");
		if (!cJSON_IsString(n) || lw_str_starts(n->valuestring,
							"RowNumber-"))
			continue;
		const cJSON *dt = cJSON_GetObjectItemCaseSensitive(row,
								   "[DataType]");
		const cJSON *mx = cJSON_GetObjectItemCaseSensitive(row, "[Max]");
		int64_t t;
		const char *type = typed ? (cJSON_IsString(dt) ? dt->valuestring :
								  NULL) :
			cJSON_IsNumber(mx) ? (whole(mx->valuedouble) ? "Int64" :
								      "Double") :
			cJSON_IsBool(mx) ? "Boolean" :
			cJSON_IsString(mx) && lw_time_parse(mx->valuestring, &t) ==
				LW_OK ? "DateTime" :
			cJSON_IsString(mx) ? "String" : NULL;
		struct lw_column *c = lw_schema_add(&obs->schema, n->valuestring,
						    LW_T_UNKNOWN, type);
		lw_pbi_map_type(type, c);
	}
	obs->has_schema = rc == LW_OK;
	cJSON_Delete(rows);
	return rc;
}

static int observe_table(struct lw_lake *l, const char *id,
			 const struct lw_pbi_opts *po, struct lw_obs *obs,
			 struct lw_err *err)
{
	char *t = lw_pbi_dax_table(po->table), *q;
	cJSON *rows = NULL;
	q = lw_xasprintf("EVALUATE ROW(\"n\", COUNTROWS(%s))", t);
	int rc = dax(l, id, q, &rows, err);
	free(q);
	const cJSON *v = first_value(rows);
	if (rc == LW_OK && cJSON_IsNumber(v) && v->valuedouble >= 0 &&
	    v->valuedouble <= 9.2e18)
		obs->rows = (int64_t)v->valuedouble;
	else if (rc == LW_OK && cJSON_IsNumber(v))
		rc = lw_err_set(err, LW_EPARSE, "COUNTROWS of '%s' gave %g, "
				"not a row count", po->table, v->valuedouble);
	else if (rc == LW_OK)
		obs->rows = 0;	/* COUNTROWS of an empty table is blank */
	cJSON_Delete(rows);
	rows = NULL;
	if (rc == LW_OK && po->timestamp_column) {
		char *col = lw_pbi_dax_table(po->timestamp_column);
		col[0] = '[';
		col[strlen(col) - 1] = ']';
		q = lw_xasprintf("EVALUATE ROW(\"t\", MAX(%s%s))", t, col);
		rc = dax(l, id, q, &rows, err);
		free(q);
		free(col);
		v = first_value(rows);
		int64_t ts;
		if (rc == LW_OK && cJSON_IsString(v) &&
		    lw_time_parse(v->valuestring, &ts) == LW_OK) {
			cJSON_AddNumberToObject(cJSON_GetObjectItem(obs->detail,
				"powerbi"), "newest_data", (double)ts);
			if (ts > obs->newest_mtime)
				obs->newest_mtime = ts;
		}
		cJSON_Delete(rows);
		rows = NULL;
	}
	if (rc == LW_OK && po->schema)
		rc = observe_columns(l, id, po->table, obs, err);
	free(t);
	return rc;
}

static int pbi_observe(struct lw_lake *l, const struct lw_dataset *ds,
		       struct lw_obs *obs)
{
	const struct lw_pbi_opts *po = ds->format == &lw_format_powerbi ?
		ds->format_opts : NULL;
	struct lw_err err;
	lw_err_clear(&err);
	char *id = NULL;
	int64_t q0 = l->queries, req0, in0, req1, in1;
	lw_http_stats(l->http, &req0, &in0);
	int rc = resolve(l, ds->path, &id, &err);
	cJSON *pbi = cJSON_AddObjectToObject(lw_obs_detail(obs), "powerbi");
	if (rc == LW_OK) {
		cJSON_AddStringToObject(pbi, "dataset_id", id);
		rc = observe_refreshes(l, id, po, obs, pbi, &err);
	}
	if (rc == LW_OK)
		observe_schedule(l, id, pbi);
	if (rc == LW_OK && po && po->table)
		rc = observe_table(l, id, po, obs, &err);
	cJSON_AddNumberToObject(pbi, "queries", (double)(l->queries - q0));
	lw_http_stats(l->http, &req1, &in1);
	cJSON_AddNumberToObject(pbi, "requests", (double)(req1 - req0));
	obs->bytes_read += in1 - in0;
	free(id);
	if (rc)
		lw_obs_fail(obs, "%s", err.msg);
	return rc;
}

static void pbi_stats(struct lw_lake *l, int64_t *requests, int64_t *bytes_in)
{
	lw_http_stats(l->http, requests, bytes_in);
}

const struct lw_lake_kind lw_lake_powerbi = {
	.name = "powerbi",
	.open = pbi_open,
	.close = pbi_close,
	.observe = pbi_observe,
	.stats = pbi_stats,
};

/* ---- the "powerbi" format: a Power BI dataset's options ---- */

static int pbi_options(const cJSON *node, void **opts, struct lw_cfgctx *cc)
{
	static const char *const keys[] = {"table", "timestamp_column",
		"refresh_top", "schema", NULL};
	struct lw_pbi_opts *o = lw_xcalloc(1, sizeof *o);
	o->refresh_top = 20;
	o->schema = true;
	*opts = o;
	if (!node)
		return LW_OK;
	const char *t = NULL, *ts = NULL;
	int64_t top = 20;
	if (lw_cfg_keys(cc, node, "format_options", keys) ||
	    lw_cfg_str(cc, node, "table", false, &t) ||
	    lw_cfg_str(cc, node, "timestamp_column", false, &ts) ||
	    lw_cfg_int(cc, node, "refresh_top", false, &top) ||
	    lw_cfg_bool(cc, node, "schema", false, &o->schema))
		return LW_ECONFIG;
	if (top < 1 || top > 1000)
		return lw_cfg_error(cc, node, "refresh_top must be 1 to 1000");
	if ((t && strlen(t) > 512) || (ts && strlen(ts) > 512))
		return lw_cfg_error(cc, node, "table and column names are at "
				    "most 512 characters");
	o->refresh_top = (int)top;
	o->table = lw_xstrdup(t);
	o->timestamp_column = lw_xstrdup(ts);
	return LW_OK;
}

static void pbi_free_options(void *p)
{
	struct lw_pbi_opts *o = p;
	if (!o)
		return;
	free(o->table);
	free(o->timestamp_column);
	free(o);
}

const struct lw_format lw_format_powerbi = {
	.name = "powerbi",
	.options = pbi_options,
	.free_options = pbi_free_options,
};
