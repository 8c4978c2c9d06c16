/* fuzz_decomp.c - the decompressing layer (decomp.h) in front of the CSV
 * scanner, on random bytes: must not crash, leak or run away, and a
 * stream that decodes must give the same bytes and rows however its
 * input is split (whole, one byte at a time, random sizes); one that
 * fails must fail in every split.
 * Byte 0 picks the codec the name says (bits 0-2, mod 6: none, gzip, deflate, bzip2,
 * lz4, zstd) and, with bit 3, a low ratio cap; byte 1 seeds the chunk
 * sizes. The output cap is 1 MiB so that a tiny bomb ends quickly. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/decomp.h"
#include "lakewatch/csv.h"

struct res {
	int rc;
	int64_t out, rows;
};

static int to_csv(void *ud, const char *p, size_t n)
{
	lw_csv_scan_feed(ud, p, n);	/* the scanner's error is sticky */
	return LW_OK;
}

static void run(const uint8_t *d, size_t n, uint8_t opt, uint32_t seed,
		int mode, struct res *r)
{
	struct lw_csv_scan s;
	struct lw_decomp z;
	size_t at = 0;
	int rc = LW_OK;

	lw_csv_scan_init(&s, NULL);
	lw_decomp_init(&z, (enum lw_codec)((opt & 7) % 6), to_csv, &s);
	z.max_out = 1 << 20;
	z.max_ratio = INT64_MAX / 2;
	if (opt & 8) {
		z.ratio_free = 4096;
		z.max_ratio = 50;
	}
	while (at < n && rc == LW_OK) {
		size_t k = n - at;
		if (mode == 1)
			k = 1;
		else if (mode == 2) {
			seed = seed * 1103515245u + 12345u;
			k = 1 + (seed >> 16) % 61;
			if (k > n - at)
				k = n - at;
		}
		rc = lw_decomp_feed(&z, (const char *)d + at, k);
		at += k;
	}
	if (rc == LW_OK)
		rc = lw_decomp_finish(&z, true);
	if (rc == LW_OK && z.codec == LW_CODEC_NONE && z.out != 0)
		abort();	/* plain input is passed on, not counted */
	if (rc == LW_OK && z.codec == LW_CODEC_NONE && z.in != (int64_t)n)
		abort();	/* ... and passed on whole */
	r->rc = rc;
	r->out = z.out;
	lw_csv_scan_finish(&s, true);
	r->rows = lw_csv_scan_rows(&s);
	lw_decomp_free(&z);
	lw_csv_scan_free(&s);
}

static void same(const struct res *a, const struct res *b, int mode)
{
	bool ok_a = a->rc == LW_OK, ok_b = b->rc == LW_OK;

	/* an error's offset may move with the split; success may not */
	if (ok_a != ok_b || (ok_a && (a->out != b->out ||
				      a->rows != b->rows))) {
		fprintf(stderr, "chunking mode %d changed the result: %d %lld "
			"%lld vs %d %lld %lld\n", mode, a->rc,
			(long long)a->out, (long long)a->rows, b->rc,
			(long long)b->out, (long long)b->rows);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct res whole, part;
	uint8_t opt;
	uint32_t seed;

	if (size < 2)
		return 0;
	opt = data[0];
	seed = data[1];
	data += 2;
	size -= 2;
	run(data, size, opt, seed, 0, &whole);
	if (opt & 8)	/* the ratio is measured as input arrives */
		return 0;
	if (size <= 4096) {	/* a byte at a time only on short inputs */
		run(data, size, opt, seed, 1, &part);
		same(&whole, &part, 1);
	}
	run(data, size, opt, seed, 2, &part);
	same(&whole, &part, 2);
	return 0;
}
