/* test_decomp.c - the decompressing layer (formats/decomp.c) over files
 * written by the codecs' own command-line tools (gzip, bzip2, lz4, zstd)
 * and node's zlib (deflate), fed in several chunkings; corrupt and
 * truncated streams; the bomb caps; and the csv/jsonl plug-ins over a
 * small in-test lake. */
#include "unit.h"
#include <stdio.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <zlib.h>
#include "lakewatch/decomp.h"
#include "lakewatch/csv.h"
#include "lakewatch/jsonl.h"
#include "lakewatch/format.h"
#include "lakewatch/util.h"

#define ROWS 30000

#include "dirlake.h"

static struct lw_lake *t_lake(size_t chunk)
{
	struct lw_lake *l = calloc(1, sizeof(*l));
	l->base.kind = &t_kind;
	snprintf(l->dir, sizeof(l->dir), "/tmp/lw_test_decomp_XXXXXX");
	assert_non_null(mkdtemp(l->dir));
	l->chunk = chunk;
	return l;
}

static void t_free(struct lw_lake *l, const char *name)
{
	char full[512];

	snprintf(full, sizeof(full), "%s/%s", l->dir, name);
	unlink(full);
	rmdir(l->dir);
	free(l);
}

static bool have(const char *tool)
{
	char cmd[256];

	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *p;

	assert_non_null(f);
	assert_int_equal(fstat(fileno(f), &st), 0);
	p = malloc((size_t)st.st_size + 1);
	*n = fread(p, 1, (size_t)st.st_size, f);
	fclose(f);
	return p;
}

/* Write the original CSV into l's dir as orig.csv, ROWS data rows. */
static void write_orig(struct lw_lake *l)
{
	char full[512];
	FILE *f;

	snprintf(full, sizeof full, "%s/orig.csv", l->dir);
	f = fopen(full, "wb");
	assert_non_null(f);
	fprintf(f, "id,name,amount,day\n");
	for (int i = 0; i < ROWS; i++)
		fprintf(f, "%d,\"name, %d\",%d.%02d,2026-11-%02d\n", i, i * 7,
			i % 1000, i % 100, 1 + i % 28);
	fclose(f);
}

/* Run a shell command in l's dir; it must succeed. */
static void sh(struct lw_lake *l, const char *cmd)
{
	char full[1024];

	snprintf(full, sizeof full, "cd '%s' && %s", l->dir, cmd);
	assert_int_equal(system(full), 0);
}

struct collect {
	struct lw_buf b;
};

static int collect(void *ud, const char *p, size_t n)
{
	struct collect *c = ud;

	assert_int_equal(lw_buf_add(&c->b, p, n), LW_OK);
	return LW_OK;
}

/* Decode data[0..n) cut into `chunk`-byte pieces; returns the rc of the
 * first failing call or finish, output in out. */
static int decode(enum lw_codec named, const char *data, size_t n,
		  size_t chunk, struct collect *out, struct lw_decomp *d)
{
	int rc = LW_OK;

	lw_buf_init(&out->b, 64 * LW_BUF_1M);
	lw_decomp_init(d, named, collect, out);
	for (size_t at = 0; at < n && rc == LW_OK; at += chunk)
		rc = lw_decomp_feed(d, data + at, n - at < chunk ? n - at :
				    chunk);
	if (rc == LW_OK)
		rc = lw_decomp_finish(d, true);
	return rc;
}

static const struct codec_case {
	const char *tool, *cmd, *file;
	enum lw_codec codec;
} cases[] = {
	{"gzip", "gzip -c orig.csv > o.csv.gz", "o.csv.gz", LW_CODEC_GZIP},
	{"bzip2", "bzip2 -c orig.csv > o.csv.bz2", "o.csv.bz2", LW_CODEC_BZIP2},
	{"lz4", "lz4 -q -c orig.csv > o.csv.lz4", "o.csv.lz4", LW_CODEC_LZ4},
	{"zstd", "zstd -q -c orig.csv > o.csv.zst", "o.csv.zst", LW_CODEC_ZSTD},
	{"node", "node -e \"const z=require('zlib'),f=require('fs');"
	 "f.writeFileSync('o.csv.deflate',z.deflateSync(f.readFileSync("
	 "'orig.csv')))\"", "o.csv.deflate", LW_CODEC_DEFLATE},
	{"node", "node -e \"const z=require('zlib'),f=require('fs');"
	 "f.writeFileSync('raw.csv.deflate',z.deflateRawSync(f.readFileSync("
	 "'orig.csv')))\"", "raw.csv.deflate", LW_CODEC_DEFLATE},
};

/* Make c's file in l, or say which tool is missing. */
static bool make_case(struct lw_lake *l, const struct codec_case *c,
		      char **data, size_t *n)
{
	char full[512];

	if (!have(c->tool))
		return false;
	sh(l, c->cmd);
	snprintf(full, sizeof full, "%s/%s", l->dir, c->file);
	*data = slurp(full, n);
	return true;
}

static void test_codecs(void **state)
{
	static const size_t chunks[] = {1, 7, 4096, 1 << 20};
	struct lw_lake *l = t_lake(4093);
	char full[512];
	size_t olen;
	char *orig;

	(void)state;
	write_orig(l);
	snprintf(full, sizeof full, "%s/orig.csv", l->dir);
	orig = slurp(full, &olen);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct codec_case *c = &cases[i];
		char *data = NULL;
		size_t n = 0;

		if (!make_case(l, c, &data, &n))
			lw_skip_needs(c->tool);
		assert_int_equal(lw_codec_by_ext(c->file), c->codec);
		for (size_t k = 0; k < sizeof chunks / sizeof *chunks; k++) {
			struct collect out;
			struct lw_decomp d;
			/* a byte at a time is slow: only over a short head */
			size_t len = chunks[k] == 1 ? 5000 : n;
			int rc = decode(c->codec, data, len, chunks[k], &out,
					&d);
			if (len < n) {
				assert_int_equal(rc, LW_EPARSE);
				assert_non_null(strstr(d.err.msg, "truncated"));
			} else {
				assert_int_equal(rc, LW_OK);
				assert_int_equal(out.b.len, olen);
				assert_memory_equal(out.b.data, orig, olen);
				assert_int_equal(d.in, (int64_t)n);
				assert_int_equal(d.out, (int64_t)olen);
			}
			assert_int_equal(d.codec, c->codec);
			lw_buf_free(&out.b);
			lw_decomp_free(&d);
		}
		free(data);
	}
	free(orig);
	sh(l, "rm -f orig.csv o.csv.* raw.csv.*");
	t_free(l, "none");
}

/* A byte changed mid-stream, and the stream cut in half: an error naming
 * the codec and the compressed offset, never a silent short count. */
static void test_corrupt_truncated(void **state)
{
	struct lw_lake *l = t_lake(4093);

	(void)state;
	write_orig(l);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct codec_case *c = &cases[i];
		struct collect out;
		struct lw_decomp d;
		char *data = NULL, want[128];
		size_t n = 0;
		int rc;

		if (!make_case(l, c, &data, &n))
			lw_skip_needs(c->tool);
		rc = decode(c->codec, data, n / 2, 4096, &out, &d);
		assert_int_equal(rc, LW_EPARSE);
		snprintf(want, sizeof want, "truncated %s stream: it ends at "
			 "compressed byte %zu", lw_codec_name(c->codec), n / 2);
		assert_non_null(strstr(d.err.msg, want));
		lw_buf_free(&out.b);
		lw_decomp_free(&d);

		/* raw deflate has no check: a changed byte may decode */
		if (strstr(c->file, "raw")) {
			free(data);
			continue;
		}
		for (size_t k = n / 3; k < n / 3 + 64; k++)
			data[k] ^= 0x5a;
		rc = decode(c->codec, data, n, 4096, &out, &d);
		assert_int_equal(rc, LW_EPARSE);
		snprintf(want, sizeof want, "corrupt %s stream at compressed "
			 "byte ", lw_codec_name(c->codec));
		assert_non_null(strstr(d.err.msg, want));
		/* found where the damage is, or at the end (a checksum) */
		assert_true(d.in >= (int64_t)(n / 3) && d.in <= (int64_t)n);
		lw_buf_free(&out.b);
		lw_decomp_free(&d);
		free(data);
	}
	sh(l, "rm -f orig.csv o.csv.* raw.csv.*");
	t_free(l, "none");
}

/* A stream of zeros far past the ratio: stopped, not decoded to the end. */
static void test_bomb(void **state)
{
	size_t zn = 64 << 20, cn = compressBound(zn);
	char *zeros = calloc(1, zn), *comp = malloc(cn);
	uLongf clen = cn;
	struct collect out;
	struct lw_decomp d;
	int rc = LW_OK;

	(void)state;
	assert_int_equal(compress2((Bytef *)comp, &clen, (Bytef *)zeros, zn, 9),
			 Z_OK);
	lw_buf_init(&out.b, 64 * LW_BUF_1M);
	lw_decomp_init(&d, LW_CODEC_DEFLATE, collect, &out);
	d.ratio_free = 1 << 20;
	rc = lw_decomp_feed(&d, comp, clen);
	assert_int_equal(rc, LW_ETOOBIG);
	assert_non_null(strstr(d.err.msg, "expands more than 1000 times"));
	assert_true(out.b.len < (4u << 20));	/* stopped early */
	lw_buf_free(&out.b);
	lw_decomp_free(&d);

	/* the absolute cap */
	lw_buf_init(&out.b, 64 * LW_BUF_1M);
	lw_decomp_init(&d, LW_CODEC_DEFLATE, collect, &out);
	d.max_out = 3 << 20;
	rc = lw_decomp_feed(&d, comp, clen);
	assert_int_equal(rc, LW_ETOOBIG);
	assert_non_null(strstr(d.err.msg, "decompresses to more than 3145728"));
	lw_buf_free(&out.b);
	lw_decomp_free(&d);
	free(zeros);
	free(comp);
}

/* Names and magic: a name that lies is refused; a plain name with a gzip
 * inside is decoded; plain text passes through; members concatenate. */
static void test_names_magic(void **state)
{
	static const char text[] = "a,b\n1,2\n";
	char gz[256];
	uLongf n = sizeof gz;
	struct collect out;
	struct lw_decomp d;
	z_stream z;
	char two[512];
	int rc;

	(void)state;
	memset(&z, 0, sizeof z);
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 31, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)text;
	z.avail_in = sizeof text - 1;
	z.next_out = (Bytef *)gz;
	z.avail_out = (uInt)n;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	n = z.total_out;
	deflateEnd(&z);

	rc = decode(LW_CODEC_ZSTD, gz, n, 3, &out, &d);
	assert_int_equal(rc, LW_EPARSE);
	assert_string_equal(d.err.msg, "not a zstd stream: the name says zstd "
			    "but the first bytes are 1f 8b 08 00, which start "
			    "a gzip");
	lw_buf_free(&out.b);
	lw_decomp_free(&d);

	rc = decode(LW_CODEC_GZIP, text, sizeof text - 1, 64, &out, &d);
	assert_int_equal(rc, LW_EPARSE);
	assert_non_null(strstr(d.err.msg, "not a gzip stream"));
	lw_buf_free(&out.b);
	lw_decomp_free(&d);

	rc = decode(LW_CODEC_NONE, gz, n, 5, &out, &d);
	assert_int_equal(rc, LW_OK);
	assert_int_equal(d.codec, LW_CODEC_GZIP);
	assert_int_equal(out.b.len, sizeof text - 1);
	lw_buf_free(&out.b);
	lw_decomp_free(&d);

	rc = decode(LW_CODEC_NONE, text, 3, 1, &out, &d);	/* short */
	assert_int_equal(rc, LW_OK);
	assert_int_equal(d.codec, LW_CODEC_NONE);
	assert_int_equal(out.b.len, 3);
	lw_buf_free(&out.b);
	lw_decomp_free(&d);

	memcpy(two, gz, n);
	memcpy(two + n, gz, n);
	rc = decode(LW_CODEC_GZIP, two, 2 * n, 4, &out, &d);
	assert_int_equal(rc, LW_OK);
	assert_int_equal(out.b.len, 2 * (sizeof text - 1));
	lw_buf_free(&out.b);
	lw_decomp_free(&d);

	assert_int_equal(lw_codec_by_ext("a/b.csv.GZ"), LW_CODEC_GZIP);
	assert_int_equal(lw_codec_by_ext("a/b.csv"), LW_CODEC_NONE);
	assert_int_equal(lw_codec_by_ext("gz"), LW_CODEC_NONE);
	assert_int_equal(lw_codec_by_ext("x.tar.gz"), LW_CODEC_NONE);
	assert_string_equal(lw_archive_kind("x.tar.gz"), "tar.gz");
	assert_string_equal(lw_archive_kind("d/export.zip"), "zip");
	assert_string_equal(lw_archive_kind("d/e.7z"), "7z");
	assert_null(lw_archive_kind("d/e.csv.gz"));
}

static int probe(const struct lw_format *fmt, struct lw_lake *l,
		 const char *name, bool count, struct lw_file_obs *fo,
		 struct lw_err *err)
{
	char full[512];
	struct stat st;

	snprintf(full, sizeof full, "%s/%s", l->dir, name);
	assert_int_equal(stat(full, &st), 0);
	struct lw_entry e = {(char *)name, st.st_size, 0};
	struct lw_file f = {l, &e, count};

	lw_file_obs_init(fo);
	lw_err_clear(err);
	return fmt->probe_file(&f, NULL, fo, err);
}

/* The plug-ins: rows of the decompressed stream, both byte counts, the
 * codec in the detail; the head alone for a schema; archives warned. */
static void test_plugins(void **state)
{
	struct lw_lake *l = t_lake(65536);
	struct lw_file_obs fo;
	struct lw_err err;
	char full[512];
	struct stat st;

	(void)state;
	if (!have("zstd") || !have("bzip2"))
		lw_skip_needs("zstd bzip2");
	write_orig(l);
	sh(l, "zstd -q -c orig.csv > o.csv.zst && bzip2 -c orig.csv > "
	   "o.csv.bz2 && printf '{\"a\":1}\\n{\"a\":2}\\n' | zstd -q -c > "
	   "e.json.zst && echo PK > x.zip && head -c 3000 o.csv.zst > t.csv.zst");
	snprintf(full, sizeof full, "%s/orig.csv", l->dir);
	assert_int_equal(stat(full, &st), 0);

	assert_int_equal(probe(&lw_format_csv, l, "o.csv.zst", true, &fo, &err),
			 LW_OK);
	assert_int_equal(fo.rows, ROWS);
	assert_int_equal(fo.bytes_decompressed, st.st_size);
	assert_true(fo.bytes_read > 0 && fo.bytes_read < st.st_size);
	assert_string_equal(cJSON_GetObjectItem(fo.detail, "compression")->
			    valuestring, "zstd");
	assert_int_equal(fo.schema.n, 4);
	lw_file_obs_free(&fo);

	/* schema only, bzip2: its first block is longer than one range */
	assert_int_equal(probe(&lw_format_csv, l, "o.csv.bz2", false, &fo,
			       &err), LW_OK);
	assert_int_equal(fo.rows, -1);
	assert_true(fo.has_schema);
	assert_int_equal(fo.schema.n, 4);
	assert_string_equal(fo.schema.cols[3].name, "day");
	lw_file_obs_free(&fo);

	assert_int_equal(probe(&lw_format_jsonl, l, "e.json.zst", true, &fo,
			       &err), LW_OK);
	assert_int_equal(fo.rows, 2);
	lw_file_obs_free(&fo);

	assert_int_equal(probe(&lw_format_csv, l, "t.csv.zst", true, &fo,
			       &err), LW_EPARSE);
	assert_non_null(strstr(err.msg, "truncated zstd stream: it ends at "
			       "compressed byte 3000"));
	lw_file_obs_free(&fo);

	assert_int_equal(probe(&lw_format_csv, l, "x.zip", true, &fo, &err),
			 LW_OK);
	assert_int_equal(fo.rows, 0);
	assert_string_equal(fo.warning, "a zip archive, which lakewatch does "
			    "not open: its rows are not counted");
	lw_file_obs_free(&fo);

	sh(l, "rm -f orig.csv o.csv.* e.json.zst x.zip t.csv.zst");
	t_free(l, "none");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codecs),
		cmocka_unit_test(test_corrupt_truncated),
		cmocka_unit_test(test_bomb),
		cmocka_unit_test(test_names_magic),
		cmocka_unit_test(test_plugins),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
