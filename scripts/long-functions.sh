#!/bin/bash
# scripts/long-functions.sh [-n LIMIT] [FOLDER|FILE...]
#
# List C functions longer than LIMIT lines (default 80, issue 9's "no
# function over ~80 lines without a reason in a comment"), longest first:
#
#   LINES  FILE:LINE  NAME
#
# The project's style puts a function's opening brace alone in column 0
# and its closing brace alone in column 0, so a brace counter over those
# two lines is exact here without a C parser. A function whose comment
# (the lines just above it) contains "long:" followed by a reason is
# excused and listed with "(excused)". Exit status 1 when an unexcused
# function is over the limit, so the script can sit in a suite.
# Without arguments it reads every folder of sources.
set -u
LIMIT=80
if [ "${1:-}" = -n ]; then LIMIT=${2:?-n needs a number}; shift 2; fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
[ $# -eq 0 ] && set -- core lakes formats probes checks history report tui serve notify engine cli
find "$@" -name '*.c' -print | sort | while read -r f; do
	awk -v limit="$LIMIT" -v file="$f" '
	# remember the last few lines: the name is on the line before "{",
	# the reason in the comment above the name
	{ hist[NR % 32] = $0 }
	/^\{/ {
		start = NR; name = "?"; excused = 0
		# the signature: the nearest line above that starts in column 0
		for (i = NR - 1; i > NR - 12 && i > 0; i--)
			if (hist[i % 32] ~ /^[A-Za-z_].*\(/) { sig = i; break }
		if (i > NR - 12 && i > 0) {
			name = hist[sig % 32]; sub(/\(.*/, "", name)
			n = split(name, w, /[ \t*]+/); name = w[n]
			# its comment: the lines just above the signature
			for (i = sig - 1; i > sig - 8 && i > 0 && hist[i % 32] != ""; i--)
				if (hist[i % 32] ~ /long:/) { excused = 1; break }
		}
	}
	/^\}/ && start {
		len = NR - start + 1
		if (len > limit)
			printf "%5d  %s:%d  %s%s\n", len, file, sig, name,
			    excused ? "  (excused)" : ""
		start = 0
	}
	' "$f"
done | sort -rn | awk '{ print } $NF != "(excused)" { bad = 1 } END { exit bad }'
