/* fuzz_csv.c - the CSV scanner on random bytes: must not crash or leak,
 * and must give the same rows, error and schema however the input is split
 * into chunks (whole, one byte at a time, random sizes).
 * Byte 0 picks options and limits, byte 1 seeds the chunk sizes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lakewatch/csv.h"

struct res {
	int rc;
	char msg[LW_ERR_MSG];
	int64_t rows;
	char schema[8192];
};

static void scan(const uint8_t *d, size_t n, uint8_t opt, uint32_t seed,
		 int mode, struct res *r)
{
	struct lw_csv_opts o;
	struct lw_csv_scan s;
	struct lw_schema sc;
	static const char delims[] = {',', ';', '\t', '|'};
	size_t at = 0, len = 0;

	lw_csv_opts_default(&o);
	o.header = opt & 1;
	o.delim = delims[(opt >> 1) & 3];
	o.quote = opt & 8 ? '\'' : '"';
	lw_csv_scan_init(&s, &o);
	if (opt & 16) {		/* small limits reach the sampling edges */
		s.sample_rows = 3;
		s.head_bytes = 40;
		s.field_max = 4;
	}
	if (opt & 64)		/* the fast path after the sniffed head */
		s.sniff_bytes = 5;
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
		lw_csv_scan_feed(&s, (const char *)d + at, k);
		at += k;
	}
	r->rc = lw_csv_scan_finish(&s, !(opt & 32));
	snprintf(r->msg, sizeof(r->msg), "%s", r->rc ? s.err.msg : "");
	r->rows = lw_csv_scan_rows(&s);
	lw_schema_init(&sc);
	r->schema[0] = '\0';
	if (lw_csv_scan_schema(&s, &sc))
		for (size_t i = 0; i < sc.n && len < sizeof(r->schema); i++)
			len += (size_t)snprintf(r->schema + len,
				sizeof(r->schema) - len, "%s:%d,",
				sc.cols[i].name, (int)sc.cols[i].type);
	lw_schema_free(&sc);
	lw_csv_scan_free(&s);
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
