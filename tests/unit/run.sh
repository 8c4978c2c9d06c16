#!/bin/sh
# Run each cmocka unit-test binary with TAP output; count test cases into
# $LW_BUILD/results.txt ("PASS unit/<bin>/<case>" or "FAIL ...").
B=${LW_BUILD:-build}
res="$B/results.txt"
status=0
for t in "$@"; do
	name=$(basename "$t")
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -E '^(not )?ok ' | while read -r line; do
		case "$line" in
		"not ok"*) echo "FAIL unit/$name/${line#not ok }" ;;
		*) echo "PASS unit/$name/${line#ok }" ;;
		esac
	done >> "$res"
	if [ $rc -ne 0 ]; then
		printf '%s\n' "$out" | grep -vE '^ok ' | sed "s|^|  $name: |"
		grep -q "FAIL unit/$name/" "$res" || echo "FAIL unit/$name (exit $rc)" >> "$res"
		status=1
	fi
done
echo "unit: $(grep -c '^PASS unit/' "$res") passed, $(grep -c '^FAIL unit/' "$res") failed"
exit $status
