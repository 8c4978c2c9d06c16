/* parquet_decompress.c - page decompression: snappy, gzip, zstd, brotli,
 * LZ4_RAW (one raw lz4 block) and the legacy LZ4 (Hadoop-framed blocks,
 * else one raw block, as parquet-cpp reads it; an lz4 frame too).
 * The output size is always the page header's uncompressed size, checked
 * against LW_PQ_MAX_PAGE by the caller, so no codec can expand without
 * bound. */
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include <snappy-c.h>
#include <lz4.h>
#include <lz4frame.h>
#include <brotli/decode.h>
#include "parquet_int.h"
#include "lakewatch/parquet.h"

bool lw_pq_codec_ok(int codec)
{
	return codec == LW_PQC_UNCOMPRESSED || codec == LW_PQC_SNAPPY ||
	       codec == LW_PQC_GZIP || codec == LW_PQC_ZSTD ||
	       codec == LW_PQC_BROTLI || codec == LW_PQC_LZ4 ||
	       codec == LW_PQC_LZ4_RAW;
}

/* One raw lz4 block that must fill out exactly. */
static bool lz4_block(const uint8_t *in, size_t inlen, uint8_t *out,
		      size_t outlen)
{
	int n;

	if (inlen > INT32_MAX || outlen > INT32_MAX)
		return false;
	n = LZ4_decompress_safe((const char *)in, (char *)out, (int)inlen,
				(int)outlen);
	return n >= 0 && (size_t)n == outlen;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Hadoop's framing: blocks of [BE32 raw size][BE32 compressed size][lz4
 * block], filling out exactly. False when the input is not that. */
static bool lz4_hadoop(const uint8_t *in, size_t inlen, uint8_t *out,
		       size_t outlen)
{
	size_t done = 0;

	while (inlen > 0) {
		uint32_t raw, comp;
		if (inlen < 8)
			return false;
		raw = be32(in);
		comp = be32(in + 4);
		in += 8;
		inlen -= 8;
		if (comp > inlen || raw > outlen - done ||
		    !lz4_block(in, comp, out + done, raw))
			return false;
		in += comp;
		inlen -= comp;
		done += raw;
	}
	return done == outlen;
}

/* An lz4 frame (some writers used it for LZ4) that fills out exactly. */
static bool lz4_frame(const uint8_t *in, size_t inlen, uint8_t *out,
		      size_t outlen)
{
	LZ4F_dctx *dc;
	size_t dn = outlen, sn = inlen, r;

	if (inlen < 4 || in[0] != 0x04 || in[1] != 0x22 || in[2] != 0x4d ||
	    in[3] != 0x18)
		return false;
	if (LZ4F_isError(LZ4F_createDecompressionContext(&dc, LZ4F_VERSION)))
		return false;
	r = LZ4F_decompress(dc, out, &dn, in, &sn, NULL);
	LZ4F_freeDecompressionContext(dc);
	return r == 0 && dn == outlen;
}

static int brotli(const uint8_t *in, size_t inlen, uint8_t *out,
		  size_t outlen, struct lw_err *err)
{
	size_t n = outlen;

	if (BrotliDecoderDecompress(inlen, in, &n, out) !=
	    BROTLI_DECODER_RESULT_SUCCESS || n != outlen)
		return lw_err_set(err, LW_EPARSE, "brotli page: corrupt data "
				  "(%zu of %zu bytes)", n, outlen);
	return LW_OK;
}

static int gunzip(const uint8_t *in, size_t inlen, uint8_t *out,
		  size_t outlen, struct lw_err *err)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	/* 15 + 32: zlib or gzip header, detected. */
	if (inflateInit2(&z, 15 + 32) != Z_OK)
		return lw_err_set(err, LW_ENOMEM, "gzip: inflateInit failed");
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)inlen;
	z.next_out = out;
	z.avail_out = (uInt)outlen;
	int zr;
	for (;;) {
		zr = inflate(&z, Z_FINISH);
		/* Concatenated gzip members: start the next one. */
		if (zr == Z_STREAM_END && z.avail_in > 0 && z.avail_out > 0) {
			if (inflateReset(&z) != Z_OK)
				break;
			continue;
		}
		break;
	}
	size_t got = outlen - z.avail_out;
	inflateEnd(&z);
	if (zr != Z_STREAM_END || got != outlen)
		return lw_err_set(err, LW_EPARSE, "gzip page: corrupt data "
				  "(%zu of %zu bytes)", got, outlen);
	return LW_OK;
}

int lw_pq_decompress(int codec, const uint8_t *in, size_t inlen,
		     uint8_t *out, size_t outlen, struct lw_err *err)
{
	size_t n;
	switch (codec) {
	case LW_PQC_UNCOMPRESSED:
		if (inlen != outlen)
			return lw_err_set(err, LW_EPARSE, "uncompressed page "
					  "of %zu bytes claims %zu", inlen,
					  outlen);
		if (outlen)
			memcpy(out, in, outlen);
		return LW_OK;
	case LW_PQC_SNAPPY:
		if (snappy_uncompressed_length((const char *)in, inlen, &n) !=
		    SNAPPY_OK || n != outlen)
			return lw_err_set(err, LW_EPARSE, "snappy page: bad "
					  "length");
		if (snappy_uncompress((const char *)in, inlen, (char *)out,
				      &n) != SNAPPY_OK || n != outlen)
			return lw_err_set(err, LW_EPARSE, "snappy page: "
					  "corrupt data");
		return LW_OK;
	case LW_PQC_GZIP:
		return gunzip(in, inlen, out, outlen, err);
	case LW_PQC_BROTLI:
		return brotli(in, inlen, out, outlen, err);
	case LW_PQC_LZ4_RAW:
		if (!lz4_block(in, inlen, out, outlen))
			return lw_err_set(err, LW_EPARSE, "LZ4_RAW page: "
					  "corrupt data");
		return LW_OK;
	case LW_PQC_LZ4:
		if (lz4_hadoop(in, inlen, out, outlen) ||
		    lz4_frame(in, inlen, out, outlen) ||
		    lz4_block(in, inlen, out, outlen))
			return LW_OK;
		return lw_err_set(err, LW_EPARSE, "LZ4 page: corrupt data "
				  "(neither Hadoop-framed nor a raw block)");
	case LW_PQC_ZSTD:
		n = ZSTD_decompress(out, outlen, in, inlen);
		if (ZSTD_isError(n) || n != outlen)
			return lw_err_set(err, LW_EPARSE, "zstd page: %s",
					  ZSTD_isError(n) ?
					  ZSTD_getErrorName(n) :
					  "wrong size");
		return LW_OK;
	default:
		return lw_err_set(err, LW_EUNSUPPORTED, "compression codec "
				  "%s is not supported",
				  lw_parquet_codec_name(codec));
	}
}

const char *lw_parquet_codec_name(int codec)
{
	static const char *const names[] = {
		"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4",
		"ZSTD", "LZ4_RAW"
	};
	if (codec >= 0 && codec < (int)(sizeof names / sizeof *names))
		return names[codec];
	return "unknown";
}

const char *lw_parquet_encoding_name(int enc)
{
	static const char *const names[] = {
		"PLAIN", "GROUP_VAR_INT", "PLAIN_DICTIONARY", "RLE",
		"BIT_PACKED", "DELTA_BINARY_PACKED",
		"DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY",
		"RLE_DICTIONARY", "BYTE_STREAM_SPLIT"
	};
	if (enc >= 0 && enc < (int)(sizeof names / sizeof *names))
		return names[enc];
	return "unknown";
}
