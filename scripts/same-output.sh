#!/bin/bash
# scripts/same-output.sh OUTDIR [BIN]
#
# Capture every output that a change meant to alter no behaviour must leave
# byte-identical, so two trees can be compared with `diff -r`:
#
#   scripts/same-output.sh /tmp/before build/test/lakewatch   # old tree
#   scripts/same-output.sh /tmp/after  build/test/lakewatch   # new tree
#   diff -r /tmp/before /tmp/after && echo identical
#
# BIN (default build/test/lakewatch, from make test-build) must be a
# testing build: the runs pin the clock with LAKEWATCH_NOW, which
# ./lakewatch ignores; the script stops if BIN does too. (Trees from
# before the testing build have only ./lakewatch, which honours it.)
#
# What it captures (paths of the work directories replaced by @WORK@ and
# @ROOT@ so trees in different folders compare):
#   e2e/NAME.out|.err  stdout and stderr of every tests/e2e case (the demo
#                      report in all three formats among them)
#   shared/*.txt|.json the text and JSON reports over every Parquet file and
#                      Delta table in ../shared/testdata/, one dataset each
# The JSON reports drop "report_version" (added after the first capture)
# so the comparison holds across that one intended change; a CR ending a
# line (cases run on a pseudo-terminal) is dropped; timings
# ("seconds", JUnit time=, "checked in 0s") are replaced by @T@.
set -u
OUT=${1:?usage: $0 OUTDIR [BIN]}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${2:-$ROOT/build/test/lakewatch}
case "$BIN" in /*) ;; *) BIN="$PWD/$BIN" ;; esac
case "$OUT" in /*) ;; *) OUT="$PWD/$OUT" ;; esac
TD=$(cd "$ROOT/../shared/testdata" 2>/dev/null && pwd) || {
	echo "same-output: ../shared/testdata not found" >&2; exit 1; }
NOW=2026-11-20T14:30:00Z
rm -rf "$OUT"
mkdir -p "$OUT/e2e" "$OUT/shared"
WORKB=$(mktemp -d /tmp/lw-same.XXXXXX)
trap 'rm -rf "$WORKB"' EXIT

norm() {	# norm FILE: make paths tree-independent, drop report_version
	sed -e "s|$WORKB|@WORK@|g" -e "s|$ROOT|@ROOT@|g" -e "s|$TD|@TESTDATA@|g" \
	    -e '/^\t"report_version":\t[0-9]*,$/d' \
	    -e 's/\("seconds":\t\)[0-9.e+-]*/\1@T@/' \
	    -e 's/ time="[0-9.]*"/ time="@T@"/g' \
	    -e "s|127\.0\.0\.1:[0-9]\{2,5\}|127.0.0.1:@PORT@|g" \
	    -e 's/ checked in [0-9.]*m\?s/ checked in @T@/' -e 's/\r$//' "$1"
}

# 1. every e2e case, through the suite's own driver
LW_BIN="$BIN" LW_BUILD="$WORKB" "$ROOT/tests/e2e/run.sh" > "$OUT/e2e-run.log" 2>&1
if grep -q '^FAIL e2e/binary' "$WORKB/results.txt" 2>/dev/null; then
	head -3 "$OUT/e2e-run.log" >&2
	echo "same-output: $BIN cannot pin the clock; give a testing build (build/test/lakewatch)" >&2
	exit 1
fi
for d in "$WORKB"/e2e/*/; do
	n=$(basename "$d")
	[ -f "$d/stdout" ] || continue
	norm "$d/stdout" > "$OUT/e2e/$n.out"
	norm "$d/stderr" > "$OUT/e2e/$n.err"
done
grep -c '^PASS' "$WORKB/results.txt" > "$OUT/e2e-passed"
rm -f "$OUT/e2e-run.log"

# 2. ../shared/testdata: one dataset per Parquet file and per Delta table
cfg="$WORKB/shared-config.jsonc"
{
	printf '{"name": "shared testdata", "lakes": {\n'
	printf '  "pq": {"kind": "fs", "root": "%s/parquet"},\n' "$TD"
	printf '  "dl": {"kind": "fs", "root": "%s/delta"}},\n' "$TD"
	printf ' "sources": {"s": "S"}, "consumers": {"c": "C"},\n "datasets": {\n'
	sep=""
	for f in "$TD"/parquet/*; do
		b=$(basename "$f")
		case "$b" in *.tsv|*.txt|*.md) continue ;; esac
		re=$(printf '%s' "$b" | sed 's/[.[\()*+?^$|]/\\\\&/g')
		printf '%s  "pq.%s": {"source": "s", "layer": "silver", "lake": "pq", "path": ".", "format": "parquet", "include": "^%s$", "consumers": ["c"], "checks": {"schema": {"drift": "warn"}}}' "$sep" "$b" "$re"
		sep=$',\n'
	done
	for d in "$TD"/delta/*/; do
		b=$(basename "$d")
		printf '%s  "dl.%s": {"source": "s", "layer": "gold", "lake": "dl", "path": "%s", "format": "delta", "consumers": ["c"], "checks": {"row_count": {"min": 0}}}' "$sep" "$b" "$b"
	done
	printf '\n}}\n'
} > "$cfg"
for fmt in text json; do
	LAKEWATCH_NOW=$NOW NO_COLOR=1 "$BIN" check --config "$cfg" --no-history \
		--format $fmt > "$WORKB/shared.$fmt" 2> "$WORKB/shared.$fmt.err"
	echo "exit $?" >> "$WORKB/shared.$fmt.err"
	norm "$WORKB/shared.$fmt" > "$OUT/shared/report.$fmt"
	norm "$WORKB/shared.$fmt.err" > "$OUT/shared/report.$fmt.err"
done
echo "same-output: $(ls "$OUT/e2e" | wc -l) e2e files, $(grep -c '"name":' "$OUT/shared/report.json") names in the shared report -> $OUT"
