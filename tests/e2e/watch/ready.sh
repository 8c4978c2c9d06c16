# The first poll is slow: /readyz is 503 until it completes, /healthz 200.
wait_log 'poll started'
[ "$(http /readyz)" = 503 ] || fail "/readyz not 503 during the first poll"
[ "$(http /healthz)" = 200 ] || fail "/healthz not 200 during the first poll"
[ "$(http /metrics)" = 200 ] || fail "/metrics not 200 before the first poll"
grep -q '^lakewatch_build_info' "$TMP/body" || fail "no build info before the first poll"
grep -q '^lakewatch_check_status{' "$TMP/body" && fail "check statuses before any poll"
# the scrape did not wait for the poll in progress: it answered before it
# finished (the first poll takes seconds here)
[ "$(count_log 'poll finished')" = 0 ] || fail "the first poll finished before /metrics answered"
wait_log 'poll finished in' 1 60
[ "$(http /readyz)" = 200 ] || fail "/readyz not 200 after the first poll"
