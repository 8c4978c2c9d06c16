# Every listing takes 5 s: a second SIGTERM right after the first exits
# at once, without waiting for the poll.
wait_log 'poll started'
stop_watch 3 TERM TERM
[ "$STOPPED_IN" -lt 2000 ] || fail "stopped only after ${STOPPED_IN} ms"
