#!/bin/sh
# Run each libFuzzer target for $FUZZ_SECONDS on a copy of its seed corpus
# (tests/fuzz/corpus/<name>/); new inputs go to build-fuzz/corpus/<name>/.
secs=${FUZZ_SECONDS:-60}
status=0
for bin in "$@"; do
	name=$(basename "$bin"); name=${name#fuzz_}
	work="build-fuzz/corpus/$name"
	mkdir -p "$work"
	seeds="tests/fuzz/corpus/$name"
	[ -d "$seeds" ] || { echo "fuzz_$name: no seed corpus in $seeds"; status=1; continue; }
	echo "== fuzz_$name for ${secs}s"
	if ! "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
		-print_final_stats=1 "$work" "$seeds" > "build-fuzz/fuzz_$name.log" 2>&1; then
		echo "fuzz_$name FAILED: see build-fuzz/fuzz_$name.log"; tail -30 "build-fuzz/fuzz_$name.log"
		status=1
	else
		grep -E 'stat::number_of_executed_units|cov:' "build-fuzz/fuzz_$name.log" | tail -2
	fi
done
exit $status
