#!/bin/sh
# bench/cache_azure.sh [--blobs N]: the per-file cache on an Azure lake,
# against Azurite (in memory, loopback, a free port).
#
# Fills a container with N blobs (default 20,000: 95% tiny CSV files, 5%
# Parquet copies of ../shared/testdata/parquet/alltypes_plain.parquet, two
# datasets), written with the official SDK (tests/services/azure/
# upload.mjs), and polls three times with one history: the first poll, an
# unchanged re-poll, and one after 1% of the blobs were written again
# (same bytes, new ETag). Prints requests, bytes downloaded, files read
# and taken from the cache, wall and CPU time, with ratios to the first
# poll. LW_BIN picks the binary (default ./lakewatch). Not a test.
set -eu
cd "$(dirname "$0")/.."
N=20000
[ "${1:-}" = --blobs ] && N=$2
LW_BIN=${LW_BIN:-$PWD/lakewatch}
PQ=$PWD/../shared/testdata/parquet/alltypes_plain.parquet
[ -x "$LW_BIN" ] && [ -f "$PQ" ] && [ -x /usr/bin/time ] ||
	{ echo "bench/cache_azure: needs $LW_BIN, $PQ and /usr/bin/time" >&2; exit 2; }
fail() { echo "Azurite did not start: $2" >&2; }
. tests/services/azurite.sh
azurite_setup cache-azbench
up=tests/services/azure/upload.mjs
NP=$((N / 20)) NC=$((N - N / 20))
mkdir -p "$T/pq/pq"
i=0
while [ $i -lt $NP ]; do ln "$PQ" "$T/pq/pq/p$i.parquet"; i=$((i + 1)); done
t0=$(date +%s)
node $up --conn "$CS" --container bench --create > /dev/null
node $up --conn "$CS" --container bench --tiny $NC --prefix csv --parallel 32 > /dev/null
node $up --conn "$CS" --container bench --dir "$T/pq" --parallel 32 > /dev/null
echo "uploaded $NC CSV and $NP Parquet blobs in $(( $(date +%s) - t0 )) s"
cat > "$T/c.json" <<JSON
{"name": "bench", "history": {"path": "$T/h.db"}, "sources": {"s": {}},
 "lakes": {"az": {"kind": "azure", "account": "devstoreaccount1", "container": "bench",
   "endpoint": "http://127.0.0.1:$P/devstoreaccount1", "auth": {"account_key": {"env": "AZ_KEY"}}}},
 "datasets": {
  "bronze.csv": {"source": "s", "layer": "bronze", "lake": "az", "path": "csv", "format": "csv",
                 "checks": {"row_count": {"min": 1}}},
  "silver.pq": {"source": "s", "layer": "silver", "lake": "az", "path": "pq", "format": "parquet",
                "checks": {"row_count": {"min": 1}}}}}
JSON
poll() {
	/usr/bin/time -f "%e %U %S" -o "$T/$1.time" "$LW_BIN" check --config "$T/c.json" \
		--stats -f json > "$T/$1.json" 2> "$T/$1.err" || true
}
st() { sed -n "s/.*[ ]$2=\([0-9]*\).*/\1/p" "$T/$1.err" | head -1; }
tm() { awk -v f="$2" '{ print f == "cpu" ? $2 + $3 : $1 }' "$T/$1.time"; }
poll first
poll unchanged
node $up --conn "$CS" --container bench --tiny $((NC / 100)) --prefix csv > /dev/null
poll changed
# bytes_in is everything downloaded; bytes_read what came from files (the
# rest is the listing: with tiny blobs, most of it)
printf '%-10s %9s %7s %10s %8s %10s %10s %12s %6s %6s %6s\n' poll requests ratio bytes_in \
	ratio bytes_read files_read files_cached wall cpu ratio
for p in first unchanged changed; do
	r=$(st $p requests) b=$(st $p bytes_in)
	printf '%-10s %9s %7.4f %10s %8.4f %10s %10s %12s %6.2f %6.2f %6.3f\n' $p "$r" \
		"$(echo "$r / $(st first requests)" | bc -l)" "$b" \
		"$(echo "$b / $(st first bytes_in)" | bc -l)" "$(st $p bytes_read)" \
		"$(st $p files_read)" \
		"$(st $p files_cached)" "$(tm $p wall)" "$(tm $p cpu)" \
		"$(echo "$(tm $p wall) / $(tm first wall)" | bc -l)"
done
