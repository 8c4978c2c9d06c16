#!/bin/sh
# bench/azure.sh - what a poll of an Azure lake costs, against Azurite.
#
#   bench/azure.sh [--blobs N] [--parquet N] [--parallel N]
#
# Starts Azurite (in memory, loopback, a free port), fills a container with
# 20,000 blobs of which 2,000 are Parquet files, and prints lakewatch's
# wall time, requests and bytes downloaded against bytes stored, next to a
# listing of the container and a full download of the Parquet files with
# the official SDK, with the ratios (bench/azure.mjs). Not a test.
# LW_BIN picks the binary (default ./lakewatch).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
LW_BIN=${LW_BIN:-$ROOT/lakewatch}
[ -x "$LW_BIN" ] || { echo "build lakewatch first (make)" >&2; exit 2; }
T=$(mktemp -d /tmp/lw-azbench.XXXXXX)
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
node_modules/.bin/azurite-blob --inMemoryPersistence --skipApiVersionCheck \
	--blobHost 127.0.0.1 --blobPort "$PORT" --silent > "$T/azurite.log" 2>&1 &
AZ=$!
trap 'kill -9 $AZ 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT INT TERM
i=0
until curl -s -o /dev/null "http://127.0.0.1:$PORT/devstoreaccount1?comp=list"; do
	i=$((i + 1)); [ $i -lt 100 ] || { echo "Azurite did not start" >&2; exit 1; }
	sleep 0.1
done
node bench/azure.mjs --endpoint "http://127.0.0.1:$PORT/devstoreaccount1" \
	--lw "$LW_BIN" --dir "$T" "$@"
