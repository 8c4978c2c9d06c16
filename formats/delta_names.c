/* delta_names.c - what the names in _delta_log/ are (commits, classic,
 * multi-part and V2 checkpoints) and what _last_checkpoint says.
 */
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include "lakewatch/delta.h"
#include "lakewatch/util.h"
#include "delta_int.h"

/* ---- file names ------------------------------------------------------ */

static bool digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return false;
	return true;
}

static bool is_uuid(const char *p, size_t n)
{
	if (n != 36)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? p[i] != '-' : !isxdigit((unsigned char)p[i]))
			return false;
	}
	return true;
}

/* out is the caller's; it points into nothing. */
void lw_delta_log_name(const char *base, struct lw_delta_log_name *out)
{
	memset(out, 0, sizeof *out);
	out->version = -1;
	if (strcmp(base, "_last_checkpoint") == 0) {
		out->kind = LW_DLOG_LAST_CHECKPOINT;
		return;
	}
	if (!digits(base, 20) || base[20] != '.')
		return;
	/* 20 digits can pass INT64_MAX: strtoll would saturate, two names
	 * would share a version and "version + 1" would overflow */
	errno = 0;
	int64_t v = strtoll(base, NULL, 10);
	if (errno == ERANGE || v == INT64_MAX)
		return;
	const char *r = base + 21;
	if (strcmp(r, "json") == 0) {
		out->kind = LW_DLOG_COMMIT;
	} else if (strcmp(r, "checkpoint.parquet") == 0) {
		out->kind = LW_DLOG_CHECKPOINT;
	} else if (lw_str_starts(r, "checkpoint.")) {
		r += 11;
		size_t n = strlen(r);
		if (n == 10 + 1 + 10 + 8 && digits(r, 10) && r[10] == '.' &&
		    digits(r + 11, 10) && strcmp(r + 21, ".parquet") == 0) {
			/* 10 digits can pass INT_MAX (atoi would wrap, and
			 * "%010d" would not give the listed name back) */
			long long pa = strtoll(r, NULL, 10);
			long long ps = strtoll(r + 11, NULL, 10);
			if (pa < 1 || pa > ps || ps > INT_MAX)
				return;
			out->part = (int)pa;
			out->parts = (int)ps;
			out->kind = LW_DLOG_MULTIPART;
		} else if (n == 36 + 5 && is_uuid(r, 36) &&
			   strcmp(r + 36, ".json") == 0) {
			out->kind = LW_DLOG_V2_JSON;
		} else if (n == 36 + 8 && is_uuid(r, 36) &&
			   strcmp(r + 36, ".parquet") == 0) {
			out->kind = LW_DLOG_V2_PARQUET;
		} else {
			return;
		}
	} else {
		return;	/* .crc, compacted logs, anything newer */
	}
	out->version = v;
}

/* ---- _last_checkpoint ------------------------------------------------ */

/* out->v2_path is owned by out (lw_delta_last_cp_free). */
int lw_delta_last_cp_parse(const char *text, size_t len,
			   struct lw_delta_last_cp *out, struct lw_err *err)
{
	memset(out, 0, sizeof *out);
	out->version = -1;
	out->size = -1;
	cJSON *j = cJSON_ParseWithLength(text, len);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "version");
	if (!cJSON_IsObject(j) || !cJSON_IsNumber(v) || v->valuedouble < 0 ||
	    v->valuedouble > 9.2e18 ||
	    v->valuedouble != (double)(int64_t)v->valuedouble) {
		cJSON_Delete(j);
		return lw_err_set(err, LW_EPARSE,
				  "_last_checkpoint: not a checkpoint record");
	}
	out->version = (int64_t)v->valuedouble;
	out->size = lw_delta_jint(j, "size", -1);
	int64_t parts = lw_delta_jint(j, "parts", 0);
	out->parts = parts > 0 && parts < 1000000 ? (int)parts : 0;
	const cJSON *v2 = cJSON_GetObjectItemCaseSensitive(j, "v2Checkpoint");
	if (cJSON_IsObject(v2) && lw_delta_jstr(v2, "path"))
		out->v2_path = lw_xstrdup(lw_delta_jstr(v2, "path"));
	cJSON_Delete(j);
	return LW_OK;
}

/* Free what c owns. */
void lw_delta_last_cp_free(struct lw_delta_last_cp *c)
{
	free(c->v2_path);
	c->v2_path = NULL;
}
