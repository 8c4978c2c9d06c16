/* model.c - statuses, layers, types, schemas, observations, results. */
#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "lakewatch/model.h"
#include "lakewatch/err.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"

static const char *const status_names[] = {"PASS", "WARN", "FAIL", "ERROR"};

const char *lw_status_name(enum lw_status s)
{
	return (unsigned)s < LW_NSTATUS ? status_names[s] : "?";
}

const char *lw_status_glyph(enum lw_status s, bool utf8)
{
	static const char *const u[LW_NSTATUS] = {
		"\xe2\x9c\x93", "!", "\xe2\x9c\x97", "\xe2\x8a\x98"
	};
	static const char *const a[LW_NSTATUS] = { "+", "!", "X", "E" };

	if ((unsigned)s >= LW_NSTATUS)
		s = LW_ERROR;
	return utf8 ? u[s] : a[s];
}

int lw_status_parse(const char *s, enum lw_status *out)
{
	for (int i = 0; i < LW_NSTATUS; i++)
		if (strcasecmp(s, status_names[i]) == 0) {
			*out = (enum lw_status)i;
			return LW_OK;
		}
	return LW_EPARSE;
}

static const char *const layer_names[] = {"bronze", "silver", "gold", "powerbi"};
static const char *const layer_titles[] = {"Bronze", "Silver", "Gold", "Power BI"};

const char *lw_layer_name(enum lw_layer l)
{
	return (unsigned)l < LW_NLAYERS ? layer_names[l] : "?";
}

const char *lw_layer_title(enum lw_layer l)
{
	return (unsigned)l < LW_NLAYERS ? layer_titles[l] : "?";
}

int lw_layer_parse(const char *s, enum lw_layer *out)
{
	for (int i = 0; i < LW_NLAYERS; i++)
		if (strcasecmp(s, layer_names[i]) == 0) {
			*out = (enum lw_layer)i;
			return LW_OK;
		}
	if (strcasecmp(s, "power bi") == 0 || strcasecmp(s, "power_bi") == 0) {
		*out = LW_POWERBI;
		return LW_OK;
	}
	return LW_EPARSE;
}

static const char *const type_names[] = {
	"unknown", "string", "int32", "int64", "float", "double", "boolean",
	"date", "timestamp", "decimal", "binary", "list", "struct", "map", "null",
	"variant"
};
_Static_assert(sizeof type_names / sizeof type_names[0] == LW_T_VARIANT + 1,
	       "a name for every enum lw_type");

const char *lw_type_fmt(const struct lw_column *c, char *buf, size_t n)
{
	if (c->type == LW_T_DECIMAL)
		snprintf(buf, n, "decimal(%d,%d)", c->precision, c->scale);
	else
		snprintf(buf, n, "%s", (unsigned)c->type <= LW_T_VARIANT ?
			 type_names[c->type] : "unknown");
	return buf;
}

int lw_type_parse(const char *s, enum lw_type *t, int *precision, int *scale)
{
	static const struct { const char *name; enum lw_type t; } alias[] = {
		{"string", LW_T_STRING}, {"text", LW_T_STRING},
		{"varchar", LW_T_STRING}, {"utf8", LW_T_STRING},
		{"int32", LW_T_INT32}, {"int", LW_T_INT32},
		{"integer", LW_T_INT32}, {"int64", LW_T_INT64},
		{"bigint", LW_T_INT64}, {"long", LW_T_INT64},
		{"float", LW_T_FLOAT}, {"real", LW_T_FLOAT},
		{"double", LW_T_DOUBLE}, {"boolean", LW_T_BOOLEAN},
		{"bool", LW_T_BOOLEAN}, {"date", LW_T_DATE},
		{"timestamp", LW_T_TIMESTAMP}, {"datetime", LW_T_TIMESTAMP},
		{"binary", LW_T_BINARY}, {"bytes", LW_T_BINARY},
		{"list", LW_T_LIST}, {"array", LW_T_LIST},
		{"struct", LW_T_STRUCT}, {"record", LW_T_STRUCT},
		{"map", LW_T_MAP}, {"null", LW_T_NULL}, {"void", LW_T_NULL},
		{"variant", LW_T_VARIANT},
	};
	int p = 0, sc = 0;
	if (strncasecmp(s, "decimal", 7) == 0) {
		const char *q = s + 7;
		if (*q == '\0') {
			*t = LW_T_DECIMAL;
			if (precision) *precision = 0;
			if (scale) *scale = 0;
			return LW_OK;
		}
		char end;
		if (sscanf(q, "(%d,%d%c", &p, &sc, &end) != 3 || end != ')' ||
		    q[strlen(q) - 1] != ')' || p < 1 || p > 76 || sc < 0 || sc > p)
			return LW_EPARSE;
		*t = LW_T_DECIMAL;
		if (precision) *precision = p;
		if (scale) *scale = sc;
		return LW_OK;
	}
	for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
		if (strcasecmp(s, alias[i].name) == 0) {
			*t = alias[i].t;
			if (precision) *precision = 0;
			if (scale) *scale = 0;
			return LW_OK;
		}
	return LW_EPARSE;
}

bool lw_column_same_type(const struct lw_column *a, const struct lw_column *b)
{
	if (a->type != b->type)
		return false;
	if (a->type == LW_T_DECIMAL)
		return a->precision == b->precision && a->scale == b->scale;
	return true;
}

void lw_schema_init(struct lw_schema *s)
{
	s->cols = NULL;
	s->n = s->cap = 0;
}

void lw_schema_free(struct lw_schema *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->cols[i].name);
		free(s->cols[i].physical);
	}
	free(s->cols);
	lw_schema_init(s);
}

/* The column is owned by s; the pointer is valid until the next add. */
struct lw_column *lw_schema_add(struct lw_schema *s, const char *name,
				enum lw_type t, const char *physical)
{
	assert(s && s->n <= s->cap);
	lw_xgrow((void **)&s->cols, &s->cap, s->n, sizeof *s->cols);
	struct lw_column *c = &s->cols[s->n++];
	memset(c, 0, sizeof *c);
	c->name = lw_xstrdup(name ? name : "");
	c->type = t;
	c->nullable = true;
	c->physical = lw_xstrdup(physical);
	return c;
}

const struct lw_column *lw_schema_find(const struct lw_schema *s,
				       const char *name)
{
	assert(s && name);
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->cols[i].name, name) == 0)
			return &s->cols[i];
	return NULL;
}

void lw_schema_copy(struct lw_schema *dst, const struct lw_schema *src)
{
	lw_schema_init(dst);
	for (size_t i = 0; i < src->n; i++) {
		const struct lw_column *c = &src->cols[i];
		struct lw_column *d = lw_schema_add(dst, c->name, c->type,
						    c->physical);
		d->precision = c->precision;
		d->scale = c->scale;
		d->nullable = c->nullable;
	}
}

/* Caller owns the array. */
cJSON *lw_schema_to_json(const struct lw_schema *s)
{
	cJSON *a = cJSON_CreateArray();
	char tb[32];
	for (size_t i = 0; i < s->n; i++) {
		const struct lw_column *c = &s->cols[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", c->name);
		cJSON_AddStringToObject(o, "type", lw_type_fmt(c, tb, sizeof tb));
		cJSON_AddBoolToObject(o, "nullable", c->nullable);
		if (c->physical)
			cJSON_AddStringToObject(o, "physical", c->physical);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

int lw_schema_from_json(const cJSON *j, struct lw_schema *s)
{
	lw_schema_init(s);
	if (!cJSON_IsArray(j))
		return LW_EPARSE;
	const cJSON *o;
	cJSON_ArrayForEach(o, j) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, "name");
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "type");
		const cJSON *ph = cJSON_GetObjectItemCaseSensitive(o, "physical");
		const cJSON *nu = cJSON_GetObjectItemCaseSensitive(o, "nullable");
		enum lw_type ty;
		int p = 0, sc = 0;
		if (!cJSON_IsString(n) || !cJSON_IsString(t) ||
		    lw_type_parse(t->valuestring, &ty, &p, &sc) != LW_OK) {
			lw_schema_free(s);
			return LW_EPARSE;
		}
		struct lw_column *c = lw_schema_add(s, n->valuestring, ty,
			cJSON_IsString(ph) ? ph->valuestring : NULL);
		c->precision = p;
		c->scale = sc;
		c->nullable = !cJSON_IsFalse(nu);
	}
	return LW_OK;
}

void lw_obs_init(struct lw_obs *o)
{
	memset(o, 0, sizeof *o);
	o->ok = true;
	o->min_file_size = o->max_file_size = -1;
	o->newest_mtime = o->oldest_mtime = -1;
	o->rows = -1;
	o->newest_part_time = -1;
	lw_schema_init(&o->schema);
}

void lw_obs_free(struct lw_obs *o)
{
	free(o->error);
	lw_schema_free(&o->schema);
	for (size_t i = 0; i < o->nparts; i++)
		free(o->parts[i].key);
	free(o->parts);
	for (size_t i = 0; i < o->nentries; i++)
		free(o->entries[i].path);
	free(o->entries);
	for (size_t i = 0; i < o->nferrs; i++) {
		free(o->ferrs[i].path);
		free(o->ferrs[i].msg);
	}
	free(o->ferrs);
	for (size_t i = 0; i < o->nfwarns; i++) {
		free(o->fwarns[i].path);
		free(o->fwarns[i].msg);
	}
	free(o->fwarns);
	cJSON_Delete(o->detail);
	free(o->cache_note);
	lw_obs_facts_free(o);
	lw_obs_init(o);
}

void lw_obs_fail(struct lw_obs *o, const char *fmt, ...)
{
	char msg[LW_ERR_MSG];
	va_list ap;
	va_start(ap, fmt);
	lw_redact_vfmt(msg, sizeof msg, fmt, ap);	/* redact, then cut */
	va_end(ap);
	free(o->error);
	o->error = lw_xstrdup(msg);
	o->ok = false;
}

/* Append (path, message) to the list *v of *n entries; copies both. */
static void add_file_problem(struct lw_file_error **v, size_t *n, size_t *cap,
			     const char *path, const char *fmt, va_list ap)
{
	char msg[LW_ERR_MSG];
	lw_redact_vfmt(msg, sizeof msg, fmt, ap);	/* redact, then cut */
	lw_xgrow((void **)v, cap, *n, sizeof **v);
	(*v)[*n].path = lw_xstrdup(path);
	(*v)[*n].msg = lw_xstrdup(msg);
	(*n)++;
}

void lw_obs_add_ferr(struct lw_obs *o, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_file_problem(&o->ferrs, &o->nferrs, &o->capferrs, path, fmt, ap);
	va_end(ap);
}

void lw_obs_add_fwarn(struct lw_obs *o, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_file_problem(&o->fwarns, &o->nfwarns, &o->capfwarns, path, fmt,
			 ap);
	va_end(ap);
}

/* Owned by o. */
cJSON *lw_obs_detail(struct lw_obs *o)
{
	if (!o->detail)
		o->detail = cJSON_CreateObject();
	return o->detail;
}

static void add_int(cJSON *o, const char *k, int64_t v)
{
	cJSON_AddNumberToObject(o, k, (double)v);
}

static int64_t get_int(const cJSON *o, const char *k, int64_t dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	/* stored JSON is read back from a file: converting an out-of-range
	 * double (2^63 after a saturated sum, 1e300) is undefined */
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= -9.2e18 &&
				    v->valuedouble <= 9.2e18))
		return dflt;
	return (int64_t)v->valuedouble;
}

/* Caller owns the object. */
cJSON *lw_obs_to_json(const struct lw_obs *o)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddBoolToObject(j, "ok", o->ok);
	if (o->error)
		cJSON_AddStringToObject(j, "error", o->error);
	add_int(j, "at", o->at);
	add_int(j, "files", o->files);
	add_int(j, "bytes", o->bytes);
	add_int(j, "empty_files", o->empty_files);
	add_int(j, "min_file_size", o->min_file_size);
	add_int(j, "max_file_size", o->max_file_size);
	add_int(j, "newest_mtime", o->newest_mtime);
	add_int(j, "oldest_mtime", o->oldest_mtime);
	add_int(j, "rows", o->rows);
	add_int(j, "bytes_read", o->bytes_read);
	if (o->bytes_decompressed)
		add_int(j, "bytes_decompressed", o->bytes_decompressed);
	add_int(j, "newest_part_time", o->newest_part_time);
	if (o->has_schema)
		cJSON_AddItemToObject(j, "schema", lw_schema_to_json(&o->schema));
	cJSON *parts = cJSON_AddArrayToObject(j, "partitions");
	for (size_t i = 0; i < o->nparts; i++) {
		cJSON *p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "key", o->parts[i].key);
		add_int(p, "time", o->parts[i].time);
		add_int(p, "files", o->parts[i].files);
		add_int(p, "bytes", o->parts[i].bytes);
		add_int(p, "rows", o->parts[i].rows);
		cJSON_AddItemToArray(parts, p);
	}
	cJSON *fe = cJSON_AddArrayToObject(j, "file_errors");
	for (size_t i = 0; i < o->nferrs && i < 50; i++) {
		cJSON *p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "path", o->ferrs[i].path);
		cJSON_AddStringToObject(p, "message", o->ferrs[i].msg);
		cJSON_AddItemToArray(fe, p);
	}
	add_int(j, "file_error_count", (int64_t)o->nferrs);
	if (o->detail)
		cJSON_AddItemToObject(j, "detail", cJSON_Duplicate(o->detail, 1));
	return j;
}

int lw_obs_from_json(const cJSON *j, struct lw_obs *o)
{
	lw_obs_init(o);
	if (!cJSON_IsObject(j))
		return LW_EPARSE;
	o->ok = !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(j, "ok"));
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
	if (cJSON_IsString(e))
		o->error = lw_xstrdup(e->valuestring);
	o->at = get_int(j, "at", 0);
	o->files = get_int(j, "files", 0);
	o->bytes = get_int(j, "bytes", 0);
	o->empty_files = get_int(j, "empty_files", 0);
	o->min_file_size = get_int(j, "min_file_size", -1);
	o->max_file_size = get_int(j, "max_file_size", -1);
	o->newest_mtime = get_int(j, "newest_mtime", -1);
	o->oldest_mtime = get_int(j, "oldest_mtime", -1);
	o->rows = get_int(j, "rows", -1);
	o->bytes_read = get_int(j, "bytes_read", 0);
	o->bytes_decompressed = get_int(j, "bytes_decompressed", 0);
	o->newest_part_time = get_int(j, "newest_part_time", -1);
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(j, "schema");
	if (s) {
		if (lw_schema_from_json(s, &o->schema) != LW_OK) {
			lw_obs_free(o);
			return LW_EPARSE;
		}
		o->has_schema = true;
	}
	const cJSON *p;
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(j, "partitions")) {
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(p, "key");
		if (!cJSON_IsString(k))
			continue;
		lw_xgrow((void **)&o->parts, &o->capparts, o->nparts,
			 sizeof *o->parts);
		struct lw_partition *pt = &o->parts[o->nparts++];
		pt->key = lw_xstrdup(k->valuestring);
		pt->time = get_int(p, "time", -1);
		pt->files = get_int(p, "files", 0);
		pt->bytes = get_int(p, "bytes", 0);
		pt->rows = get_int(p, "rows", -1);
	}
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(j, "file_errors")) {
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(p, "path");
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(p, "message");
		if (cJSON_IsString(a) && cJSON_IsString(m))
			lw_obs_add_ferr(o, a->valuestring, "%s", m->valuestring);
	}
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "detail");
	if (cJSON_IsObject(d))
		o->detail = cJSON_Duplicate(d, 1);
	lw_obs_facts_from_detail(o);	/* so checks comparing with prev work */
	return LW_OK;
}

void lw_result_set(struct lw_result *r, const char *check, enum lw_status st,
		   const char *measured, const char *threshold,
		   const char *fmt, ...)
{
	char msg[LW_ERR_MSG];
	va_list ap;
	va_start(ap, fmt);
	lw_redact_vfmt(msg, sizeof msg, fmt, ap);	/* redact, then cut */
	va_end(ap);
	lw_result_free(r);
	r->check = lw_xstrdup(check);
	r->status = st;
	r->measured = lw_redact_dup(measured ? measured : "");
	r->threshold = lw_redact_dup(threshold ? threshold : "");
	r->message = lw_redact_dup(msg);
}

void lw_result_free(struct lw_result *r)
{
	free(r->check);
	free(r->measured);
	free(r->threshold);
	free(r->message);
	double v = r->value;
	bool hv = r->has_value;
	memset(r, 0, sizeof *r);
	r->value = v;
	r->has_value = hv;
}
