# Two polls on a 1s interval, then the listener's answers.
wait_log 'poll finished in' 2 30
[ "$(http /healthz)" = 200 ] || fail "/healthz not 200"
[ "$(http /readyz)" = 200 ] || fail "/readyz not 200 after a poll"
[ "$(http /metrics)" = 200 ] || fail "/metrics not 200"
grep -qi '^content-type: text/plain; version=0.0.4; charset=utf-8' "$TMP/headers" ||
	fail "/metrics content type: $(grep -i content-type "$TMP/headers")"
cp "$TMP/body" "$TMP/prom.txt"
[ "$(http -H 'Accept: application/openmetrics-text;version=1.0.0,text/plain;q=0.5' /metrics)" = 200 ] ||
	fail "/metrics (OpenMetrics) not 200"
grep -qi '^content-type: application/openmetrics-text; version=1.0.0; charset=utf-8' "$TMP/headers" ||
	fail "OpenMetrics content type: $(grep -i content-type "$TMP/headers")"
cp "$TMP/body" "$TMP/om.txt"
[ "$(http -I /metrics)" = 200 ] || fail "HEAD /metrics not 200"
[ "$(http /nope)" = 404 ] || fail "/nope not 404"
[ "$(http -X POST /metrics)" = 405 ] || fail "POST /metrics not 405"
grep -qi '^allow: GET, HEAD' "$TMP/headers" || fail "405 without Allow: GET, HEAD"
[ "$(http -X DELETE /healthz)" = 405 ] || fail "DELETE /healthz not 405"
