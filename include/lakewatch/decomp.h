/* decomp.h - streaming decompression in front of the CSV and JSON Lines
 * scanners (formats/decomp.c), and the text formats' file reader that uses
 * it (formats/textsrc.c).
 *
 * Landing zones hold compressed copies (Data Factory writes gzip, deflate,
 * bzip2, lz4 and zstd): "orders.csv.gz", "events.json.zst". The codec is
 * chosen by the name's last extension and confirmed by the stream's magic
 * bytes (gzip 1f 8b, bzip2 "BZh", lz4 frame 04 22 4d 18, zstd 28 b5 2f fd;
 * .deflate is a zlib stream or raw deflate, told apart by the zlib header).
 * A name with a codec's extension whose bytes do not start that stream is
 * an error. A name without one whose bytes start a gzip, bzip2, lz4 or
 * zstd stream is read through it (a ".csv" that is really gzip).
 * Concatenated members/frames/streams are read one after another, as the
 * command-line tools do.
 *
 * Nothing is kept: each decompressed chunk (at most LW_DECOMP_CHUNK bytes)
 * goes to the sink and is forgotten. Against decompression bombs, the
 * output may not exceed max_ratio times the compressed bytes consumed once
 * it is past ratio_free bytes (real CSV compresses 5-50x; gzip's ceiling is
 * about 1032x, bzip2 and zstd go far higher on crafted input), nor
 * max_out bytes in all: either is an error, and decompression stops there.
 *
 * Errors name the codec and the compressed byte offset where the decoder
 * stopped: "corrupt gzip stream at compressed byte 812: invalid block
 * type", "truncated bzip2 stream: it ends at compressed byte 4096 inside
 * the stream".
 */
#ifndef LAKEWATCH_DECOMP_H
#define LAKEWATCH_DECOMP_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "lakewatch/err.h"
#include "lakewatch/format.h"

enum lw_codec {
	LW_CODEC_NONE = 0,
	LW_CODEC_GZIP,
	LW_CODEC_DEFLATE,	/* zlib-wrapped or raw */
	LW_CODEC_BZIP2,
	LW_CODEC_LZ4,		/* the lz4 frame format */
	LW_CODEC_ZSTD,
};

#define LW_DECOMP_CHUNK 65536
#define LW_DECOMP_MAX_RATIO 1000
#define LW_DECOMP_RATIO_FREE ((int64_t)64 << 20)	/* 64 MiB */
#define LW_DECOMP_MAX_OUT ((int64_t)64 << 30)		/* 64 GiB */
#define LW_DECOMP_MAGIC 10	/* bytes looked at before deciding */

/* The extensions a compressed text file may end with, as a PCRE2
 * alternation for the formats' default include patterns. */
#define LW_DECOMP_EXT_RE "gz|gzip|deflate|zz|bz2|bzip2|lz4|zst|zstd"
/* The archives lw_archive_kind() names, as a whole PCRE2 pattern: the
 * text formats' default includes list them so that they are reported
 * (a file warning), not passed over. */
#define LW_ARCHIVE_EXT_RE "\\.(zip|tar|tgz|7z|rar|tar\\.(gz|bz2|xz|zst))$"

/* Static names: "gzip", "deflate", "bzip2", "lz4", "zstd"; "none". */
const char *lw_codec_name(enum lw_codec c);
/* The codec a path's last extension names, LW_CODEC_NONE for others. */
enum lw_codec lw_codec_by_ext(const char *path);
/* "zip", "tar", "tar.gz", "7z", ... when the path names an archive
 * lakewatch does not open; NULL otherwise. Static string. */
const char *lw_archive_kind(const char *path);

struct lw_decomp_state;	/* private to decomp.c */

/* Fields are private to decomp.c except the limits, which tests and
 * fuzzers may lower between init and the first feed, and the counters. */
struct lw_decomp {
	int64_t max_ratio, ratio_free, max_out;	/* limits */
	int64_t in;		/* compressed bytes consumed */
	int64_t out;		/* decompressed bytes produced */
	enum lw_codec named;	/* what the name said */
	enum lw_codec codec;	/* what is being decoded (NONE: plain) */

	int rc;			/* first error, sticky */
	struct lw_err err;
	int sink_rc;		/* what the sink returned when it stopped */
	bool decided;		/* magic bytes looked at */
	bool in_stream;		/* inside a member/frame: not at an end */
	unsigned char magic[LW_DECOMP_MAGIC];
	size_t nmagic;
	lw_chunk_cb sink;
	void *ud;
	struct lw_decomp_state *st;	/* owned */
};

/* Decompress what the name `named` says (NONE: whatever the magic says,
 * else pass bytes through unchanged) into sink. */
void lw_decomp_init(struct lw_decomp *d, enum lw_codec named,
		    lw_chunk_cb sink, void *ud);
/* Feed the next n compressed bytes. Returns LW_OK, LW_ESTOP when the sink
 * asked to stop (its code is in d->sink_rc), or the first error (sticky,
 * message in d->err). */
int lw_decomp_feed(struct lw_decomp *d, const char *p, size_t n);
/* An lw_chunk_cb: ud is the struct lw_decomp. */
int lw_decomp_chunk(void *ud, const char *p, size_t n);
/* No more input. eof false: only a head of the file was fed, so ending
 * inside a stream is not an error. Returns LW_OK, LW_ESTOP or the error. */
int lw_decomp_finish(struct lw_decomp *d, bool eof);
void lw_decomp_free(struct lw_decomp *d);

/* What lw_text_read() did. */
struct lw_text_read {
	int64_t bytes_read;	/* what the lake delivered */
	int64_t bytes_out;	/* decompressed bytes, 0 for a plain file */
	bool eof;		/* the sink saw the whole file */
	enum lw_codec codec;	/* what was decoded */
};

/* Read f through sink: the whole file when f->count_rows, else enough of
 * its head to hand the sink head_bytes (decompressed) bytes. Returns LW_OK,
 * LW_ESTOP when the sink stopped (its own error follows; err untouched),
 * the lake's error, or a decompression error, in err. */
int lw_text_read(const struct lw_file *f, int64_t head_bytes,
		 lw_chunk_cb sink, void *ud, struct lw_text_read *r,
		 struct lw_err *err);
/* An archive is not opened: true, with out->warning ("a zip archive,
 * which lakewatch does not open: its rows are not counted") and rows 0;
 * false for other files, out untouched. */
bool lw_text_archive(const struct lw_file *f, struct lw_file_obs *out);
/* Add what r cost and found to out: bytes_read, bytes_decompressed and
 * detail.compression (the codec) for a compressed file. */
void lw_text_note(const struct lw_text_read *r, struct lw_file_obs *out);

#endif
