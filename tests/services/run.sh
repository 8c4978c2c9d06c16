#!/bin/sh
# Run every service suite: tests/services/<name>/run.sh. Each starts the
# services it needs (Azurite, fixture servers) on loopback, runs its cases,
# writes PASS/FAIL/SKIP lines into $LW_BUILD/results.txt and stops them.
status=0
for s in tests/services/*/run.sh; do
	[ -f "$s" ] || continue
	echo "== ${s%/run.sh}"
	sh "$s" || status=1
done
exit $status
