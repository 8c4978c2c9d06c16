# A second watch on the same history is refused at once, naming the lock.
wait_log 'poll finished in'
timeout 10 "$LW_BIN" watch --config "$CONFIG" --no-listen > "$TMP/second.out" 2>&1
echo $? > "$TMP/second.rc"
