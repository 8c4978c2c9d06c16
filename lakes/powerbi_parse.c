/* powerbi_parse.c - the Power BI REST answers lakewatch reads, parsed with
 * cJSON into small structs. Anything unexpected is an error that says what
 * was expected where; nothing is guessed. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "lakewatch/powerbi.h"
#include "lakewatch/buf.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"

/* Parse json; on failure err says where the JSON broke. Caller owns it. */
static cJSON *parse(const char *json, size_t len, const char *what,
		    struct lw_err *err)
{
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
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

/* The "value" array of an OData answer. */
static const cJSON *value_array(const cJSON *root, const char *what,
				struct lw_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "value");
	if (!cJSON_IsArray(v))
		lw_err_set(err, LW_EPARSE, "%s: expected an object with a "
			   "\"value\" array", what);
	return cJSON_IsArray(v) ? v : NULL;
}

/* The most specific message of a Power BI error object. */
static void error_text(const cJSON *e, char *buf, size_t n)
{
	const char *code = str(e, "code"), *msg = str(e, "message");
	const cJSON *pbi = cJSON_GetObjectItemCaseSensitive(e, "pbi.error");
	const cJSON *details = cJSON_GetObjectItemCaseSensitive(pbi, "details");
	const char *detail = NULL;
	const cJSON *d;
	cJSON_ArrayForEach(d, details) {
		const cJSON *dd = cJSON_GetObjectItemCaseSensitive(d, "detail");
		if (str(dd, "value"))
			detail = str(dd, "value");
	}
	/* redact, then cut: a service that echoes the request's token
	 * (encoded, so no "Bearer " gives it away) across the cut would
	 * otherwise leave its start behind */
	lw_redact_fmt(buf, n, "%s%s%s", code ? code : "error",
		      detail || msg ? ": " : "", detail ? detail : msg ? msg : "");
}

/* An error the service put inside its 200 answer: {"error": {"code",
 * "message"}}. Returns LW_EPARSE after naming it, LW_OK when none. */
static int error_inside(const cJSON *root, const char *what,
			struct lw_err *err)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "error");
	if (!e)
		return LW_OK;
	char text[512];
	error_text(e, text, sizeof text);	/* redacted, as the DAX answers' */
	return lw_err_set(err, LW_EPARSE, "%s: the service answered an error: "
			  "%s", what, text);
}

/* The "value" array of the OData answer json, an error inside it named:
 * *root is the caller's (cJSON_Delete) when the array is returned; NULL
 * (nothing to free) after err says why. */
static const cJSON *value_of(const char *json, size_t len, const char *what,
			     cJSON **root, struct lw_err *err)
{
	const cJSON *arr = NULL;
	*root = parse(json, len, what, err);
	if (*root && error_inside(*root, what, err) == LW_OK)
		arr = value_array(*root, what, err);
	if (!arr) {
		cJSON_Delete(*root);
		*root = NULL;
	}
	return arr;
}

int lw_pbi_parse_datasets(const char *json, size_t len,
			  struct lw_pbi_dataset **out, size_t *n,
			  struct lw_err *err)
{
	*out = NULL;
	*n = 0;
	cJSON *root;
	const cJSON *arr = value_of(json, len, "datasets", &root, err), *d;
	if (!arr)
		return LW_EPARSE;
	*out = lw_xcalloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof **out);
	cJSON_ArrayForEach(d, arr) {
		const char *id = str(d, "id"), *name = str(d, "name");
		if (!id || !name)
			continue;	/* not a dataset we can name */
		struct lw_pbi_dataset *x = &(*out)[(*n)++];
		x->id = lw_xstrdup(id);
		x->name = lw_xstrdup(name);
		x->refreshable = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
			d, "isRefreshable"));
	}
	cJSON_Delete(root);
	return LW_OK;
}

/* A copy of o[k] when it is a non-empty string, else NULL. */
static char *dup_str(const cJSON *o, const char *k)
{
	const char *v = str(o, k);
	return v && v[0] ? lw_xstrdup(v) : NULL;
}

int lw_pbi_parse_datasources(const char *json, size_t len,
			     struct lw_powerbi_source **out, size_t *n,
			     struct lw_err *err)
{
	*out = NULL;
	*n = 0;
	cJSON *root;
	const cJSON *arr = value_of(json, len, "datasources", &root, err), *d;
	if (!arr)
		return LW_EPARSE;
	*out = lw_xcalloc(LW_PBI_SOURCES_MAX + 1, sizeof **out);
	cJSON_ArrayForEach(d, arr) {
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(
			d, "connectionDetails");
		if (*n == LW_PBI_SOURCES_MAX)
			break;
		if (!cJSON_IsObject(c))
			continue;	/* nothing to match it by */
		struct lw_powerbi_source *x = &(*out)[(*n)++];
		x->type = dup_str(d, "datasourceType");
		x->server = dup_str(c, "server");
		x->database = dup_str(c, "database");
		x->path = dup_str(c, "url");
		if (!x->path)
			x->path = dup_str(c, "path");
	}
	cJSON_Delete(root);
	return LW_OK;
}

void lw_pbi_datasets_free(struct lw_pbi_dataset *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(d[i].id);
		free(d[i].name);
	}
	free(d);
}

static int64_t when(const cJSON *o, const char *k)
{
	const char *s = str(o, k);
	int64_t t;
	return s && lw_time_parse(s, &t) == LW_OK ? t : -1;
}

/* serviceExceptionJson is JSON inside a string: {"errorCode": "..."}. */
static char *error_code(const cJSON *r)
{
	const char *sej = str(r, "serviceExceptionJson");
	if (!sej)
		return NULL;
	cJSON *e = cJSON_Parse(sej);
	const char *code = str(e, "errorCode");
	char *out = lw_xstrdup(code ? code : "unknown (serviceExceptionJson "
			       "has no errorCode)");
	cJSON_Delete(e);
	return out;
}

int lw_pbi_parse_refreshes(const char *json, size_t len,
			   struct lw_pbi_refresh **out, size_t *n,
			   struct lw_err *err)
{
	*out = NULL;
	*n = 0;
	cJSON *root = parse(json, len, "refresh history", err);
	if (!root)
		return LW_EPARSE;
	const cJSON *arr = value_array(root, "refresh history", err), *r;
	if (!arr) {
		cJSON_Delete(root);
		return LW_EPARSE;
	}
	*out = lw_xcalloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof **out);
	cJSON_ArrayForEach(r, arr) {
		const char *status = str(r, "status");
		if (!status) {
			lw_pbi_refreshes_free(*out, *n);
			*out = NULL;
			*n = 0;
			cJSON_Delete(root);
			return lw_err_set(err, LW_EPARSE, "refresh history: a "
					  "refresh has no \"status\"");
		}
		struct lw_pbi_refresh *x = &(*out)[(*n)++];
		const char *rid = str(r, "requestId");
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(r, "id");
		if (rid)
			x->request_id = lw_xstrdup(rid);
		else if (cJSON_IsNumber(id))
			x->request_id = lw_xasprintf("%.0f", id->valuedouble);
		else
			x->request_id = lw_xasprintf("start-%lld",
						     (long long)when(r, "startTime"));
		x->status = lw_xstrdup(status);
		x->type = lw_xstrdup(str(r, "refreshType"));
		x->error_code = error_code(r);
		x->start = when(r, "startTime");
		x->end = when(r, "endTime");
	}
	cJSON_Delete(root);
	return LW_OK;
}

void lw_pbi_refreshes_free(struct lw_pbi_refresh *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r[i].request_id);
		free(r[i].status);
		free(r[i].type);
		free(r[i].error_code);
	}
	free(r);
}

int lw_pbi_parse_schedule(const char *json, size_t len,
			  struct lw_pbi_schedule *out, struct lw_err *err)
{
	memset(out, 0, sizeof *out);
	cJSON *root = parse(json, len, "refresh schedule", err);
	if (!root)
		return LW_EPARSE;
	const cJSON *days = cJSON_GetObjectItemCaseSensitive(root, "days");
	const cJSON *times = cJSON_GetObjectItemCaseSensitive(root, "times");
	const cJSON *en = cJSON_GetObjectItemCaseSensitive(root, "enabled");
	if (!cJSON_IsBool(en)) {
		cJSON_Delete(root);
		return lw_err_set(err, LW_EPARSE, "refresh schedule: expected "
				  "\"enabled\": true/false");
	}
	out->enabled = cJSON_IsTrue(en);
	out->ndays = cJSON_IsArray(days) ? cJSON_GetArraySize(days) : 0;
	out->ntimes = cJSON_IsArray(times) ? cJSON_GetArraySize(times) : 0;
	/* No days listed means every day; no times means once a day. A
	 * week has 7 days and the service allows 48 times a day: longer
	 * lists repeat entries, and must not overflow d * t. */
	int d = out->ndays ? out->ndays : 7, t = out->ntimes ? out->ntimes : 1;
	if (d > 7)
		d = 7;
	if (t > 48)
		t = 48;
	out->interval = 7 * 86400 / (d * t);
	cJSON_Delete(root);
	return LW_OK;
}

int lw_pbi_parse_query(const char *json, size_t len, cJSON **rows,
		       struct lw_err *err)
{
	*rows = NULL;
	cJSON *root = parse(json, len, "query result", err);
	if (!root)
		return LW_EPARSE;
	char text[512];
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "error");
	const cJSON *res = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
		root, "results"), 0);
	const cJSON *tab = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
		res, "tables"), 0);
	if (!e)
		e = cJSON_GetObjectItemCaseSensitive(res, "error");
	if (!e)
		e = cJSON_GetObjectItemCaseSensitive(tab, "error");
	int rc = LW_OK;
	if (e) {
		error_text(e, text, sizeof text);
		rc = lw_err_set(err, LW_EPARSE, "DAX query failed: %s", text);
	} else if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(tab, "rows"))) {
		rc = lw_err_set(err, LW_EPARSE, "query result: expected "
				"results[0].tables[0].rows");
	} else {
		*rows = cJSON_DetachItemFromObjectCaseSensitive((cJSON *)tab,
								"rows");
	}
	cJSON_Delete(root);
	return rc;
}

void lw_pbi_map_type(const char *dt, struct lw_column *c)
{
	static const struct { const char *name; enum lw_type t; } map[] = {
		{"String", LW_T_STRING}, {"Text", LW_T_STRING},
		{"Int64", LW_T_INT64}, {"Integer", LW_T_INT64},
		{"WholeNumber", LW_T_INT64}, {"Double", LW_T_DOUBLE},
		{"Number", LW_T_DOUBLE}, {"DateTime", LW_T_TIMESTAMP},
		{"Date", LW_T_DATE}, {"Boolean", LW_T_BOOLEAN},
		{"Binary", LW_T_BINARY}, {"Decimal", LW_T_DECIMAL},
		{"Currency", LW_T_DECIMAL},
	};
	c->type = LW_T_UNKNOWN;
	for (size_t i = 0; dt && i < sizeof map / sizeof map[0]; i++)
		if (strcasecmp(dt, map[i].name) == 0)
			c->type = map[i].t;
	if (c->type == LW_T_DECIMAL) {
		/* Power BI's fixed decimal number: 19 digits, 4 decimals */
		c->precision = 19;
		c->scale = 4;
	}
}

/* s between quote characters q, each q inside doubled. The buffer is
 * sized from s (every byte doubled at worst), so no append can fail.
 * Caller frees. */
static char *dax_quote(const char *s, char q)
{
	struct lw_buf b;
	int rc;
	assert(s != NULL);
	lw_buf_init(&b, 2 * strlen(s) + 2);
	rc = lw_buf_addc(&b, q);
	for (; *s && rc == LW_OK; s++) {
		if (*s == q)
			rc = lw_buf_addc(&b, q);
		if (rc == LW_OK)
			rc = lw_buf_addc(&b, *s);
	}
	if (rc == LW_OK)
		rc = lw_buf_addc(&b, q);
	assert(rc == LW_OK);
	(void)rc;
	return lw_buf_steal(&b);
}

/* 'Table Name' with ' doubled. Caller frees. */
char *lw_pbi_dax_table(const char *t)
{
	return dax_quote(t, '\'');
}

/* "text" with " doubled. Caller frees. */
char *lw_pbi_dax_string(const char *s)
{
	return dax_quote(s, '"');
}
