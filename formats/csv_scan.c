/* csv_scan.c - the chunk-fed CSV state machine (see csv.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/csv.h"
#include "lakewatch/infer.h"
#include "lakewatch/util.h"

enum {
	ST_FIELD,	/* at the start of a field */
	ST_UNQ,		/* inside an unquoted field */
	ST_QUO,		/* inside a quoted field */
	ST_QQ,		/* a quote inside a quoted field: end or doubled */
	ST_CR,		/* after a CR that ended a record: swallow one LF */
};

static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};

void lw_csv_opts_default(struct lw_csv_opts *o)
{
	o->delim = ',';
	o->quote = '"';
	o->header = true;
}

void lw_csv_scan_init(struct lw_csv_scan *s, const struct lw_csv_opts *o)
{
	memset(s, 0, sizeof(*s));
	if (o)
		s->o = *o;
	else
		lw_csv_opts_default(&s->o);
	s->sample_rows = LW_CSV_SAMPLE_ROWS;
	s->head_bytes = LW_CSV_HEAD_BYTES;
	s->field_max = LW_CSV_FIELD_MAX;
	s->sniff_bytes = LW_CSV_SNIFF;
	s->state = ST_FIELD;
	s->line = 1;
	s->ncols = -1;
	s->first_bad = -1;
	s->rec_blank = true;
	/* the cell buffer's own max is a backstop: field_max decides */
	lw_buf_init(&s->field, (size_t)LW_CSV_FIELD_MAX * 16);
}

void lw_csv_scan_free(struct lw_csv_scan *s)
{
	if (s->names) {
		for (size_t i = 0; i < s->cap_names; i++)
			free(s->names[i]);
		free(s->names);
	}
	free(s->pend);
	free(s->seen);
	lw_buf_free(&s->field);
	s->names = NULL;
	s->pend = s->seen = NULL;
	s->cap_names = s->cap_pend = s->cap_seen = 0;
}

static int fail(struct lw_csv_scan *s, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct lw_csv_scan *s, int code, const char *fmt, ...)
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

static int binary(struct lw_csv_scan *s, int64_t at)
{
	return fail(s, LW_EPARSE, "binary data at byte %lld, not CSV",
		    (long long)at);
}

/* Decide on the sniffed head. Invalid UTF-8 weighs 1 (Latin-1 text has
 * some), control characters 3 (text has next to none); binary when the
 * weight is at least 4 and more than a tenth of the bytes. */
static int sniff_decide(struct lw_csv_scan *s, int64_t n)
{
	s->sniffed = true;
	if (s->bad >= 4 && s->bad * 10 > n)
		return binary(s, s->first_bad);
	return LW_OK;
}

static void bad_byte(struct lw_csv_scan *s, int64_t at, int weight)
{
	if (s->first_bad < 0)
		s->first_bad = at;
	s->bad += weight;
}

/* UTF-8 and control-character check of the byte at s->offset. */
static void sniff(struct lw_csv_scan *s, unsigned char c)
{
	if (s->u8_need) {
		if ((c & 0xC0) == 0x80) {
			s->u8_need--;
			return;
		}
		bad_byte(s, s->u8_start, 1);	/* truncated sequence */
		s->u8_need = 0;
	}
	if (c < 0x80) {
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' &&
		     c != '\f') || c == 0x7F)
			bad_byte(s, s->offset, 3);
	} else if (c >= 0xC2 && c <= 0xDF) {
		s->u8_need = 1;
	} else if (c >= 0xE0 && c <= 0xEF) {
		s->u8_need = 2;
	} else if (c >= 0xF0 && c <= 0xF4) {
		s->u8_need = 3;
	} else {
		bad_byte(s, s->offset, 1);
	}
	if (s->u8_need)
		s->u8_start = s->offset;
}

static bool sampling(const struct lw_csv_scan *s)
{
	/* the header of a headed file is always collected: it names the
	 * columns */
	if (s->records == 0 && s->o.header)
		return true;
	return s->nsampled < s->sample_rows && s->offset < s->head_bytes;
}

/* Keep the first field_max bytes of a sampled cell, however it arrives. */
static void cell_add(struct lw_csv_scan *s, const char *p, size_t n)
{
	size_t room;

	int64_t max = s->field_max;

	if (s->field_long || !sampling(s))
		return;
	/* header names are kept, so they get a tighter bound */
	if (s->records == 0 && s->o.header && max > LW_CSV_NAME_MAX)
		max = LW_CSV_NAME_MAX;
	room = max > (int64_t)s->field.len ?
	       (size_t)(max - (int64_t)s->field.len) : 0;
	if (n > room) {
		s->field_long = true;
		n = room;
	}
	if (n && lw_buf_add(&s->field, p, n) != LW_OK)
		s->field_long = true;
}

static int end_field(struct lw_csv_scan *s)
{
	int64_t i = s->nfields++;

	if (s->records == 0 && s->nfields > LW_CSV_MAX_COLS)
		return fail(s, LW_ETOOBIG, "line %lld: more than %d columns",
			    (long long)s->rec_line, LW_CSV_MAX_COLS);
	if (s->records == 0 && s->o.header) {
		size_t old = s->cap_names;
		lw_xgrow((void **)&s->names, &s->cap_names, (size_t)i,
			 sizeof(char *));
		if (s->cap_names > old)
			memset(s->names + old, 0,
			       (s->cap_names - old) * sizeof(char *));
		free(s->names[i]);
		s->names[i] = lw_xstrndup(s->field.data ? s->field.data : "",
					  s->field.len);
	} else if ((s->ncols < 0 || i < s->ncols) &&
		   s->nsampled < s->sample_rows && s->offset <= s->head_bytes) {
		/* past the sample nothing is committed: skip the work */
		unsigned c = s->field_long ? LW_INFER_STRING :
			     lw_infer_classify(s->field.data, s->field.len);
		size_t old = s->cap_pend;
		lw_xgrow((void **)&s->pend, &s->cap_pend, (size_t)i,
			 sizeof(unsigned));
		if (s->cap_pend > old)
			memset(s->pend + old, 0,
			       (s->cap_pend - old) * sizeof(unsigned));
		s->pend[i] = c;
	}
	lw_buf_reset(&s->field);
	s->field_long = false;
	return LW_OK;
}

/* The record ends; `end` is the offset just past its last byte. */
static int end_record(struct lw_csv_scan *s, int64_t end)
{
	bool commit;
	int rc;

	if (!s->in_record)
		return LW_OK;
	if (s->rec_blank && s->nfields == 0) {
		/* a blank line: not a record */
		lw_buf_reset(&s->field);
		s->field_long = false;
		s->in_record = false;
		return LW_OK;
	}
	rc = end_field(s);
	if (rc)
		return rc;
	commit = s->nsampled < s->sample_rows && end <= s->head_bytes;
	if (s->records == 0) {
		s->ncols = s->nfields;
		if (s->o.header)
			commit = false;
	} else if (s->nfields != s->ncols) {
		if (s->bad_records++ == 0) {
			s->bad_line = s->rec_line;
			s->bad_fields = s->nfields;
		}
		commit = false;
	}
	if (commit) {
		size_t old = s->cap_seen;
		if (s->ncols > 0) {
			lw_xgrow((void **)&s->seen, &s->cap_seen,
				 (size_t)s->ncols - 1, sizeof(unsigned));
			if (s->cap_seen > old)
				memset(s->seen + old, 0, (s->cap_seen - old) *
				       sizeof(unsigned));
		}
		for (int64_t i = 0; i < s->ncols; i++)
			s->seen[i] |= s->pend[i];
		s->nsampled++;
	}
	s->records++;
	s->nfields = 0;
	s->in_record = false;
	s->rec_blank = true;
	return LW_OK;
}

static void start(struct lw_csv_scan *s)
{
	if (!s->in_record) {
		s->in_record = true;
		s->rec_line = s->line;
	}
}

/* The state machine proper, for one byte at s->offset. */
static int machine(struct lw_csv_scan *s, char c)
{
	const char q = s->o.quote, d = s->o.delim;

	switch (s->state) {
	case ST_CR:
		s->state = ST_FIELD;
		if (c == '\n')
			return LW_OK;
		/* fall through */
	case ST_FIELD:
		if (q && c == q) {
			start(s);
			s->rec_blank = false;
			s->state = ST_QUO;
			s->quote_line = s->line;
			return LW_OK;
		}
		/* fall through */
	case ST_UNQ:
		if (c == d) {
			start(s);
			s->rec_blank = false;
			s->state = ST_FIELD;
			return end_field(s);
		}
		if (c == '\n' || c == '\r') {
			s->line++;
			s->state = c == '\r' ? ST_CR : ST_FIELD;
			return end_record(s, s->offset + 1);
		}
		start(s);
		if (c != ' ' && c != '\t')
			s->rec_blank = false;
		s->state = ST_UNQ;
		cell_add(s, &c, 1);
		return LW_OK;
	case ST_QUO:
		if (c == q) {
			s->state = ST_QQ;
			return LW_OK;
		}
		if (c == '\n')
			s->line++;
		cell_add(s, &c, 1);
		return LW_OK;
	case ST_QQ:
		if (c == q) {		/* doubled quote */
			s->state = ST_QUO;
			cell_add(s, &c, 1);
			return LW_OK;
		}
		if (c == d || c == '\n' || c == '\r') {
			s->state = ST_UNQ;
			return machine(s, c);
		}
		/* text after the closing quote: kept, leniently */
		s->state = ST_UNQ;
		cell_add(s, &c, 1);
		return LW_OK;
	}
	return LW_OK;
}

/* One byte at s->offset: binary checks, then the machine. */
static int step(struct lw_csv_scan *s, char c)
{
	unsigned char u = (unsigned char)c;

	if (u == 0)
		return binary(s, s->offset);
	if (s->offset < s->sniff_bytes) {
		sniff(s, u);
		if (s->offset + 1 == s->sniff_bytes) {
			int rc = sniff_decide(s, s->sniff_bytes);
			if (rc)
				return rc;
		}
	}
	return machine(s, c);
}

/* Bytes of a partial byte order mark turned out to be data after all. */
static int replay_bom(struct lw_csv_scan *s)
{
	int k = s->bom, rc = LW_OK;
	int64_t save = s->offset;

	s->bom = -1;
	s->offset = 0;
	for (int j = 0; j < k && rc == LW_OK; j++, s->offset++)
		rc = step(s, (char)bom[j]);
	s->offset = save;
	return rc;
}

/* Length of the run at p[0..n) that the machine would only append to the
 * current cell: no delimiter, newline, quote (when quoted) or NUL. */
static size_t plain_run(const struct lw_csv_scan *s, const char *p, size_t n)
{
	const char q = s->o.quote, d = s->o.delim;
	size_t j = 0;

	if (s->state == ST_UNQ) {
		while (j < n && p[j] != d && p[j] != '\n' && p[j] != '\r' &&
		       p[j] != '\0')
			j++;
	} else if (s->state == ST_QUO) {
		while (j < n && p[j] != q && p[j] != '\n' && p[j] != '\0')
			j++;
	}
	return j;
}

int lw_csv_scan_feed(struct lw_csv_scan *s, const char *p, size_t n)
{
	size_t i = 0;
	int rc;

	if (s->rc)
		return s->rc;
	while (i < n) {
		if (s->bom >= 0) {
			if ((unsigned char)p[i] == bom[s->bom]) {
				s->offset++;
				i++;
				if (++s->bom == 3)
					s->bom = -1;
				continue;
			}
			rc = replay_bom(s);
			if (rc)
				return rc;
		}
		if (s->offset >= s->sniff_bytes) {
			size_t run = plain_run(s, p + i, n - i);
			if (run) {
				if (s->state == ST_UNQ && s->rec_blank) {
					for (size_t j = i; j < i + run; j++)
						if (p[j] != ' ' && p[j] != '\t')
							s->rec_blank = false;
				}
				cell_add(s, p + i, run);
				s->offset += (int64_t)run;
				i += run;
				continue;
			}
		}
		rc = step(s, p[i]);
		s->offset++;
		i++;
		if (rc)
			return rc;
	}
	return LW_OK;
}

int lw_csv_scan_finish(struct lw_csv_scan *s, bool eof)
{
	int rc;
	bool open_quote;

	if (s->rc)
		return s->rc;
	if (s->bom > 0 && (rc = replay_bom(s)) != LW_OK)
		return rc;
	s->bom = -1;
	if (!s->sniffed && (rc = sniff_decide(s, s->offset)) != LW_OK)
		return rc;
	open_quote = eof && s->state == ST_QUO;
	if (eof && !open_quote && (rc = end_record(s, s->offset)) != LW_OK)
		return rc;
	if (s->bad_records) {
		char more[64] = "";
		if (s->bad_records > 1)
			snprintf(more, sizeof(more), " (%lld records differ)",
				 (long long)s->bad_records);
		return fail(s, LW_EPARSE, "line %lld: %lld field%s, %s has "
			    "%lld%s", (long long)s->bad_line,
			    (long long)s->bad_fields,
			    s->bad_fields == 1 ? "" : "s",
			    s->o.header ? "header" : "first record",
			    (long long)s->ncols, more);
	}
	if (open_quote)
		return fail(s, LW_EPARSE, "line %lld: unterminated quote",
			    (long long)s->quote_line);
	return LW_OK;
}

int64_t lw_csv_scan_rows(const struct lw_csv_scan *s)
{
	if (s->records > 0 && s->o.header)
		return s->records - 1;
	return s->records;
}

struct nref {
	const char *name;
	size_t col;
};

static int cmp_nref(const void *a, const void *b)
{
	const struct nref *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	/* equal names keep column order, so the first one keeps its name */
	return c ? c : (x->col < y->col ? -1 : x->col > y->col);
}

/* Rename repeated names "a", "a" to "a", "a_2". A few passes settle the
 * rare case where a new name meets an existing one; a hostile header that
 * still collides after that keeps its duplicates. */
static void dedupe(char **names, size_t n)
{
	struct nref *r = lw_xmalloc(n * sizeof(*r) + 1);

	for (int pass = 0; pass < 4; pass++) {
		bool changed = false;
		size_t g = 0, k = 1;

		for (size_t i = 0; i < n; i++)
			r[i] = (struct nref){names[i], i};
		lw_sort(r, n, sizeof(*r), cmp_nref);
		for (size_t i = 1; i < n; i++) {
			if (strcmp(r[i].name, r[g].name) != 0) {
				g = i;
				k = 1;
				continue;
			}
			/* r[g] is never renamed, so it stays valid */
			free(names[r[i].col]);
			names[r[i].col] = lw_xasprintf("%s_%zu", r[g].name, ++k);
			changed = true;
		}
		if (!changed)
			break;
	}
	free(r);
}

bool lw_csv_scan_schema(const struct lw_csv_scan *s, struct lw_schema *out)
{
	size_t n;
	char **names;

	if (s->records == 0 || s->ncols <= 0)
		return false;
	n = (size_t)s->ncols;
	names = lw_xcalloc(n, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		const char *h = s->o.header && i < s->cap_names ?
				s->names[i] : NULL;
		names[i] = h && *h ? lw_xstrdup(h) :
			   lw_xasprintf("column%zu", i + 1);
	}
	dedupe(names, n);
	for (size_t i = 0; i < n; i++) {
		unsigned seen = i < s->cap_seen ? s->seen[i] : 0;
		struct lw_column *c = lw_schema_add(out, names[i],
						    lw_infer_type(seen), "csv");
		c->nullable = true;
		free(names[i]);
	}
	free(names);
	return true;
}
