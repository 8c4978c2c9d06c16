/* fuzz_parquet_meta.c - the whole Parquet metadata read, through a lake:
 * lw_parquet_read_meta's suffix read, the second read of a footer larger
 * than the first, the size cross-checks (listed size against what was
 * read, a footer longer than the file, a short second answer), then the
 * schema mapping, and the Parquet format's probe_file over the same file.
 *
 * Input: two control bytes, then the file's bytes.
 *   c0 bits 0-2  zero bytes in front of the file, times 16 KiB (a file
 *                larger than the 64 KiB first read, from a small input)
 *   c0 bits 3-4  the listed size: 0 unknown, 1 exact, 2 smaller by
 *                1 + c1, 3 larger by 1 + c1
 *   c0 bit 5     a read fails (bit 6: the second one, else the first)
 *   c0 bit 7     every read after the first comes back 1 + c1 bytes short
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include "lakewatch/format.h"
#include "lakewatch/parquet.h"
#include "memlake.h"

static void use(const struct lw_parquet_meta *m)
{
	struct lw_schema s;
	struct lw_err err;
	lw_schema_init(&s);
	lw_parquet_schema(m, &s, &err);
	lw_schema_free(&s);
	(void)lw_parquet_leaf_count(m);
}

static void setup(struct lw_lake *l, const uint8_t *data, size_t size,
		  int64_t *listed)
{
	uint8_t c0 = data[0], c1 = data[1];
	int64_t pad = (int64_t)(c0 & 7) * 16384;
	int64_t real = pad + (int64_t)(size - 2);
	mem_init(l);
	mem_add(l, "t/f.parquet", data + 2, size - 2, pad);
	switch ((c0 >> 3) & 3) {
	case 0: *listed = -1; break;
	case 1: *listed = real; break;
	case 2: *listed = real - 1 - c1; break;
	default: *listed = real + 1 + c1; break;
	}
	if (*listed < -1)
		*listed = -1;
	if (c0 & 0x20)
		l->fail_read = c0 & 0x40 ? 2 : 1;
	if (c0 & 0x80)
		l->short_by = 1 + c1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lw_lake l;
	struct lw_parquet_meta m;
	struct lw_err err;
	int64_t listed, cost;

	if (size < 2)
		return 0;
	setup(&l, data, size, &listed);
	if (!lw_parquet_read_meta(&l, "t/f.parquet", listed, &m, &cost,
				  &err)) {
		use(&m);
		lw_parquet_meta_free(&m);
	}
	/* the format's own path: the listed size is the entry's */
	setup(&l, data, size, &listed);
	struct lw_entry e = {(char *)"t/f.parquet", listed, 1700000000};
	struct lw_file f = {&l, &e, true};
	struct lw_file_obs fo;
	lw_file_obs_init(&fo);
	(void)lw_format_parquet.probe_file(&f, NULL, &fo, &err);
	lw_file_obs_free(&fo);
	return 0;
}
