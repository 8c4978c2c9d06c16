# HTTPS with a self-signed certificate; plain HTTP gets no answer.
wait_log 'poll finished in'
URL="https://localhost:$PORT"
[ "$(http --cacert "$TMP/cert.pem" /metrics)" = 200 ] || fail "https /metrics not 200"
grep -q '^lakewatch_check_status{dataset="silver.orders",check="schema"} 2$' "$TMP/body" ||
	fail "no check status over https"
[ "$(http /metrics)" = 000 ] || fail "an unknown certificate was accepted"
URL="http://127.0.0.1:$PORT"
code=$(http /metrics)
[ "$code" = 200 ] && fail "plain http answered 200 on the TLS port"
:
