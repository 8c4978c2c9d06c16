# A slow poll (every read delayed) is in flight: SIGTERM stops it within 5 s.
wait_log 'poll started'
sleep 1
stop_watch 10
[ "$STOPPED_IN" -lt 5000 ] || fail "stopped only after ${STOPPED_IN} ms"
echo "stopped in $STOPPED_IN ms" > "$TMP/stopped"
