#!/bin/sh
# tests/services/azure_faults/run.sh - issue 11: a lake that is down or slow
# ends its poll in seconds, whatever the number of files.
#
# A real Azurite (npm) behind tests/services/azure/fault_proxy.mjs holds a
# 1,500-file CSV dataset. Cases: the poll_timeout is a deadline for the
# whole poll of a lake; Azurite killed in mid-poll is recognised as down
# (one ERROR per dataset, not 1,500 retry schedules), in under 60 s with
# the default settings; a token endpoint that is not there likewise; a
# Parquet file whose reads fail pays one retry schedule, not two.
# Appends PASS/FAIL/SKIP services/azure_faults/<name> to $LW_BUILD/results.txt.
set -u
B=${LW_BUILD:-build}
LW_BIN=${LW_BIN:-$PWD/build/test/lakewatch}
res="$B/results.txt"
az=tests/services/azure
status=0
mkdir -p "$B"

pass() { echo "PASS services/azure_faults/$1" >> "$res"; echo "  PASS $1"; }
fail() { echo "FAIL services/azure_faults/$1" >> "$res"; echo "  FAIL $1: $2"; status=1; }
skip() { echo "SKIP services/azure_faults/$1${3:+ [needs $3]}" >> "$res"; echo "  SKIP $1: $2"; }

if [ ! -x node_modules/.bin/azurite-blob ] || ! command -v node >/dev/null ||
   [ ! -x "$LW_BIN" ]; then
	skip all "needs node, node_modules (azurite) and $LW_BIN" \
		"node node_modules/.bin/azurite-blob $LW_BIN"
	exit 0
fi

T=$(mktemp -d /tmp/lw-azf.XXXXXX)
pids=""
cleanup() {
	for p in $pids ${pid:-}; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	if [ -n "${KEEP:-}" ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Azurite: tests/services/azurite.sh (KEY, ACCT, AZ_KEY; azurite_start sets
# P, pid and CS)
. tests/services/azurite.sh
unset AZURE_STORAGE_CONNECTION_STRING AZURE_CLIENT_SECRET AZURE_TENANT_ID \
	AZURE_CLIENT_ID IDENTITY_ENDPOINT IDENTITY_HEADER 2>/dev/null

free_port() {
	node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
wait_file() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$1" ]
}

azurite_start "$T"
AP=$P AZ_PID=$pid
pids="$pids $AZ_PID"
if ! node $az/upload.mjs --conn "$CS" --container many --create --tiny 1500 \
	--prefix d --parallel 16 > "$T/upload.log" 2>&1; then
	fail upload "$(tail -3 "$T/upload.log")"
	exit 1
fi
node $az/fault_proxy.mjs --target "http://127.0.0.1:$AP" \
	--port-file "$T/proxy.port" > "$T/proxy.log" 2>&1 &
pids="$pids $!"
wait_file "$T/proxy.port" || { fail proxy_start "fault proxy did not start"; exit 1; }
PX="http://127.0.0.1:$(cat "$T/proxy.port")"
mode() { curl -s "$PX/__mode/$1" >/dev/null; }
stat() { curl -s "$PX/__stats"; }

# the datasets: 1,500 tiny CSV files (row-counted) and ten of them
TINY='{
    "bronze.tiny": {"source": "s", "layer": "bronze", "lake": "adls", "path": "d",
                    "format": "csv", "count_rows": true,
                    "checks": {"row_count": {"min": 1}}},
    "bronze.tiny2": {"source": "s", "layer": "bronze", "lake": "adls", "path": "d",
                     "format": "csv", "include": "f0000[0-9]\\.csv$"}}'
# cfg NAME LAKE-EXTRA [AUTH]: $DS (default $TINY) on lake "adls"
cfg() {
	auth=${3:-'{"account_key": {"env": "AZ_KEY"}}'}
	cat > "$T/$1.json" <<EOC
{
  "name": "faults",
  "lakes": {"adls": {"kind": "azure", "account": "$ACCT", "container": "many",
                     "endpoint": "$PX/$ACCT", "auth": $auth${2:+, $2}}},
  "sources": {"s": {"title": "S"}},
  "datasets": ${DS:-$TINY}
}
EOC
}
# run NAME CFG [ARGS]: check (at most $LW_CAP s); $T/NAME.{out,err,rc,secs}
run() {
	n=$1; c=$2; shift 2
	t0=$(date +%s.%N)
	timeout "${LW_CAP:-100}" "$LW_BIN" check --no-history --format json \
		--config "$T/$c.json" "$@" > "$T/$n.out" 2> "$T/$n.err"
	echo $? > "$T/$n.rc"
	t1=$(date +%s.%N)
	echo "$t0 $t1" | awk '{printf "%.1f\n", $2 - $1}' > "$T/$n.secs"
}
has() { grep -q -- "$2" "$T/$1.out"; }
count() { grep -c -- "$2" "$T/$1.out"; }
why() { echo "exit $(cat "$T/$1.rc") after $(cat "$T/$1.secs")s: $(grep -o '"message":[^,]*' "$T/$1.out" | head -2 | tr '\n' ' ')"; }

# --- the poll_timeout bounds the whole poll, not each request ---------------
# 1,500 answers at 150 ms each is 225 s; a 4 s deadline must end it in ~4 s
cfg deadline '"poll_timeout": 4'
mode "slow?n=150"
run deadline deadline
s=$(cat "$T/deadline.secs")
if [ "$(cat "$T/deadline.rc")" = 3 ] &&
   has deadline "not observed: the poll of lake 'adls' ran past its 4s deadline" &&
   awk "BEGIN{exit !($s < 10)}"; then
	pass poll_timeout_is_a_deadline
else
	fail poll_timeout_is_a_deadline "$(why deadline)"
fi
echo "    poll_timeout 4 s, 1,500 slow files: ${s}s"

# --- answers checked against what was listed ---------------------------------
SMALL='^bronze\.tiny2$'
cfg small ''
mode emptybody
run empty small --dataset "$SMALL"
if [ "$(cat "$T/empty.rc")" = 3 ] &&
   has empty "f00000.csv: the answer had 0 bytes, the listing gave 4"; then
	pass empty_body_is_file_error
else
	fail empty_body_is_file_error "$(why empty)"
fi
mode longbody
run long small --dataset "$SMALL"
if [ "$(cat "$T/long.rc")" = 3 ] &&
   has long "longer than the 4 bytes the listing gave"; then
	pass long_body_stops_at_listed_size
else
	fail long_body_stops_at_listed_size "$(why long)"
fi
mode "biglist?n=40"
run biglist small --dataset "$SMALL"
if [ "$(cat "$T/biglist.rc")" = 3 ] &&
   has biglist "a List Blobs page of more than 8 MiB"; then
	pass list_page_capped
else
	fail list_page_capped "$(why biglist)"
fi
mode "bigerror?n=2000"
run bigerr small --dataset "$SMALL"
s=$(cat "$T/bigerr.secs")
if [ "$(cat "$T/bigerr.rc")" = 3 ] && has bigerr "HTTP 500" &&
   awk "BEGIN{exit !($s < 15)}"; then
	pass error_body_cut_at_64k
else
	fail error_body_cut_at_64k "$(why bigerr)"
fi

# --- a Parquet read that keeps failing pays one retry schedule -----------------
mkdir -p "$T/pq/p"
head -c 100 /dev/urandom > "$T/pq/p/x.parquet"
node $az/upload.mjs --conn "$CS" --container many --dir "$T/pq" > "$T/up2.log" 2>&1
DS='{"silver.pq": {"source": "s", "layer": "silver", "lake": "adls", "path": "p", "format": "parquet"}}' \
	cfg pq '"retries": 2'
mode read503
run pq pq
n=$(stat | sed 's/.*"requests":\([0-9]*\).*/\1/')
if [ "$(cat "$T/pq.rc")" = 3 ] && has pq "HTTP 503" && [ "$n" = 4 ]; then
	pass parquet_read_one_retry_schedule
else
	fail parquet_read_one_retry_schedule "$n requests (1 listing + 3 attempts expected); $(why pq)"
fi
# the same, as /metrics counts it: two retries, one request failed for good
run pqm pq --format openmetrics
if grep -qx 'lakewatch_lake_retries_total{lake="adls"} 2' "$T/pqm.out" &&
   grep -qx 'lakewatch_lake_errors_total{lake="adls"} 1' "$T/pqm.out"; then
	pass metrics_count_retries_and_errors
else
	fail metrics_count_retries_and_errors "$(grep lakewatch_lake_ "$T/pqm.out" | tr '\n' ' ')"
fi

# --- the datasets of one lake are listed side by side ----------------------------
# 20 datasets, each its own folder of 3 tiny CSV files, behind answers held
# 200 ms: listed one after another (LAKEWATCH_LIST_PREFETCH=0, the test
# hook) that is 20 listing round trips (4 s) besides their reads; side by
# side about one. The same requests, and the same reports but for times.
mkdir -p "$T/m"
M=
for i in $(seq -w 0 19); do
	mkdir -p "$T/m/m$i"
	for f in 0 1 2; do printf 'a,b\n%s,%s\n' "$i" "$f" > "$T/m/m$i/f$f.csv"; done
	M="$M${M:+, }\"bronze.m$i\": {\"source\": \"s\", \"layer\": \"bronze\", \"lake\": \"adls\", \"path\": \"m$i\", \"format\": \"csv\", \"count_rows\": true}"
done
node $az/upload.mjs --conn "$CS" --container many --dir "$T/m" > "$T/up3.log" 2>&1
DS="{$M}" cfg many ''
unset DS	# sh keeps an assignment before a function call
mode "slow?n=200"
LAKEWATCH_LIST_PREFETCH=0 run lseq many
lr=$(stat | sed 's/.*"requests":\([0-9]*\).*/\1/')
mode "slow?n=200"
run lpar many
pr=$(stat | sed 's/.*"requests":\([0-9]*\).*/\1/')
mode pass
ts=$(cat "$T/lseq.secs") tp=$(cat "$T/lpar.secs")
norm() { jq -S 'del(.started, .finished, .datasets[].seconds, .datasets[].observation.at)' "$T/$1.out"; }
if [ "$(cat "$T/lseq.rc")" = 0 ] && [ "$(cat "$T/lpar.rc")" = 0 ] &&
   [ "$(norm lseq)" = "$(norm lpar)" ] &&
   [ "$(jq '[.datasets[].observation.rows] | add' "$T/lpar.out")" = 60 ] &&
   [ "$(jq -r '[.datasets[].name] | join(" ")' "$T/lpar.out")" = "$(seq -w 0 19 | sed 's/^/bronze.m/' | tr '\n' ' ' | sed 's/ $//')" ] &&
   [ "$lr" = "$pr" ] && awk "BEGIN{exit !($ts - $tp > 2.4)}"; then
	pass datasets_listed_side_by_side
else
	fail datasets_listed_side_by_side "one by one ${ts}s ($(why lseq)), side by side ${tp}s ($(why lpar)); same report: $([ "$(norm lseq)" = "$(norm lpar)" ] && echo yes || echo no)"
fi
echo "    20 datasets x 3 files, answers held 200 ms: listed one by one ${ts}s ($lr requests), side by side ${tp}s ($pr requests)"

# --- bigger CSV files of one dataset are fetched side by side too -------------
# 12 CSV files of about 300 KiB in one folder, behind answers held 200 ms:
# streamed one at a time (LAKEWATCH_WHOLE_PREFETCH=0, the test hook) that
# is 12 round trips after the listing; fetched whole side by side (each
# up to 8 MiB, 64 MiB a batch) about one. The same rows and report.
mkdir -p "$T/big/b"
for f in $(seq -w 0 11); do
	awk -v f="$f" 'BEGIN { print "a,b"; for (i = 0; i < 30000; i++) printf "%d,%s\n", i, f }' > "$T/big/b/f$f.csv"
done
node $az/upload.mjs --conn "$CS" --container many --dir "$T/big" > "$T/up4.log" 2>&1
DS='{"bronze.big": {"source": "s", "layer": "bronze", "lake": "adls", "path": "b", "format": "csv", "count_rows": true}}' \
	cfg big ''
unset DS
mode "slow?n=200"
LAKEWATCH_WHOLE_PREFETCH=0 run bseq big
mode "slow?n=200"
run bpar big
mode pass
ts=$(cat "$T/bseq.secs") tp=$(cat "$T/bpar.secs")
if [ "$(cat "$T/bseq.rc")" = 0 ] && [ "$(cat "$T/bpar.rc")" = 0 ] &&
   [ "$(norm bseq)" = "$(norm bpar)" ] &&
   [ "$(jq '.datasets[0].observation.rows' "$T/bpar.out")" = 360000 ] &&
   awk "BEGIN{exit !($ts - $tp > 1.2)}"; then
	pass csv_files_fetched_side_by_side
	echo "    12 CSV files of 300 KiB, answers held 200 ms: streamed one by one ${ts}s, side by side ${tp}s"
else
	fail csv_files_fetched_side_by_side "one by one ${ts}s ($(why bseq)), side by side ${tp}s ($(why bpar)); same report: $([ "$(norm bseq)" = "$(norm bpar)" ] && echo yes || echo no)"
fi

# --- --stats counts every connection curl opens, its reconnects included -------
# A server that closes each connection after its answer without saying so:
# curl finds the kept connection dead and opens another, which --stats
# counts like the proxy does; with connections kept, far fewer (at most
# "parallel", 2 here, for the 11 requests).
conns() { sed -n 's/^stats: lake=adls .*connections=\([0-9]*\).*/\1/p' "$T/$1.err"; }
pconns() { stat | sed 's/.*"connections":\([0-9]*\).*/\1/'; }
cfg conns '"parallel": 2'
mode pass
run keep conns --dataset "$SMALL" --stats
k=$(conns keep) pk=$(pconns)
mode dropconn
run drop conns --dataset "$SMALL" --stats
d=$(conns drop) pd=$(pconns) dr=$(stat | sed 's/.*"requests":\([0-9]*\).*/\1/')
if [ -n "$k" ] && [ -n "$d" ] && [ "$k" = "$pk" ] && [ "$d" = "$pd" ] &&
   [ "$d" -gt "$k" ] && [ "$d" -ge "$((dr - 1))" ] &&
   [ "$(cat "$T/drop.rc")" = "$(cat "$T/keep.rc")" ]; then
	pass stats_count_reconnects
else
	fail stats_count_reconnects "kept: $k (proxy $pk); dropped: $d (proxy $pd, $dr requests); exit $(cat "$T/keep.rc")/$(cat "$T/drop.rc")"
fi
echo "    connections: $k kept, $d when the server drops them ($dr requests)"

# --- a token endpoint that is not there ---------------------------------------
DEAD="http://127.0.0.1:$(free_port)"
cfg notok '' "{\"client_secret\": {\"env\": \"AZ_CS\"}, \"tenant_id\": \"t-0001\", \"client_id\": \"c-0001\", \"authority_host\": \"$DEAD\"}"
mode pass
AZ_CS=s3cret-for-faults run notok notok
s=$(cat "$T/notok.secs")
if [ "$(cat "$T/notok.rc")" = 3 ] &&
   has notok "lake 'adls': the token endpoint is unreachable: [0-9]* connection failures in a row since" &&
   awk "BEGIN{exit !($s < 20)}"; then
	pass token_endpoint_down_fails_fast
else
	fail token_endpoint_down_fails_fast "$(why notok)"
fi
echo "    token endpoint down, 2 datasets: ${s}s"

# --- secrets in every form, through an echoing token endpoint -----------------
node $az/token_server.mjs --port-file "$T/tok.port" > "$T/tok.log" 2>&1 &
pids="$pids $!"
if wait_file "$T/tok.port"; then
	TK="http://127.0.0.1:$(cat "$T/tok.port")"
	SEC='s3cr/t+v@l ue&=x-faults'
	cfg echo '' "{\"client_secret\": {\"env\": \"AZ_CS\"}, \"tenant_id\": \"echo\", \"client_id\": \"c-0001\", \"authority_host\": \"$TK\"}"
	for f in text json junit; do
		AZ_CS="$SEC" timeout 60 "$LW_BIN" check --config "$T/echo.json" \
			--history "$T/echo.db" --format $f --log "$T/echo-$f.log" \
			--verbose --dataset "$SMALL" > "$T/echo-out.$f" 2> "$T/echo-$f.err"
	done
	# every form the secret can leave in, and its first 8 characters
	node -e '
		const s = process.argv[1];
		const pct = (x, low) => [...Buffer.from(x)].map(b => /[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : "%" + (low ? b.toString(16).padStart(2, "0") : b.toString(16).toUpperCase().padStart(2, "0"))).join("");
		for (const f of [s, s.slice(0, 8), encodeURIComponent(s), pct(s, false), pct(s, true),
			new URLSearchParams({ a: s }).toString().slice(2), Buffer.from(s).toString("base64"),
			JSON.stringify(s).slice(1, -1).replace(/\//g, "\\/")]) console.log(f);' "$SEC" | sort -u > "$T/forms"
	sqlite3 "$T/echo.db" .dump > "$T/echo.dump" 2>&1
	leaks=$(grep -F -l -f "$T/forms" "$T"/echo-out.* \
		"$T"/echo-*.log "$T"/echo-*.err "$T/echo.dump" 2>/dev/null | tr '\n' ' ')
	if [ -z "$leaks" ] && grep -q "AADSTS7000215" "$T/echo-out.json" &&
	   [ -s "$T/echo.dump" ] && grep -q "AADSTS7000215" "$T/echo.dump"; then
		pass echoed_secret_hidden_everywhere
	else
		fail echoed_secret_hidden_everywhere "found in: ${leaks:-nothing, but no AADSTS7000215 in the report or history}"
	fi
	# --log logs: token fetches (never the token), failed requests and
	# why, and with --verbose the request lines
	if grep -q "Entra ID token (client credentials of app c-0001 in tenant echo): fetching" "$T/echo-json.log" &&
	   grep -q "request failed: POST 127.0.0.1:[0-9]*/echo/oauth2/v2.0/token: HTTP 400" "$T/echo-json.log" &&
	   grep -q "debug POST 127.0.0.1:[0-9]*/echo/oauth2/v2.0/token (attempt 1)" "$T/echo-json.log"; then
		pass log_has_tokens_failures_requests
	else
		fail log_has_tokens_failures_requests "$(head -5 "$T/echo-json.log" | cut -c1-160)"
	fi
else
	fail echoed_secret_hidden_everywhere "token server did not start"
fi

# --- Azurite killed in mid-poll, default settings (last: Azurite is gone) -----
cfg stop ''
# 40 ms an answer: 1,500 reads 16 at a time last at least 3.75 s, so the
# kill at 3 s always lands mid-poll (at 20 ms an idle machine finished
# the poll in 2.8 s, before it)
mode "slow?n=40"
run stop stop --log "$T/stop.log" &
bg=$!
sleep 3
kill -9 "$AZ_PID" 2>/dev/null	# abruptly, as a crash or network loss
wait $bg
s=$(cat "$T/stop.secs")
if [ "$(cat "$T/stop.rc")" = 3 ] &&
   has stop "lake 'adls' is unreachable: [0-9]* connection failures in a row since [0-9:]* (the last: .*127.0.0.1:[0-9]*" &&
   [ "$(count stop '"error":.*is unreachable')" = 2 ] &&
   awk "BEGIN{exit !($s < 60)}" &&
   grep -q "server taken as down: 5 connection failures in a row" "$T/stop.log"; then
	pass dead_lake_ends_in_seconds
else
	fail dead_lake_ends_in_seconds "$(why stop)"
fi
echo "    Azurite killed mid-poll, 1,500 files, defaults: ${s}s, $(stat | sed 's/,"times.*//')"
exit $status
