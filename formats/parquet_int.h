/* parquet_int.h - helpers shared by the parquet_*.c files only. */
#ifndef LAKEWATCH_PARQUET_INT_H
#define LAKEWATCH_PARQUET_INT_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "lakewatch/err.h"

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

#endif
