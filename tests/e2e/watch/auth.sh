# Basic auth from an htpasswd -B file: 401 without or with a wrong
# password (and a WWW-Authenticate challenge), 200 with the right one.
wait_log 'poll finished in'
[ "$(http /metrics)" = 401 ] || fail "/metrics without credentials not 401"
grep -qi '^www-authenticate: basic' "$TMP/headers" || fail "401 without a Basic challenge"
[ "$(http /healthz)" = 401 ] || fail "/healthz without credentials not 401"
[ "$(http -u alice:wrong /metrics)" = 401 ] || fail "a wrong password not 401"
[ "$(http -u mallory:s3cret-pw /metrics)" = 401 ] || fail "an unknown user not 401"
[ "$(http -u alice:s3cret-pw /metrics)" = 200 ] || fail "the right password not 200"
grep -q '^lakewatch_build_info' "$TMP/body" || fail "no lakewatch_build_info with auth"
[ "$(http -u alice:s3cret-pw /metrics)" = 200 ] || fail "a second scrape (remembered) not 200"
[ "$(http -u bob:other /readyz)" = 200 ] || fail "the second user not 200"
