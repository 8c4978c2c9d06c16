/* fileobs.c - what a file format saw in one file, and its stored form (the
 * per-file observation cache keeps it between polls). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/format.h"
#include "lakewatch/util.h"

void lw_file_obs_init(struct lw_file_obs *fo)
{
	memset(fo, 0, sizeof *fo);
	fo->rows = -1;
	lw_schema_init(&fo->schema);
}

void lw_file_obs_free(struct lw_file_obs *fo)
{
	lw_schema_free(&fo->schema);
	cJSON_Delete(fo->detail);
	free(fo->parquet.created_by);
	free(fo->avro.codec);
	free(fo->warning);
	lw_file_obs_init(fo);
}

static void add_i64(cJSON *o, const char *k, int64_t v)
{
	cJSON_AddNumberToObject(o, k, (double)v);
}

/* Owned by the caller (cJSON_Delete). What reading cost (bytes_read) is
 * left out: a file taken from the cache costs nothing. */
cJSON *lw_file_obs_to_json(const struct lw_file_obs *fo)
{
	cJSON *j = cJSON_CreateObject();
	add_i64(j, "rows", fo->rows);
	if (fo->bytes_decompressed)
		add_i64(j, "inflated", fo->bytes_decompressed);
	if (fo->detail)
		cJSON_AddItemToObject(j, "detail", cJSON_Duplicate(fo->detail, 1));
	if (fo->parquet.present) {
		cJSON *p = cJSON_AddObjectToObject(j, "parquet");
		if (fo->parquet.has_row_groups)
			add_i64(p, "row_groups", fo->parquet.row_groups);
		if (fo->parquet.created_by)
			cJSON_AddStringToObject(p, "created_by",
						fo->parquet.created_by);
	}
	if (fo->avro.present) {
		cJSON *a = cJSON_AddObjectToObject(j, "avro");
		if (fo->avro.codec)
			cJSON_AddStringToObject(a, "codec", fo->avro.codec);
		if (fo->avro.has_blocks)
			add_i64(a, "blocks", fo->avro.blocks);
		if (fo->avro.has_empty_files)
			add_i64(a, "empty_files", fo->avro.empty_files);
	}
	if (fo->warning)
		cJSON_AddStringToObject(j, "warning", fo->warning);
	/* last, so lw_file_obs_from_memo can tell it apart unparsed */
	if (fo->has_schema)
		cJSON_AddItemToObject(j, "schema", lw_schema_to_json(&fo->schema));
	return j;
}

/* A whole number in int64 range, else false (a stored row is outside
 * input: a corrupt one must not become a wrong count). */
static bool get_i64(const cJSON *o, const char *k, bool need, int64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!v)
		return !need;
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= -9.2e18 &&
				     v->valuedouble <= 9.2e18) ||
	    floor(v->valuedouble) != v->valuedouble)
		return false;
	*out = (int64_t)v->valuedouble;
	return true;
}

static bool get_str(const cJSON *o, const char *k, char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!v)
		return true;
	if (!cJSON_IsString(v))
		return false;
	*out = lw_xstrdup(v->valuestring);
	return true;
}

static bool facts_from_json(const cJSON *j, struct lw_file_obs *fo)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "parquet");
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, "avro");
	if (p) {
		if (!cJSON_IsObject(p))
			return false;
		fo->parquet.present = true;
		fo->parquet.has_row_groups =
			cJSON_HasObjectItem(p, "row_groups");
		if (!get_i64(p, "row_groups", false, &fo->parquet.row_groups) ||
		    !get_str(p, "created_by", &fo->parquet.created_by))
			return false;
	}
	if (a) {
		if (!cJSON_IsObject(a))
			return false;
		fo->avro.present = true;
		fo->avro.has_blocks = cJSON_HasObjectItem(a, "blocks");
		fo->avro.has_empty_files = cJSON_HasObjectItem(a,
							       "empty_files");
		if (!get_str(a, "codec", &fo->avro.codec) ||
		    !get_i64(a, "blocks", false, &fo->avro.blocks) ||
		    !get_i64(a, "empty_files", false, &fo->avro.empty_files))
			return false;
	}
	return true;
}

/* See format.h. */
int lw_file_obs_from_json(const char *text, struct lw_file_obs *fo,
			  struct lw_err *err)
{
	lw_file_obs_init(fo);
	cJSON *j = text ? cJSON_Parse(text) : NULL;
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(j, "schema");
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "detail");
	const char *why = NULL;
	if (!cJSON_IsObject(j))
		why = "not a JSON object";
	else if (!get_i64(j, "rows", true, &fo->rows) || fo->rows < -1)
		why = "no row count";
	else if (!get_i64(j, "inflated", false, &fo->bytes_decompressed) ||
		 fo->bytes_decompressed < 0)
		why = "bad decompressed size";
	else if (s && (fo->has_schema = true) &&
		 lw_schema_from_json(s, &fo->schema) != LW_OK)
		why = "bad schema";
	else if (d && !cJSON_IsObject(d))
		why = "bad detail";
	else if (!facts_from_json(j, fo) || !get_str(j, "warning",
						    &fo->warning))
		why = "bad facts";
	if (!why && d)
		fo->detail = cJSON_Duplicate(d, 1);
	cJSON_Delete(j);
	if (why) {
		lw_file_obs_free(fo);
		return lw_err_set(err, LW_EPARSE, "stored observation: %s", why);
	}
	return LW_OK;
}

#define SCHEMA_KEY ",\"schema\":["

/* Where the schema, written last, starts in text (at its ','), or NULL.
 * Inside a JSON string every '"' is escaped, so the key's spelling with
 * bare quotes is only ever a key; no other member is named "schema". */
static const char *schema_at(const char *text)
{
	const char *p = NULL, *q = text;
	while ((q = strstr(q, SCHEMA_KEY)) != NULL)
		p = q++;
	return p;
}

/* See format.h. */
int lw_file_obs_from_memo(const char *text, struct lw_file_obs_memo *m,
			  struct lw_file_obs *fo, struct lw_err *err)
{
	const char *sch = text ? schema_at(text) : NULL;
	if (sch && m->schema_text && strcmp(sch, m->schema_text) == 0) {
		/* the same columns as the last file: parse the rest only */
		char *rest = lw_xasprintf("%.*s}", (int)(sch - text), text);
		int rc = lw_file_obs_from_json(rest, fo, err);
		free(rest);
		if (rc == LW_OK) {
			fo->has_schema = true;
			lw_schema_copy(&fo->schema, &m->schema);
		}
		return rc;
	}
	int rc = lw_file_obs_from_json(text, fo, err);
	if (rc == LW_OK && sch && fo->has_schema) {
		lw_file_obs_memo_free(m);
		m->schema_text = lw_xstrdup(sch);
		lw_schema_copy(&m->schema, &fo->schema);
	}
	return rc;
}

void lw_file_obs_memo_free(struct lw_file_obs_memo *m)
{
	free(m->schema_text);
	lw_schema_free(&m->schema);
	m->schema_text = NULL;
}
