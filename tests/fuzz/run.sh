#!/bin/sh
# Run each libFuzzer target for $FUZZ_SECONDS on a copy of its seed corpus
# (tests/fuzz/corpus/<name>/); new inputs go to build-fuzz/corpus/<name>/.
# $FUZZ_JOBS targets at a time (default: the number of cores), each one
# process, so the round takes seconds x targets / jobs.
secs=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
status=0

one() {	# one BIN: fuzz it; its verdict in build-fuzz/fuzz_NAME.verdict
	bin=$1
	name=$(basename "$bin"); name=${name#fuzz_}
	work="build-fuzz/corpus/$name"
	mkdir -p "$work"
	seeds="tests/fuzz/corpus/$name"
	v="build-fuzz/fuzz_$name.verdict"
	if [ ! -d "$seeds" ]; then
		echo "fuzz_$name: no seed corpus in $seeds" > "$v"
		return
	fi
	if "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
		-print_final_stats=1 "$work" "$seeds" > "build-fuzz/fuzz_$name.log" 2>&1; then
		{ echo "== fuzz_$name for ${secs}s: ok"
		  grep -E 'stat::number_of_executed_units|cov:' "build-fuzz/fuzz_$name.log" | tail -2; } > "$v"
	else
		{ echo "fuzz_$name FAILED: see build-fuzz/fuzz_$name.log"
		  tail -30 "build-fuzz/fuzz_$name.log"; } > "$v"
	fi
}

set -- "$@"
while [ $# -gt 0 ]; do
	pids=""
	batch=""
	i=0
	while [ $i -lt "$jobs" ] && [ $# -gt 0 ]; do
		one "$1" &
		pids="$pids $!"
		batch="$batch $1"
		shift
		i=$((i + 1))
	done
	for p in $pids; do wait "$p"; done
	for bin in $batch; do
		name=$(basename "$bin"); name=${name#fuzz_}
		v="build-fuzz/fuzz_$name.verdict"
		cat "$v"
		grep -q '^fuzz_.*\(FAILED\|no seed corpus\)' "$v" && status=1
	done
done
exit $status
