/* jsonl_scan.c - the chunk-fed JSON Lines scanner (see jsonl.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>
#include "lakewatch/jsonl.h"
#include "lakewatch/infer.h"
#include "lakewatch/util.h"

/* JSON kinds, ordered only for readability; widen() combines them. */
enum {
	JK_NULL, JK_BOOL, JK_INT, JK_DOUBLE, JK_STRING, JK_STRUCT, JK_LIST,
	JK_MIXED
};

struct lw_jsonl_col {
	char *name;		/* owned */
	int kind;
	bool has_null;
	int64_t present;	/* sampled records holding the key */
	int64_t last_rec;	/* sample index that last counted it */
};

void lw_jsonl_scan_init(struct lw_jsonl_scan *s)
{
	memset(s, 0, sizeof(*s));
	s->sample_rows = LW_JSONL_SAMPLE_ROWS;
	s->head_bytes = LW_JSONL_HEAD_BYTES;
	s->max_line = LW_JSONL_MAX_LINE;
	s->bad_utf8_at = s->bad_utf8_line = -1;
	lw_buf_init(&s->part, LW_JSONL_MAX_LINE);
}

void lw_jsonl_scan_free(struct lw_jsonl_scan *s)
{
	for (size_t i = 0; i < s->ncols; i++)
		free(s->cols[i].name);
	free(s->cols);
	s->cols = NULL;
	s->ncols = s->capcols = 0;
	lw_buf_free(&s->part);
}

static int fail(struct lw_jsonl_scan *s, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct lw_jsonl_scan *s, int code, const char *fmt, ...)
{
	va_list ap;

	if (s->rc)
		return s->rc;
	va_start(ap, fmt);
	vsnprintf(s->err.msg, sizeof(s->err.msg), fmt, ap);
	va_end(ap);
	s->err.code = code;
	s->rc = code;
	return code;
}

static int too_long(struct lw_jsonl_scan *s)
{
	size_t m = s->max_line;

	if (m % LW_BUF_1M == 0)
		return fail(s, LW_ETOOBIG, "line %lld longer than %zu MiB",
			    (long long)s->line + 1, m / LW_BUF_1M);
	return fail(s, LW_ETOOBIG, "line %lld longer than %zu bytes",
		    (long long)s->line + 1, m);
}

/* --- walking the raw text of a line cJSON already accepted ------------
 * cJSON keeps numbers as doubles, so "1.0" and "1" look alike; the text
 * tells integers from decimals. The walk is bounded by e throughout. */

static const char *skip_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

static const char *skip_string(const char *p, const char *e)
{
	for (p++; p < e && *p != '"'; p++)
		if (*p == '\\')
			p++;
	return p < e ? p + 1 : e;
}

static const char *skip_value(const char *p, const char *e)
{
	int depth = 0;

	if (p < e && *p == '"')
		return skip_string(p, e);
	if (p < e && (*p == '{' || *p == '[')) {
		while (p < e) {
			if (*p == '"') {
				p = skip_string(p, e);
				continue;
			}
			if (*p == '{' || *p == '[')
				depth++;
			else if ((*p == '}' || *p == ']') && --depth == 0)
				return p + 1;
			p++;
		}
		return e;
	}
	while (p < e && *p != ',' && *p != '}' && *p != ']' && *p != ' ' &&
	       *p != '\t' && *p != '\r' && *p != '\n')
		p++;
	return p;
}

static int kind_of(const cJSON *v, const char *tok, const char *e)
{
	if (cJSON_IsNull(v))
		return JK_NULL;
	if (cJSON_IsBool(v))
		return JK_BOOL;
	if (cJSON_IsString(v))
		return JK_STRING;
	if (cJSON_IsArray(v))
		return JK_LIST;
	if (cJSON_IsObject(v))
		return JK_STRUCT;
	if (cJSON_IsNumber(v)) {
		if (tok) {
			const char *t = skip_value(tok, e);
			return lw_infer_classify(tok, (size_t)(t - tok)) ==
			       LW_INFER_INT ? JK_INT : JK_DOUBLE;
		}
		/* no text to look at: judge by value */
		/* range first: converting 1e300 to int64 is undefined */
		return v->valuedouble < 9.2e18 && v->valuedouble > -9.2e18 &&
		       v->valuedouble == (double)(int64_t)v->valuedouble ?
		       JK_INT : JK_DOUBLE;
	}
	return JK_STRING;
}

static int widen(int a, int b)
{
	if (a == JK_NULL)
		return b;
	if (b == JK_NULL || a == b)
		return a;
	if ((a == JK_INT && b == JK_DOUBLE) || (a == JK_DOUBLE && b == JK_INT))
		return JK_DOUBLE;
	return JK_MIXED;
}

static struct lw_jsonl_col *col_find(struct lw_jsonl_scan *s, const char *key,
				     size_t *hint)
{
	if (*hint < s->ncols && strcmp(s->cols[*hint].name, key) == 0)
		return &s->cols[(*hint)++];
	for (size_t i = 0; i < s->ncols; i++)
		if (strcmp(s->cols[i].name, key) == 0) {
			*hint = i + 1;
			return &s->cols[i];
		}
	return NULL;
}

/* Fold one sampled record (obj, parsed from q[0..k)) into the columns. */
static int merge(struct lw_jsonl_scan *s, const cJSON *obj, const char *q,
		 size_t k)
{
	const char *e = q + k, *p = skip_ws(q, e);
	const cJSON *v;
	size_t hint = 0;

	p = p < e && *p == '{' ? p + 1 : NULL;
	cJSON_ArrayForEach(v, obj) {
		const char *tok = NULL;
		struct lw_jsonl_col *c;
		int kind;

		if (p) {	/* to the value's text: [,] "key" : */
			p = skip_ws(p, e);
			if (p < e && *p == ',')
				p = skip_ws(p + 1, e);
			p = p < e && *p == '"' ? skip_ws(skip_string(p, e), e)
			    : NULL;
			p = p && p < e && *p == ':' ? skip_ws(p + 1, e) : NULL;
			tok = p;
		}
		kind = kind_of(v, tok, e);
		if (p)
			p = skip_value(p, e);
		c = col_find(s, v->string ? v->string : "", &hint);
		if (!c) {
			if (s->ncols >= LW_JSONL_MAX_COLS)
				return fail(s, LW_ETOOBIG, "line %lld: more "
					    "than %d keys", (long long)s->line,
					    LW_JSONL_MAX_COLS);
			lw_xgrow((void **)&s->cols, &s->capcols, s->ncols,
				 sizeof(*s->cols));
			c = &s->cols[s->ncols++];
			memset(c, 0, sizeof(*c));
			c->name = lw_xstrdup(v->string ? v->string : "");
			c->kind = kind;
			c->last_rec = -1;
			hint = s->ncols;
		} else {
			c->kind = widen(c->kind, kind);
		}
		if (kind == JK_NULL)
			c->has_null = true;
		if (c->last_rec != s->nsampled) {
			c->last_rec = s->nsampled;
			c->present++;
		}
	}
	return LW_OK;
}

static const char *json_kind_name(const cJSON *v)
{
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsNull(v))
		return "null";
	return "a JSON value";
}

/* Index of the first byte of p[0..n) that does not belong to a well-formed
 * UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, nothing past
 * U+10FFFF), or n when all are. */
static size_t utf8_bad(const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = p[i];
		size_t len;
		unsigned char lo = 0x80, hi = 0xBF;	/* second byte */
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			len = 2;
		else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			lo = c == 0xE0 ? 0xA0 : 0x80;
			hi = c == 0xED ? 0x9F : 0xBF;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			lo = c == 0xF0 ? 0x90 : 0x80;
			hi = c == 0xF4 ? 0x8F : 0xBF;
		} else
			return i;
		if (i + len > n || p[i + 1] < lo || p[i + 1] > hi)
			return i;
		for (size_t j = 2; j < len; j++)
			if ((p[i + j] & 0xC0) != 0x80)
				return i;
		i += len;
	}
	return n;
}

/* One whole line q[0..k), LF excluded, starting at offset start and ending
 * at offset `end`. */
static int line(struct lw_jsonl_scan *s, const char *q, size_t k,
		int64_t start, int64_t end)
{
	static const char bom[3] = {'\xEF', '\xBB', '\xBF'};
	const char *endp = NULL, *p;
	size_t base = 0;
	cJSON *v;
	int rc = LW_OK;

	s->line++;
	if (s->bad_utf8_at < 0) {
		size_t bad = utf8_bad((const unsigned char *)q, k);
		if (bad < k) {
			s->bad_utf8_at = start + (int64_t)bad;
			s->bad_utf8_line = s->line;
		}
	}
	if (s->line == 1 && k >= 3 && memcmp(q, bom, 3) == 0) {
		q += 3;
		k -= 3;
		base = 3;
	}
	if (k && q[k - 1] == '\r')
		k--;
	if (skip_ws(q, q + k) == q + k)
		return LW_OK;	/* blank */
	v = cJSON_ParseWithLengthOpts(q, k, &endp, 0);
	if (!v) {
		size_t col = endp && endp >= q && endp < q + k ?
			     (size_t)(endp - q) : k;
		unsigned char c = col < k ? (unsigned char)q[col] : 0;
		if (c > 0x20 && c < 0x7F && c != '\'')
			return fail(s, LW_EPARSE, "line %lld, column %zu: "
				    "malformed JSON at '%c'", (long long)s->line,
				    col + 1 + base, c);
		return fail(s, LW_EPARSE, "line %lld, column %zu: malformed "
			    "JSON", (long long)s->line, col + 1 + base);
	}
	p = endp && endp >= q && endp <= q + k ? skip_ws(endp, q + k) : q + k;
	if (p < q + k)
		rc = fail(s, LW_EPARSE, "line %lld, column %zu: text after the "
			  "JSON value", (long long)s->line,
			  (size_t)(p - q) + 1 + base);
	else if (!cJSON_IsObject(v))
		rc = fail(s, LW_EPARSE, "line %lld: %s, not an object",
			  (long long)s->line, json_kind_name(v));
	if (rc == LW_OK) {
		s->records++;
		if (s->nsampled < s->sample_rows && end <= s->head_bytes) {
			rc = merge(s, v, q, k);
			s->nsampled++;
		}
	}
	cJSON_Delete(v);
	return rc;
}

int lw_jsonl_scan_feed(struct lw_jsonl_scan *s, const char *p, size_t n)
{
	int rc = LW_OK;

	while (n && rc == LW_OK && s->rc == LW_OK) {
		const char *nl = memchr(p, '\n', n);
		size_t k = nl ? (size_t)(nl - p) : n;
		int64_t end = s->offset + (int64_t)k + 1;

		if (s->in_part || !nl) {
			if (s->part.len + k > s->max_line ||
			    lw_buf_add(&s->part, p, k) != LW_OK)
				return too_long(s);
			s->in_part = true;
			s->offset += (int64_t)k;
			if (!nl)
				return LW_OK;
			rc = line(s, s->part.data, s->part.len,
				  s->offset - (int64_t)s->part.len, end);
			lw_buf_reset(&s->part);
			s->in_part = false;
		} else {
			if (k > s->max_line)
				return too_long(s);
			rc = line(s, p, k, s->offset, end);
			s->offset += (int64_t)k;
		}
		s->offset++;	/* the LF */
		p += k + 1;
		n -= k + 1;
	}
	return s->rc;
}

int lw_jsonl_scan_finish(struct lw_jsonl_scan *s, bool eof)
{
	if (s->rc)
		return s->rc;
	if (eof && s->in_part)
		line(s, s->part.data, s->part.len,
		     s->offset - (int64_t)s->part.len, s->offset);
	lw_buf_reset(&s->part);
	s->in_part = false;
	return s->rc;
}

int64_t lw_jsonl_scan_rows(const struct lw_jsonl_scan *s)
{
	return s->records;
}

bool lw_jsonl_scan_schema(const struct lw_jsonl_scan *s, struct lw_schema *out)
{
	static const struct {
		enum lw_type t;
		const char *physical;
	} map[] = {
		[JK_NULL] = {LW_T_NULL, "null"},
		[JK_BOOL] = {LW_T_BOOLEAN, "boolean"},
		[JK_INT] = {LW_T_INT64, "integer"},
		[JK_DOUBLE] = {LW_T_DOUBLE, "number"},
		[JK_STRING] = {LW_T_STRING, "string"},
		[JK_STRUCT] = {LW_T_STRUCT, "object"},
		[JK_LIST] = {LW_T_LIST, "array"},
		[JK_MIXED] = {LW_T_STRING, "mixed"},
	};

	if (s->nsampled == 0)
		return false;
	for (size_t i = 0; i < s->ncols; i++) {
		const struct lw_jsonl_col *c = &s->cols[i];
		struct lw_column *col = lw_schema_add(out, c->name,
						      map[c->kind].t,
						      map[c->kind].physical);
		col->nullable = c->has_null || c->present < s->nsampled;
	}
	return true;
}
