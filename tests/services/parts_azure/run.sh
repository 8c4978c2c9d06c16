#!/bin/sh
# tests/services/parts_azure/run.sh - the "azure" lake kind lists a
# partitioned dataset split at its folders (one List Blobs with delimiter
# '/', then every date=... folder side by side within "parallel",
# lakes/azure_lists.c), and what it sees is exactly what one flat listing
# sees.
#
# Starts Azurite (in memory, loopback, a free port), uploads with the
# official SDK (tests/services/azure/upload.mjs) a dataset of 12 date=
# folders with hour= folders below, one of them holding 5,100 blobs (a
# List Blobs page boundary inside a folder), files directly in the
# dataset folder named to sort between the folders ("date=2026-11-05.csv"
# sorts before "date=2026-11-05/"), and a second dataset without folders
# (the 5,100 are listed, not read: "exclude").
# Each poll runs twice, flat (the test build's LAKEWATCH_AZ_LIST_FLAT=1)
# and split, each with its own history; the reports' observations must be
# equal, and the requests those of the listing expected. Then a folder is
# added between polls. Appends PASS/FAIL/SKIP services/parts_azure/<name>
# to $LW_BUILD/results.txt. Run from the project root.
set -u
B=${LW_BUILD:-build}
LW_BIN=${LW_BIN:-$PWD/build/test/lakewatch}
res="$B/results.txt"
up=tests/services/azure/upload.mjs
status=0
mkdir -p "$B"

pass() { echo "PASS services/parts_azure/$1" >> "$res"; echo "  PASS $1"; }
fail() { echo "FAIL services/parts_azure/$1" >> "$res"; echo "  FAIL $1: $2"; status=1; }
skip() { echo "SKIP services/parts_azure/$1${3:+ [needs $3]}" >> "$res"; echo "  SKIP $1: $2"; }

if [ ! -x node_modules/.bin/azurite-blob ] || ! command -v node >/dev/null ||
   [ ! -x "$LW_BIN" ]; then
	skip all "needs node, node_modules (azurite) and $LW_BIN" \
		"node node_modules/.bin/azurite-blob $LW_BIN"
	exit 0
fi

unset LAKEWATCH_AZ_LIST_FLAT AZURE_STORAGE_CONNECTION_STRING LAKEWATCH_NOW 2>/dev/null
. tests/services/azurite.sh
azurite_setup parts-azure
upl() { node $up --conn "$CS" --container parts "$@" >> "$T/up.log" 2>&1 ||
	{ fail upload "$(grep -m3 -i error "$T/up.log")"; exit 1; }; }

# 12 days x 4 hours x 5 files, and files between and around the folders
L="$T/lake/sales"
d=1
while [ $d -le 12 ]; do
	for h in 00 06 12 18; do
		dir="$L/date=2026-11-$(printf %02d $d)/hour=$h"
		mkdir -p "$dir"
		for f in 1 2 3 4 5; do
			printf 'id,v\n%d,%s\n' $f $h > "$dir/part-$f.csv"
		done
	done
	d=$((d + 1))
done
printf 'id,v\n1,x\n2,y\n' > "$L/date=2026-11-05.csv"
printf 'id,v\n3,z\n' > "$L/aaa.csv"
printf 'id,v\n4,z\n' > "$L/zzz.csv"
mkdir -p "$T/lake/ref"
for f in 1 2 3 4 5 6 7 8 9; do printf 'id\n%d\n' $f > "$T/lake/ref/r$f.csv"; done
upl --create
upl --dir "$T/lake"
# a page boundary inside one folder: 5,100 blobs (pages are 5,000)
upl --tiny 5100 --prefix "sales/date=2026-11-03/hour=12/big" --parallel 32

for w in flat split; do
	cat > "$T/$w.json" <<JSON
{"name": "parts", "history": {"path": "$T/$w.db"}, "sources": {"s": {}},
 "lakes": {"az": {"kind": "azure", "account": "$ACCT", "container": "parts",
   "endpoint": "http://127.0.0.1:$P/$ACCT", "auth": {"account_key": {"env": "AZ_KEY"}}}},
 "datasets": {
  "bronze.sales": {"source": "s", "layer": "bronze", "lake": "az", "path": "sales",
                   "format": "csv", "partitions": "key=value", "exclude": "/big/",
                   "checks": {"row_count": {"min": 1}}},
  "bronze.ref": {"source": "s", "layer": "bronze", "lake": "az", "path": "ref",
                 "format": "csv", "checks": {"row_count": {"min": 1}}}}}
JSON
done
# poll NAME [args]: both ways; $T/{flat,split}.NAME.{out,err,obs}
poll() {
	nm=$1; shift
	LAKEWATCH_AZ_LIST_FLAT=1 "$LW_BIN" check --config "$T/flat.json" --stats -f json "$@" \
		> "$T/flat.$nm.out" 2> "$T/flat.$nm.err"
	"$LW_BIN" check --config "$T/split.json" --stats -f json "$@" \
		> "$T/split.$nm.out" 2> "$T/split.$nm.err"
	for w in flat split; do
		node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
			for (const d of r.datasets) { const o = d.observation || {};
				for (const k of ["at", "bytes_read", "files_cached", "files_read"]) delete o[k];
				console.log(d.name, d.status, JSON.stringify(o)); }' \
			"$T/$w.$nm.out" > "$T/$w.$nm.obs" 2>&1
	done
}
st() { sed -n "s/.*[ ]$3=\([0-9]*\).*/\1/p" "$T/$1.$2.err" | head -1; }
files() { sed -n "s/^$3 [A-Z]* {[^}]*\"files\":\([0-9]*\).*/\1/p" "$T/$1.$2.obs"; }
same() {	# CASE POLL SALES_FILES FLAT_REQ SPLIT_REQ
	if ! cmp -s "$T/flat.$2.obs" "$T/split.$2.obs"; then
		fail "$1" "flat and split listings differ: $(diff "$T/flat.$2.obs" "$T/split.$2.obs" | cut -c1-300 | head -4)"
	elif [ "$(files split $2 bronze.sales)" != "$3" ]; then
		fail "$1" "bronze.sales has $(files split $2 bronze.sales) files, want $3: $(cut -c1-300 "$T/split.$2.obs")"
	elif [ "$(st flat $2 requests)" != "$4" ] || [ "$(st split $2 requests)" != "$5" ]; then
		fail "$1" "requests flat $(st flat $2 requests) (want $4), split $(st split $2 requests) (want $5)"
	else
		pass "$1"
	fi
}

# first poll: 240 + 3 files read (the 5,100 are listed, then excluded),
# 9 in ref. Flat: sales in two pages, ref in one. Split: a delimiter page
# each, then the 12 folders (the big one in two pages); ref has no
# folders: its delimiter page is its listing
poll first
same first_poll_equal first 243 255 267
# the cache holds every file: what is left is the listing
poll unchanged
same unchanged_equal unchanged 243 3 15
# the dataset on its own (list(), not the poll's listings made ahead)
poll alone --dataset '^bronze\.sales$'
same dataset_alone_equal alone 243 2 14
# a day added between polls
mkdir -p "$T/more/sales/date=2026-11-13/hour=00"
printf 'id,v\n9,9\n' > "$T/more/sales/date=2026-11-13/hour=00/part-1.csv"
node $up --conn "$CS" --container parts --dir "$T/more" >> "$T/up.log" 2>&1
poll added
same folder_added_equal added 244 4 17
exit $status
