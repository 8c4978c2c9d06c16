#!/bin/sh
# Close a test run: list failures and skips, print the totals line, exit 1
# on any failure - and on a skip that should not have happened.
#
# Every SKIP line names what the test lacked, as the suites write it:
#   SKIP <suite>/<case> ... [needs TOOL ...]
# a TOOL being a command (looked up in PATH) or a path (it has a '/'; from
# the project root, where make runs this). A skip whose tools are all
# present is a test that silently did not run: it fails the run, and so
# does a SKIP line without [needs ...]. Suites write [needs] with
# lw_skip_needs() (tests/unit/unit.h), "skip-needs:" (e2e cases) or the
# third argument of skip() (tests/services/*/run.sh).
res=${1:-build/test/results.txt}
[ -f "$res" ] || { echo "no test results in $res"; echo "0 passed, 1 failed"; exit 1; }
p=$(grep -c '^PASS ' "$res")
f=$(grep -c '^FAIL ' "$res")
s=$(grep -c '^SKIP ' "$res")
if [ "$f" -gt 0 ]; then echo "failed:"; grep '^FAIL ' "$res" | sed 's/^FAIL /  /'; fi
if [ "$s" -gt 0 ]; then echo "skipped:"; grep '^SKIP ' "$res" | sed 's/^SKIP /  /'; fi

# present TOOL...: all of them there?
present() {
	for t in "$@"; do
		case "$t" in
		*/*) [ -e "$t" ] || return 1 ;;
		*) command -v "$t" >/dev/null 2>&1 || return 1 ;;
		esac
	done
}
bad=0
while IFS= read -r line; do
	case "$line" in
	'') ;;
	*' [needs '*']')
		tools=${line##* \[needs }
		tools=${tools%]}
		# shellcheck disable=SC2086 # a list of words
		if present $tools; then
			echo "skipped although installed ($tools): ${line#SKIP }"
			bad=$((bad + 1))
		fi ;;
	*)	echo "skipped without saying what it needs: ${line#SKIP }"
		bad=$((bad + 1)) ;;
	esac
done <<EOT
$(grep '^SKIP ' "$res")
EOT
w=; [ "$bad" -eq 0 ] || w=", $bad of them wrongly"
echo "$p passed, $f failed, $s skipped$w"
[ "$f" -eq 0 ] && [ "$p" -gt 0 ] && [ "$bad" -eq 0 ]
