#!/bin/sh
# bench/parquet_files.sh - lakewatch over 100,000 small Parquet files.
#
#   bench/parquet_files.sh [--files N] [--datasets N] [--copy] [--keep]
#
# Builds the files (DuckDB seeds, hard-linked; --copy for real copies) under
# $BENCH_DIR (default $LW_BUILD/bench, else build/bench), writes a config
# over them, runs `lakewatch check` under /usr/bin/time -v and prints files
# per second, peak RSS and bytes read per file; then times DuckDB's
# parquet_file_metadata() over the same files and prints the ratio. Both
# must agree on the number of files and rows. Not a test: numbers only.
# LW_BIN picks the binary (default ./lakewatch).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LW_BIN=${LW_BIN:-$ROOT/lakewatch}
B=${LW_BUILD:-build}
case "$B" in /*) ;; *) B="$ROOT/$B" ;; esac
DIR=${BENCH_DIR:-$B/bench}
FILES=100000 DATASETS=20 COPY='' KEEP=''
while [ $# -gt 0 ]; do
	case "$1" in
	--files) FILES=$2; shift ;;
	--datasets) DATASETS=$2; shift ;;
	--copy) COPY=--copy ;;
	--keep) KEEP=1 ;;
	*) echo "usage: $0 [--files N] [--datasets N] [--copy] [--keep]" >&2
	   exit 2 ;;
	esac
	shift
done
[ -x "$LW_BIN" ] || { echo "no lakewatch binary at $LW_BIN (make first)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
command -v jq >/dev/null || { echo "needs jq" >&2; exit 1; }

mkdir -p "$DIR"
t0=$(date +%s.%N)
layout=$(node "$ROOT/bench/make_files.mjs" --out "$DIR" --files "$FILES" \
	--datasets "$DATASETS" $COPY)
t1=$(date +%s.%N)
echo "built: $layout in $(echo "$t1 - $t0" | bc) s"

# One dataset per directory, the checks a real config would run.
cfg="$DIR/bench.json"
{
	printf '{"name": "bench", "history": {"path": "bench.db"},\n'
	printf ' "lakes": {"local": {"kind": "fs", "root": "lake"}},\n'
	printf ' "sources": {"stream": {"title": "Stream"}},\n'
	printf ' "consumers": {"ops": {"title": "Ops"}},\n "datasets": {\n'
	i=0
	while [ $i -lt "$DATASETS" ]; do
		n=$(printf '%02d' $i)
		[ $i -gt 0 ] && printf ',\n'
		printf '  "silver.ds_%s": {"source": "stream", "layer": "silver", ' "$n"
		printf '"lake": "local", "path": "ds_%s", "format": "parquet", ' "$n"
		printf '"partitions": "key=value", "consumers": ["ops"], "checks": {'
		printf '"freshness": {"warn": "1d", "fail": "30d"}, '
		printf '"row_count": {"min": {"fail": 1}}, '
		printf '"files": {"count": {"max": {"warn": 100000}}, "empty": "warn"}, '
		printf '"schema": {"required": {"order_id": "int64", "amount": "decimal(10,2)"}}}}'
		i=$((i + 1))
	done
	printf '\n }\n}\n'
} > "$cfg"
"$LW_BIN" validate --config "$cfg" >/dev/null

run_lw() {
	/usr/bin/time -v -o "$DIR/time.txt" "$LW_BIN" check --config "$cfg" \
		--no-history --format json --output "$DIR/report.json" \
		--stats 2> "$DIR/stats.txt" || true
}
secs() { awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":");
	s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$1"; }

echo "lakewatch: first run (page cache as the build left it)"
run_lw
first=$(secs "$DIR/time.txt")
echo "lakewatch: second run (warm)"
run_lw
wall=$(secs "$DIR/time.txt")
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$DIR/time.txt")
files=$(jq '[.datasets[].observation.files] | add' "$DIR/report.json")
rows=$(jq '[.datasets[].observation.rows] | add' "$DIR/report.json")
read_b=$(jq '[.datasets[].observation.bytes_read] | add' "$DIR/report.json")
bytes=$(jq '[.datasets[].observation.bytes] | add' "$DIR/report.json")
status=$(jq -r '.status' "$DIR/report.json")

duck=$(node "$ROOT/bench/duckdb_meta.mjs" "$DIR/lake")
dfiles=$(echo "$duck" | jq .files)
drows=$(echo "$duck" | jq .rows)
dsecs=$(echo "$duck" | jq .seconds)

echo
echo "files:             $files (DuckDB: $dfiles)"
echo "rows:              $rows (DuckDB: $drows)"
echo "report status:     $status"
echo "lakewatch wall:    ${wall}s warm, ${first}s first"
echo "files/second:      $(echo "$files / $wall" | bc)"
echo "peak RSS:          $rss KB"
echo "bytes read/file:   $(echo "$read_b / $files" | bc) (files average $(echo "$bytes / $files" | bc) bytes)"
[ -s "$DIR/stats.txt" ] && echo "--stats:           $(tr '\n' ' ' < "$DIR/stats.txt")"
echo "DuckDB metadata:   ${dsecs}s ($(echo "$dfiles / $dsecs" | bc) files/s)"
echo "ratio:             lakewatch takes $(echo "scale=2; $wall / $dsecs" | bc)x DuckDB's time"
ok=1
[ "$files" = "$dfiles" ] || { echo "MISMATCH: file counts differ"; ok=0; }
[ "$rows" = "$drows" ] || { echo "MISMATCH: row counts differ"; ok=0; }
[ -n "$KEEP" ] || rm -rf "$DIR/lake" "$DIR/seeds"
[ $ok = 1 ]
