# watch with a notify route to a webhook that answers 503: /metrics counts
# the failed attempt and the pending message; after the endpoint recovers
# (and the backoff, 10 s) the message is sent and pending drops to 0.
. "$ROOT/tests/notify/lib.sh"
wait_log 'failed, will retry: 503' 1 30
ok=
for _ in $(seq 50); do
	http /metrics >/dev/null
	if grep -qE '^lakewatch_notify_failed_total\{channel="hook"\} [1-9]' "$TMP/body" &&
	   grep -qx 'lakewatch_notify_pending{channel="hook"} 1' "$TMP/body" &&
	   grep -qx 'lakewatch_notify_sent_total{channel="hook"} 0' "$TMP/body"; then
		ok=1; break
	fi
	sleep 0.2
done
[ -n "$ok" ] || fail "/metrics does not show the failure: $(grep notify "$TMP/body")"
nt_mode "$TMP" 202
wait_log 'message 1 \(1 notices\) delivered' 1 30
for _ in $(seq 50); do
	http /metrics >/dev/null
	grep -qx 'lakewatch_notify_pending{channel="hook"} 0' "$TMP/body" &&
		grep -qx 'lakewatch_notify_sent_total{channel="hook"} 1' "$TMP/body" && break
	sleep 0.2
done
grep -qx 'lakewatch_notify_pending{channel="hook"} 0' "$TMP/body" ||
	fail "/metrics after delivery: $(grep notify "$TMP/body")"
