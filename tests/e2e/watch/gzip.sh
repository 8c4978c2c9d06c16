# After the first poll (5m interval: no second one meanwhile, so every
# answer below is the same publication): gzip when asked, plain otherwise.
wait_log 'poll finished in' 1 60
[ "$(http --compressed /metrics)" = 200 ] || fail "/metrics --compressed not 200"
grep -qi '^content-encoding: gzip' "$TMP/headers" || fail "no Content-Encoding: gzip"
grep -qi '^vary: accept-encoding' "$TMP/headers" || fail "no Vary: Accept-Encoding"
cp "$TMP/body" "$TMP/decoded.txt"
[ "$(http -H 'Accept-Encoding: gzip' /metrics)" = 200 ] || fail "/metrics gzip not 200"
gzip -dc < "$TMP/body" > "$TMP/gunzipped.txt" || fail "the gzip body is not gzip"
[ "$(http /metrics)" = 200 ] || fail "/metrics plain not 200"
grep -qi '^content-encoding' "$TMP/headers" && fail "Content-Encoding without Accept-Encoding"
cp "$TMP/body" "$TMP/plain.txt"
[ "$(http -H 'Accept-Encoding: gzip;q=0, br' /metrics)" = 200 ] || fail "/metrics q=0 not 200"
grep -qi '^content-encoding' "$TMP/headers" && fail "Content-Encoding for gzip;q=0"
cmp -s "$TMP/body" "$TMP/plain.txt" || fail "gzip;q=0 answer differs from the plain one"
[ "$(http -I -H 'Accept-Encoding: gzip' /metrics)" = 200 ] || fail "HEAD not 200"
grep -qi '^content-encoding: gzip' "$TMP/headers" || fail "HEAD: no Content-Encoding: gzip"
cmp -s "$TMP/decoded.txt" "$TMP/plain.txt" || fail "--compressed body differs from the plain one"
cmp -s "$TMP/gunzipped.txt" "$TMP/plain.txt" || fail "gunzipped body differs from the plain one"
