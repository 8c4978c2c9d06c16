/* decomp.c - streaming gzip/deflate/bzip2/lz4/zstd decoding into a chunk
 * sink, with a cap on expansion (see decomp.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>
#include <bzlib.h>
#include <lz4frame.h>
#include <zstd.h>
#include "lakewatch/decomp.h"
#include "lakewatch/util.h"

struct lw_decomp_state {
	z_stream z;
	bool z_on;
	bz_stream bz;
	bool bz_on;
	LZ4F_dctx *lz;
	ZSTD_DStream *zs;
	char out[LW_DECOMP_CHUNK];
};

static const struct { const char *ext; enum lw_codec c; } exts[] = {
	{"gz", LW_CODEC_GZIP}, {"gzip", LW_CODEC_GZIP},
	{"deflate", LW_CODEC_DEFLATE}, {"zz", LW_CODEC_DEFLATE},
	{"bz2", LW_CODEC_BZIP2}, {"bzip2", LW_CODEC_BZIP2},
	{"lz4", LW_CODEC_LZ4}, {"zst", LW_CODEC_ZSTD}, {"zstd", LW_CODEC_ZSTD},
};

const char *lw_codec_name(enum lw_codec c)
{
	switch (c) {
	case LW_CODEC_GZIP: return "gzip";
	case LW_CODEC_DEFLATE: return "deflate";
	case LW_CODEC_BZIP2: return "bzip2";
	case LW_CODEC_LZ4: return "lz4";
	case LW_CODEC_ZSTD: return "zstd";
	default: return "none";
	}
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n > k && strcasecmp(s + n - k, suffix) == 0 &&
	       s[n - k - 1] == '.';
}

enum lw_codec lw_codec_by_ext(const char *path)
{
	for (size_t i = 0; i < sizeof exts / sizeof *exts; i++)
		if (ends_with(path, exts[i].ext) && !lw_archive_kind(path))
			return exts[i].c;
	return LW_CODEC_NONE;
}

const char *lw_archive_kind(const char *path)
{
	/* longest first: "x.tar.gz" is a tar.gz, not a gz */
	static const char *const kinds[] = {
		"tar.gz", "tar.bz2", "tar.xz", "tar.zst", "tgz", "tar", "zip",
		"7z", "rar",
	};
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (ends_with(path, kinds[i]))
			return kinds[i];
	return NULL;
}

static int fail(struct lw_decomp *d, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct lw_decomp *d, int code, const char *fmt, ...)
{
	va_list ap;

	if (d->rc)
		return d->rc;
	va_start(ap, fmt);
	vsnprintf(d->err.msg, sizeof d->err.msg, fmt, ap);
	va_end(ap);
	d->err.code = code;
	d->rc = code;
	return code;
}

static int corrupt(struct lw_decomp *d, int64_t at, const char *why)
{
	return fail(d, LW_EPARSE, "corrupt %s stream at compressed byte %lld: "
		    "%s", lw_codec_name(d->codec), (long long)at,
		    why && *why ? why : "invalid data");
}

void lw_decomp_init(struct lw_decomp *d, enum lw_codec named,
		    lw_chunk_cb sink, void *ud)
{
	memset(d, 0, sizeof *d);
	d->named = named;
	d->sink = sink;
	d->ud = ud;
	d->max_ratio = LW_DECOMP_MAX_RATIO;
	d->ratio_free = LW_DECOMP_RATIO_FREE;
	d->max_out = LW_DECOMP_MAX_OUT;
}

void lw_decomp_free(struct lw_decomp *d)
{
	struct lw_decomp_state *st = d->st;

	if (!st)
		return;
	if (st->z_on)
		inflateEnd(&st->z);
	if (st->bz_on)
		BZ2_bzDecompressEnd(&st->bz);
	if (st->lz)
		LZ4F_freeDecompressionContext(st->lz);
	if (st->zs)
		ZSTD_freeDStream(st->zs);
	free(st);
	d->st = NULL;
}

/* Hand n decompressed bytes to the sink, after the bomb checks. */
static int emit(struct lw_decomp *d, const char *p, size_t n)
{
	int rc;

	if (!n)
		return LW_OK;
	d->out += (int64_t)n;
	if (d->out > d->max_out)
		return fail(d, LW_ETOOBIG, "%s stream decompresses to more "
			    "than %lld bytes: lakewatch stops there",
			    lw_codec_name(d->codec), (long long)d->max_out);
	if (d->out > d->ratio_free &&
	    d->out / (d->in > 0 ? d->in : 1) > d->max_ratio)
		return fail(d, LW_ETOOBIG, "%s stream expands more than %lld "
			    "times (%lld bytes from the first %lld): a "
			    "decompression bomb? lakewatch stops there",
			    lw_codec_name(d->codec), (long long)d->max_ratio,
			    (long long)d->out, (long long)d->in);
	rc = d->sink(d->ud, p, n);
	if (rc) {
		d->sink_rc = rc;
		return LW_ESTOP;
	}
	return LW_OK;
}

static bool is_bzip2(const unsigned char *m, size_t n)
{
	static const unsigned char blk[6] = {0x31, 0x41, 0x59, 0x26, 0x53, 0x59};
	static const unsigned char eos[6] = {0x17, 0x72, 0x45, 0x38, 0x50, 0x90};

	if (n < 10 || memcmp(m, "BZh", 3) != 0 || m[3] < '1' || m[3] > '9')
		return false;
	return memcmp(m + 4, blk, 6) == 0 || memcmp(m + 4, eos, 6) == 0;
}

/* The codec whose magic m[0..n) starts, NONE for others. A zstd
 * skippable frame (5X 2A 4D 18) counts as zstd. */
static enum lw_codec by_magic(const unsigned char *m, size_t n)
{
	if (n >= 3 && m[0] == 0x1f && m[1] == 0x8b && m[2] == 8)
		return LW_CODEC_GZIP;
	if (n >= 4 && ((m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f &&
			m[3] == 0xfd) || ((m[0] & 0xf0) == 0x50 && m[1] == 0x2a &&
					  m[2] == 0x4d && m[3] == 0x18)))
		return LW_CODEC_ZSTD;
	if (n >= 4 && m[0] == 0x04 && m[1] == 0x22 && m[2] == 0x4d &&
	    m[3] == 0x18)
		return LW_CODEC_LZ4;
	if (is_bzip2(m, n))
		return LW_CODEC_BZIP2;
	return LW_CODEC_NONE;
}

/* A zlib header: CM 8, window <= 32K, FCHECK right. */
static bool is_zlib(const unsigned char *m, size_t n)
{
	return n >= 2 && (m[0] & 0x0f) == 8 && (m[0] >> 4) <= 7 &&
	       ((m[0] << 8) | m[1]) % 31 == 0;
}

static int start_codec(struct lw_decomp *d, int window_bits)
{
	struct lw_decomp_state *st = lw_xcalloc(1, sizeof *st);

	d->st = st;
	switch (d->codec) {
	case LW_CODEC_GZIP:
	case LW_CODEC_DEFLATE:
		if (inflateInit2(&st->z, window_bits) != Z_OK)
			return fail(d, LW_ENOMEM, "zlib: inflateInit failed");
		st->z_on = true;
		break;
	case LW_CODEC_BZIP2:
		if (BZ2_bzDecompressInit(&st->bz, 0, 0) != BZ_OK)
			return fail(d, LW_ENOMEM, "bzip2: init failed");
		st->bz_on = true;
		break;
	case LW_CODEC_LZ4:
		if (LZ4F_isError(LZ4F_createDecompressionContext(&st->lz,
								  LZ4F_VERSION)))
			return fail(d, LW_ENOMEM, "lz4: init failed");
		break;
	case LW_CODEC_ZSTD:
		st->zs = ZSTD_createDStream();
		if (!st->zs || ZSTD_isError(ZSTD_initDStream(st->zs)))
			return fail(d, LW_ENOMEM, "zstd: init failed");
		break;
	default:
		break;
	}
	d->in_stream = true;
	return LW_OK;
}

static void hex(const unsigned char *m, size_t n, char *out, size_t cap)
{
	size_t k = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && i < 4 && k + 4 < cap; i++)
		k += (size_t)snprintf(out + k, cap - k, "%s%02x", i ? " " : "",
				      m[i]);
}

/* Look at the magic bytes: pick the codec, or refuse a name that lies. */
static int decide(struct lw_decomp *d)
{
	enum lw_codec m = by_magic(d->magic, d->nmagic);
	int wbits = 15 + 16;	/* gzip */
	char h[32];

	d->decided = true;
	if (d->named == LW_CODEC_DEFLATE && m != LW_CODEC_GZIP) {
		/* zlib-wrapped or raw deflate: no magic of its own */
		d->codec = LW_CODEC_DEFLATE;
		return start_codec(d, is_zlib(d->magic, d->nmagic) ? 15 : -15);
	}
	if (d->named != LW_CODEC_NONE && m != d->named) {
		hex(d->magic, d->nmagic, h, sizeof h);
		return fail(d, LW_EPARSE, "not a %s stream: the name says %s "
			    "but the first bytes are %s%s%s",
			    lw_codec_name(d->named), lw_codec_name(d->named),
			    d->nmagic ? h : "(none)",
			    m != LW_CODEC_NONE ? ", which start a " : "",
			    m != LW_CODEC_NONE ? lw_codec_name(m) : "");
	}
	d->codec = m;
	if (m == LW_CODEC_DEFLATE)
		wbits = 15;
	return m == LW_CODEC_NONE ? LW_OK : start_codec(d, wbits);
}

/* After a member/frame/stream ended with input left: start the next. */
static int restart(struct lw_decomp *d)
{
	struct lw_decomp_state *st = d->st;

	if (st->z_on && inflateReset(&st->z) != Z_OK)
		return corrupt(d, d->in, "cannot restart");
	if (st->bz_on) {
		BZ2_bzDecompressEnd(&st->bz);
		memset(&st->bz, 0, sizeof st->bz);
		st->bz_on = BZ2_bzDecompressInit(&st->bz, 0, 0) == BZ_OK;
		if (!st->bz_on)
			return fail(d, LW_ENOMEM, "bzip2: init failed");
	}
	return LW_OK;
}

static int run_zlib(struct lw_decomp *d, const char *p, size_t n)
{
	z_stream *z = &d->st->z;
	int rc;

	z->next_in = (Bytef *)p;
	z->avail_in = (uInt)n;
	do {
		uInt before = z->avail_in;
		int zr;

		if (!d->in_stream && !z->avail_in)
			break;	/* ended with the input */
		if (!d->in_stream && (rc = restart(d)))
			return rc;
		z->next_out = (Bytef *)d->st->out;
		z->avail_out = LW_DECOMP_CHUNK;
		zr = inflate(z, Z_NO_FLUSH);
		d->in += before - z->avail_in;
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
			return corrupt(d, d->in, z->msg);
		d->in_stream = zr != Z_STREAM_END;
		rc = emit(d, d->st->out, LW_DECOMP_CHUNK - z->avail_out);
		if (rc)
			return rc;
		if (zr == Z_BUF_ERROR && z->avail_out)
			break;	/* wants more input */
	} while (z->avail_in || z->avail_out == 0);
	return LW_OK;
}

static int run_bzip2(struct lw_decomp *d, const char *p, size_t n)
{
	bz_stream *bz = &d->st->bz;
	int rc;

	bz->next_in = (char *)p;
	bz->avail_in = (unsigned)n;
	do {
		unsigned before = bz->avail_in;
		int br;

		if (!d->in_stream && !bz->avail_in)
			break;	/* ended with the input */
		if (!d->in_stream && (rc = restart(d)))
			return rc;
		bz->next_out = d->st->out;
		bz->avail_out = LW_DECOMP_CHUNK;
		br = BZ2_bzDecompress(bz);
		d->in += before - bz->avail_in;
		if (br != BZ_OK && br != BZ_STREAM_END)
			return corrupt(d, d->in, br == BZ_DATA_ERROR_MAGIC ?
				       "bad stream header" : "bad block data");
		d->in_stream = br != BZ_STREAM_END;
		rc = emit(d, d->st->out, LW_DECOMP_CHUNK - bz->avail_out);
		if (rc)
			return rc;
		if (before == bz->avail_in && bz->avail_out)
			break;	/* no progress: wants more input */
	} while (bz->avail_in || bz->avail_out == 0);
	return LW_OK;
}

static int run_lz4(struct lw_decomp *d, const char *p, size_t n)
{
	size_t off = 0;

	for (;;) {
		size_t dn = LW_DECOMP_CHUNK, sn = n - off;
		size_t r = LZ4F_decompress(d->st->lz, d->st->out, &dn, p + off,
					   &sn, NULL);
		int rc;

		off += sn;
		d->in += (int64_t)sn;
		if (LZ4F_isError(r))
			return corrupt(d, d->in, LZ4F_getErrorName(r));
		d->in_stream = r != 0;
		rc = emit(d, d->st->out, dn);
		if (rc)
			return rc;
		if ((off == n && dn < LW_DECOMP_CHUNK) || (sn == 0 && dn == 0))
			break;
	}
	return LW_OK;
}

static int run_zstd(struct lw_decomp *d, const char *p, size_t n)
{
	ZSTD_inBuffer in = {p, n, 0};

	for (;;) {
		ZSTD_outBuffer out = {d->st->out, LW_DECOMP_CHUNK, 0};
		size_t before = in.pos;
		size_t r = ZSTD_decompressStream(d->st->zs, &out, &in);
		int rc;

		d->in += (int64_t)(in.pos - before);
		if (ZSTD_isError(r))
			return corrupt(d, d->in, ZSTD_getErrorName(r));
		d->in_stream = r != 0;
		rc = emit(d, d->st->out, out.pos);
		if (rc)
			return rc;
		if ((in.pos == in.size && out.pos < out.size) ||
		    (in.pos == before && out.pos == 0))
			break;
	}
	return LW_OK;
}

static int run(struct lw_decomp *d, const char *p, size_t n)
{
	switch (d->codec) {
	case LW_CODEC_GZIP:
	case LW_CODEC_DEFLATE:
		return run_zlib(d, p, n);
	case LW_CODEC_BZIP2:
		return run_bzip2(d, p, n);
	case LW_CODEC_LZ4:
		return run_lz4(d, p, n);
	case LW_CODEC_ZSTD:
		return run_zstd(d, p, n);
	default:
		d->in += (int64_t)n;
		return d->sink(d->ud, p, n) ? (d->sink_rc = LW_ESTOP) : LW_OK;
	}
}

int lw_decomp_feed(struct lw_decomp *d, const char *p, size_t n)
{
	int rc;

	if (d->rc)
		return d->rc;
	if (d->sink_rc)
		return LW_ESTOP;
	if (!d->decided) {
		size_t k = LW_DECOMP_MAGIC - d->nmagic;
		if (k > n)
			k = n;
		memcpy(d->magic + d->nmagic, p, k);
		d->nmagic += k;
		p += k;
		n -= k;
		if (d->nmagic < LW_DECOMP_MAGIC)
			return LW_OK;
		if ((rc = decide(d)) || (rc = run(d, (const char *)d->magic,
						  d->nmagic)))
			return rc;
	}
	return n ? run(d, p, n) : LW_OK;
}

int lw_decomp_chunk(void *ud, const char *p, size_t n)
{
	int rc = lw_decomp_feed(ud, p, n);

	/* any stop, error or sink's, ends the download; the caller looks */
	return rc ? LW_ESTOP : LW_OK;
}

int lw_decomp_finish(struct lw_decomp *d, bool eof)
{
	int rc;

	if (d->rc)
		return d->rc;
	if (d->sink_rc)
		return LW_ESTOP;
	if (!d->decided && ((rc = decide(d)) ||
			    (rc = run(d, (const char *)d->magic, d->nmagic))))
		return rc;
	if (eof && d->codec != LW_CODEC_NONE && (d->in_stream || d->in == 0))
		return fail(d, LW_EPARSE, "truncated %s stream: it ends at "
			    "compressed byte %lld inside the stream",
			    lw_codec_name(d->codec), (long long)d->in);
	return LW_OK;
}
