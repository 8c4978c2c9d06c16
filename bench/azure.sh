#!/bin/sh
# bench/azure.sh - what a poll of an Azure lake costs, against Azurite.
#
#   bench/azure.sh [--blobs N] [--parquet N] [--parallel N] [--rounds N]
#
# Starts Azurite (tests/services/azurite.sh: in memory, loopback, a free
# port), fills a container with 20,000 blobs of which 2,000 are Parquet
# files, and prints lakewatch's wall and CPU time, requests and bytes
# downloaded, next to the official SDK doing the same work (the listing of
# the same prefix, the same tail ranges at the same parallel) and, as
# before, listing the whole container and downloading the Parquet files
# whole, each --rounds times in turn, with the ratios (bench/azure.mjs).
# Not a test. LW_BIN picks the binary (default ./lakewatch).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
LW_BIN=${LW_BIN:-$ROOT/lakewatch}
[ -x "$LW_BIN" ] || { echo "build lakewatch first (make)" >&2; exit 2; }
fail() { echo "Azurite did not start: $2" >&2; }
. tests/services/azurite.sh
azurite_setup azbench
node bench/azure.mjs --endpoint "http://127.0.0.1:$P/$ACCT" \
	--lw "$LW_BIN" --dir "$T" "$@"
