/* delta_state.c - a Delta snapshot's stored form, so the next poll reads
 * only the commits after it (lw_delta_snapshot_advance).
 *
 * Line 1 is a JSON object (version, times, checkpoint, protocol, metaData,
 * commitInfo, the warning); each further line one live file as a JSON
 * array [path, key, size, mtime_ms, num_records, dv_cardinality,
 * rows_from_footer, [k, v, ...]] (a null partition value is null). Tables
 * over LW_DELTA_STATE_MAX_FILES live files are not kept. */
#include <stdlib.h>
#include <string.h>
#include "lakewatch/delta.h"
#include "lakewatch/buf.h"
#include "lakewatch/util.h"
#include "delta_int.h"

#define STATE_MAX ((size_t)1 << 30)	/* bytes of one stored form */

static void add_dup(cJSON *o, const char *k, const cJSON *v)
{
	if (v)
		cJSON_AddItemToObject(o, k, cJSON_Duplicate(v, 1));
}

static cJSON *header(const struct lw_delta_snapshot *s)
{
	cJSON *h = cJSON_CreateObject();
	cJSON_AddNumberToObject(h, "version", (double)s->version);
	cJSON_AddNumberToObject(h, "commit_ms", (double)s->commit_ms);
	cJSON_AddNumberToObject(h, "cp_version", (double)s->checkpoint_version);
	cJSON_AddNumberToObject(h, "cp_time", (double)s->checkpoint_time);
	cJSON_AddNumberToObject(h, "cp_size", (double)s->checkpoint_size);
	if (s->checkpoint_name)
		cJSON_AddStringToObject(h, "cp_name", s->checkpoint_name);
	if (s->checkpoint_kind)
		cJSON_AddStringToObject(h, "cp_kind", s->checkpoint_kind);
	if (s->warn_path && s->warn_msg) {
		cJSON_AddStringToObject(h, "warn_path", s->warn_path);
		cJSON_AddStringToObject(h, "warn_msg", s->warn_msg);
	}
	add_dup(h, "protocol", s->protocol);
	add_dup(h, "metadata", s->metadata);
	add_dup(h, "commit_info", s->commit_info);
	cJSON_AddNumberToObject(h, "files", (double)s->nlive);
	/* reported (detail "commits_replayed"): the kept count goes on, so
	 * it is what a full load from the same checkpoint says */
	cJSON_AddNumberToObject(h, "replayed", (double)s->commits_replayed);
	return h;
}

static cJSON *pvals_json(const char *pv)
{
	cJSON *a = cJSON_CreateArray();
	while (pv && *pv) {
		const char *v = pv + strlen(pv) + 1;
		cJSON_AddItemToArray(a, cJSON_CreateString(pv));
		cJSON_AddItemToArray(a, strcmp(v, "\x01") == 0 ?
				     cJSON_CreateNull() : cJSON_CreateString(v));
		pv = v + strlen(v) + 1;
	}
	return a;
}

static int add_line(struct lw_buf *b, cJSON *j)
{
	char *t = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (!t)
		return LW_ENOMEM;
	int rc = lw_buf_add(b, t, strlen(t));
	if (rc == LW_OK)
		rc = lw_buf_addc(b, '\n');
	cJSON_free(t);
	return rc;
}

/* Caller frees; NULL when the table is too big to keep. */
char *lw_delta_state_save(const struct lw_delta_snapshot *s)
{
	if (s->version < 0 || s->nlive > LW_DELTA_STATE_MAX_FILES)
		return NULL;
	struct lw_buf b;
	lw_buf_init(&b, STATE_MAX);
	int rc = add_line(&b, header(s));
	size_t it = 0;
	const struct lw_delta_file *f;
	while (rc == LW_OK && (f = lw_delta_next(s, &it))) {
		cJSON *a = cJSON_CreateArray();
		cJSON_AddItemToArray(a, cJSON_CreateString(f->path));
		cJSON_AddItemToArray(a, cJSON_CreateString(f->key));
		cJSON_AddItemToArray(a, cJSON_CreateNumber((double)f->size));
		cJSON_AddItemToArray(a, cJSON_CreateNumber((double)f->mtime_ms));
		cJSON_AddItemToArray(a, cJSON_CreateNumber((double)f->num_records));
		cJSON_AddItemToArray(a, cJSON_CreateNumber((double)f->dv_cardinality));
		cJSON_AddItemToArray(a, cJSON_CreateBool(f->rows_from_footer));
		cJSON_AddItemToArray(a, pvals_json(f->pvals));
		rc = add_line(&b, a);
	}
	if (rc != LW_OK) {
		lw_buf_free(&b);
		return NULL;
	}
	return lw_buf_steal(&b);
}

static bool num(const cJSON *v, int64_t *out)
{
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= -9.2e18 &&
				    v->valuedouble <= 9.2e18))
		return false;
	*out = (int64_t)v->valuedouble;
	return (double)*out == v->valuedouble;
}

static cJSON *take(cJSON *h, const char *k)
{
	return cJSON_DetachItemFromObjectCaseSensitive(h, k);
}

static char *str_dup(const cJSON *h, const char *k)
{
	const char *v = lw_delta_jstr(h, k);
	return v ? lw_xstrdup(v) : NULL;
}

static const char *load_header(cJSON *h, struct lw_delta_snapshot *s,
			       int64_t *files)
{
	if (!cJSON_IsObject(h) ||
	    !num(cJSON_GetObjectItemCaseSensitive(h, "version"), &s->version) ||
	    !num(cJSON_GetObjectItemCaseSensitive(h, "commit_ms"), &s->commit_ms) ||
	    !num(cJSON_GetObjectItemCaseSensitive(h, "cp_version"),
		 &s->checkpoint_version) ||
	    !num(cJSON_GetObjectItemCaseSensitive(h, "cp_time"),
		 &s->checkpoint_time) ||
	    !num(cJSON_GetObjectItemCaseSensitive(h, "cp_size"),
		 &s->checkpoint_size) ||
	    !num(cJSON_GetObjectItemCaseSensitive(h, "files"), files) ||
	    !num(cJSON_GetObjectItemCaseSensitive(h, "replayed"),
		 &s->commits_replayed) ||
	    s->version < 0 || *files < 0)
		return "bad header";
	s->checkpoint_name = str_dup(h, "cp_name");
	s->checkpoint_kind = str_dup(h, "cp_kind");
	s->warn_path = str_dup(h, "warn_path");
	s->warn_msg = str_dup(h, "warn_msg");
	s->protocol = take(h, "protocol");
	s->metadata = take(h, "metadata");
	s->commit_info = take(h, "commit_info");
	if (!cJSON_IsObject(s->protocol) || !cJSON_IsObject(s->metadata))
		return "no protocol or metaData";
	return NULL;
}

/* "k\0v\0...\0" from [k, v, ...]; NULL when a is empty. */
static bool load_pvals(const cJSON *a, char **out)
{
	*out = NULL;
	if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) % 2)
		return false;
	if (!cJSON_GetArraySize(a))
		return true;
	struct lw_buf b;
	lw_buf_init(&b, STATE_MAX);
	int rc = LW_OK, i = 0;
	const cJSON *v;
	cJSON_ArrayForEach(v, a) {
		const char *t = cJSON_IsString(v) ? v->valuestring :
				(i % 2 && cJSON_IsNull(v)) ? "\x01" : NULL;
		if (!t) {
			lw_buf_free(&b);
			return false;
		}
		if (rc == LW_OK)
			rc = lw_buf_add(&b, t, strlen(t) + 1);
		i++;
	}
	if (rc == LW_OK)
		rc = lw_buf_addc(&b, '\0');
	if (rc != LW_OK) {
		lw_buf_free(&b);
		return false;
	}
	*out = lw_buf_steal(&b);
	return true;
}

static int load_file(struct lw_delta_snapshot *s, const cJSON *a,
		     struct lw_err *err)
{
	const cJSON *p = cJSON_GetArrayItem(a, 0), *k = cJSON_GetArrayItem(a, 1);
	struct lw_delta_file *f = lw_xcalloc(1, sizeof *f);
	if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != 8 ||
	    !cJSON_IsString(p) || !cJSON_IsString(k) ||
	    !num(cJSON_GetArrayItem(a, 2), &f->size) ||
	    !num(cJSON_GetArrayItem(a, 3), &f->mtime_ms) ||
	    !num(cJSON_GetArrayItem(a, 4), &f->num_records) ||
	    !num(cJSON_GetArrayItem(a, 5), &f->dv_cardinality) ||
	    !cJSON_IsBool(cJSON_GetArrayItem(a, 6)) ||
	    !load_pvals(cJSON_GetArrayItem(a, 7), &f->pvals)) {
		free(f);
		return lw_err_set(err, LW_EPARSE, "kept Delta snapshot: bad "
				  "file line");
	}
	f->rows_from_footer = cJSON_IsTrue(cJSON_GetArrayItem(a, 6));
	f->path = lw_xstrdup(p->valuestring);
	f->key = lw_xstrdup(k->valuestring);
	return lw_delta_restore_file(s, f, err);
}

/* See delta.h. */
int lw_delta_state_load(const char *text, struct lw_delta_snapshot *s,
			struct lw_err *err)
{
	const char *nl = text ? strchr(text, '\n') : NULL;
	int64_t files = 0;
	int rc = LW_OK;
	if (!nl)
		return lw_err_set(err, LW_EPARSE, "kept Delta snapshot: no "
				  "header line");
	cJSON *h = cJSON_ParseWithLength(text, (size_t)(nl - text));
	const char *why = load_header(h, s, &files);
	cJSON_Delete(h);
	if (why)
		rc = lw_err_set(err, LW_EPARSE, "kept Delta snapshot: %s", why);
	for (const char *p = nl + 1; rc == LW_OK && *p; ) {
		const char *e = strchr(p, '\n');
		if (!e) {
			rc = lw_err_set(err, LW_EPARSE, "kept Delta snapshot: "
					"cut short");
			break;
		}
		cJSON *a = cJSON_ParseWithLength(p, (size_t)(e - p));
		rc = load_file(s, a, err);
		cJSON_Delete(a);
		p = e + 1;
	}
	if (rc == LW_OK && (int64_t)s->nlive != files)
		rc = lw_err_set(err, LW_EPARSE, "kept Delta snapshot: %zu files, "
				"its header says %lld", s->nlive,
				(long long)files);
	if (rc != LW_OK)
		lw_delta_snapshot_free(s);
	return rc;
}
