/* fuzz_jsonl.c - the JSON Lines scanner on random bytes: must not crash or
 * leak, and must give the same rows, error and schema however the input is
 * split into chunks (whole, one byte at a time, random sizes).
 * Byte 0 picks limits and cut/eof, byte 1 seeds the chunk sizes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/jsonl.h"

struct res {
	int rc;
	char msg[LW_ERR_MSG];
	int64_t rows;
	char schema[8192];
};

static void scan(const uint8_t *d, size_t n, uint8_t opt, uint32_t seed,
		 int mode, struct res *r)
{
	struct lw_jsonl_scan s;
	struct lw_schema sc;
	size_t at = 0, len = 0;

	lw_jsonl_scan_init(&s);
	if (opt & 1) {		/* small limits reach the edges */
		s.sample_rows = 2;
		s.head_bytes = 30;
	}
	if (opt & 2)
		s.max_line = 24;
	while (at < n) {
		size_t k = n - at;
		if (mode == 1)
			k = 1;
		else if (mode == 2) {
			seed = seed * 1103515245u + 12345u;
			k = 1 + (seed >> 16) % 37;
			if (k > n - at)
				k = n - at;
		}
		lw_jsonl_scan_feed(&s, (const char *)d + at, k);
		at += k;
	}
	r->rc = lw_jsonl_scan_finish(&s, !(opt & 4));
	snprintf(r->msg, sizeof(r->msg), "%s", r->rc ? s.err.msg : "");
	r->rows = lw_jsonl_scan_rows(&s);
	lw_schema_init(&sc);
	r->schema[0] = '\0';
	if (lw_jsonl_scan_schema(&s, &sc))
		for (size_t i = 0; i < sc.n && len < sizeof(r->schema); i++)
			len += (size_t)snprintf(r->schema + len,
				sizeof(r->schema) - len, "%s:%d:%d:%s,",
				sc.cols[i].name, (int)sc.cols[i].type,
				sc.cols[i].nullable, sc.cols[i].physical);
	lw_schema_free(&sc);
	lw_jsonl_scan_free(&s);
}

static void same(const struct res *a, const struct res *b, int mode)
{
	if (a->rc != b->rc || strcmp(a->msg, b->msg) != 0 ||
	    a->rows != b->rows || strcmp(a->schema, b->schema) != 0) {
		fprintf(stderr, "chunking mode %d changed the result:\n"
			"  %d '%s' %lld '%s'\n  %d '%s' %lld '%s'\n", mode,
			a->rc, a->msg, (long long)a->rows, a->schema, b->rc,
			b->msg, (long long)b->rows, b->schema);
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
	scan(data, size, opt, seed, 0, &whole);
	scan(data, size, opt, seed, 1, &part);
	same(&whole, &part, 1);
	scan(data, size, opt, seed, 2, &part);
	same(&whole, &part, 2);
	return 0;
}
