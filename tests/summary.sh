#!/bin/sh
# Close a test run: list failures, print the totals line, exit 1 on any.
res=${1:-build/results.txt}
[ -f "$res" ] || { echo "no test results in $res"; echo "0 passed, 1 failed"; exit 1; }
p=$(grep -c '^PASS ' "$res")
f=$(grep -c '^FAIL ' "$res")
s=$(grep -c '^SKIP ' "$res")
if [ "$f" -gt 0 ]; then echo "failed:"; grep '^FAIL ' "$res" | sed 's/^FAIL /  /'; fi
if [ "$s" -gt 0 ]; then echo "skipped:"; grep '^SKIP ' "$res" | sed 's/^SKIP /  /'; fi
echo "$p passed, $f failed, $s skipped"
[ "$f" -eq 0 ] && [ "$p" -gt 0 ]
