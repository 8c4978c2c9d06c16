/* jsonc.c - JSON with comments and trailing commas, into cJSON, keeping
 * where each value came from so config errors can point at it. */
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/jsonc.h"
#include "lakewatch/buf.h"
#include "lakewatch/util.h"

#define MAX_DEPTH 64
#define MAX_STRING (16 * LW_BUF_1M)

struct pos {
	const cJSON *node;
	int line, col;
};

struct lw_jsonc {
	cJSON *root;
	struct pos *pos;
	size_t npos, cappos;
};

struct parser {
	const char *p, *end, *start;
	struct lw_jsonc *doc;
	struct lw_err *err;
	size_t *lines;		/* byte offsets where lines start */
	size_t nlines;
};

/* Line and column (1-based; the column counts bytes) of `at`, by binary
 * search in the table of line starts built once per parse. */
static void where(const struct parser *ps, const char *at, int *line, int *col)
{
	size_t off = (size_t)(at - ps->start), lo = 0, hi = ps->nlines;
	/* the line table is built sorted, first entry 0: the search needs it */
	assert(at >= ps->start && at <= ps->end);
	assert(ps->nlines > 0 && ps->lines[0] == 0);
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (ps->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	assert(ps->lines[lo] <= off);
	assert(lo + 1 == ps->nlines || ps->lines[lo + 1] > off);
	*line = (int)lo + 1;
	*col = (int)(off - ps->lines[lo]) + 1;
}

static void index_lines(struct parser *ps)
{
	size_t cap = 0;
	lw_xgrow((void **)&ps->lines, &cap, 0, sizeof *ps->lines);
	ps->lines[ps->nlines++] = 0;
	for (const char *q = ps->start; q < ps->end; q++)
		if (*q == '\n') {
			lw_xgrow((void **)&ps->lines, &cap, ps->nlines,
				 sizeof *ps->lines);
			ps->lines[ps->nlines++] = (size_t)(q + 1 - ps->start);
		}
}

static int fail(struct parser *ps, const char *at, const char *what)
{
	int l, c;
	where(ps, at, &l, &c);
	if (at >= ps->end)
		return lw_err_set(ps->err, LW_EPARSE,
				  "line %d, column %d: %s, but the file ends",
				  l, c, what);
	char got[8];
	unsigned char ch = (unsigned char)*at;
	if (isprint(ch))
		snprintf(got, sizeof got, "'%c'", ch);
	else
		snprintf(got, sizeof got, "0x%02x", ch);
	return lw_err_set(ps->err, LW_EPARSE, "line %d, column %d: %s, found %s",
			  l, c, what, got);
}

static void remember(struct parser *ps, const cJSON *node, const char *at)
{
	struct lw_jsonc *d = ps->doc;
	lw_xgrow((void **)&d->pos, &d->cappos, d->npos, sizeof *d->pos);
	d->pos[d->npos].node = node;
	where(ps, at, &d->pos[d->npos].line, &d->pos[d->npos].col);
	d->npos++;
}

/* Skip white space and comments. */
static int skip_ws(struct parser *ps)
{
	for (;;) {
		while (ps->p < ps->end && isspace((unsigned char)*ps->p))
			ps->p++;
		if (ps->p + 1 < ps->end && ps->p[0] == '/' && ps->p[1] == '/') {
			while (ps->p < ps->end && *ps->p != '\n')
				ps->p++;
		} else if (ps->p + 1 < ps->end && ps->p[0] == '/' &&
			   ps->p[1] == '*') {
			const char *open = ps->p;
			ps->p += 2;
			while (ps->p + 1 < ps->end &&
			       !(ps->p[0] == '*' && ps->p[1] == '/'))
				ps->p++;
			if (ps->p + 1 >= ps->end) {
				ps->p = ps->end;
				return fail(ps, open, "comment is not closed");
			}
			ps->p += 2;
		} else {
			return LW_OK;
		}
	}
}

static int hex4(const char *p, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		int c = p[i], d;
		if (c >= '0' && c <= '9') d = c - '0';
		else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
		else return LW_EPARSE;
		*v = *v * 16 + (unsigned)d;
	}
	return LW_OK;
}

/* cp as UTF-8 onto b; LW_ETOOBIG past b's max. */
static int put_utf8(struct lw_buf *b, unsigned cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		assert(cp <= 0x10FFFF);
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return lw_buf_add(b, u, n);
}

/* A string at ps->p (on the quote) into out (caller frees out). */
static int parse_string(struct parser *ps, struct lw_buf *out)
{
	assert(ps->p < ps->end && *ps->p == '"');	/* on the quote */
	const char *open = ps->p++;
	lw_buf_init(out, MAX_STRING);
	while (ps->p < ps->end && *ps->p != '"') {
		unsigned char c = (unsigned char)*ps->p;
		if (c < 0x20)
			return fail(ps, ps->p, "control character in a string "
				    "(write \\n, \\t, ...)");
		if (c != '\\') {
			if (lw_buf_addc(out, (char)c))
				return fail(ps, open, "string too long");
			ps->p++;
			continue;
		}
		const char *esc = ps->p++;
		if (ps->p >= ps->end)
			break;
		unsigned cp;
		switch (*ps->p) {
		case '"': cp = '"'; break;
		case '\\': cp = '\\'; break;
		case '/': cp = '/'; break;
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			if (ps->end - ps->p < 5 || hex4(ps->p + 1, &cp))
				return fail(ps, esc, "\\u needs four hex digits");
			ps->p += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				unsigned lo;
				if (ps->end - ps->p < 7 || ps->p[1] != '\\' ||
				    ps->p[2] != 'u' || hex4(ps->p + 3, &lo) ||
				    lo < 0xDC00 || lo > 0xDFFF)
					return fail(ps, esc, "unpaired UTF-16 "
						    "surrogate in \\u escape");
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				ps->p += 6;
			} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
				return fail(ps, esc, "unpaired UTF-16 surrogate "
					    "in \\u escape");
			}
			if (cp == 0)
				return fail(ps, esc, "\\u0000 is not allowed");
			break;
		default:
			return fail(ps, esc, "unknown escape in string");
		}
		if (put_utf8(out, cp))
			return fail(ps, open, "string too long");
		ps->p++;
	}
	if (ps->p >= ps->end)
		return fail(ps, open, "string is not closed");
	ps->p++;
	return LW_OK;
}

static int parse_number(struct parser *ps, cJSON **out)
{
	const char *s = ps->p, *q = s;
	if (q < ps->end && *q == '-')
		q++;
	if (q >= ps->end || !isdigit((unsigned char)*q))
		return fail(ps, s, "expected a value");
	if (*q == '0')
		q++;
	else
		while (q < ps->end && isdigit((unsigned char)*q))
			q++;
	if (q < ps->end && *q == '.') {
		q++;
		if (q >= ps->end || !isdigit((unsigned char)*q))
			return fail(ps, q, "expected digits after '.'");
		while (q < ps->end && isdigit((unsigned char)*q))
			q++;
	}
	if (q < ps->end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < ps->end && (*q == '+' || *q == '-'))
			q++;
		if (q >= ps->end || !isdigit((unsigned char)*q))
			return fail(ps, q, "expected digits in exponent");
		while (q < ps->end && isdigit((unsigned char)*q))
			q++;
	}
	char tmp[64];
	size_t n = (size_t)(q - s);
	if (n >= sizeof tmp)
		return fail(ps, s, "number too long");
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	*out = cJSON_CreateNumber(strtod(tmp, NULL));
	ps->p = q;
	return LW_OK;
}

static int parse_value(struct parser *ps, int depth, cJSON **out);

static int parse_object(struct parser *ps, int depth, cJSON **out)
{
	cJSON *obj = cJSON_CreateObject();
	ps->p++;
	for (;;) {
		if (skip_ws(ps))
			goto bad;
		if (ps->p < ps->end && *ps->p == '}') {
			ps->p++;
			*out = obj;
			return LW_OK;
		}
		if (ps->p >= ps->end || *ps->p != '"') {
			fail(ps, ps->p, "expected a \"key\" or '}'");
			goto bad;
		}
		const char *keyat = ps->p;
		struct lw_buf key;
		if (parse_string(ps, &key)) {
			lw_buf_free(&key);
			goto bad;
		}
		char *k = lw_buf_steal(&key);
		if (cJSON_GetObjectItemCaseSensitive(obj, k)) {
			int l, c;
			where(ps, keyat, &l, &c);
			lw_err_set(ps->err, LW_EPARSE, "line %d, column %d: "
				   "duplicate key \"%s\"", l, c, k);
			free(k);
			goto bad;
		}
		if (skip_ws(ps) || ps->p >= ps->end || *ps->p != ':') {
			if (ps->err->code == LW_OK || ps->p >= ps->end ||
			    *ps->p != ':')
				fail(ps, ps->p, "expected ':' after the key");
			free(k);
			goto bad;
		}
		ps->p++;
		cJSON *v = NULL;
		if (parse_value(ps, depth + 1, &v)) {
			free(k);
			goto bad;
		}
		cJSON_AddItemToObject(obj, k, v);
		free(k);
		remember(ps, v, keyat);
		if (skip_ws(ps))
			goto bad;
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == '}')
			continue;
		fail(ps, ps->p, "expected ',' or '}' after an object member");
		goto bad;
	}
bad:
	cJSON_Delete(obj);
	return LW_EPARSE;
}

static int parse_array(struct parser *ps, int depth, cJSON **out)
{
	cJSON *arr = cJSON_CreateArray();
	ps->p++;
	for (;;) {
		if (skip_ws(ps))
			goto bad;
		if (ps->p < ps->end && *ps->p == ']') {
			ps->p++;
			*out = arr;
			return LW_OK;
		}
		const char *at = ps->p;
		cJSON *v = NULL;
		if (parse_value(ps, depth + 1, &v))
			goto bad;
		cJSON_AddItemToArray(arr, v);
		remember(ps, v, at);
		if (skip_ws(ps))
			goto bad;
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == ']')
			continue;
		fail(ps, ps->p, "expected ',' or ']' in an array");
		goto bad;
	}
bad:
	cJSON_Delete(arr);
	return LW_EPARSE;
}

static bool word(struct parser *ps, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n) != 0)
		return false;
	if (ps->p + n < ps->end && isalnum((unsigned char)ps->p[n]))
		return false;
	ps->p += n;
	return true;
}

static int parse_value(struct parser *ps, int depth, cJSON **out)
{
	assert(ps->p >= ps->start && ps->p <= ps->end);
	if (depth > MAX_DEPTH)
		return fail(ps, ps->p, "nested deeper than 64 levels");
	if (skip_ws(ps))
		return LW_EPARSE;
	if (ps->p >= ps->end)
		return fail(ps, ps->p, "expected a value");
	switch (*ps->p) {
	case '{':
		return parse_object(ps, depth, out);
	case '[':
		return parse_array(ps, depth, out);
	case '"': {
		struct lw_buf s;
		int rc = parse_string(ps, &s);
		if (rc == LW_OK)
			*out = cJSON_CreateString(s.data ? s.data : "");
		lw_buf_free(&s);
		return rc;
	}
	default:
		if (word(ps, "true")) {
			*out = cJSON_CreateTrue();
			return LW_OK;
		}
		if (word(ps, "false")) {
			*out = cJSON_CreateFalse();
			return LW_OK;
		}
		if (word(ps, "null")) {
			*out = cJSON_CreateNull();
			return LW_OK;
		}
		return parse_number(ps, out);
	}
}

/* *out is the caller's (lw_jsonc_free). */
int lw_jsonc_parse(const char *text, size_t len, struct lw_jsonc **out,
		   struct lw_err *err)
{
	struct lw_err dummy;
	struct parser ps = {text, text + len, text, NULL, err ? err : &dummy,
			    NULL, 0};
	lw_err_clear(ps.err);
	index_lines(&ps);
	ps.doc = lw_xcalloc(1, sizeof *ps.doc);
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		ps.p += 3;	/* a UTF-8 byte-order mark, as editors write */
	cJSON *root = NULL;
	if (parse_value(&ps, 0, &root) || skip_ws(&ps))
		goto bad;
	remember(&ps, root, text);
	if (ps.p < ps.end) {
		fail(&ps, ps.p, "expected the end of the file after the value");
		goto bad;
	}
	ps.doc->root = root;
	*out = ps.doc;
	free(ps.lines);
	return LW_OK;
bad:
	free(ps.lines);
	cJSON_Delete(root);
	free(ps.doc->pos);
	free(ps.doc);
	*out = NULL;
	return LW_EPARSE;
}

const cJSON *lw_jsonc_root(const struct lw_jsonc *d)
{
	return d->root;
}

void lw_jsonc_pos(const struct lw_jsonc *d, const cJSON *node, int *line,
		  int *col)
{
	*line = *col = 0;
	if (!d || !node)
		return;
	for (size_t i = 0; i < d->npos; i++)
		if (d->pos[i].node == node) {
			*line = d->pos[i].line;
			*col = d->pos[i].col;
			return;
		}
}

void lw_jsonc_free(struct lw_jsonc *d)
{
	if (!d)
		return;
	cJSON_Delete(d->root);
	free(d->pos);
	free(d);
}
