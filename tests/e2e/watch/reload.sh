# SIGHUP with a good config (a dataset renamed, with the upstream lists
# that name it, and the interval 2s), then a
# broken one.
wait_log 'poll finished in'
sed -i -e 's/"bronze.customer_feedback"/"bronze.feedback_renamed"/g' \
	-e 's/"interval": "1s"/"interval": "2s"/' "$CONFIG"
grep -q feedback_renamed "$CONFIG" || fail "could not edit $CONFIG"
kill -HUP $PID
wait_log 'config reloaded from .*: 54 datasets'
# a poll in flight at the SIGHUP finishes with the old config: the one
# after it has the new
n=$(count_log 'poll finished in')
wait_log 'poll finished in [0-9.]+s: 54 datasets' $((n + 2))
[ "$(http /metrics)" = 200 ] || fail "/metrics not 200 after the reload"
grep -q 'dataset="bronze.customer_feedback"' "$TMP/body" && fail "a renamed dataset is still in /metrics"
grep -q 'dataset="bronze.feedback_renamed"' "$TMP/body" || fail "the renamed dataset is not in /metrics"
grep -q 'dataset="silver.orders"' "$TMP/body" || fail "silver.orders missing after the reload"
printf '{"datasets": {' > "$CONFIG"
kill -HUP $PID
wait_log 'reload failed, keeping the running config: .*config.json'
n=$(count_log 'poll finished in [0-9.]+s: 54 datasets')
wait_log 'poll finished in [0-9.]+s: 54 datasets' $((n + 1))
[ "$(http /readyz)" = 200 ] || fail "/readyz not 200 after a failed reload"
