#!/bin/sh
# Run each cmocka unit-test binary with TAP output; count test cases into
# $LW_BUILD/results.txt: "PASS unit/<bin>/<case>", "FAIL ..." or, for
# cmocka's "not ok N # SKIP", "SKIP unit/<bin>/<case> [needs TOOLS]" where
# TOOLS come from the "# needs TOOLS" line the test printed before skipping
# (lw_skip_needs() in unit.h; tests/summary.sh checks them).
B=${LW_BUILD:-build}
res="$B/results.txt"
mkdir -p "$B"
status=0
for t in "$@"; do
	name=$(basename "$t")
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | awk -v u="unit/$name/" '
		/^# needs / { needs = substr($0, 9); next }
		/^not ok [0-9]+ # SKIP/ {
			sub(/^not ok /, ""); sub(/ # SKIP */, " - ")
			print "SKIP " u $0 (needs != "" ? " [needs " needs "]" : "")
			needs = ""; next }
		/^not ok / { sub(/^not ok /, ""); print "FAIL " u $0; needs = ""; next }
		/^ok / { sub(/^ok /, ""); print "PASS " u $0; needs = ""; next }
	' >> "$res"
	if [ $rc -ne 0 ]; then
		printf '%s\n' "$out" | grep -vE '^ok ' | sed "s|^|  $name: |"
		grep -q "FAIL unit/$name/" "$res" || echo "FAIL unit/$name (exit $rc)" >> "$res"
		status=1
	fi
done
echo "unit: $(grep -c '^PASS unit/' "$res") passed, $(grep -c '^FAIL unit/' "$res") failed, $(grep -c '^SKIP unit/' "$res") skipped"
exit $status
