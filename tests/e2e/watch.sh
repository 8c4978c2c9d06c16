#!/bin/bash
# tests/e2e/watch.sh SCRIPT LAKEWATCH ARGS... - drive a long-running
# `lakewatch watch` from an e2e case ("wrap: $E2E/watch.sh $E2E/watch/X.sh"):
# start it in the background (its stdout and stderr are the case's), wait
# until it listens (or, with --no-listen, has started), source SCRIPT with
# the helpers below, then stop it with SIGTERM and exit with its exit
# code; 99 when SCRIPT failed (the reason on stderr, as "watch.sh: ...").
#
# Helpers: $PID, $PORT, $URL (http://127.0.0.1:$PORT), $LOG (its stderr)
#   wait_log ERE [N [SECS]]   until N (1) lines of the log match (20 s)
#   count_log ERE             how many lines match
#   http [CURL ARGS] PATH     prints "CODE" of $URL/PATH (-o $TMP/body)
#   fail MESSAGE              end the case as failed
#   stop_watch [SECS [SIG...]]  send SIG (TERM; several: one after the
#                             other), wait SECS (10); sets $STOPPED_IN (ms)
#                             and $RC
set -u
SCRIPT=$1; shift
LOG=${ERR:?watch.sh runs under tests/e2e/run.sh}
"$@" &
PID=$!
RC=
trap '[ -z "$RC" ] && kill -KILL $PID 2>/dev/null' EXIT

fail() {
	echo "watch.sh: $*" >&2
	kill -KILL $PID 2>/dev/null
	RC=killed
	exit 99
}

count_log() { grep -cE -- "$1" "$LOG"; }

wait_log() {
	local re=$1 n=${2:-1} secs=${3:-20} i=0
	while [ "$(count_log "$re")" -lt "$n" ]; do
		kill -0 $PID 2>/dev/null || fail "lakewatch exited while waiting for '$re'"
		i=$((i + 1))
		[ $i -gt $((secs * 10)) ] && fail "no '$re' (x$n) in the log within ${secs}s"
		sleep 0.1
	done
}

http() {
	local path=${!#}
	local -a args=("${@:1:$#-1}")
	curl -s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' \
		--max-time 10 "${args[@]}" "$URL$path"
}

stop_watch() {
	local secs=${1:-10} t0 i=0 sig
	shift
	t0=$(date +%s%N)
	for sig in "${@:-TERM}"; do kill -"$sig" $PID; sleep 0.1; done
	while kill -0 $PID 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt $((secs * 20)) ] && fail "still running ${secs}s after SIGTERM"
		sleep 0.05
	done
	wait $PID
	RC=$?
	STOPPED_IN=$(( ($(date +%s%N) - t0) / 1000000 ))
}

case " $* " in
*" --no-listen "*) wait_log 'watching' ;;
*) wait_log 'listening on [^ ]+:[0-9]+'
   PORT=$(grep -oE 'listening on [^ ]+:[0-9]+' "$LOG" | head -1 | sed 's/.*://')
   URL="http://127.0.0.1:$PORT" ;;
esac
PORT=${PORT:-}
URL=${URL:-}

# shellcheck disable=SC1090
. "$SCRIPT"
[ -z "$RC" ] && stop_watch 10
exit "$RC"
