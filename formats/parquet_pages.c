/* parquet_pages.c - the pages of one column chunk, one at a time: the
 * Thrift page header, decompression, the dictionary page, and a data
 * page's repetition and definition levels (v1 and v2 layouts); the
 * values are then decoded by parquet_values.c.
 */
#include <stdlib.h>
#include <string.h>
#include "lakewatch/parquet.h"
#include "lakewatch/thrift.h"
#include "lakewatch/util.h"
#include "parquet_int.h"

#define MAX_DICT	(16 * 1024 * 1024)	/* dictionary entries */
#define MAX_PAGE_VALUES	(16 * 1024 * 1024)	/* level entries per page */

enum { PAGE_DATA = 0, PAGE_INDEX = 1, PAGE_DICT = 2, PAGE_DATA_V2 = 3 };

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


/* ---- one page ------------------------------------------------------- */

/* The header's enums against parquet.thrift's ranges: a page type or an
 * encoding out of range is a corrupt page header, not a page to skip or
 * an "unknown" encoding. */
static int check_header(struct lw_pq_col *c, const struct page_hdr *h,
			struct lw_err *err)
{
	const int enc[] = { h->enc, h->def_enc, h->rep_enc };
	if (h->type < PAGE_DATA || h->type > PAGE_DATA_V2)
		return lw_err_set(err, LW_EPARSE, "column %s: corrupt page "
				  "header: page type %d", c->name, h->type);
	for (size_t i = 0; i < sizeof enc / sizeof *enc; i++)
		if (enc[i] < LW_PQE_PLAIN || enc[i] > LW_PQE_BYTE_STREAM_SPLIT)
			return lw_err_set(err, LW_EPARSE, "column %s: corrupt "
					  "page header: encoding %d", c->name,
					  enc[i]);
	return LW_OK;
}

/* The header of the page at c->pos, checked against the chunk; *raw gets
 * the page's (compressed) bytes and c->pos moves past them. */
static int read_header(struct lw_pq_col *c, struct page_hdr *h,
		       const uint8_t **raw, struct lw_err *err)
{
	struct lw_thrift t;
	int rc;
	lw_thrift_init(&t, c->chunk.data + c->pos, c->chunk.len - c->pos,
		       "page header", err);
	if (rd_page_hdr(&t, h))
		return lw_err_prefix(err, "column %s", c->name);
	if ((rc = check_header(c, h, err)))
		return rc;
	c->pos += lw_thrift_pos(&t);
	if (h->csize < 0 || h->usize < 0 ||
	    (size_t)h->csize > c->chunk.len - c->pos)
		return lw_pq_colerr(c, err, LW_EPARSE,
				    "page size past the column chunk");
	if (h->usize > LW_PQ_MAX_PAGE)
		return lw_pq_colerr(c, err, LW_ETOOBIG,
				    "page over the size limit");
	*raw = (const uint8_t *)c->chunk.data + c->pos;
	c->pos += (size_t)h->csize;
	return LW_OK;
}

/* The page's usize bytes, decompressed into *out (caller frees; one more
 * byte allocated). A v2 page's levels come first, never compressed. */
static int decompress_page(struct lw_pq_col *c, const struct page_hdr *h,
			   const uint8_t *raw, uint8_t **out,
			   struct lw_err *err)
{
	uint8_t *buf = lw_xmalloc((size_t)h->usize + 1);
	size_t lvl = 0;		/* v2: levels, never compressed */
	int codec = c->cc->codec;
	int rc;

	if (h->type == PAGE_DATA_V2) {
		if (h->def_len < 0 || h->rep_len < 0 ||
		    (int64_t)h->def_len + h->rep_len > h->csize ||
		    (int64_t)h->def_len + h->rep_len > h->usize) {
			free(buf);
			return lw_pq_colerr(c, err, LW_EPARSE,
					    "bad level lengths in a v2 page");
		}
		lvl = (size_t)h->def_len + (size_t)h->rep_len;
		memcpy(buf, raw, lvl);
		if (!h->compressed)
			codec = LW_PQC_UNCOMPRESSED;
	}
	/* An empty v2 page may have no compressed stream at all. */
	if (h->type == PAGE_DATA_V2 && (size_t)h->usize == lvl &&
	    (size_t)h->csize == lvl)
		rc = LW_OK;
	else
		rc = lw_pq_decompress(codec, raw + lvl, (size_t)h->csize - lvl,
				      buf + lvl, (size_t)h->usize - lvl, err);
	if (rc) {
		free(buf);
		return lw_err_prefix(err, "column %s", c->name);
	}
	*out = buf;
	return LW_OK;
}

/* v1 levels: a 4-byte length, then the RLE hybrid data. */
static int levels_v1(struct lw_pq_col *c, const uint8_t **p,
		     const uint8_t *end, int max, int enc,
		     struct lw_pq_rle *r, struct lw_err *err)
{
	if (max == 0)
		return lw_pq_rle_init(r, *p, 0, 0, err);
	if (enc != LW_PQE_RLE)
		return lw_err_set(err, LW_EUNSUPPORTED, "column %s: level "
				  "encoding %s is not supported", c->name,
				  lw_parquet_encoding_name(enc));
	if (end - *p < 4)
		return lw_pq_colerr(c, err, LW_EPARSE, "truncated levels");
	uint32_t n = lw_pq_le32(*p);
	*p += 4;
	if (n > (size_t)(end - *p))
		return lw_pq_colerr(c, err, LW_EPARSE,
				    "levels past the page end");
	int rc = lw_pq_rle_init(r, *p, n, lw_pq_bit_width((uint32_t)max), err);
	*p += n;
	return rc;
}

/* A dictionary page: its values, PLAIN, into c->dict. Takes buf (freed
 * on error, else owned by c). */
static int load_dict(struct lw_pq_col *c, const struct page_hdr *h,
		     uint8_t *buf, size_t n, struct lw_err *err)
{
	int rc = LW_OK;
	if (c->dict)
		rc = lw_pq_colerr(c, err, LW_EPARSE, "second dictionary page");
	else if (h->enc != LW_PQE_PLAIN && h->enc != LW_PQE_PLAIN_DICTIONARY)
		rc = lw_err_set(err, LW_EUNSUPPORTED, "column %s: "
				"dictionary encoding %s is not supported",
				c->name, lw_parquet_encoding_name(h->enc));
	else if (h->nvalues < 0 || h->nvalues > MAX_DICT ||
		 (size_t)h->nvalues > (c->lf->type == LW_PQ_BOOLEAN ? n * 8
								    : n))
		rc = lw_pq_colerr(c, err, LW_EPARSE, "bad dictionary size");
	if (rc) {
		free(buf);
		return rc;
	}
	c->dict_buf = buf;
	c->dict = lw_xcalloc((size_t)h->nvalues + 1, sizeof *c->dict);
	const uint8_t *p = buf;
	uint64_t bit = 0;
	for (int32_t i = 0; i < h->nvalues; i++) {
		rc = lw_pq_plain_value(c, &p, buf + n, &bit, &c->dict[i], err);
		if (rc)
			return rc;
		c->ndict = (size_t)i + 1;
	}
	return LW_OK;
}

/* Make the decompressed data page buf (taken: freed on error, else owned
 * by c) c's current page: its levels, then its values. */
static int start_data_page(struct lw_pq_col *c, const struct page_hdr *h,
			   uint8_t *buf, struct lw_err *err)
{
	int rc;
	/* A row may straddle pages: keep the old page until the row has
	 * been handed out. */
	if (c->page) {
		lw_xgrow((void **)&c->retired, &c->capretired, c->nretired,
			 sizeof *c->retired);
		c->retired[c->nretired++] = c->page;
		c->retired_bytes += c->page_size;
		c->page = NULL;
	}
	/* Without a cap, one row over many pages (or a run of pages without
	 * entries, each decompressed from a few bytes into up to
	 * LW_PQ_MAX_PAGE) would keep them all. */
	if (c->retired_bytes > (size_t)LW_PQ_MAX_PAGE) {
		free(buf);
		return lw_pq_colerr(c, err, LW_ETOOBIG,
				    "one row spans more than 256 MB of pages");
	}
	c->page = buf;
	c->page_size = (size_t)h->usize + 1;
	c->page_left = h->nvalues;
	c->enc = h->enc;
	const uint8_t *p = buf, *end = buf + h->usize;
	if (h->type == PAGE_DATA) {
		if ((rc = levels_v1(c, &p, end, c->lf->max_rep, h->rep_enc,
				    &c->reps, err)) ||
		    (rc = levels_v1(c, &p, end, c->lf->max_def, h->def_enc,
				    &c->defs, err)))
			return rc;
	} else {
		lw_pq_rle_init(&c->reps, p, (size_t)h->rep_len,
			       lw_pq_bit_width(c->lf->max_rep), err);
		p += h->rep_len;
		lw_pq_rle_init(&c->defs, p, (size_t)h->def_len,
			       lw_pq_bit_width(c->lf->max_def), err);
		p += h->def_len;
	}
	return lw_pq_values_begin(c, p, end, err);
}

/* The pages c reads (owned by c); *eof set when the chunk has no more
 * pages. Index pages and unknown kinds are skipped. */
int lw_pq_next_page(struct lw_pq_col *c, bool *eof, struct lw_err *err)
{
	*eof = false;
	for (;;) {
		struct page_hdr h;
		const uint8_t *raw = NULL;
		uint8_t *buf = NULL;
		int rc;

		if (c->pos >= c->chunk.len) {
			*eof = true;
			return LW_OK;
		}
		if ((rc = read_header(c, &h, &raw, err)))
			return rc;
		if (h.type == PAGE_INDEX)
			continue;	/* checked: one of the four kinds */
		if (h.nvalues < 0)
			return lw_pq_colerr(c, err, LW_EPARSE,
					    "page without num_values");
		if (h.nvalues > MAX_PAGE_VALUES)
			return lw_pq_colerr(c, err, LW_ETOOBIG,
					    "page with more than 16M values");
		if ((rc = decompress_page(c, &h, raw, &buf, err)))
			return rc;
		if (h.type == PAGE_DICT) {
			if ((rc = load_dict(c, &h, buf, (size_t)h.usize,
					    err)))
				return rc;	/* buf now owned by c */
			continue;
		}
		if ((rc = start_data_page(c, &h, buf, err)))
			return rc;
		if (c->page_left > 0)
			return LW_OK;
	}
}
