# The first poll is held by the Power BI rate limit (about a minute):
# SIGTERM stops watch within 5 s.
wait_log 'poll started'
sleep 3
[ "$(count_log 'poll finished')" = 0 ] || fail "the poll was not held by the rate limit"
stop_watch 15
[ "$STOPPED_IN" -lt 5000 ] || fail "stopped only after ${STOPPED_IN} ms"
