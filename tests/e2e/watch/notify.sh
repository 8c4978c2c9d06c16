# watch with a notify section: the sender thread delivers the opened
# notice after the poll that opened it, and the resolve after the data
# recovers; /metrics carries the channel's counters.
. "$ROOT/tests/notify/lib.sh"
wait_log 'poll finished in' 1 30
for _ in $(seq 100); do
	nt_got "$TMP" 'len(g) >= 1' 2>/dev/null && break
	sleep 0.1
done
nt_got "$TMP" 'len(g) == 1 and g[0]["status"] == 202 and [n["dataset"] for n in notices] == ["bronze.a"] and notices[0]["kind"] == "opened"' ||
	fail "no opened notice for bronze.a: $(cat "$TMP/standin.log")"
nt_rows "$TMP" a 3
for _ in $(seq 150); do
	nt_got "$TMP" 'len(g) >= 2' 2>/dev/null && break
	sleep 0.1
done
nt_got "$TMP" 'len(g) == 2 and g[1]["sig_ok"] is True and [n["kind"] for n in notices] == ["opened", "resolved"]' ||
	fail "no resolve after bronze.a recovered"
for _ in $(seq 50); do
	http /metrics >/dev/null
	grep -q '^lakewatch_notify_sent_total{channel="hook"} 2' "$TMP/body" && break
	sleep 0.1
done
grep -q '^lakewatch_notify_sent_total{channel="hook"} 2' "$TMP/body" ||
	fail "/metrics: $(grep notify "$TMP/body")"
