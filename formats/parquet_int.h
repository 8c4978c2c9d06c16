/* parquet_int.h - helpers shared by the parquet_*.c files only. */
#ifndef LAKEWATCH_PARQUET_INT_H
#define LAKEWATCH_PARQUET_INT_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "lakewatch/buf.h"
#include "lakewatch/err.h"
#include "lakewatch/parquet.h"

enum { LW_PQC_UNCOMPRESSED = 0, LW_PQC_SNAPPY = 1, LW_PQC_GZIP = 2,
       LW_PQC_LZO = 3, LW_PQC_BROTLI = 4, LW_PQC_LZ4 = 5, LW_PQC_ZSTD = 6,
       LW_PQC_LZ4_RAW = 7 };

enum { LW_PQE_PLAIN = 0, LW_PQE_PLAIN_DICTIONARY = 2, LW_PQE_RLE = 3,
       LW_PQE_BIT_PACKED = 4, LW_PQE_DELTA_BINARY_PACKED = 5,
       LW_PQE_DELTA_LENGTH_BYTE_ARRAY = 6, LW_PQE_DELTA_BYTE_ARRAY = 7,
       LW_PQE_RLE_DICTIONARY = 8, LW_PQE_BYTE_STREAM_SPLIT = 9 };

/* True when lw_pq_decompress handles the codec. */
bool lw_pq_codec_ok(int codec);
/* Decompress in into exactly outlen bytes of out (the page header's
 * uncompressed size); anything else is LW_EPARSE. */
int lw_pq_decompress(int codec, const uint8_t *in, size_t inlen,
		     uint8_t *out, size_t outlen, struct lw_err *err);

/* The RLE / bit-packed hybrid decoder, streaming over [p, end). */
struct lw_pq_rle {
	const uint8_t *p, *end;
	int bw;			/* bits per value, 0..32 */
	uint32_t left;		/* values left in the current run */
	bool packed;		/* current run is bit-packed */
	uint32_t val;		/* value of an RLE run */
	const uint8_t *bp;	/* bit-packed run data */
	uint64_t bit;		/* next bit in bp */
};

int lw_pq_rle_init(struct lw_pq_rle *r, const uint8_t *p, size_t n, int bw,
		   struct lw_err *err);
/* Next value; LW_EPARSE when the data runs out. */
int lw_pq_rle_next(struct lw_pq_rle *r, uint32_t *v, struct lw_err *err);
/* DELTA_BINARY_PACKED, streaming: one value at a time, one block's
 * miniblock widths kept. */
struct lw_pq_delta {
	const uint8_t *p, *end;
	uint64_t block, nmini, per_mini;	/* values per block/miniblock */
	uint64_t total, done;			/* values in all / handed out */
	int64_t last, min_delta;
	uint8_t widths[256];
	uint64_t mini;		/* current miniblock in the block */
	uint64_t in_mini;	/* values used from it */
	const uint8_t *mp;	/* its data */
	bool first;		/* the first value is not out yet */
};

int lw_pq_delta_init(struct lw_pq_delta *d, const uint8_t *p, size_t n,
		     struct lw_err *err);
int lw_pq_delta_next(struct lw_pq_delta *d, int64_t *v, struct lw_err *err);
/* Skip every value; *end gets the first byte after the encoded data
 * (where DELTA_LENGTH_BYTE_ARRAY's bytes start). */
int lw_pq_delta_end(struct lw_pq_delta *d, const uint8_t **end,
		    struct lw_err *err);

/* Bits needed for values up to max. */
int lw_pq_bit_width(uint32_t max);

/* ---- the column reader ------------------------------------------------
 * lw_parquet_read_columns (parquet_rows.c) assembles rows from the
 * columns' entries; parquet_pages.c reads one page at a time of a column
 * chunk (header, decompression, levels); parquet_values.c decodes the
 * values of a page; parquet_leaves.c maps the schema to its leaves. */

/* One leaf column of the schema, with its level arithmetic. */
struct lw_pq_leaf {
	char *full;		/* owned: "a.list.element" */
	char *brief;		/* owned: "a" (LIST wrappers left out) */
	int type;
	int32_t type_len;
	int max_def, max_rep;
	int def_parent;		/* repeated leaves: def level above the
				 * repeated node (below it: null cell) */
};

/* One requested column: its chunk in the current row group, the page
 * being read and the decoder state of its levels and values. */
struct lw_pq_col {
	const char *name;
	int leaf;		/* index into leaves, -1 missing */
	const struct lw_pq_leaf *lf;
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
	struct lw_pq_delta dl2;		/* DELTA_BYTE_ARRAY prefix lengths */
	uint8_t *dba_prev;		/* owned: DELTA_BYTE_ARRAY's last value */
	size_t dba_prevlen, dba_prevcap;
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

/* One lw_parquet_read_columns call. */
struct lw_pq_reader {
	struct lw_lake *lake;
	const char *path;
	const struct lw_parquet_meta *m;
	struct lw_pq_leaf *leaves;	/* owned */
	size_t nleaves, capleaves;
	struct lw_err *err;
};

/* A little-endian uint32 at p (4 bytes there). */
static inline uint32_t lw_pq_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* parquet_leaves.c: r->leaves (owned by r, lw_pq_free_leaves) from
 * r->m's schema; the index of a leaf by full or brief name, or -1. */
int lw_pq_build_leaves(struct lw_pq_reader *r);
void lw_pq_free_leaves(struct lw_pq_reader *r);
int lw_pq_find_leaf(const struct lw_pq_reader *r, const char *name);

/* parquet_pages.c: load the next data page of c's chunk (dictionary
 * pages on the way are loaded); *eof when the chunk has no more. */
int lw_pq_next_page(struct lw_pq_col *c, bool *eof, struct lw_err *err);

/* parquet_values.c */
/* err gets "column <name>: what"; returns code. */
int lw_pq_colerr(struct lw_pq_col *c, struct lw_err *err, int code,
		 const char *what);
/* One PLAIN value of c's type from [*p, end), advancing *p (and *bit
 * for booleans). Byte values point into the page (owned by c). */
int lw_pq_plain_value(struct lw_pq_col *c, const uint8_t **p,
		      const uint8_t *end, uint64_t *bit,
		      struct lw_pq_value *v, struct lw_err *err);
/* Start decoding the values [p, end) of c's page in encoding c->enc. */
int lw_pq_values_begin(struct lw_pq_col *c, const uint8_t *p,
		       const uint8_t *end, struct lw_err *err);
/* The next value of the page; bytes it points to are owned by c. */
int lw_pq_next_value(struct lw_pq_col *c, struct lw_pq_value *v,
		     struct lw_err *err);

#endif
