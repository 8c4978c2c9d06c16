#!/bin/sh
# delta.sh - time to the current snapshot of a Delta table, and bytes read,
# against the number of commits since the last checkpoint and against the
# length of the table's history.
#
#   bench/delta.sh [WORKDIR]        (run from the project root after make)
#
# bench/delta.mjs writes two tables - 1,010 and 10,010 commits, a
# checkpoint (classic Parquet, written by DuckDB) every 10 versions and 100
# live files throughout. For k = 0..9 commits past the checkpoint at 1,000
# and 10,000, a copy of the log (hard links) cut at version base+k is
# loaded through the fs lake, best of 5.
set -eu
W=${1:-/tmp/lakewatch-bench-delta}
B=${LW_BUILD:-build}
mkdir -p "$W"
make -s libs >/dev/null

if [ ! -f "$W/h1k/_delta_log/00000000000000001009.json" ]; then
	rm -rf "$W/h1k"
	node bench/delta.mjs "$W/h1k" 1010 10 >/dev/null
fi
if [ ! -f "$W/h10k/_delta_log/00000000000000010009.json" ]; then
	rm -rf "$W/h10k"
	echo "writing 10,010 commits and 1,000 checkpoints (about a minute)..."
	node bench/delta.mjs "$W/h10k" 10010 10 >/dev/null
fi

cat > "$W/snap.c" <<'EOF'
/* one snapshot load, best of N: prints version, commits replayed,
 * bytes read and milliseconds */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "lakewatch/delta.h"
#include "lakewatch/cfgctx.h"
int main(int argc, char **argv)
{
	(void)argc;
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
EOF
CF=$(make -s flags | sed -n 's/^CFLAGS=//p')
LIBS=$(make -s flags | sed -n 's/^LDLIBS=//p' | sed 's/-lcmocka//')
LWLIBS=$(make -s flags | sed -n 's/^LWLIBS=//p' | sed "s|build/|$B/|g")
eval cc $CF -o "$W/snap" "$W/snap.c" $LWLIBS $LIBS

# a view of table $1 cut at version $2, checkpoint hint at $3
cut_at() {
	v="$W/view"
	rm -rf "$v"
	mkdir -p "$v/t/_delta_log"
	for f in "$W/$1/_delta_log"/0*; do
		n=$(basename "$f")
		ver=$(echo "$n" | sed 's/^0*\([0-9]\)/\1/; s/\..*//')
		[ "$ver" -le "$2" ] && ln "$f" "$v/t/_delta_log/$n"
	done
	printf '{"version":%d,"size":102}' "$3" > "$v/t/_delta_log/_last_checkpoint"
}

printf '%-8s %-8s %-9s %-9s %-11s %-8s\n' history version since_cp \
	replayed bytes_read ms
for h in h1k h10k; do
	base=$([ $h = h1k ] && echo 1000 || echo 10000)
	for k in 0 1 3 5 9; do
		cut_at $h $((base + k)) $base
		set -- $("$W/snap" "$W/view" t 5)
		printf '%-8s %-8s %-9s %-9s %-11s %-8s\n' \
			$((base + 10)) "$1" "$k" "$2" "$3" "$5"
	done
done
rm -rf "$W/view"
