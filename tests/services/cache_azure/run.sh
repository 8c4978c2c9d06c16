#!/bin/sh
# tests/services/cache_azure/run.sh - the per-file cache on the "azure"
# lake kind against a real Azurite: an unchanged lake costs the listing and
# nothing else; a blob rewritten (same bytes, new ETag) is the only one
# read again; --no-cache reads them all.
#
# Starts Azurite (in memory, loopback, a free port) as tests/services/azure
# does, writes 40 CSV and 20 Parquet blobs with the official SDK
# (tests/services/azure/upload.mjs), and polls three times with --stats.
# Appends PASS/FAIL/SKIP services/cache_azure/<name> to
# $LW_BUILD/results.txt. Run from the project root.
set -u
B=${LW_BUILD:-build}
LW_BIN=${LW_BIN:-$PWD/build/test/lakewatch}
res="$B/results.txt"
up=tests/services/azure/upload.mjs
PQ=$PWD/../shared/testdata/parquet/alltypes_plain.parquet
status=0
mkdir -p "$B"

pass() { echo "PASS services/cache_azure/$1" >> "$res"; echo "  PASS $1"; }
fail() { echo "FAIL services/cache_azure/$1" >> "$res"; echo "  FAIL $1: $2"; status=1; }
skip() { echo "SKIP services/cache_azure/$1${3:+ [needs $3]}" >> "$res"; echo "  SKIP $1: $2"; }

if [ ! -x node_modules/.bin/azurite-blob ] || ! command -v node >/dev/null ||
   [ ! -x "$LW_BIN" ] || [ ! -f "$PQ" ]; then
	skip all "needs node, node_modules (azurite), $PQ and $LW_BIN" \
		"node node_modules/.bin/azurite-blob $PQ $LW_BIN"
	exit 0
fi

. tests/services/azurite.sh
azurite_setup cache-azure

mkdir -p "$T/lake/csv" "$T/lake/pq"
n=0
while [ $n -lt 40 ]; do
	printf 'id,v\n%d,1\n%d,2\n' $n $n > "$T/lake/csv/f$n.csv"
	n=$((n + 1))
done
n=0
while [ $n -lt 20 ]; do cp "$PQ" "$T/lake/pq/p$n.parquet"; n=$((n + 1)); done
node $up --conn "$CS" --container cachelake --create > "$T/up.log" 2>&1 &&
	node $up --conn "$CS" --container cachelake --dir "$T/lake" >> "$T/up.log" 2>&1 ||
	{ fail upload "$(grep -m3 -i error "$T/up.log")"; exit 1; }

cat > "$T/c.json" <<JSON
{"name": "cache", "history": {"path": "$T/h.db"}, "sources": {"s": {}},
 "lakes": {"az": {"kind": "azure", "account": "$ACCT", "container": "cachelake",
   "endpoint": "http://127.0.0.1:$P/$ACCT",
   "auth": {"account_key": {"env": "AZ_KEY"}}}},
 "datasets": {
  "bronze.csv": {"source": "s", "layer": "bronze", "lake": "az", "path": "csv",
                 "format": "csv", "checks": {"row_count": {"min": 1}}},
  "silver.pq": {"source": "s", "layer": "silver", "lake": "az", "path": "pq",
                "format": "parquet", "checks": {"row_count": {"min": 1}}}}}
JSON
poll() {	# name [args]: JSON in $T/name.out, stats in $T/name.err
	nm=$1; shift
	"$LW_BIN" check --config "$T/c.json" --stats -f json "$@" > "$T/$nm.out" 2> "$T/$nm.err"
}
val() { sed -n "s/.*[ ]$2=\([0-9]*\).*/\1/p" "$T/$1.err" | head -1; }
rows() { grep -o '"rows":[^,]*' "$T/$1.out" | tr -d ' \t' | sort | tr '\n' ' '; }

poll first
poll unchanged
# two datasets of under 5,000 blobs: one List Blobs page each
if [ "$(val first files_read)" = 60 ] && [ "$(val unchanged files_cached)" = 60 ] &&
   [ "$(val unchanged files_read)" = 0 ] && [ "$(val unchanged requests)" = 2 ] &&
   [ "$(val unchanged bytes_read)" = 0 ] && [ "$(rows first)" = "$(rows unchanged)" ]; then
	pass unchanged_costs_the_listing
else
	fail unchanged_costs_the_listing "first: $(tr '\n' ' ' < "$T/first.err"); unchanged: $(tr '\n' ' ' < "$T/unchanged.err")"
fi

# the same bytes written again: a new ETag (and maybe the same second)
mkdir -p "$T/one/csv"
cp "$T/lake/csv/f7.csv" "$T/one/csv/"
node $up --conn "$CS" --container cachelake --dir "$T/one" > "$T/up2.log" 2>&1
poll changed
if [ "$(val changed files_read)" = 1 ] && [ "$(val changed files_cached)" = 59 ] &&
   [ "$(val changed requests)" = 3 ] && [ "$(rows first)" = "$(rows changed)" ]; then
	pass rewritten_blob_read_again
else
	fail rewritten_blob_read_again "$(tr '\n' ' ' < "$T/changed.err")"
fi

poll full --no-cache
if [ "$(val full files_read)" = 60 ] && [ "$(val full files_cached)" = 0 ] &&
   [ "$(rows first)" = "$(rows full)" ]; then
	pass no_cache_reads_all
else
	fail no_cache_reads_all "$(tr '\n' ' ' < "$T/full.err")"
fi
exit $status
