# A sharded watch: its first poll takes only its shard's datasets, and
# /metrics has a status series for exactly those (the other agents serve
# the rest). $TMP/mine.txt holds the shard's names (setup, from check).
wait_log 'poll finished in'
[ "$(http /metrics)" = 200 ] || fail "/metrics not 200"
sed -n 's/^lakewatch_dataset_status{dataset="\([^"]*\)".*/\1/p' "$TMP/body" | sort > "$TMP/served.txt"
cmp -s "$TMP/mine.txt" "$TMP/served.txt" ||
	fail "/metrics serves $(wc -l < "$TMP/served.txt") datasets, the shard has $(wc -l < "$TMP/mine.txt")"
