/* cfgctx.c - shared config readers for plug-ins: every kind reports unknown
 * keys, wrong types and missing keys the same way. */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "lakewatch/cfgctx.h"
#include "lakewatch/err.h"
#include "lakewatch/secret.h"
#include "lakewatch/util.h"

#define MAX_ERRORS_TEXT (256 * 1024)
/* Room kept at the end of the error text for the "N more errors" line. */
#define ERRORS_TAIL 256

void lw_cfgctx_init(struct lw_cfgctx *cc, const char *file,
		    const struct lw_jsonc *doc)
{
	memset(cc, 0, sizeof *cc);
	cc->file = file ? file : "<config>";
	cc->doc = doc;
	lw_buf_init(&cc->errors, MAX_ERRORS_TEXT);
}

void lw_cfgctx_free(struct lw_cfgctx *cc)
{
	lw_buf_free(&cc->errors);
}

int lw_cfg_error(struct lw_cfgctx *cc, const cJSON *node, const char *fmt, ...)
{
	char msg[LW_ERR_MSG];
	va_list ap;
	va_start(ap, fmt);
	lw_redact_vfmt(msg, sizeof msg, fmt, ap);	/* redact, then cut */
	va_end(ap);
	int line = 0, col = 0;
	lw_jsonc_pos(cc->doc, node, &line, &col);
	char *text = line ? lw_xasprintf("%s:%d:%d: %s\n", cc->file, line, col,
					  msg)
			  : lw_xasprintf("%s: %s\n", cc->file, msg);
	/* The error list is a bounded message: a line that does not fit (with
	 * room left for the closing count) is counted, never cut short. */
	size_t n = strlen(text);
	if (n > MAX_ERRORS_TEXT - ERRORS_TAIL - cc->errors.len ||
	    lw_buf_add(&cc->errors, text, n) != LW_OK)
		cc->dropped++;
	free(text);
	assert(cc->errors.len <= MAX_ERRORS_TEXT - ERRORS_TAIL);
	cc->nerrors++;
	return LW_ECONFIG;
}

static const char *json_type(const cJSON *v)
{
	if (cJSON_IsString(v)) return "a string";
	if (cJSON_IsNumber(v)) return "a number";
	if (cJSON_IsBool(v)) return "true/false";
	if (cJSON_IsNull(v)) return "null";
	if (cJSON_IsArray(v)) return "an array";
	if (cJSON_IsObject(v)) return "an object";
	return "something else";
}

int lw_cfg_keys(struct lw_cfgctx *cc, const cJSON *obj, const char *what,
		const char *const *allowed)
{
	if (!cJSON_IsObject(obj))
		return lw_cfg_error(cc, obj, "%s must be an object, not %s",
				    what, json_type(obj));
	int rc = LW_OK;
	const cJSON *m;
	cJSON_ArrayForEach(m, obj) {
		bool ok = false;
		for (const char *const *a = allowed; *a; a++)
			if (strcmp(*a, m->string) == 0)
				ok = true;
		if (ok)
			continue;
		char known[512] = "";
		size_t n = 0;
		for (const char *const *a = allowed; *a && n < sizeof known; a++)
			n += (size_t)snprintf(known + n, sizeof known - n, "%s%s",
					      a == allowed ? "" : ", ", *a);
		rc = lw_cfg_error(cc, m, "unknown key \"%s\" in %s (known: %s)",
				  m->string, what, known);
	}
	return rc;
}

/* The member, or NULL; reports a missing required key. */
static const cJSON *member(struct lw_cfgctx *cc, const cJSON *obj,
			   const char *key, bool required, int *rc)
{
	*rc = LW_OK;
	const cJSON *v = cJSON_IsObject(obj) ?
		cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
	if (!v && required)
		*rc = lw_cfg_error(cc, obj, "missing required key \"%s\"", key);
	return v;
}

static int wrong(struct lw_cfgctx *cc, const cJSON *v, const char *key,
		 const char *expected)
{
	return lw_cfg_error(cc, v, "\"%s\" must be %s, not %s", key, expected,
			    json_type(v));
}

int lw_cfg_str(struct lw_cfgctx *cc, const cJSON *obj, const char *key,
	       bool required, const char **out)
{
	int rc;
	const cJSON *v = member(cc, obj, key, required, &rc);
	if (!v)
		return rc;
	if (!cJSON_IsString(v))
		return wrong(cc, v, key, "a string");
	*out = v->valuestring;
	return LW_OK;
}

int lw_cfg_int(struct lw_cfgctx *cc, const cJSON *obj, const char *key,
	       bool required, int64_t *out)
{
	int rc;
	const cJSON *v = member(cc, obj, key, required, &rc);
	if (!v)
		return rc;
	if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
	    fabs(v->valuedouble) > 9.0e15)
		return wrong(cc, v, key, "a whole number");
	*out = (int64_t)v->valuedouble;
	return LW_OK;
}

int lw_cfg_num(struct lw_cfgctx *cc, const cJSON *obj, const char *key,
	       bool required, double *out)
{
	int rc;
	const cJSON *v = member(cc, obj, key, required, &rc);
	if (!v)
		return rc;
	if (!cJSON_IsNumber(v))
		return wrong(cc, v, key, "a number");
	*out = v->valuedouble;
	return LW_OK;
}

int lw_cfg_bool(struct lw_cfgctx *cc, const cJSON *obj, const char *key,
		bool required, bool *out)
{
	int rc;
	const cJSON *v = member(cc, obj, key, required, &rc);
	if (!v)
		return rc;
	if (!cJSON_IsBool(v))
		return wrong(cc, v, key, "true or false");
	*out = cJSON_IsTrue(v);
	return LW_OK;
}

int lw_cfg_duration(struct lw_cfgctx *cc, const cJSON *obj, const char *key,
		    bool required, int64_t *out)
{
	int rc;
	const cJSON *v = member(cc, obj, key, required, &rc);
	if (!v)
		return rc;
	if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 9e15) {
		*out = (int64_t)v->valuedouble;
		return LW_OK;
	}
	if (cJSON_IsString(v) && lw_duration_parse(v->valuestring, out) == LW_OK)
		return LW_OK;
	if (cJSON_IsString(v))
		return lw_cfg_error(cc, v, "\"%s\": \"%s\" is not a duration "
				    "(write it like 30m, 6h, 1d12h)", key,
				    v->valuestring);
	return wrong(cc, v, key, "a duration such as \"6h\"");
}

/* Drop "." and "x/.." components and doubled slashes, in place, so
 * messages show /srv/lake/x rather than /srv/conf/../lake/./x. */
static void normalise(char *path)
{
	bool abs = path[0] == '/';
	char *out = path, *save;
	char *copy = lw_xstrdup(path);
	char **parts = NULL;
	size_t n = 0, cap = 0;
	for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (strcmp(t, ".") == 0)
			continue;
		if (strcmp(t, "..") == 0 && n && strcmp(parts[n - 1], "..") != 0) {
			n--;
			continue;
		}
		if (strcmp(t, "..") == 0 && abs)
			continue;
		lw_xgrow((void **)&parts, &cap, n, sizeof *parts);
		parts[n++] = t;
	}
	if (abs)
		*out++ = '/';
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(parts[i]);
		memcpy(out, parts[i], l);
		out += l;
		if (i + 1 < n)
			*out++ = '/';
	}
	if (out == path)
		*out++ = '.';
	*out = '\0';
	free(parts);
	free(copy);
}

/* Absolute or relative to the config's directory; caller frees *out. */
static char *resolve(struct lw_cfgctx *cc, const char *p)
{
	char *r = p[0] == '/' || !cc->dir || !*cc->dir ? lw_xstrdup(p) :
		  lw_xasprintf("%s/%s", cc->dir, p);
	normalise(r);
	return r;
}

int lw_cfg_path(struct lw_cfgctx *cc, const cJSON *obj, const char *key,
		bool required, char **out)
{
	const char *s = NULL;
	int rc = lw_cfg_str(cc, obj, key, required, &s);
	if (rc || !s)
		return rc;
	if (!*s)
		return lw_cfg_error(cc, cJSON_GetObjectItemCaseSensitive(obj, key),
				    "\"%s\" must not be empty", key);
	*out = resolve(cc, s);
	return LW_OK;
}

int lw_cfg_secret(struct lw_cfgctx *cc, const cJSON *obj, const char *key,
		  bool required, char **out)
{
	int rc;
	const cJSON *v = member(cc, obj, key, required, &rc);
	if (!v)
		return rc;
	if (cJSON_IsString(v)) {
		*out = lw_xstrdup(v->valuestring);
		lw_secret_register(*out);
		return LW_OK;
	}
	static const char *const keys[] = {"env", "file", NULL};
	if (!cJSON_IsObject(v))
		return wrong(cc, v, key, "a string, {\"env\": NAME} or "
			     "{\"file\": PATH}");
	if (lw_cfg_keys(cc, v, key, keys))
		return LW_ECONFIG;
	const char *env = NULL, *file = NULL;
	if (lw_cfg_str(cc, v, "env", false, &env) ||
	    lw_cfg_str(cc, v, "file", false, &file))
		return LW_ECONFIG;
	if (!env == !file)
		return lw_cfg_error(cc, v, "\"%s\" needs exactly one of \"env\" "
				    "or \"file\"", key);
	if (env) {
		const char *val = getenv(env);
		if (!val || !*val)
			return lw_cfg_error(cc, v, "\"%s\": environment variable "
					    "%s is not set", key, env);
		*out = lw_xstrdup(val);
	} else {
		char *path = resolve(cc, file), *text = NULL;
		size_t len = 0;
		struct lw_err err;
		if (lw_read_file(path, 64 * 1024, &text, &len, &err) != LW_OK) {
			lw_cfg_error(cc, v, "\"%s\": cannot read secret file: %s",
				     key, err.msg);
			free(path);
			return LW_ECONFIG;
		}
		free(path);
		while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' ||
			       text[len - 1] == ' '))
			text[--len] = '\0';
		*out = text;
	}
	lw_secret_register(*out);
	return LW_OK;
}
