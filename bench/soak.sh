#!/bin/bash
# bench/soak.sh [POLLS] - `lakewatch watch` on the demo lake at a 1 s
# interval for POLLS polls (1000), with a notify route to a local webhook
# stand-in and a scrape of /metrics every 10 polls. Samples, every 10
# polls: resident memory, open file descriptors, outbox messages not yet
# delivered, and the process's CPU time; prints first/last/max and the
# CPU per poll against wall time (the idle share between polls).
# Not a test: figures go in README.md ("Running lakewatch watch"). The
# demo's Power BI datasets are held to 120 DAX queries a minute (the
# service's limit), so they are polled every 2 minutes (their own
# "interval") and the rest of the lake every second, as a team would set
# it; the webhook stand-in lives until the end.
set -eu
wpid=
cd "$(dirname "$0")/.."
polls=${1:-1000}
bin=${LW_BIN:-./lakewatch}
[ -x "$bin" ] || make -s lakewatch
tmp=$(mktemp -d /tmp/lw-soak-XXXXXX)
# the demo lake (demo/run builds it too): without it every dataset would
# be ERROR "no such directory" and the soak would measure nothing real
[ -d demo-lake/bronze ] || node demo/generate.mjs --out demo-lake --quiet
# the Power BI workspace and the pipelines and jobs of the config: their
# local stand-ins, as demo/run starts them (else a dead port: ERROR)
pbi=
node tests/services/powerbi/server.mjs --port 0 --port-file "$tmp/pbi.port" \
	--workspace demo-lake/.powerbi/workspace.json >/dev/null 2>&1 &
pbi=$!
for _ in $(seq 100); do [ -s "$tmp/pbi.port" ] && break; sleep 0.1; done
export LAKEWATCH_POWERBI_URL="http://127.0.0.1:$(cat "$tmp/pbi.port")/v1.0/myorg"
. demo/controlplane.sh
cp_start "$PWD/demo-lake" || true
hook=
trap 'kill $wpid $pbi $hook 2>/dev/null; cp_stop; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/hook"
setsid python3 tests/notify/standin.py "$tmp/hook" --ttl $((polls * 60 + 600)) \
	</dev/null >"$tmp/standin.log" 2>&1 &
hook=$!
for _ in $(seq 100); do [ -s "$tmp/hook/port" ] && break; sleep 0.05; done
port=$(cat "$tmp/hook/port")
sed -e "s|\"../demo-lake|\"$PWD/demo-lake|g" \
    -e "s|\"path\": \"../lakewatch-demo.db\"|\"path\": \"$tmp/h.db\"|" \
    -e 's|"interval": "5m"|"interval": "1s"|' \
    -e 's|"layer": "powerbi", "lake": "pbi",|"layer": "powerbi", "lake": "pbi", "interval": "2m",|' \
    -e "s|^  \"name\": \"ecommerce demo\",|  \"name\": \"ecommerce demo\", \"notify\": {\"channels\": {\"hook\": {\"type\": \"webhook\", \"url\": \"http://127.0.0.1:$port/soak\"}}, \"routes\": [{\"name\": \"all\", \"channels\": [\"hook\"]}]},|" \
    examples/ecommerce.json > "$tmp/c.json"
"$bin" watch -c "$tmp/c.json" --listen 127.0.0.1:0 2>"$tmp/log" &
wpid=$!
done_polls() { grep -c 'poll finished' "$tmp/log" || true; }
mport=""
for _ in $(seq 200); do
	mport=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$tmp/log" | head -1)
	[ -n "$mport" ] && break; sleep 0.05
done
for _ in $(seq 600); do grep -q 'poll finished' "$tmp/log" && break; sleep 0.1; done
grep -m1 'poll finished' "$tmp/log"
if grep -m1 'poll finished' "$tmp/log" | grep -q ' 0 pass, 0 warn, 0 fail'; then
	echo "soak: the first poll judged nothing (every dataset ERROR); see $tmp/log" >&2
	exit 1
fi
tick=$(getconf CLK_TCK)
t0=$(date +%s.%N)
printf '%6s %8s %4s %7s %8s\n' polls rss_kb fds pending cpu_s
last=-1
while :; do
	n=$(done_polls)
	if [ "$n" -ge "$polls" ]; then break; fi
	if [ $((n / 10)) -ne "$last" ] && [ "$n" -gt 0 ]; then
		last=$((n / 10))
		curl -s -o /dev/null "http://127.0.0.1:$mport/metrics" || true
		rss=$(awk '/VmRSS/ {print $2}' /proc/$wpid/status)
		fds=$(ls /proc/$wpid/fd | wc -l)
		pend=$(sqlite3 "$tmp/h.db" 'select count(*) from outbox where state=0' 2>/dev/null || echo ?)
		cpu=$(awk -v t="$tick" '{printf "%.2f", ($14 + $15) / t}' /proc/$wpid/stat)
		printf '%6d %8d %4d %7s %8s\n' "$n" "$rss" "$fds" "$pend" "$cpu"
	fi
	sleep 0.2
done
t1=$(date +%s.%N)
cpu=$(awk -v t="$tick" '{printf "%.2f", ($14 + $15) / t}' /proc/$wpid/stat)
kill -TERM $wpid; wait $wpid || true
awk -v c="$cpu" -v a="$t0" -v b="$t1" -v p="$polls" 'BEGIN {
	w = b - a; printf "%d polls in %.0f s wall, %.2f s CPU: %.1f ms CPU per poll, busy %.1f%% of the time\n", p, w, c, 1000 * c / p, 100 * c / w }'
echo "webhook requests answered: $(wc -l < "$tmp/hook/got.jsonl" 2>/dev/null || echo 0)"
