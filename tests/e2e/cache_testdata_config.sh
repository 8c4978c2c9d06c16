#!/bin/bash
# tests/e2e/cache_testdata_config.sh TESTDATA: a config over TESTDATA with
# one dataset per Parquet file and per Delta table (as
# scripts/same-output.sh builds it), on stdout.
set -u
TD=$(cd "$1" && pwd)
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
