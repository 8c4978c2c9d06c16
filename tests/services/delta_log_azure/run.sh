#!/bin/sh
# tests/services/delta_log_azure/run.sh - a Delta table's _delta_log on
# the "azure" lake kind is listed from its last checkpoint (or the version
# the previous poll reached) on, by prefix blocks (lakes/azure_from.c),
# and that narrowed listing gives exactly what the whole listing gives.
#
# Starts Azurite (in memory, loopback, a free port), writes a table of 256
# commits with bench/delta.mjs (a classic Parquet checkpoint every 10
# versions) and uploads its log a piece at a time with the official SDK
# (tests/services/azure/upload.mjs): new commits across a block's end, a
# new checkpoint, a stale, missing, corrupt and too new _last_checkpoint,
# compacted logs and .crc files beside the commits, a log far ahead of its
# hint. Every poll runs twice - narrowed, and with the test build's
# LAKEWATCH_AZ_LIST_WHOLE=1 (the folder listed whole, as before) - each
# way with its own history (so the kept snapshot's advance is the path
# taken) or with none (the full load); the two observations must be equal
# and at the version and checkpoint expected. Appends PASS/FAIL/SKIP
# services/delta_log_azure/<name> to $LW_BUILD/results.txt. Run from the
# project root.
set -u
B=${LW_BUILD:-build}
LW_BIN=${LW_BIN:-$PWD/build/test/lakewatch}
res="$B/results.txt"
here=tests/services/delta_log_azure
up=tests/services/azure/upload.mjs
status=0
mkdir -p "$B"

pass() { echo "PASS services/delta_log_azure/$1" >> "$res"; echo "  PASS $1"; }
fail() { echo "FAIL services/delta_log_azure/$1" >> "$res"; echo "  FAIL $1: $2"; status=1; }
skip() { echo "SKIP services/delta_log_azure/$1${3:+ [needs $3]}" >> "$res"; echo "  SKIP $1: $2"; }

if [ ! -x node_modules/.bin/azurite-blob ] || ! command -v node >/dev/null ||
   [ ! -x "$LW_BIN" ] || [ ! -d node_modules/@duckdb/node-api ]; then
	skip all "needs node, node_modules (azurite, @duckdb/node-api) and $LW_BIN" \
		"node node_modules/.bin/azurite-blob node_modules/@duckdb/node-api $LW_BIN"
	exit 0
fi

unset LAKEWATCH_AZ_LIST_WHOLE AZURE_STORAGE_CONNECTION_STRING LAKEWATCH_NOW 2>/dev/null
. tests/services/azurite.sh
azurite_setup delta-log-azure
LOG=t/_delta_log

node bench/delta.mjs "$T/gen" 256 10 > "$T/gen.log" 2>&1 ||
	{ fail generate "$(tail -3 "$T/gen.log")"; exit 1; }
node $up --conn "$CS" --container dlog --create > "$T/up.log" 2>&1 ||
	{ fail upload "$(grep -m3 -i error "$T/up.log")"; exit 1; }

n=0
# put versions FROM..TO of the generated log into the container
put() {
	n=$((n + 1))
	mkdir -p "$T/s$n/$LOG"
	for f in "$T/gen/_delta_log"/0*; do
		b=$(basename "$f")
		v=$(echo "$b" | sed 's/^0*\([0-9]\)/\1/; s/\..*//')
		[ "$v" -ge "$1" ] && [ "$v" -le "$2" ] && ln "$f" "$T/s$n/$LOG/$b"
	done
	node $up --conn "$CS" --container dlog --dir "$T/s$n" >> "$T/up.log" 2>&1 ||
		{ fail upload "$(grep -m3 -i error "$T/up.log")"; exit 1; }
}
# put one file NAME with TEXT into the log
put_file() {
	n=$((n + 1))
	mkdir -p "$T/s$n/$LOG"
	printf '%s' "$2" > "$T/s$n/$LOG/$1"
	node $up --conn "$CS" --container dlog --dir "$T/s$n" >> "$T/up.log" 2>&1 ||
		{ fail upload "$(grep -m3 -i error "$T/up.log")"; exit 1; }
}
hint() { put_file _last_checkpoint "{\"version\":$1,\"size\":102}"; }

for w in whole narrow; do
	cat > "$T/$w.json" <<JSON
{"name": "dl", "history": {"path": "$T/$w.db"}, "sources": {"s": {}},
 "lakes": {"az": {"kind": "azure", "account": "$ACCT", "container": "dlog",
   "endpoint": "http://127.0.0.1:$P/$ACCT", "auth": {"account_key": {"env": "AZ_KEY"}}}},
 "datasets": {"gold.t": {"source": "s", "layer": "gold", "lake": "az", "path": "t",
   "format": "delta", "checks": {"row_count": {"min": 1}}}}}
JSON
done
# poll NAME [args]: both ways; $T/{whole,narrow}.NAME.{out,err,obs}
poll() {
	nm=$1; shift
	LAKEWATCH_AZ_LIST_WHOLE=1 "$LW_BIN" check --config "$T/whole.json" --stats -f json "$@" \
		> "$T/whole.$nm.out" 2> "$T/whole.$nm.err"
	"$LW_BIN" check --config "$T/narrow.json" --stats -f json "$@" \
		> "$T/narrow.$nm.out" 2> "$T/narrow.$nm.err"
	for w in whole narrow; do
		node $here/obs.mjs "$T/$w.$nm.out" > "$T/$w.$nm.obs" 2>&1
	done
}
st() { sed -n "s/.*[ ]$3=\([0-9]*\).*/\1/p" "$T/$1.$2.err" | head -1; }
# check CASE POLL VERSION CHECKPOINT: both ways equal, at VERSION/CHECKPOINT
check() {
	w=$(cat "$T/whole.$2.obs") nr=$(cat "$T/narrow.$2.obs")
	got=$(printf '%s' "$nr" | cut -f2,3 | tr '\t' /)
	if [ "$w" != "$nr" ]; then
		fail "$1" "whole and narrowed listings differ: $(printf '%s' "$w" | cut -c1-300) / $(printf '%s' "$nr" | cut -c1-300)"
	elif [ "$got" != "$3/$4" ]; then
		fail "$1" "version/checkpoint $got, want $3/$4: $(printf '%s' "$nr" | cut -c1-300) $(cat "$T/narrow.$2.err")"
	else
		pass "$1"
	fi
}

put 0 54
hint 50
poll first
check first_poll first 54 50
poll unchanged
# the kept snapshot advances over a listing of one block (50..59): one
# small request, where the whole log's listing is 15 times the bytes
rn=$(st narrow unchanged requests) ln=$(st narrow unchanged listing_bytes)
lw=$(st whole unchanged listing_bytes)
if [ "$rn" = 1 ] && [ -n "$ln" ] && [ -n "$lw" ] && [ $((ln * 5)) -lt "$lw" ] &&
   [ "$(cat "$T/whole.unchanged.obs")" = "$(cat "$T/narrow.unchanged.obs")" ]; then
	pass unchanged_lists_one_block
else
	fail unchanged_lists_one_block "requests $rn (want 1), listing bytes $ln narrowed vs $lw whole"
fi

# commits past the block's end (59) and a new checkpoint (60); the hint
# still says 50, as a writer that has not updated it yet
put 55 63
poll new_commits
check new_commits_and_checkpoint new_commits 63 60
hint 60
poll hint_moved
check hint_moved hint_moved 63 60

# a full load (no kept snapshot) starts from _last_checkpoint: stale,
# missing, corrupt or naming a checkpoint that does not exist
hint 20
poll stale --no-history
check stale_hint stale 63 60
node $here/rm.mjs "$CS" dlog "$LOG/_last_checkpoint"
poll missing --no-history
check missing_hint missing 63 60
put_file _last_checkpoint '{"version": "sixty'
poll corrupt --no-history
check corrupt_hint corrupt 63 60
hint 90
poll future --no-history
check hint_past_the_log future 63 60

# compacted logs and checksums beside the commits: the reader does not
# use them, and the narrowed listing passes them as the whole one does
cat "$T/gen/_delta_log"/0000000000000000005[5-9].json > "$T/compacted"
put_file 00000000000000000055.00000000000000000059.compacted.json "$(cat "$T/compacted")"
put_file 00000000000000000063.crc '{"tableSizeBytes":1}'
hint 60
poll compacted
check compacted_and_crc compacted 63 60

# a log far ahead of its hint and of the kept snapshot: 192 commits and
# 19 checkpoints at once (blocks widen: 60s, 70s, 0-99, 100-199, 0-999)
put 64 255
poll far_ahead
check far_ahead far_ahead 255 250
poll far_ahead_full --no-history
check far_ahead_full_load far_ahead_full 255 250

# the checkpoints after 200 gone (a writer's cleanup gone wrong): 55
# commits to replay after the hint's checkpoint, across blocks that widen
# back over what was listed already (every commit exactly once)
for v in 210 220 230 240 250; do
	node $here/rm.mjs "$CS" dlog "$LOG/$(printf '%020d' $v).checkpoint.parquet"
done
hint 200
poll replay_across_blocks --no-history
check replay_across_blocks replay_across_blocks 255 200
poll replay_kept_gone
check kept_checkpoint_gone replay_kept_gone 255 200

# a table whose log is gone: the kept snapshot is not trusted
node $here/rm.mjs "$CS" dlog "$LOG/"
poll gone
if grep -q '"ok":[[:space:]]*false' "$T/narrow.gone.out" &&
   [ "$(cat "$T/whole.gone.obs")" = "$(cat "$T/narrow.gone.obs")" ]; then
	pass commits_deleted_not_trusted
else
	fail commits_deleted_not_trusted "$(cut -c1-300 "$T/narrow.gone.obs")"
fi
exit $status
