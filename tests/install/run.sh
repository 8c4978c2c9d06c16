#!/bin/sh
# `make install PREFIX=...` into a temporary prefix: the binary runs, the
# man page and the themes are where the dashboard looks for them.
set -u
B=${LW_BUILD:-build}
res="$(pwd)/$B/results.txt"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok=0
make -s install PREFIX="$tmp/prefix" >"$tmp/log" 2>&1 || ok=1
[ -x "$tmp/prefix/bin/lakewatch" ] || ok=1
"$tmp/prefix/bin/lakewatch" --version 2>/dev/null | grep -q '^lakewatch ' || ok=1
[ -f "$tmp/prefix/share/man/man1/lakewatch.1" ] || ok=1
for t in dark light high-contrast colour-blind monochrome; do
	[ -f "$tmp/prefix/share/lakewatch/themes/$t.theme" ] || ok=1
done
if [ $ok -eq 0 ]; then echo "PASS install/prefix" >> "$res"; echo "install: 1 passed, 0 failed"
else echo "FAIL install/prefix" >> "$res"; cat "$tmp/log"; echo "install: 0 passed, 1 failed"; fi
exit $ok
