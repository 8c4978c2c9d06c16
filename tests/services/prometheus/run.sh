#!/bin/sh
# A real Prometheus (/usr/bin/prometheus, Debian's) scrapes `lakewatch
# watch` on loopback every second; PromQL through its HTTP API returns the
# expected series and values, and promtool accepts the exposition.
#   prometheus/scrape        Prometheus scraped watch: up == 1
#   prometheus/build_info    lakewatch_build_info{version=VERSION} == 1
#   prometheus/check_status  lakewatch_check_status per dataset and check:
#                            good/row_count 0, short/row_count 2
#   prometheus/poll_hist     lakewatch_poll_duration_seconds_count >= 1
#   prometheus/promtool      `promtool check metrics` accepts /metrics
# Appends PASS/FAIL/SKIP services/prometheus/<name> to $LW_BUILD/results.txt.
set -u
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
B=${LW_BUILD:-build}
case "$B" in /*) ;; *) B="$ROOT/$B" ;; esac
mkdir -p "$B"
res="$B/results.txt"
BIN=${LW_BIN:?LW_BIN not set}
tmp=$(mktemp -d)
wpid= ppid_=
cleanup() {
	[ -n "$wpid" ] && kill "$wpid" 2>/dev/null
	[ -n "$ppid_" ] && kill "$ppid_" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
pass() { echo "PASS services/prometheus/$1" >> "$res"; echo "  ok   $1"; }
fail() { echo "FAIL services/prometheus/$1" >> "$res"; echo "  FAIL $1: $2"; }
skip() { echo "SKIP services/prometheus/$1 ($2) [needs $3]" >> "$res"; echo "  SKIP $1: $2"; }
CASES="scrape build_info check_status poll_hist promtool"
for tool in /usr/bin/prometheus promtool curl jq; do
	if ! command -v "$tool" >/dev/null; then
		for c in $CASES; do skip "$c" "$tool is not installed" "$tool"; done
		exit 0
	fi
done

# Two CSV datasets: "good" passes, "short" fails its row count.
mkdir -p "$tmp/lake/good" "$tmp/lake/short"
printf 'a,b\n1,2\n3,4\n' > "$tmp/lake/good/x.csv"
printf 'a,b\n1,2\n' > "$tmp/lake/short/x.csv"
cat > "$tmp/config.json" <<JSON
{"name": "prom", "poll": {"interval": "1s"},
 "history": {"path": "$tmp/history.db"},
 "lakes": {"l": {"kind": "fs", "root": "$tmp/lake"}},
 "sources": {"s": "S"}, "consumers": {"c": "C"},
 "datasets": {
  "good": {"source": "s", "layer": "bronze", "lake": "l", "path": "good",
           "format": "csv", "consumers": ["c"],
           "checks": {"row_count": {"min": 1}}},
  "short": {"source": "s", "layer": "silver", "lake": "l", "path": "short",
            "format": "csv", "consumers": ["c"],
            "checks": {"row_count": {"min": {"fail": 5}}}}}}
JSON
"$BIN" watch --config "$tmp/config.json" --listen 127.0.0.1:0 2> "$tmp/watch.log" &
wpid=$!
i=0
while ! grep -qE 'listening on [^ ]+:[0-9]+' "$tmp/watch.log" && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
wport=$(grep -oE 'listening on [^ ]+:[0-9]+' "$tmp/watch.log" | head -1 | sed 's/.*://')
if [ -z "$wport" ]; then
	for c in $CASES; do fail "$c" "watch did not start: $(head -5 "$tmp/watch.log")"; done
	exit 1
fi

pport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$tmp/prometheus.yml" <<YML
global: {scrape_interval: 1s, scrape_timeout: 1s}
scrape_configs:
  - job_name: lakewatch
    static_configs: [{targets: ["127.0.0.1:$wport"]}]
YML
/usr/bin/prometheus --config.file="$tmp/prometheus.yml" \
	--storage.tsdb.path="$tmp/tsdb" --web.listen-address="127.0.0.1:$pport" \
	> "$tmp/prometheus.log" 2>&1 &
ppid_=$!
API="http://127.0.0.1:$pport/api/v1"

# query PROMQL: the first result's value, or nothing
query() {
	curl -s --max-time 5 --data-urlencode "query=$1" "$API/query" |
		jq -r '.data.result[0].value[1] // empty' 2>/dev/null
}
# wait_for PROMQL VALUE: up to 30 s
wait_for() {
	local i=0 v
	while [ $i -lt 60 ]; do
		v=$(query "$1")
		[ "$v" = "$2" ] && return 0
		sleep 0.5; i=$((i + 1))
	done
	echo "$1 = '${v:-}' (wanted $2)"
	return 1
}

if why=$(wait_for 'up{job="lakewatch"}' 1); then pass scrape
else fail scrape "$why; $(tail -3 "$tmp/prometheus.log")"; fi

version=$(cat "$ROOT/VERSION")
if why=$(wait_for "lakewatch_build_info{job=\"lakewatch\",version=\"$version\"}" 1)
then pass build_info; else fail build_info "$why"; fi

if why=$(wait_for 'lakewatch_check_status{dataset="good",check="row_count"}' 0) &&
   why=$(wait_for 'lakewatch_check_status{dataset="short",check="row_count"}' 2) &&
   why=$(wait_for 'count(lakewatch_check_status)' 2)
then pass check_status; else fail check_status "$why"; fi

if why=$(wait_for 'lakewatch_poll_duration_seconds_count >= bool 1' 1)
then pass poll_hist; else fail poll_hist "$why"; fi

curl -s --max-time 5 "http://127.0.0.1:$wport/metrics" > "$tmp/metrics.txt"
if out=$(promtool check metrics < "$tmp/metrics.txt" 2>&1) &&
   grep -q '^lakewatch_check_status' "$tmp/metrics.txt"; then
	pass promtool
else
	fail promtool "${out:-no series}"
fi
