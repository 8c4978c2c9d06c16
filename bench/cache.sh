#!/bin/sh
# bench/cache.sh [--files N] [--keep]: what the per-file observation cache
# saves on a local lake of N files (default 100,000: half Parquet, hard
# links to three seeds from ../shared/testdata, half small CSV files),
# in two datasets of 100 date= partitions each.
#
# Three polls with one history, release binary, --stats: the first (an
# empty cache), an unchanged re-poll, and a re-poll after 1% of the files
# changed (CSV rewritten with one more row; Parquet links replaced by a
# copy of another seed) - wall time, bytes read, files read and from the cache, and
# peak RSS (with /usr/bin/time), as ratios to the first poll of the same
# run. Exits 1 when the polls disagree on files or rows they should share,
# or the cache was not used. Not a timed test: figures go to README.md.
# LW_BIN: the binary (default ./lakewatch, the release build).
set -eu
cd "$(dirname "$0")/.."
N=100000 KEEP=0
while [ $# -gt 0 ]; do
	case $1 in
	--files) N=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	*) echo "usage: bench/cache.sh [--files N] [--keep]" >&2; exit 2 ;;
	esac
done
TD=../shared/testdata/parquet
for s in alltypes_plain alltypes_plain.snappy alltypes_dictionary; do
	[ -f "$TD/$s.parquet" ] || { echo "bench/cache: needs $TD/$s.parquet" >&2; exit 1; }
done
BIN=${LW_BIN:-./lakewatch}
[ -x "$BIN" ] || make -s -j2 lakewatch
D=$(mktemp -d "${BENCH_DIR:-/tmp}/lw-bench-cache.XXXXXX")
[ $KEEP = 1 ] && echo "bench/cache: kept $D" >&2 || trap 'rm -rf "$D"' EXIT
command -v bc > /dev/null && command -v jq > /dev/null && [ -x /usr/bin/time ] ||
	{ echo "bench/cache: needs bc, jq and /usr/bin/time" >&2; exit 1; }

# the lake: python writes N/2 CSV files and links N/2 Parquet files
python3 - "$D/lake" "$N" "$(cd "$TD" && pwd)" <<'PY'
import os, sys
root, n, td = sys.argv[1], int(sys.argv[2]), sys.argv[3]
seeds = [f"{td}/{s}.parquet" for s in ("alltypes_plain", "alltypes_plain.snappy", "alltypes_dictionary")]
for i in range(n // 2):
    d = f"{root}/pq/date=2026-11-{i % 100:03d}"
    c = f"{root}/csv/date=2026-11-{i % 100:03d}"
    if i < 100:
        os.makedirs(d); os.makedirs(c)
    os.link(seeds[i % 3], f"{d}/part-{i:06d}.parquet")
    with open(f"{c}/f-{i:06d}.csv", "w") as f:
        f.write(f"id,amount,note\n{i},{i * 3 % 97}.5,row {i}\n{i + 1},1.0,x\n")
PY
cat > "$D/c.json" <<JSON
{"name": "bench cache", "history": {"path": "$D/h.db"}, "sources": {"s": {}},
 "lakes": {"l": {"kind": "fs", "root": "$D/lake"}},
 "datasets": {
  "bronze.csv": {"source": "s", "layer": "bronze", "lake": "l", "path": "csv",
                 "format": "csv", "partitions": "key=value",
                 "checks": {"row_count": {"min": 1}, "files": {"count": {"min": 1}}}},
  "silver.pq": {"source": "s", "layer": "silver", "lake": "l", "path": "pq",
                "format": "parquet", "partitions": "key=value",
                "checks": {"row_count": {"min": 1}, "schema": {"drift": "warn"}}}}}
JSON

poll() {	# name: report in $D/name.json, --stats in $D/name.err, and
	# "wall user sys maxrss_kb" in $D/name.time
	/usr/bin/time -f "%e %U %S %M" -o "$D/$1.time" "$BIN" check \
		--config "$D/c.json" --stats -f json > "$D/$1.json" 2> "$D/$1.err" || true
}
tm() { awk -v f="$2" '{ print f == "cpu" ? $2 + $3 : f == "wall" ? $1 : int($4 / 1024) }' "$D/$1.time"; }
st() { sed -n "s/.*[ ]$2=\([0-9]*\).*/\1/p" "$D/$1.err" | head -1; }
rows() { jq '[.datasets[].observation.rows] | add' "$D/$1.json"; }

poll first
poll unchanged
# 1%: every 100th file of each half changes
python3 - "$D/lake" "$N" "$(cd "$TD" && pwd)" <<'PY'
import os, shutil, sys
root, n, td = sys.argv[1], int(sys.argv[2]), sys.argv[3]
seed = f"{td}/alltypes_dictionary.parquet"
for i in range(0, n // 2, 100):
    p = f"{root}/pq/date=2026-11-{i % 100:03d}/part-{i:06d}.parquet"
    os.unlink(p)	# a copy: a new inode (touching a link would touch all)
    shutil.copyfile(f"{td}/alltypes_plain.snappy.parquet" if i % 3 == 2 else seed, p)
    with open(f"{root}/csv/date=2026-11-{i % 100:03d}/f-{i:06d}.csv", "a") as f:
        f.write(f"{i + 2},2.0,y\n")
PY
poll changed

f=$(st first files)
if [ "$(st unchanged files_cached)" != "$f" ] || [ "$(rows first)" != "$(rows unchanged)" ] ||
   [ "$(st changed files_read)" -ne $((f / 100)) ]; then
	echo "bench/cache: the polls disagree" >&2
	cat "$D"/*.err >&2
	exit 1
fi
# wall time on a shared machine follows its load; CPU time (user + sys)
# is what the poll itself cost
printf '%-10s %6s %6s %6s %6s %12s %7s %10s %12s %6s\n' poll wall ratio cpu ratio \
	bytes_read ratio files_read files_cached rss_MB
for p in first unchanged changed; do
	w=$(tm $p wall) c=$(tm $p cpu) b=$(st $p bytes_read)
	printf '%-10s %6.2f %6.3f %6.2f %6.3f %12s %7.4f %10s %12s %6s\n' $p "$w" \
		"$(echo "$w / $(tm first wall)" | bc -l)" "$c" \
		"$(echo "$c / $(tm first cpu)" | bc -l)" "$b" \
		"$(echo "$b / $(st first bytes_read)" | bc -l)" \
		"$(st $p files_read)" "$(st $p files_cached)" "$(tm $p rss)"
done
echo "files: $f, rows: $(rows first) (unchanged) / $(rows changed) (after 1%), history: $(du -m "$D/h.db" | cut -f1) MB"
