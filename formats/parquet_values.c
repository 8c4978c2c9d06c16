/* parquet_values.c - the values of one data page, one at a time, in
 * each encoding lakewatch reads: PLAIN, dictionary indices, RLE booleans,
 * DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY,
 * BYTE_STREAM_SPLIT.
 */
#include <stdlib.h>
#include <string.h>
#include "lakewatch/parquet.h"
#include "lakewatch/util.h"
#include "parquet_int.h"

/* Fills err; returns code. */
int lw_pq_colerr(struct lw_pq_col *c, struct lw_err *err, int code,
		 const char *what)
{
	return lw_err_set(err, code, "column %s: %s", c->name, what);
}

/* ---- PLAIN ------------------------------------------------------------- */

/* INT32 or FLOAT: 4 bytes, little-endian. */
static int plain_32(struct lw_pq_col *c, const uint8_t **p, size_t left,
		    struct lw_pq_value *v, struct lw_err *err)
{
	uint32_t u32;
	if (left < 4)
		return lw_pq_colerr(c, err, LW_EPARSE, "values run out");
	u32 = lw_pq_le32(*p);
	if (c->lf->type == LW_PQ_INT32) {
		v->kind = LW_PQV_INT32;
		v->v.i32 = (int32_t)u32;
	} else {
		v->kind = LW_PQV_FLOAT;
		memcpy(&v->v.f, &u32, 4);
	}
	*p += 4;
	return LW_OK;
}

/* INT64 or DOUBLE: 8 bytes, little-endian. */
static int plain_64(struct lw_pq_col *c, const uint8_t **p, size_t left,
		    struct lw_pq_value *v, struct lw_err *err)
{
	uint64_t u64 = 0;
	if (left < 8)
		return lw_pq_colerr(c, err, LW_EPARSE, "values run out");
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
}

/* INT96 or FIXED_LEN_BYTE_ARRAY: bytes of a fixed width. */
static int plain_fixed(struct lw_pq_col *c, const uint8_t **p, size_t left,
		       struct lw_pq_value *v, struct lw_err *err)
{
	size_t w = c->lf->type == LW_PQ_INT96 ? 12 :
		   c->lf->type_len > 0 ? (size_t)c->lf->type_len : 0;
	if (w == 0)
		return lw_pq_colerr(c, err, LW_EPARSE, "no type_length");
	if (left < w)
		return lw_pq_colerr(c, err, LW_EPARSE, "values run out");
	v->kind = LW_PQV_BYTES;
	v->v.bytes.p = *p;
	v->v.bytes.len = w;
	*p += w;
	return LW_OK;
}

/* BYTE_ARRAY: a 4-byte length, then the bytes. */
static int plain_byte_array(struct lw_pq_col *c, const uint8_t **p,
			    size_t left, struct lw_pq_value *v,
			    struct lw_err *err)
{
	uint32_t u32;
	if (left < 4)
		return lw_pq_colerr(c, err, LW_EPARSE, "values run out");
	u32 = lw_pq_le32(*p);
	if (u32 > left - 4)
		return lw_pq_colerr(c, err, LW_EPARSE,
				    "byte array length past the page end");
	v->kind = LW_PQV_BYTES;
	v->v.bytes.p = *p + 4;
	v->v.bytes.len = u32;
	*p += 4 + (size_t)u32;
	return LW_OK;
}

/* One PLAIN value from [*p, end); bytes point into [*p, end) (owner:
 * the caller's buffer). */
int lw_pq_plain_value(struct lw_pq_col *c, const uint8_t **p,
		      const uint8_t *end, uint64_t *bit,
		      struct lw_pq_value *v, struct lw_err *err)
{
	size_t left = (size_t)(end - *p);
	switch (c->lf->type) {
	case LW_PQ_BOOLEAN:
		if ((*bit >> 3) >= left)
			return lw_pq_colerr(c, err, LW_EPARSE,
					    "booleans run out");
		v->kind = LW_PQV_BOOL;
		v->v.b = ((*p)[*bit >> 3] >> (*bit & 7)) & 1;
		(*bit)++;
		return LW_OK;
	case LW_PQ_INT32:
	case LW_PQ_FLOAT:
		return plain_32(c, p, left, v, err);
	case LW_PQ_INT64:
	case LW_PQ_DOUBLE:
		return plain_64(c, p, left, v, err);
	case LW_PQ_INT96:
	case LW_PQ_FIXED_LEN_BYTE_ARRAY:
		return plain_fixed(c, p, left, v, err);
	case LW_PQ_BYTE_ARRAY:
		return plain_byte_array(c, p, left, v, err);
	default:
		return lw_pq_colerr(c, err, LW_EPARSE, "unknown physical type");
	}
}

/* ---- the start of a page's values ------------------------------------- */

/* A DELTA_* header may claim more values than the page has entries (the
 * non-null values are at most num_values): refused before any walk. */
static int delta_too_many(struct lw_pq_col *c, struct lw_err *err)
{
	return lw_err_set(err, LW_EPARSE, "column %s: delta encoding claims "
			  "%llu values in a page of %lld", c->name,
			  (unsigned long long)c->dl.total,
			  (long long)c->page_left);
}

/* DELTA_LENGTH_BYTE_ARRAY: the lengths come first, then the bytes: find
 * where those start. */
static int dlba_begin(struct lw_pq_col *c, const uint8_t *p,
		      const uint8_t *end, struct lw_err *err)
{
	const uint8_t *data;
	int rc = lw_pq_delta_init(&c->dl, p, (size_t)(end - p), err);
	if (!rc && c->dl.total > (uint64_t)c->page_left)
		return delta_too_many(c, err);
	if (!rc)
		rc = lw_pq_delta_end(&c->dl, &data, err);
	if (!rc)
		rc = lw_pq_delta_init(&c->dl, p, (size_t)(end - p), err);
	if (rc)
		return lw_err_prefix(err, "column %s", c->name);
	c->vp = data;
	return LW_OK;
}

/* DELTA_BYTE_ARRAY: prefix lengths (DELTA_BINARY_PACKED), then the
 * suffixes as DELTA_LENGTH_BYTE_ARRAY. Each value is the first prefix
 * length bytes of the one before it in the page, then its suffix. */
static int dba_begin(struct lw_pq_col *c, const uint8_t *p,
		     const uint8_t *end, struct lw_err *err)
{
	const uint8_t *sfx;
	int rc = lw_pq_delta_init(&c->dl2, p, (size_t)(end - p), err);

	if (!rc && c->dl2.total > (uint64_t)c->page_left)
		return delta_too_many(c, err);
	if (!rc)
		rc = lw_pq_delta_end(&c->dl2, &sfx, err);
	if (!rc)
		rc = lw_pq_delta_init(&c->dl2, p, (size_t)(sfx - p), err);
	if (rc)
		return lw_err_prefix(err, "column %s", c->name);
	c->dba_prevlen = 0;
	return dlba_begin(c, sfx, end, err);
}

/* Bytes per BYTE_STREAM_SPLIT value of c's type; 0: not splittable. */
static size_t bss_width(const struct lw_pq_col *c)
{
	return c->lf->type == LW_PQ_INT32 || c->lf->type == LW_PQ_FLOAT ? 4 :
	       c->lf->type == LW_PQ_INT64 || c->lf->type == LW_PQ_DOUBLE ? 8 :
	       c->lf->type == LW_PQ_FIXED_LEN_BYTE_ARRAY &&
	       c->lf->type_len > 0 ? (size_t)c->lf->type_len : 0;
}

/* RLE booleans: a 4-byte length, then the RLE hybrid data. */
static int rle_bools_begin(struct lw_pq_col *c, const uint8_t *p,
			   const uint8_t *end, struct lw_err *err)
{
	if (end - p < 4)
		return lw_pq_colerr(c, err, LW_EPARSE,
				    "truncated RLE booleans");
	uint32_t n = lw_pq_le32(p);
	if (n > (size_t)(end - p - 4))
		return lw_pq_colerr(c, err, LW_EPARSE,
				    "RLE booleans past the page end");
	return lw_pq_rle_init(&c->idx, p + 4, n, 1, err);
}

/* c's decoder state points into [p, end) (owner: c's page). */
int lw_pq_values_begin(struct lw_pq_col *c, const uint8_t *p,
		       const uint8_t *end, struct lw_err *err)
{
	size_t w;
	int rc;

	c->vp = p;
	c->vend = end;
	c->vbit = 0;
	switch (c->enc) {
	case LW_PQE_PLAIN:
		return LW_OK;
	case LW_PQE_PLAIN_DICTIONARY:
	case LW_PQE_RLE_DICTIONARY:
		if (!c->dict)
			return lw_pq_colerr(c, err, LW_EPARSE,
					    "dictionary-encoded page without "
					    "a dictionary");
		if (p >= end) {
			/* All nulls: no values, no bit width byte. */
			return lw_pq_rle_init(&c->idx, p, 0, 0, err);
		}
		return lw_pq_rle_init(&c->idx, p + 1, (size_t)(end - p - 1),
				      p[0], err);
	case LW_PQE_DELTA_BINARY_PACKED:
		if (c->lf->type != LW_PQ_INT32 && c->lf->type != LW_PQ_INT64)
			break;
		rc = lw_pq_delta_init(&c->dl, p, (size_t)(end - p), err);
		if (!rc && c->dl.total > (uint64_t)c->page_left)
			rc = delta_too_many(c, err);
		return rc;
	case LW_PQE_DELTA_LENGTH_BYTE_ARRAY:
		if (c->lf->type != LW_PQ_BYTE_ARRAY)
			break;
		return dlba_begin(c, p, end, err);
	case LW_PQE_DELTA_BYTE_ARRAY:
		if (c->lf->type != LW_PQ_BYTE_ARRAY &&
		    c->lf->type != LW_PQ_FIXED_LEN_BYTE_ARRAY)
			break;
		return dba_begin(c, p, end, err);
	case LW_PQE_BYTE_STREAM_SPLIT:
		if (!(w = bss_width(c)))
			break;
		c->bss_i = 0;
		c->bss_n = (uint64_t)(end - p) / w;
		return LW_OK;
	case LW_PQE_RLE:
		if (c->lf->type == LW_PQ_BOOLEAN)
			return rle_bools_begin(c, p, end, err);
		break;
	default:
		break;
	}
	return lw_err_set(err, LW_EUNSUPPORTED, "column %s: encoding %s is "
			  "not supported", c->name,
			  lw_parquet_encoding_name(c->enc));
}

/* ---- the next value ---------------------------------------------------- */

/* Through the dictionary: the value is the dictionary's (owned by c). */
static int dict_value(struct lw_pq_col *c, struct lw_pq_value *v,
		      struct lw_err *err)
{
	uint32_t u;
	if (lw_pq_rle_next(&c->idx, &u, err))
		return lw_err_prefix(err, "column %s", c->name);
	if (u >= c->ndict)
		return lw_pq_colerr(c, err, LW_EPARSE,
				    "dictionary index out of range");
	*v = c->dict[u];
	return LW_OK;
}

/* DELTA_BINARY_PACKED: INT32 or INT64. */
static int delta_int_value(struct lw_pq_col *c, struct lw_pq_value *v,
			   struct lw_err *err)
{
	int64_t x;
	if (lw_pq_delta_next(&c->dl, &x, err))
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

/* DELTA_LENGTH_BYTE_ARRAY: the next length, then that many bytes. */
static int dlba_value(struct lw_pq_col *c, struct lw_pq_value *v,
		      struct lw_err *err)
{
	int64_t len;
	if (lw_pq_delta_next(&c->dl, &len, err))
		return lw_err_prefix(err, "column %s", c->name);
	if (len < 0 || (uint64_t)len > (uint64_t)(c->vend - c->vp))
		return lw_pq_colerr(c, err, LW_EPARSE,
				    "byte array length past the page end");
	v->kind = LW_PQV_BYTES;
	v->v.bytes.p = c->vp;
	v->v.bytes.len = (size_t)len;
	c->vp += len;
	return LW_OK;
}

/* DELTA_BYTE_ARRAY: the value is built in its own copy, freed after
 * the row; the last one is kept for the next prefix. */
static int dba_value(struct lw_pq_col *c, struct lw_pq_value *v,
		     struct lw_err *err)
{
	struct lw_pq_value sfx;
	int64_t plen;
	size_t n;
	uint8_t *out;
	int rc;

	if (lw_pq_delta_next(&c->dl2, &plen, err))
		return lw_err_prefix(err, "column %s", c->name);
	if ((rc = dlba_value(c, &sfx, err)))
		return rc;
	if (plen < 0 || (uint64_t)plen > c->dba_prevlen)
		return lw_pq_colerr(c, err, LW_EPARSE, "DELTA_BYTE_ARRAY "
				    "prefix longer than the value before it");
	n = (size_t)plen + sfx.v.bytes.len;
	if (n > (size_t)LW_PQ_MAX_PAGE)
		return lw_pq_colerr(c, err, LW_ETOOBIG, "DELTA_BYTE_ARRAY "
				    "value longer than a page may be");
	out = lw_xmalloc(n + 1);
	if (plen)
		memcpy(out, c->dba_prev, (size_t)plen);
	if (sfx.v.bytes.len)
		memcpy(out + plen, sfx.v.bytes.p, sfx.v.bytes.len);
	lw_xgrow((void **)&c->retired, &c->capretired, c->nretired,
		 sizeof *c->retired);
	c->retired[c->nretired++] = out;
	if (n + 1 > c->dba_prevcap)
		lw_xgrow((void **)&c->dba_prev, &c->dba_prevcap, n, 1);
	memcpy(c->dba_prev, out, n);
	c->dba_prevlen = n;
	v->kind = LW_PQV_BYTES;
	v->v.bytes.p = out;
	v->v.bytes.len = n;
	return LW_OK;
}

/* BYTE_STREAM_SPLIT: byte k of value i is at k * n + i. */
static int bss_value(struct lw_pq_col *c, struct lw_pq_value *v,
		     struct lw_err *err)
{
	size_t w = c->lf->type == LW_PQ_INT32 ||
		   c->lf->type == LW_PQ_FLOAT ? 4 :
		   c->lf->type == LW_PQ_FIXED_LEN_BYTE_ARRAY ?
		   (size_t)c->lf->type_len : 8;
	if (c->bss_i >= c->bss_n)
		return lw_pq_colerr(c, err, LW_EPARSE, "values run out");
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
	return lw_pq_plain_value(c, &q, out + w, &bit, v, err);
}

/* Bytes it points to are owned by c: its page, dictionary, or the copies
 * it frees after the row. */
int lw_pq_next_value(struct lw_pq_col *c, struct lw_pq_value *v,
		     struct lw_err *err)
{
	uint32_t u;
	switch (c->enc) {
	case LW_PQE_PLAIN:
		return lw_pq_plain_value(c, &c->vp, c->vend, &c->vbit, v, err);
	case LW_PQE_PLAIN_DICTIONARY:
	case LW_PQE_RLE_DICTIONARY:
		return dict_value(c, v, err);
	case LW_PQE_DELTA_BINARY_PACKED:
		return delta_int_value(c, v, err);
	case LW_PQE_DELTA_LENGTH_BYTE_ARRAY:
		return dlba_value(c, v, err);
	case LW_PQE_DELTA_BYTE_ARRAY:
		return dba_value(c, v, err);
	case LW_PQE_BYTE_STREAM_SPLIT:
		return bss_value(c, v, err);
	case LW_PQE_RLE:	/* booleans only (checked at page load) */
		if (lw_pq_rle_next(&c->idx, &u, err))
			return lw_err_prefix(err, "column %s", c->name);
		v->kind = LW_PQV_BOOL;
		v->v.b = u != 0;
		return LW_OK;
	default:
		return lw_pq_colerr(c, err, LW_EPARSE, "bad encoding state");
	}
}
