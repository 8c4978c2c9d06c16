/* parquet_pages.c - read a few columns of a Parquet file row by row.
 *
 * For each row group, each requested column's chunk is read with one
 * range read, then its pages are decoded one at a time as rows are
 * assembled: levels and values are pulled lazily, so memory is the chunk
 * plus one decompressed page (plus the page a repeated cell started in).
 * Leaves repeated once (lists of primitives, map keys and values) come out
 * as lists; deeper nesting is refused.
 */
#include <stdlib.h>
#include <string.h>
#include "lakewatch/parquet.h"
#include "lakewatch/thrift.h"
#include "lakewatch/util.h"
#include "parquet_int.h"

#define MAX_DICT	(16 * 1024 * 1024)	/* dictionary entries */
#define MAX_ITEMS	(1024 * 1024)		/* items in one list cell */
#define MAX_LEVEL	64
#define MAX_PAGE_VALUES	(16 * 1024 * 1024)	/* level entries per page */

enum { PAGE_DATA = 0, PAGE_INDEX = 1, PAGE_DICT = 2, PAGE_DATA_V2 = 3 };

/* One leaf column of the schema, with its level arithmetic. */
struct leaf {
	char *full;		/* owned: "a.list.element" */
	char *brief;		/* owned: "a" (LIST wrappers left out) */
	int type;
	int32_t type_len;
	int max_def, max_rep;
	int def_parent;		/* repeated leaves: def level above the
				 * repeated node (below it: null cell) */
};

struct col {
	const char *name;
	int leaf;		/* index into leaves, -1 missing */
	const struct leaf *lf;
	const struct lw_pq_column_chunk *cc;
	struct lw_buf chunk;	/* the raw chunk */
	size_t pos;		/* next page header in chunk */

	uint8_t *dict_buf;	/* owned */
	struct lw_pq_value *dict;	/* owned */
	size_t ndict;

	uint8_t *page;		/* owned: decompressed page */
	size_t page_size;
	int64_t page_left;	/* level entries left in the page */
	struct lw_pq_rle reps, defs;
	int enc;
	const uint8_t *vp, *vend;	/* PLAIN values */
	uint64_t vbit;			/* PLAIN booleans: next bit */
	struct lw_pq_rle idx;		/* dictionary indices / RLE bools */
	struct lw_pq_delta dl;		/* DELTA_* integers and lengths */
	uint64_t bss_i, bss_n;		/* BYTE_STREAM_SPLIT position/count */
	uint8_t scratch[16];		/* BYTE_STREAM_SPLIT: one value */

	bool have;		/* rep/def of the next entry are loaded */
	int rep, def;

	struct lw_pq_value *items;	/* owned, reused per row */
	size_t cap;
	uint8_t **retired;	/* pages to free after the row */
	size_t nretired, capretired;
	size_t retired_bytes;	/* their sizes, capped at LW_PQ_MAX_PAGE */
};

struct reader {
	struct lw_lake *lake;
	const char *path;
	const struct lw_parquet_meta *m;
	struct leaf *leaves;
	size_t nleaves, capleaves;
	struct lw_err *err;
};

/* ---- the schema's leaves ----------------------------------------------- */

static int is_list_or_map(const struct lw_pq_schema_elem *e)
{
	int k = e->logical.kind, ct = e->converted_type;
	return k == LW_PQ_LT_LIST || k == LW_PQ_LT_MAP || ct == 1 || ct == 2 ||
	       ct == 3;
}

static int is_list(const struct lw_pq_schema_elem *e)
{
	return e->logical.kind == LW_PQ_LT_LIST || e->converted_type == 3;
}

static char *join(const char *a, const char *b)
{
	if (!a || !a[0])
		return lw_xstrdup(b);
	if (!b)
		return lw_xstrdup(a);
	return lw_xasprintf("%s.%s", a, b);
}

/* Walk element *i and its subtree. parent/gparent give the context the
 * brief path needs; skip_kid: this is the lone child of a skipped LIST
 * wrapper (the "element" level). */
static int walk(struct reader *r, size_t *i, const char *full,
		const char *brief, int def, int rep, int def_parent,
		const struct lw_pq_schema_elem *parent, bool skip_self_kid,
		int depth)
{
	const struct lw_pq_schema_elem *e = &r->m->schema[*i];
	(*i)++;
	if (depth > MAX_LEVEL)
		return lw_err_set(r->err, LW_EPARSE, "schema nested too deep");
	if (e->repetition != LW_PQ_REQUIRED && e->repetition >= 0)
		def++;
	if (e->repetition == LW_PQ_REPEATED) {
		def_parent = def - 1;
		rep++;
	}
	bool skip = (e->repetition == LW_PQ_REPEATED && parent &&
		     is_list_or_map(parent)) || skip_self_kid;
	char *f = join(full, e->name);
	char *b = skip ? lw_xstrdup(brief) : join(brief, e->name);
	int rc = LW_OK;
	if (e->num_children <= 0) {
		lw_xgrow((void **)&r->leaves, &r->capleaves, r->nleaves,
			 sizeof *r->leaves);
		struct leaf *l = &r->leaves[r->nleaves++];
		l->full = f;
		l->brief = b;
		l->type = e->type;
		l->type_len = e->type_length;
		l->max_def = def;
		l->max_rep = rep;
		l->def_parent = def_parent;
		return LW_OK;
	}
	/* The lone child of a repeated group inside a LIST is the element. */
	bool kid_skip = skip && !skip_self_kid && parent && is_list(parent) &&
			e->num_children == 1;
	for (int32_t k = 0; k < e->num_children && !rc; k++)
		rc = walk(r, i, f, b, def, rep, def_parent, e, kid_skip,
			  depth + 1);
	free(f);
	free(b);
	return rc;
}

static int build_leaves(struct reader *r)
{
	const struct lw_parquet_meta *m = r->m;
	size_t i = 1;
	int rc = LW_OK;
	for (int32_t k = 0; k < m->schema[0].num_children && !rc; k++) {
		if (i >= m->nschema)
			return lw_err_set(r->err, LW_EPARSE, "schema ends "
					  "early");
		rc = walk(r, &i, "", "", 0, 0, 0, &m->schema[0], false, 0);
	}
	return rc;
}

static void free_leaves(struct reader *r)
{
	for (size_t i = 0; i < r->nleaves; i++) {
		free(r->leaves[i].full);
		free(r->leaves[i].brief);
	}
	free(r->leaves);
}

/* ---- page headers ------------------------------------------------------ */

struct page_hdr {
	int type;
	int32_t usize, csize;
	int32_t nvalues;
	int enc, def_enc, rep_enc;
	int32_t def_len, rep_len;	/* v2 */
	bool compressed;		/* v2 */
};

static int rd_sub(struct lw_thrift *t, int type, struct page_hdr *h)
{
	int16_t last = 0;
	struct lw_thrift_field f;
	int64_t x;
	int rc = lw_thrift_struct_begin(t);
	while (!rc && !(rc = lw_thrift_field_next(t, &last, &f)) &&
	       f.type != LW_TT_STOP) {
		int id = f.id;
		if (f.type == LW_TT_TRUE) {
			if (type == PAGE_DATA_V2 && id == 7)
				h->compressed = f.bval;
			continue;
		}
		if (f.type == LW_TT_STRUCT || f.type > LW_TT_I64 ||
		    f.type < LW_TT_BYTE) {
			rc = lw_thrift_skip(t, f.type);
			continue;
		}
		if ((rc = lw_thrift_int(t, f.type, &x)))
			break;
		if (x < INT32_MIN || x > INT32_MAX)
			x = -1;
		int32_t v = (int32_t)x;
		if (id == 1)
			h->nvalues = v;
		else if (type == PAGE_DATA && id == 2)
			h->enc = v;
		else if (type == PAGE_DATA && id == 3)
			h->def_enc = v;
		else if (type == PAGE_DATA && id == 4)
			h->rep_enc = v;
		else if (type == PAGE_DICT && id == 2)
			h->enc = v;
		else if (type == PAGE_DATA_V2 && id == 4)
			h->enc = v;
		else if (type == PAGE_DATA_V2 && id == 5)
			h->def_len = v;
		else if (type == PAGE_DATA_V2 && id == 6)
			h->rep_len = v;
	}
	lw_thrift_struct_end(t);
	return rc;
}

static int rd_page_hdr(struct lw_thrift *t, struct page_hdr *h)
{
	int16_t last = 0;
	struct lw_thrift_field f;
	int64_t x;
	int rc;
	memset(h, 0, sizeof *h);
	h->type = h->usize = h->csize = -1;
	h->nvalues = -1;
	h->compressed = true;
	h->def_enc = h->rep_enc = LW_PQE_RLE;
	if ((rc = lw_thrift_struct_begin(t)))
		return rc;
	while (!(rc = lw_thrift_field_next(t, &last, &f)) &&
	       f.type != LW_TT_STOP) {
		if (f.id >= 1 && f.id <= 3 && f.type >= LW_TT_BYTE &&
		    f.type <= LW_TT_I64) {
			if ((rc = lw_thrift_int(t, f.type, &x)))
				break;
			if (x < INT32_MIN || x > INT32_MAX)
				x = -1;
			if (f.id == 1)
				h->type = (int)x;
			else if (f.id == 2)
				h->usize = (int32_t)x;
			else
				h->csize = (int32_t)x;
		} else if ((f.id == 5 || f.id == 7 || f.id == 8) &&
			   f.type == LW_TT_STRUCT) {
			rc = rd_sub(t, f.id == 5 ? PAGE_DATA : f.id == 7 ?
				    PAGE_DICT : PAGE_DATA_V2, h);
		} else {
			rc = lw_thrift_skip(t, f.type);
		}
		if (rc)
			break;
	}
	lw_thrift_struct_end(t);
	return rc;
}

/* ---- values ------------------------------------------------------------ */

static int colerr(struct col *c, struct lw_err *err, int code,
		  const char *what)
{
	return lw_err_set(err, code, "column %s: %s", c->name, what);
}

/* One PLAIN value from [*p, end). */
static int plain_value(struct col *c, const uint8_t **p, const uint8_t *end,
		       uint64_t *bit, struct lw_pq_value *v,
		       struct lw_err *err)
{
	size_t left = (size_t)(end - *p);
	size_t w;
	uint32_t u32;
	uint64_t u64;
	switch (c->lf->type) {
	case LW_PQ_BOOLEAN:
		if ((*bit >> 3) >= left)
			return colerr(c, err, LW_EPARSE, "booleans run out");
		v->kind = LW_PQV_BOOL;
		v->v.b = ((*p)[*bit >> 3] >> (*bit & 7)) & 1;
		(*bit)++;
		return LW_OK;
	case LW_PQ_INT32:
	case LW_PQ_FLOAT:
		if (left < 4)
			return colerr(c, err, LW_EPARSE, "values run out");
		u32 = (uint32_t)(*p)[0] | (uint32_t)(*p)[1] << 8 |
		      (uint32_t)(*p)[2] << 16 | (uint32_t)(*p)[3] << 24;
		if (c->lf->type == LW_PQ_INT32) {
			v->kind = LW_PQV_INT32;
			v->v.i32 = (int32_t)u32;
		} else {
			v->kind = LW_PQV_FLOAT;
			memcpy(&v->v.f, &u32, 4);
		}
		*p += 4;
		return LW_OK;
	case LW_PQ_INT64:
	case LW_PQ_DOUBLE:
		if (left < 8)
			return colerr(c, err, LW_EPARSE, "values run out");
		u64 = 0;
		for (int i = 7; i >= 0; i--)
			u64 = u64 << 8 | (*p)[i];
		if (c->lf->type == LW_PQ_INT64) {
			v->kind = LW_PQV_INT64;
			v->v.i64 = (int64_t)u64;
		} else {
			v->kind = LW_PQV_DOUBLE;
			memcpy(&v->v.d, &u64, 8);
		}
		*p += 8;
		return LW_OK;
	case LW_PQ_INT96:
	case LW_PQ_FIXED_LEN_BYTE_ARRAY:
		w = c->lf->type == LW_PQ_INT96 ? 12 :
		    c->lf->type_len > 0 ? (size_t)c->lf->type_len : 0;
		if (w == 0)
			return colerr(c, err, LW_EPARSE, "no type_length");
		if (left < w)
			return colerr(c, err, LW_EPARSE, "values run out");
		v->kind = LW_PQV_BYTES;
		v->v.bytes.p = *p;
		v->v.bytes.len = w;
		*p += w;
		return LW_OK;
	case LW_PQ_BYTE_ARRAY:
		if (left < 4)
			return colerr(c, err, LW_EPARSE, "values run out");
		u32 = (uint32_t)(*p)[0] | (uint32_t)(*p)[1] << 8 |
		      (uint32_t)(*p)[2] << 16 | (uint32_t)(*p)[3] << 24;
		if (u32 > left - 4)
			return colerr(c, err, LW_EPARSE, "byte array length "
				      "past the page end");
		v->kind = LW_PQV_BYTES;
		v->v.bytes.p = *p + 4;
		v->v.bytes.len = u32;
		*p += 4 + (size_t)u32;
		return LW_OK;
	default:
		return colerr(c, err, LW_EPARSE, "unknown physical type");
	}
}

static int next_value(struct col *c, struct lw_pq_value *v,
		      struct lw_err *err)
{
	uint32_t u;
	int rc;
	switch (c->enc) {
	case LW_PQE_PLAIN:
		return plain_value(c, &c->vp, c->vend, &c->vbit, v, err);
	case LW_PQE_PLAIN_DICTIONARY:
	case LW_PQE_RLE_DICTIONARY:
		if ((rc = lw_pq_rle_next(&c->idx, &u, err)))
			return lw_err_prefix(err, "column %s", c->name);
		if (u >= c->ndict)
			return colerr(c, err, LW_EPARSE, "dictionary index "
				      "out of range");
		*v = c->dict[u];
		return LW_OK;
	case LW_PQE_DELTA_BINARY_PACKED: {
		int64_t x;
		if ((rc = lw_pq_delta_next(&c->dl, &x, err)))
			return lw_err_prefix(err, "column %s", c->name);
		if (c->lf->type == LW_PQ_INT32) {
			v->kind = LW_PQV_INT32;
			v->v.i32 = (int32_t)(uint32_t)x;
		} else {
			v->kind = LW_PQV_INT64;
			v->v.i64 = x;
		}
		return LW_OK;
	}
	case LW_PQE_DELTA_LENGTH_BYTE_ARRAY: {
		int64_t len;
		if ((rc = lw_pq_delta_next(&c->dl, &len, err)))
			return lw_err_prefix(err, "column %s", c->name);
		if (len < 0 || (uint64_t)len > (uint64_t)(c->vend - c->vp))
			return colerr(c, err, LW_EPARSE, "byte array length "
				      "past the page end");
		v->kind = LW_PQV_BYTES;
		v->v.bytes.p = c->vp;
		v->v.bytes.len = (size_t)len;
		c->vp += len;
		return LW_OK;
	}
	case LW_PQE_BYTE_STREAM_SPLIT: {
		size_t w = c->lf->type == LW_PQ_INT32 ||
			   c->lf->type == LW_PQ_FLOAT ? 4 :
			   c->lf->type == LW_PQ_FIXED_LEN_BYTE_ARRAY ?
			   (size_t)c->lf->type_len : 8;
		if (c->bss_i >= c->bss_n)
			return colerr(c, err, LW_EPARSE, "values run out");
		/* Byte k of value i is at k * n + i: gather it. */
		uint8_t *out = c->scratch;
		if (c->lf->type == LW_PQ_FIXED_LEN_BYTE_ARRAY) {
			/* Its own copy: a list holds several at once. */
			out = lw_xmalloc(w);
			lw_xgrow((void **)&c->retired, &c->capretired,
				 c->nretired, sizeof *c->retired);
			c->retired[c->nretired++] = out;
		}
		for (size_t k = 0; k < w; k++)
			out[k] = c->vp[k * c->bss_n + c->bss_i];
		c->bss_i++;
		const uint8_t *q = out;
		uint64_t bit = 0;
		if (c->lf->type == LW_PQ_FIXED_LEN_BYTE_ARRAY) {
			v->kind = LW_PQV_BYTES;
			v->v.bytes.p = out;
			v->v.bytes.len = w;
			return LW_OK;
		}
		return plain_value(c, &q, out + w, &bit, v, err);
	}
	case LW_PQE_RLE:	/* booleans only (checked at page load) */
		if ((rc = lw_pq_rle_next(&c->idx, &u, err)))
			return lw_err_prefix(err, "column %s", c->name);
		v->kind = LW_PQV_BOOL;
		v->v.b = u != 0;
		return LW_OK;
	default:
		return colerr(c, err, LW_EPARSE, "bad encoding state");
	}
}

/* ---- pages ------------------------------------------------------------- */

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* v1 levels: a 4-byte length, then the RLE hybrid data. */
static int levels_v1(struct col *c, const uint8_t **p, const uint8_t *end,
		     int max, int enc, struct lw_pq_rle *r,
		     struct lw_err *err)
{
	if (max == 0)
		return lw_pq_rle_init(r, *p, 0, 0, err);
	if (enc != LW_PQE_RLE)
		return lw_err_set(err, LW_EUNSUPPORTED, "column %s: level "
				  "encoding %s is not supported", c->name,
				  lw_parquet_encoding_name(enc));
	if (end - *p < 4)
		return colerr(c, err, LW_EPARSE, "truncated levels");
	uint32_t n = le32(*p);
	*p += 4;
	if (n > (size_t)(end - *p))
		return colerr(c, err, LW_EPARSE, "levels past the page end");
	int rc = lw_pq_rle_init(r, *p, n, lw_pq_bit_width((uint32_t)max), err);
	*p += n;
	return rc;
}

/* A DELTA_* header may claim more values than the page has entries (the
 * non-null values are at most num_values): refused before any walk. */
static int delta_too_many(struct col *c, struct lw_err *err)
{
	return lw_err_set(err, LW_EPARSE, "column %s: delta encoding claims "
			  "%llu values in a page of %lld", c->name,
			  (unsigned long long)c->dl.total,
			  (long long)c->page_left);
}

static int values_begin(struct col *c, const uint8_t *p, const uint8_t *end,
			struct lw_err *err)
{
	c->vp = p;
	c->vend = end;
	c->vbit = 0;
	switch (c->enc) {
	case LW_PQE_PLAIN:
		return LW_OK;
	case LW_PQE_PLAIN_DICTIONARY:
	case LW_PQE_RLE_DICTIONARY:
		if (!c->dict)
			return colerr(c, err, LW_EPARSE, "dictionary-encoded "
				      "page without a dictionary");
		if (p >= end) {
			/* All nulls: no values, no bit width byte. */
			return lw_pq_rle_init(&c->idx, p, 0, 0, err);
		}
		return lw_pq_rle_init(&c->idx, p + 1, (size_t)(end - p - 1),
				      p[0], err);
	case LW_PQE_DELTA_BINARY_PACKED: {
		if (c->lf->type != LW_PQ_INT32 && c->lf->type != LW_PQ_INT64)
			break;
		int rc = lw_pq_delta_init(&c->dl, p, (size_t)(end - p), err);
		if (!rc && c->dl.total > (uint64_t)c->page_left)
			rc = delta_too_many(c, err);
		return rc;
	}
	case LW_PQE_DELTA_LENGTH_BYTE_ARRAY: {
		if (c->lf->type != LW_PQ_BYTE_ARRAY)
			break;
		/* Lengths first, then the bytes: find where they start. */
		const uint8_t *data;
		int rc = lw_pq_delta_init(&c->dl, p, (size_t)(end - p), err);
		if (!rc && c->dl.total > (uint64_t)c->page_left)
			return delta_too_many(c, err);
		if (!rc)
			rc = lw_pq_delta_end(&c->dl, &data, err);
		if (!rc)
			rc = lw_pq_delta_init(&c->dl, p, (size_t)(end - p),
					      err);
		if (rc)
			return lw_err_prefix(err, "column %s", c->name);
		c->vp = data;
		return LW_OK;
	}
	case LW_PQE_BYTE_STREAM_SPLIT: {
		size_t w = c->lf->type == LW_PQ_INT32 ||
			   c->lf->type == LW_PQ_FLOAT ? 4 :
			   c->lf->type == LW_PQ_INT64 ||
			   c->lf->type == LW_PQ_DOUBLE ? 8 :
			   c->lf->type == LW_PQ_FIXED_LEN_BYTE_ARRAY &&
			   c->lf->type_len > 0 ? (size_t)c->lf->type_len : 0;
		if (!w)
			break;
		c->bss_i = 0;
		c->bss_n = (uint64_t)(end - p) / w;
		return LW_OK;
	}
	case LW_PQE_RLE:
		if (c->lf->type == LW_PQ_BOOLEAN) {
			if (end - p < 4)
				return colerr(c, err, LW_EPARSE, "truncated "
					      "RLE booleans");
			uint32_t n = le32(p);
			if (n > (size_t)(end - p - 4))
				return colerr(c, err, LW_EPARSE, "RLE "
					      "booleans past the page end");
			return lw_pq_rle_init(&c->idx, p + 4, n, 1, err);
		}
		break;
	default:
		break;
	}
	return lw_err_set(err, LW_EUNSUPPORTED, "column %s: encoding %s is "
			  "not supported", c->name,
			  lw_parquet_encoding_name(c->enc));
}

static int load_dict(struct col *c, const struct page_hdr *h, uint8_t *buf,
		     size_t n, struct lw_err *err)
{
	int rc = LW_OK;
	if (c->dict)
		rc = colerr(c, err, LW_EPARSE, "second dictionary page");
	else if (h->enc != LW_PQE_PLAIN && h->enc != LW_PQE_PLAIN_DICTIONARY)
		rc = lw_err_set(err, LW_EUNSUPPORTED, "column %s: "
				"dictionary encoding %s is not supported",
				c->name, lw_parquet_encoding_name(h->enc));
	else if (h->nvalues < 0 || h->nvalues > MAX_DICT ||
		 (size_t)h->nvalues > (c->lf->type == LW_PQ_BOOLEAN ? n * 8
								    : n))
		rc = colerr(c, err, LW_EPARSE, "bad dictionary size");
	if (rc) {
		free(buf);
		return rc;
	}
	c->dict_buf = buf;
	c->dict = lw_xcalloc((size_t)h->nvalues + 1, sizeof *c->dict);
	const uint8_t *p = buf;
	uint64_t bit = 0;
	for (int32_t i = 0; i < h->nvalues; i++) {
		rc = plain_value(c, &p, buf + n, &bit, &c->dict[i], err);
		if (rc)
			return rc;
		c->ndict = (size_t)i + 1;
	}
	return LW_OK;
}

/* Read the next data page of the chunk (dictionary pages on the way are
 * loaded). *eof set when the chunk has no more pages. */
static int next_page(struct col *c, bool *eof, struct lw_err *err)
{
	*eof = false;
	for (;;) {
		if (c->pos >= c->chunk.len) {
			*eof = true;
			return LW_OK;
		}
		struct lw_thrift t;
		struct page_hdr h;
		lw_thrift_init(&t, c->chunk.data + c->pos,
			       c->chunk.len - c->pos, "page header", err);
		int rc = rd_page_hdr(&t, &h);
		if (rc)
			return lw_err_prefix(err, "column %s", c->name);
		c->pos += lw_thrift_pos(&t);
		if (h.csize < 0 || h.usize < 0 ||
		    (size_t)h.csize > c->chunk.len - c->pos)
			return colerr(c, err, LW_EPARSE, "page size past the "
				      "column chunk");
		if (h.usize > LW_PQ_MAX_PAGE)
			return colerr(c, err, LW_ETOOBIG, "page over the size "
				      "limit");
		const uint8_t *raw = (const uint8_t *)c->chunk.data + c->pos;
		c->pos += (size_t)h.csize;
		if (h.type != PAGE_DATA && h.type != PAGE_DICT &&
		    h.type != PAGE_DATA_V2)
			continue;	/* index pages and unknown kinds */
		if (h.nvalues < 0)
			return colerr(c, err, LW_EPARSE, "page without "
				      "num_values");
		if (h.nvalues > MAX_PAGE_VALUES)
			return colerr(c, err, LW_ETOOBIG, "page with more "
				      "than 16M values");
		uint8_t *buf = lw_xmalloc((size_t)h.usize + 1);
		size_t lvl = 0;		/* v2: levels, never compressed */
		if (h.type == PAGE_DATA_V2) {
			if (h.def_len < 0 || h.rep_len < 0 ||
			    (int64_t)h.def_len + h.rep_len > h.csize ||
			    (int64_t)h.def_len + h.rep_len > h.usize) {
				free(buf);
				return colerr(c, err, LW_EPARSE, "bad level "
					      "lengths in a v2 page");
			}
			lvl = (size_t)h.def_len + (size_t)h.rep_len;
			memcpy(buf, raw, lvl);
		}
		int codec = c->cc->codec;
		if (h.type == PAGE_DATA_V2 && !h.compressed)
			codec = LW_PQC_UNCOMPRESSED;
		/* An empty v2 page may have no compressed stream at all. */
		if (h.type == PAGE_DATA_V2 && (size_t)h.usize == lvl &&
		    (size_t)h.csize == lvl)
			rc = LW_OK;
		else
			rc = lw_pq_decompress(codec, raw + lvl,
					      (size_t)h.csize - lvl, buf + lvl,
					      (size_t)h.usize - lvl, err);
		if (rc) {
			free(buf);
			return lw_err_prefix(err, "column %s", c->name);
		}
		if (h.type == PAGE_DICT) {
			if ((rc = load_dict(c, &h, buf, (size_t)h.usize,
					    err)))
				return rc;	/* buf now owned by c */
			continue;
		}
		/* A row may straddle pages: keep the old page until the
		 * row has been handed out. */
		if (c->page) {
			lw_xgrow((void **)&c->retired, &c->capretired,
				 c->nretired, sizeof *c->retired);
			c->retired[c->nretired++] = c->page;
			c->retired_bytes += c->page_size;
			c->page = NULL;
		}
		/* Without a cap, one row over many pages (or a run of pages
		 * without entries, each decompressed from a few bytes into
		 * up to LW_PQ_MAX_PAGE) would keep them all. */
		if (c->retired_bytes > (size_t)LW_PQ_MAX_PAGE) {
			free(buf);
			return colerr(c, err, LW_ETOOBIG, "one row spans more "
				      "than 256 MB of pages");
		}
		c->page = buf;
		c->page_size = (size_t)h.usize + 1;
		c->page_left = h.nvalues;
		c->enc = h.enc;
		const uint8_t *p = buf, *end = buf + h.usize;
		if (h.type == PAGE_DATA) {
			if ((rc = levels_v1(c, &p, end, c->lf->max_rep,
					    h.rep_enc, &c->reps, err)) ||
			    (rc = levels_v1(c, &p, end, c->lf->max_def,
					    h.def_enc, &c->defs, err)))
				return rc;
		} else {
			lw_pq_rle_init(&c->reps, p, (size_t)h.rep_len,
				       lw_pq_bit_width(c->lf->max_rep), err);
			p += h.rep_len;
			lw_pq_rle_init(&c->defs, p, (size_t)h.def_len,
				       lw_pq_bit_width(c->lf->max_def), err);
			p += h.def_len;
		}
		if ((rc = values_begin(c, p, end, err)))
			return rc;
		if (c->page_left > 0)
			return LW_OK;
	}
}

/* Load the levels of the next entry. *eof when the chunk is done. */
static int peek(struct col *c, bool *eof, struct lw_err *err)
{
	uint32_t v;
	int rc;
	*eof = false;
	if (c->have)
		return LW_OK;
	while (c->page_left <= 0) {
		if ((rc = next_page(c, eof, err)) || *eof)
			return rc;
	}
	c->rep = c->def = 0;
	if (c->lf->max_rep) {
		if ((rc = lw_pq_rle_next(&c->reps, &v, err)))
			return lw_err_prefix(err, "column %s: repetition "
					     "levels", c->name);
		c->rep = (int)v;
	}
	if (c->lf->max_def) {
		if ((rc = lw_pq_rle_next(&c->defs, &v, err)))
			return lw_err_prefix(err, "column %s: definition "
					     "levels", c->name);
		c->def = (int)v;
	}
	if (c->rep > c->lf->max_rep || c->def > c->lf->max_def)
		return colerr(c, err, LW_EPARSE, "level above the maximum");
	c->page_left--;
	c->have = true;
	return LW_OK;
}

/* Consume the loaded entry: its value, or null. */
static int take(struct col *c, struct lw_pq_value *v, struct lw_err *err)
{
	c->have = false;
	if (c->def < c->lf->max_def) {
		v->kind = LW_PQV_NULL;
		return LW_OK;
	}
	return next_value(c, v, err);
}

static int cell(struct col *c, int64_t row, struct lw_pq_value *out,
		struct lw_err *err)
{
	bool eof;
	int rc = peek(c, &eof, err);
	if (rc)
		return rc;
	if (eof)
		return lw_err_set(err, LW_EPARSE, "column %s: values end at "
				  "row %lld of the row group", c->name,
				  (long long)row);
	if (c->rep != 0)
		return colerr(c, err, LW_EPARSE, "row does not start at "
			      "repetition level 0");
	if (c->lf->max_rep == 0)
		return take(c, out, err);
	/* A repeated leaf: null, empty, or items until the next rep 0. */
	size_t n = 0;
	if (c->def < c->lf->def_parent) {
		c->have = false;
		out->kind = LW_PQV_NULL;
		return LW_OK;
	}
	out->kind = LW_PQV_LIST;
	if (c->def == c->lf->def_parent) {
		c->have = false;
	} else {
		lw_xgrow((void **)&c->items, &c->cap, 0, sizeof *c->items);
		if ((rc = take(c, &c->items[0], err)))
			return rc;
		n = 1;
		for (;;) {
			if ((rc = peek(c, &eof, err)))
				return rc;
			if (eof || c->rep == 0)
				break;
			if (n >= MAX_ITEMS)
				return colerr(c, err, LW_ETOOBIG, "list with "
					      "too many items");
			lw_xgrow((void **)&c->items, &c->cap, n,
				 sizeof *c->items);
			if ((rc = take(c, &c->items[n], err)))
				return rc;
			n++;
		}
	}
	out->v.list.items = c->items;
	out->v.list.n = n;
	return LW_OK;
}

static void retire_free(struct col *c)
{
	for (size_t i = 0; i < c->nretired; i++)
		free(c->retired[i]);
	c->nretired = 0;
	c->retired_bytes = 0;
}

static void col_reset(struct col *c)
{
	retire_free(c);
	lw_buf_free(&c->chunk);
	free(c->dict_buf);
	free(c->dict);
	free(c->page);
	c->dict_buf = NULL;
	c->dict = NULL;
	c->ndict = 0;
	c->page = NULL;
	c->page_left = 0;
	c->pos = 0;
	c->have = false;
}

/* Fetch the column chunk of row group g for c. */
static int load_chunk(struct reader *r, struct col *c,
		      const struct lw_pq_row_group *g, struct lw_err *err)
{
	if ((size_t)c->leaf >= g->ncols)
		return lw_err_set(err, LW_EPARSE, "row group has %zu columns, "
				  "the schema %zu leaves", g->ncols,
				  r->nleaves);
	const struct lw_pq_column_chunk *cc = &g->cols[c->leaf];
	c->cc = cc;
	if (!cc->has_meta)
		return colerr(c, err, LW_EUNSUPPORTED, "encrypted column");
	if (cc->file_path)
		return colerr(c, err, LW_EUNSUPPORTED, "column chunk in "
			      "another file");
	if (cc->type != c->lf->type)
		return colerr(c, err, LW_EPARSE, "chunk type differs from the "
			      "schema");
	if (!lw_pq_codec_ok(cc->codec))
		return lw_err_set(err, LW_EUNSUPPORTED, "column %s: "
				  "compression codec %s is not supported",
				  c->name, lw_parquet_codec_name(cc->codec));
	int64_t start = cc->data_page_offset;
	if (cc->dictionary_page_offset > 0 &&
	    cc->dictionary_page_offset < start)
		start = cc->dictionary_page_offset;
	int64_t len = cc->total_compressed_size;
	if (start < 4 || len <= 0 || len > LW_PQ_MAX_PAGE ||
	    (r->m->file_size >= 0 && (start > r->m->file_size ||
				      len > r->m->file_size - start)))
		return lw_err_set(err, LW_EPARSE, "column %s: chunk at %lld "
				  "of %lld bytes lies outside the file",
				  c->name, (long long)start, (long long)len);
	lw_buf_init(&c->chunk, (size_t)len);
	const struct lw_lake_kind *k = lw_lake_base(r->lake)->kind;
	int rc = k->read(r->lake, r->path, start, len, &c->chunk, err);
	if (rc)
		return rc;
	if ((int64_t)c->chunk.len != len)
		return lw_err_set(err, LW_EPARSE, "column %s: chunk cut short "
				  "(%zu of %lld bytes)", c->name,
				  c->chunk.len, (long long)len);
	return LW_OK;
}

static int find_leaf(struct reader *r, const char *name)
{
	for (size_t i = 0; i < r->nleaves; i++)
		if (!strcmp(r->leaves[i].full, name))
			return (int)i;
	for (size_t i = 0; i < r->nleaves; i++)
		if (!strcmp(r->leaves[i].brief, name))
			return (int)i;
	return -1;
}

static int read_all(struct reader *r, struct col *cols, size_t ncols,
		    lw_parquet_row_cb cb, void *ud, struct lw_err *err)
{
	const struct lw_parquet_meta *m = r->m;
	struct lw_pq_value *cells = lw_xcalloc(ncols ? ncols : 1,
					       sizeof *cells);
	int rc = LW_OK;
	for (size_t gi = 0; gi < m->nrgs && !rc; gi++) {
		const struct lw_pq_row_group *g = &m->rgs[gi];
		for (size_t j = 0; j < ncols && !rc; j++) {
			col_reset(&cols[j]);
			if (cols[j].leaf >= 0 &&
			    (rc = load_chunk(r, &cols[j], g, err)))
				lw_err_prefix(err, "row group %zu", gi);
		}
		if (g->num_rows < 0)
			rc = lw_err_set(err, LW_EPARSE, "row group %zu has "
					"%lld rows", gi,
					(long long)g->num_rows);
		for (int64_t row = 0; row < g->num_rows && !rc; row++) {
			for (size_t j = 0; j < ncols && !rc; j++) {
				if (cols[j].leaf < 0)
					cells[j].kind = LW_PQV_NULL;
				else
					rc = cell(&cols[j], row, &cells[j],
						  err);
			}
			if (rc) {
				lw_err_prefix(err, "row group %zu", gi);
				break;
			}
			lw_err_clear(err);
			rc = cb(ud, cells, ncols);
			for (size_t j = 0; j < ncols; j++)
				retire_free(&cols[j]);
			/* the callback's own message says what; add where */
			if (rc && rc != LW_ESTOP && err && err->msg[0])
				lw_err_prefix(err, "row %lld of row group %zu",
					      (long long)row, gi);
			else if (rc && rc != LW_ESTOP)
				lw_err_set(err, rc, "row callback stopped at "
					   "row %lld of row group %zu (%s)",
					   (long long)row, gi,
					   lw_rc_name(rc));
		}
	}
	free(cells);
	return rc;
}

int lw_parquet_read_columns(struct lw_lake *lake, const char *path,
			    const struct lw_parquet_meta *meta,
			    const char *const *columns, size_t ncols,
			    lw_parquet_row_cb cb, void *ud,
			    struct lw_err *err)
{
	struct lw_parquet_meta own;
	struct reader r = { .lake = lake, .path = path, .err = err };
	struct col *cols = NULL;
	int rc = LW_OK;

	if (!meta) {
		if ((rc = lw_parquet_read_meta(lake, path, -1, &own, NULL,
					       err)))
			return lw_err_prefix(err, "%s", path);
		meta = &own;
	}
	r.m = meta;
	if ((rc = build_leaves(&r)))
		goto out;
	cols = lw_xcalloc(ncols ? ncols : 1, sizeof *cols);
	for (size_t j = 0; j < ncols && !rc; j++) {
		struct col *c = &cols[j];
		c->name = columns[j];
		c->leaf = find_leaf(&r, columns[j]);
		lw_buf_init(&c->chunk, 0);
		if (c->leaf < 0)
			continue;
		c->lf = &r.leaves[c->leaf];
		if (c->lf->max_rep > 1)
			rc = lw_err_set(err, LW_EUNSUPPORTED, "column %s: "
					"nested repetition (%d levels) is not "
					"supported", c->name, c->lf->max_rep);
	}
	if (!rc)
		rc = read_all(&r, cols, ncols, cb, ud, err);
	if (rc == LW_ESTOP)
		rc = LW_OK;
	else if (rc)
		lw_err_prefix(err, "%s", path);
out:
	for (size_t j = 0; cols && j < ncols; j++) {
		col_reset(&cols[j]);
		free(cols[j].items);
		free(cols[j].retired);
	}
	free(cols);
	free_leaves(&r);
	if (meta == &own)
		lw_parquet_meta_free(&own);
	return rc;
}
