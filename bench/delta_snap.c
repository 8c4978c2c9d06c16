/* delta_snap.c - benchmark helper for bench/delta.sh: one Delta snapshot
 * load through the fs lake, best of N; prints version, commits replayed,
 * bytes read, live files and milliseconds.
 *
 *   build/bench/delta_snap LAKE_ROOT TABLE_PATH N
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "lakewatch/delta.h"
#include "lakewatch/cfgctx.h"
int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s LAKE_ROOT TABLE_PATH N\n", argv[0]);
		return 2;
	}
	cJSON *cfg = cJSON_CreateObject();
	cJSON_AddStringToObject(cfg, "kind", "fs");
	cJSON_AddStringToObject(cfg, "root", argv[1]);
	struct lw_cfgctx cc;
	lw_cfgctx_init(&cc, "bench", NULL);
	double best = 1e9;
	struct lw_delta_snapshot s;
	for (int i = 0; i < atoi(argv[3]); i++) {
		struct lw_lake *l = lw_lake_fs.open("b", cfg, &cc);
		struct lw_err err;
		struct timespec a, b;
		lw_delta_snapshot_init(&s);
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (lw_delta_snapshot_load(l, argv[2], &s, &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		double ms = (b.tv_sec - a.tv_sec) * 1e3 +
			    (b.tv_nsec - a.tv_nsec) / 1e6;
		if (ms < best)
			best = ms;
		if (i + 1 < atoi(argv[3]))
			lw_delta_snapshot_free(&s);
		lw_lake_fs.close(l);
	}
	printf("%lld %lld %lld %zu %.2f\n", (long long)s.version,
	       (long long)s.commits_replayed, (long long)s.bytes_read,
	       s.nlive, best);
	return 0;
}
