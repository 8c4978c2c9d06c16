#!/bin/sh
# bench/delta_azure.sh [--commits N]: what a Delta table's _delta_log
# listing costs on an Azure lake (Azurite: in memory, loopback, a free
# port), listed whole against listed from the last checkpoint on
# (lakes/azure_from.c), in the same run.
#
# bench/delta.mjs writes a table of N+13 commits (default N = 2,000), a
# classic Parquet checkpoint every 10 versions; the container first holds
# versions 0..N+4 with _last_checkpoint at N, then gets versions N+5..N+12
# (a new checkpoint at N+10, _last_checkpoint moved to it). Polls with
# --stats, each way with its own history: a first poll, an unchanged
# re-poll, and one after the 8 new commits. "whole" is the test build's
# LAKEWATCH_AZ_LIST_WHOLE=1 (list_from lists the folder whole, as the log
# was listed before); "narrow" the default. Prints requests and bytes
# downloaded, their ratios narrow / whole, and the version and rows each
# saw (they must agree). LW_BIN picks the binary (default the test build,
# build/test/lakewatch: the switch is a test hook). Not a test.
set -eu
cd "$(dirname "$0")/.."
N=2000
[ "${1:-}" = --commits ] && N=$2
LW_BIN=${LW_BIN:-$PWD/build/test/lakewatch}
[ -x "$LW_BIN" ] && [ -x node_modules/.bin/azurite-blob ] ||
	{ echo "bench/delta_azure: needs $LW_BIN (make test-build) and node_modules" >&2; exit 2; }
unset LAKEWATCH_NOW 2>/dev/null || true
fail() { echo "Azurite did not start: $2" >&2; }
. tests/services/azurite.sh
azurite_setup delta-azbench
up=tests/services/azure/upload.mjs

t0=$(date +%s)
node bench/delta.mjs "$T/gen" $((N + 13)) 10 > /dev/null
# split the log: a = up to N+4 (hint at N), b = what comes after
mkdir -p "$T/a/t/_delta_log" "$T/b/t/_delta_log"
for f in "$T/gen/_delta_log"/0*; do
	n=$(basename "$f")
	v=$(echo "$n" | sed 's/^0*\([0-9]\)/\1/; s/\..*//')
	if [ "$v" -le $((N + 4)) ]; then ln "$f" "$T/a/t/_delta_log/$n"
	else ln "$f" "$T/b/t/_delta_log/$n"; fi
done
printf '{"version":%d,"size":102}' $N > "$T/a/t/_delta_log/_last_checkpoint"
printf '{"version":%d,"size":102}' $((N + 10)) > "$T/b/t/_delta_log/_last_checkpoint"
node $up --conn "$CS" --container bench --create > /dev/null
node $up --conn "$CS" --container bench --dir "$T/a" --parallel 32 > /dev/null
echo "wrote and uploaded $(ls "$T/a/t/_delta_log" | wc -l) log files in $(( $(date +%s) - t0 )) s"

for w in whole narrow; do
	cat > "$T/$w.json" <<JSON
{"name": "bench", "history": {"path": "$T/$w.db"}, "sources": {"s": {}},
 "lakes": {"az": {"kind": "azure", "account": "devstoreaccount1", "container": "bench",
   "endpoint": "http://127.0.0.1:$P/devstoreaccount1", "auth": {"account_key": {"env": "AZ_KEY"}}}},
 "datasets": {"gold.t": {"source": "s", "layer": "gold", "lake": "az", "path": "t",
   "format": "delta", "checks": {"row_count": {"min": 1}}}}}
JSON
done
poll() {	# way poll
	if [ $1 = whole ]; then export LAKEWATCH_AZ_LIST_WHOLE=1; else unset LAKEWATCH_AZ_LIST_WHOLE; fi
	"$LW_BIN" check --config "$T/$1.json" --stats -f json > "$T/$1.$2.out" 2> "$T/$1.$2.err" || true
}
st() { sed -n "s/.*[ ]$3=\([0-9]*\).*/\1/p" "$T/$1.$2.err" | head -1; }
seen() { grep -o '"\(version\|rows\|files\|checkpoint_version\)":[[:space:]]*[0-9]*' "$T/$1.$2.out" | tr -d ' \t"' | tr '\n' ' '; }
for p in first unchanged; do poll whole $p; poll narrow $p; done
node $up --conn "$CS" --container bench --dir "$T/b" > /dev/null
poll whole after; poll narrow after

printf '%-10s %14s %14s %7s %16s %16s %8s  %s\n' poll requests_whole \
	requests_narrow ratio bytes_in_whole bytes_in_narrow ratio seen
for p in first unchanged after; do
	rw=$(st whole $p requests) rn=$(st narrow $p requests)
	bw=$(st whole $p bytes_in) bn=$(st narrow $p bytes_in)
	same=same
	[ "$(seen whole $p)" = "$(seen narrow $p)" ] || same="DIFFER: $(seen whole $p) / $(seen narrow $p)"
	printf '%-10s %14s %14s %7.3f %16s %16s %8.4f  %s %s\n' $p "$rw" "$rn" \
		"$(echo "$rn / $rw" | bc -l)" "$bw" "$bn" "$(echo "$bn / $bw" | bc -l)" \
		"$(seen narrow $p)" "$same"
done
