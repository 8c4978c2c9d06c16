/* parquet_decompress.c - page decompression: snappy, gzip, zstd.
 * The output size is always the page header's uncompressed size, checked
 * against LW_PQ_MAX_PAGE by the caller, so no codec can expand without
 * bound. */
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include <snappy-c.h>
#include "parquet_int.h"
#include "lakewatch/parquet.h"

bool lw_pq_codec_ok(int codec)
{
	return codec == LW_PQC_UNCOMPRESSED || codec == LW_PQC_SNAPPY ||
	       codec == LW_PQC_GZIP || codec == LW_PQC_ZSTD;
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
