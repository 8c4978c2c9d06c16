wait_log 'poll finished in'
[ "$(http /healthz)" = 200 ] || fail "/healthz not 200 on 0.0.0.0"
