#!/bin/sh
# bench/azure_parts.sh [--standin] [--parts P] [--per B] [--delay MS]: the listing of
# a partitioned dataset on an Azure lake, one flat stream of pages against
# split at its folders and listed side by side (lakes/azure_lists.c), in
# the same run.
#
# Azurite (in memory, loopback, a free port) holds P date= folders of B
# tiny blobs each (default 50 x 1,000 = 50,000), written with the
# official SDK (tests/services/azure/upload.mjs). Polls go through
# tests/services/azure/fault_proxy.mjs holding every answer MS ms
# (default 200: a List Blobs page's time on a distant service), so the
# requests in flight at once ("parallel", 16) are what differs. The
# dataset's include matches no file: what is timed is the listing alone.
# "flat" is the test build's LAKEWATCH_AZ_LIST_FLAT=1, "split" the
# default; each is run twice, alternately, best kept. Prints wall time,
# requests and bytes each way and their ratios.
# --standin: bench/list_standin.mjs instead of Azurite and the proxy
# (default 200 x 1,000 = 200,000 blobs): List Blobs answered from memory
# after the delay, so only the round trips count, as on a service that
# scales its own work (Azurite is one Node process: there its per-blob
# work is most of the time, and it is the same both ways).
# LW_BIN picks the binary (default the test build, build/test/lakewatch:
# the switch is a test hook). Not a test.
set -eu
cd "$(dirname "$0")/.."
NP=50 PER=1000 DELAY=200 SI=""
[ "${1:-}" = --standin ] && { SI=1 NP=200; shift; }
while [ $# -gt 1 ]; do
	case $1 in
	--parts) NP=$2 ;; --per) PER=$2 ;; --delay) DELAY=$2 ;;
	*) echo "usage: bench/azure_parts.sh [--standin] [--parts P] [--per B] [--delay MS]" >&2; exit 2 ;;
	esac
	shift 2
done
LW_BIN=${LW_BIN:-$PWD/build/test/lakewatch}
[ -x "$LW_BIN" ] && [ -x node_modules/.bin/azurite-blob ] && [ -x /usr/bin/time ] ||
	{ echo "bench/azure_parts: needs $LW_BIN (make test-build), node_modules and /usr/bin/time" >&2; exit 2; }
T=$(mktemp -d /tmp/lw-parts-azbench.XXXXXX)
AZ="" PX=""
trap 'kill -9 $AZ $PX 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT INT TERM
export AZ_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
unset LAKEWATCH_NOW 2>/dev/null || true
if [ -n "$SI" ]; then
	node bench/list_standin.mjs --parts "$NP" --per "$PER" --delay "$DELAY" \
		--port-file "$T/proxy.port" > "$T/standin.log" 2>&1 &
	PX=$!
	echo "stand-in: $NP folders of $PER blobs; delay $DELAY ms a request"
else
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
P=$(free_port)
node_modules/.bin/azurite-blob --inMemoryPersistence --skipApiVersionCheck \
	--blobHost 127.0.0.1 --blobPort "$P" --silent > "$T/azurite.log" 2>&1 &
AZ=$!
i=0
until curl -s -o /dev/null "http://127.0.0.1:$P/devstoreaccount1?comp=list"; do
	i=$((i + 1)); [ $i -lt 100 ] || { echo "Azurite did not start" >&2; exit 1; }
	sleep 0.1
done
KEY=$AZ_KEY
CS="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$KEY;BlobEndpoint=http://127.0.0.1:$P/devstoreaccount1;"
up=tests/services/azure/upload.mjs
t0=$(date +%s)
node $up --conn "$CS" --container bench --create > /dev/null
d=0
while [ $d -lt "$NP" ]; do
	node $up --conn "$CS" --container bench --tiny "$PER" \
		--prefix "parts/date=$(printf %05d $d)" --parallel 64 > /dev/null
	d=$((d + 1))
done
echo "uploaded $NP folders of $PER blobs in $(( $(date +%s) - t0 )) s; delay $DELAY ms a request"
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
cat > "$T/c.json" <<JSON
{"name": "bench", "history": {"path": "$T/h.db"}, "sources": {"s": {}},
 "lakes": {"az": {"kind": "azure", "account": "devstoreaccount1", "container": "bench",
   "endpoint": "http://127.0.0.1:$PP/devstoreaccount1", "auth": {"account_key": {"env": "AZ_KEY"}}}},
 "datasets": {"bronze.parts": {"source": "s", "layer": "bronze", "lake": "az", "path": "parts",
   "format": "csv", "include": "\\\\.none$", "checks": {}}}}
JSON
poll() {	# way run
	if [ $1 = flat ]; then export LAKEWATCH_AZ_LIST_FLAT=1; else unset LAKEWATCH_AZ_LIST_FLAT; fi
	/usr/bin/time -f "%e" -o "$T/$1.$2.time" "$LW_BIN" check --config "$T/c.json" \
		--no-history --stats -f json > "$T/$1.$2.out" 2> "$T/$1.$2.err" || true
}
st() { sed -n "s/.*[ ]$3=\([0-9]*\).*/\1/p" "$T/$1.$2.err" | head -1; }
best() { sort -n "$T/$1.1.time" "$T/$1.2.time" | head -1; }
for r in 1 2; do poll flat $r; poll split $r; done
printf '%-6s %8s %9s %12s\n' way wall requests bytes_in
for w in flat split; do
	printf '%-6s %8s %9s %12s\n' $w "$(best $w)" "$(st $w 1 requests)" "$(st $w 1 bytes_in)"
done
printf 'split / flat: wall %.3f, requests %.2f, bytes %.3f\n' \
	"$(echo "$(best split) / $(best flat)" | bc -l)" \
	"$(echo "$(st split 1 requests) / $(st flat 1 requests)" | bc -l)" \
	"$(echo "$(st split 1 bytes_in) / $(st flat 1 bytes_in)" | bc -l)"
