#!/bin/bash
# tests/e2e/cache_same.sh CONFIG HISTORY WORKDIR NOW
#
# The per-file cache must never change a result: poll once to fill the
# cache, copy the history, then poll the copy with --no-cache and the
# original from the cache (same prior state, same run id), in text and
# JSON, and compare after normalising what differs by design: timings
# ("seconds", "checked in") and what reading cost ("bytes_read"). Exits 1
# on a difference (diff printed), or when the cached poll read nothing from
# the cache although files were listed.
set -u
cfg=$1 hist=$2 w=$3
export LAKEWATCH_NOW=$4 NO_COLOR=1
mkdir -p "$w"
norm() {
	sed -e 's/\("seconds":\t\)[0-9.e+-]*/\1@T@/' \
	    -e 's/\("bytes_read":\t\)[0-9]*/\1@B@/' \
	    -e 's/ checked in [0-9.]*m\?s/ checked in @T@/' "$1"
}
"$LW_BIN" check --config "$cfg" --history "$hist" -f json > /dev/null 2>&1
for fmt in text json; do
	cp "$hist" "$w/nocache.db"
	cp "$hist" "$w/cached.db"
	"$LW_BIN" check --config "$cfg" --history "$w/nocache.db" --no-cache \
		-f $fmt > "$w/nocache.$fmt" 2> "$w/nocache.$fmt.err"
	"$LW_BIN" check --config "$cfg" --history "$w/cached.db" --stats \
		-f $fmt > "$w/cached.$fmt" 2> "$w/cached.$fmt.err"
	if ! diff <(norm "$w/nocache.$fmt") <(norm "$w/cached.$fmt"); then
		echo "cache_same: $fmt reports differ with and without the cache"
		exit 1
	fi
done
if ! grep -Eq 'files_cached=[1-9]' "$w/cached.json.err"; then
	echo "cache_same: the cached poll took nothing from the cache:"
	cat "$w/cached.json.err"
	exit 1
fi
