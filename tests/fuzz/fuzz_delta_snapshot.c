/* fuzz_delta_snapshot.c - a Delta snapshot assembled from a whole table
 * in a lake: the listing of _delta_log/, _last_checkpoint as a hint, the
 * newest complete checkpoint (classic, multi-part, V2 with sidecars,
 * Parquet or JSON), the replay of the later commits, stats, the footers of
 * live files without stats, and the observation - the Delta format's
 * probe_table, the path a poll takes.
 *
 * Input: one control byte, then files, each "NAME\nBYTES", separated by
 * the 5 bytes 1e 'L' 'W' 'F' 1e. A NAME starting with '/' is under the
 * table's root (data files: "/part-0.parquet"), any other under its
 * _delta_log/ ("00000000000000000000.json", "_sidecars/x.parquet").
 *   c0 bits 0-1  footer_rows_max_files: 0, 2, 1000 (3: 1000)
 *   c0 bits 2-5  the read() that fails (1-15), 0 none
 * tests/fuzz/delta_seed.py packs a table directory this way.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include "lakewatch/delta.h"
#include "lakewatch/format.h"
#include "memlake.h"

#define SEP "\x1eLWF\x1e"
#define SEP_LEN 5

/* Split data into files of l; names are copied into the lake. */
static void load(struct lw_lake *l, const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	while (p < end) {
		const uint8_t *next = memmem(p, (size_t)(end - p), SEP,
					     SEP_LEN);
		const uint8_t *stop = next ? next : end;
		const uint8_t *nl = memchr(p, '\n', (size_t)(stop - p));
		if (nl) {
			char name[128], path[160];
			size_t n = (size_t)(nl - p);
			n = n < sizeof name ? n : sizeof name - 1;
			memcpy(name, p, n);
			name[n] = '\0';
			if (strlen(name) == n && n) {
				snprintf(path, sizeof path, name[0] == '/' ?
					 "t%s" : "t/_delta_log/%s", name);
				if (!mem_add(l, path, nl + 1,
					     (size_t)(stop - nl - 1), 0))
					return;
			}
		}
		p = next ? next + SEP_LEN : end;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t bounds[4] = {0, 2, 1000, 1000};
	struct lw_lake l;
	struct lw_err err;
	if (size < 1)
		return 0;
	mem_init(&l);
	l.fail_read = (data[0] >> 2) & 15;
	load(&l, data + 1, size - 1);
	struct lw_delta_opts o = {bounds[data[0] & 3]};
	struct lw_obs obs;
	lw_obs_init(&obs);
	(void)lw_format_delta.probe_table(&l, "t", &o, &obs, &err);
	lw_obs_free(&obs);
	return 0;
}
