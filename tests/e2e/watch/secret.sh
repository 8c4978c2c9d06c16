wait_log 'poll finished in'
[ "$(http /metrics)" = 200 ] || fail "/metrics not 200"
cp "$TMP/body" "$TMP/metrics.txt"
