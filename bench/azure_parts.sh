#!/bin/sh
# bench/azure_parts.sh [--standin] [--parts P] [--per B] [--delay MS]
#                      [--parallel N] [--rounds R]: the listing of a
# partitioned dataset on an Azure lake, one flat stream of pages against
# split at its folders and listed side by side (lakes/azure_lists.c), and
# the official SDK listing the same prefix both ways, in the same run.
#
# Azurite (tests/services/azurite.sh: in memory, loopback, a free port)
# holds P date= folders of B tiny blobs each (default 200 x 1,000 =
# 200,000), written with the official SDK (tests/services/azure/
# upload.mjs). Listings go through tests/services/azure/fault_proxy.mjs
# holding every answer MS ms (default 200: a List Blobs page's time on a
# distant service), so the requests in flight at once ("parallel",
# default 16) are what differs. The dataset's include matches no file:
# what is timed is the listing alone. "flat" is the test build's
# LAKEWATCH_AZ_LIST_FLAT=1, "split" the default; "sdk-flat" and
# "sdk-split" are bench/sdk_list.mjs (the SDK's listBlobsFlat of the
# prefix; listBlobsByHierarchy, then each folder flat, N at once). The
# four are run R times in turn (default 2); prints the best wall time and
# the spread, CPU time (lakewatch: /usr/bin/time; the SDK: its process),
# requests and bytes each way, and the ratios.
# --standin: bench/list_standin.mjs instead of Azurite and the proxy:
# List Blobs answered from memory after the delay, so only the round trips
# count, as on a service that scales its own work (Azurite is one Node
# process: there its per-blob work is most of the time, and it is the
# same both ways).
# LW_BIN picks the binary (default the test build, build/test/lakewatch:
# the switch is a test hook). Not a test.
set -eu
cd "$(dirname "$0")/.."
NP=200 PER=1000 DELAY=200 SI="" PAR=16 ROUNDS=2
# Azurite needs more than 30 s for a delimiter listing of 200,000 blobs:
# with the default 30 s an attempt lakewatch gave up after 5 timeouts
TMO='"timeout": "10m", "poll_timeout": "30m", '
[ "${1:-}" = --standin ] && { SI=1; shift; }
while [ $# -gt 1 ]; do
	case $1 in
	--parts) NP=$2 ;; --per) PER=$2 ;; --delay) DELAY=$2 ;;
	--parallel) PAR=$2 ;; --rounds) ROUNDS=$2 ;;
	*) echo "usage: bench/azure_parts.sh [--standin] [--parts P] [--per B] [--delay MS] [--parallel N] [--rounds R]" >&2; exit 2 ;;
	esac
	shift 2
done
LW_BIN=${LW_BIN:-$PWD/build/test/lakewatch}
[ -x "$LW_BIN" ] && [ -x node_modules/.bin/azurite-blob ] && [ -x /usr/bin/time ] ||
	{ echo "bench/azure_parts: needs $LW_BIN (make test-build), node_modules and /usr/bin/time" >&2; exit 2; }
unset LAKEWATCH_NOW 2>/dev/null || true
fail() { echo "Azurite did not start: $2" >&2; }
. tests/services/azurite.sh
PX=""
if [ -n "$SI" ]; then
	T=$(mktemp -d /tmp/lw-parts-azbench.XXXXXX) pid="" TMO=""
	trap 'kill -9 $PX 2>/dev/null; azurite_cleanup' EXIT
	trap 'exit 1' INT TERM
	node bench/list_standin.mjs --parts "$NP" --per "$PER" --delay "$DELAY" \
		--port-file "$T/proxy.port" > "$T/standin.log" 2>&1 &
	PX=$!
	echo "stand-in: $NP folders of $PER blobs; delay $DELAY ms a request; parallel $PAR"
else
	azurite_setup parts-azbench
	trap 'kill -9 $PX 2>/dev/null; azurite_cleanup' EXIT
	up=tests/services/azure/upload.mjs
	t0=$(date +%s)
	node $up --conn "$CS" --container bench --create > /dev/null
	d=0
	while [ $d -lt "$NP" ]; do
		node $up --conn "$CS" --container bench --tiny "$PER" \
			--prefix "parts/date=$(printf %05d $d)" --parallel 64 > /dev/null
		d=$((d + 1))
	done
	echo "uploaded $NP folders of $PER blobs in $(( $(date +%s) - t0 )) s; delay $DELAY ms a request; parallel $PAR"
	node tests/services/azure/fault_proxy.mjs --target "http://127.0.0.1:$P" \
		--port-file "$T/proxy.port" > "$T/proxy.log" 2>&1 &
	PX=$!
fi
i=0
until [ -s "$T/proxy.port" ]; do
	i=$((i + 1)); [ $i -lt 100 ] || { echo "proxy or stand-in did not start" >&2; exit 1; }
	sleep 0.1
done
PP=$(cat "$T/proxy.port")
[ -n "$SI" ] || curl -s "http://127.0.0.1:$PP/__mode/slow?n=$DELAY" > /dev/null
EP="http://127.0.0.1:$PP/devstoreaccount1"
cat > "$T/c.json" <<JSON
{"name": "bench", "history": {"path": "$T/h.db"}, "sources": {"s": {}},
 "lakes": {"az": {"kind": "azure", "account": "devstoreaccount1", "container": "bench",
   "endpoint": "$EP", "parallel": $PAR, $TMO"auth": {"account_key": {"env": "AZ_KEY"}}}},
 "datasets": {"bronze.parts": {"source": "s", "layer": "bronze", "lake": "az", "path": "parts",
   "format": "csv", "include": "\\\\.none$", "checks": {}}}}
JSON
# each run leaves WAY.RUN.line: wall cpu requests bytes blobs
poll() {	# way run
	if [ $1 = flat ]; then export LAKEWATCH_AZ_LIST_FLAT=1; else unset LAKEWATCH_AZ_LIST_FLAT; fi
	/usr/bin/time -f "%e %U %S" -o "$T/$1.$2.time" "$LW_BIN" check --config "$T/c.json" \
		--no-history --stats -f json > "$T/$1.$2.out" 2> "$T/$1.$2.err" || true
	echo "$(tail -1 "$T/$1.$2.time" | awk '{ printf "%s %.2f", $1, $2 + $3 }') $(st $1 $2 requests) $(st $1 $2 bytes_in) -" > "$T/$1.$2.line"
	! grep -q '"ok":[[:space:]]*false' "$T/$1.$2.out" ||
		echo "$1, run $2: the poll failed: $(grep -o '"message":[^,]*' "$T/$1.$2.out" | head -1)" >&2
}
sdk() {		# way run
	node bench/sdk_list.mjs --endpoint "$EP" --container bench --prefix parts/ \
		--way "${1#sdk-}" --parallel "$PAR" | cut -d' ' -f2- > "$T/$1.$2.line"
}
st() { sed -n "s/.*[ ]$3=\([0-9]*\).*/\1/p" "$T/$1.$2.err" | head -1; }
r=1
while [ $r -le "$ROUNDS" ]; do
	poll flat $r; sdk sdk-flat $r; poll split $r; sdk sdk-split $r
	r=$((r + 1))
done
bestrun() { for f in "$T/$1".*.line; do echo "$(cut -d' ' -f1 "$f") $f"; done | sort -n | head -1 | cut -d' ' -f2; }
col() { cut -d' ' -f"$2" "$(bestrun $1)"; }
spread() { cat "$T/$1".*.line | cut -d' ' -f1 | sort -n | sed -n '1p;$p' | paste -sd-; }
printf '%-10s %8s %13s %6s %9s %12s %8s\n' way wall spread cpu requests bytes_in blobs
for w in flat split sdk-flat sdk-split; do
	printf '%-10s %8s %13s %6s %9s %12s %8s\n' $w "$(col $w 1)" "$(spread $w)" \
		"$(col $w 2)" "$(col $w 3)" "$(col $w 4)" "$(col $w 5)"
done
ratio() {	# label a b: a / b in wall, requests, bytes
	printf '%-28s wall %.3f, requests %.2f, bytes %.3f\n' "$1" \
		"$(echo "$(col $2 1) / $(col $3 1)" | bc -l)" \
		"$(echo "$(col $2 3) / $(col $3 3)" | bc -l)" \
		"$(echo "$(col $2 4) / $(col $3 4)" | bc -l)"
}
ratio "split / flat:" split flat
ratio "split / SDK flat:" split sdk-flat
ratio "split / SDK split:" split sdk-split
ratio "flat / SDK flat:" flat sdk-flat
