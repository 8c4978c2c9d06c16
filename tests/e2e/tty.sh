#!/bin/sh
# tty.sh CMD [ARG ...] - run CMD with stdin, stdout and stderr on a fresh
# pseudo-terminal (util-linux script(1)), copy what it writes there to
# stdout (stdout and stderr together, lines ending \r\n) and exit with its
# status. e2e cases test terminal-only behaviour (colour) with
# "wrap: $E2E/tty.sh"; a plain run has stdout on a file.
command -v script >/dev/null || { echo "tty.sh: script(1) (util-linux) is needed" >&2; exit 125; }
cmd=
for a in "$@"; do
	cmd="$cmd '$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'"
done
SHELL=/bin/sh exec script -qec "exec $cmd" /dev/null
