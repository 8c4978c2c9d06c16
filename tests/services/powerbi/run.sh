#!/bin/sh
# Power BI service tests against the local stand-in (server.mjs), which
# follows the published REST contract. Each case starts its own server on a
# free loopback port and stops it. Writes PASS/FAIL lines to results.txt.
set -u
here=$(cd "$(dirname "$0")" && pwd)
B=${LW_BUILD:-build}
res="$(pwd)/$B/results.txt"
BIN=${LW_BIN:?LW_BIN not set}
tmp=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

SECRET=test-secret-not-real-1234
export AZURE_AUTHORITY_HOST AZURE_TENANT_ID AZURE_CLIENT_ID AZURE_CLIENT_SECRET
unset AZURE_TENANT_ID AZURE_CLIENT_ID AZURE_CLIENT_SECRET

# gold.sales: 1234 rows on disk, the same count Power BI reports
mkdir -p "$tmp/gold/sales"
{ echo "order_id,amount"; i=1; while [ $i -le 1234 ]; do echo "$i,9.99"; i=$((i+1)); done; } \
	> "$tmp/gold/sales/part-0.csv"
CLIENT='{"method": "client_secret", "tenant_id": "test-tenant", "client_id": "lakewatch-test-app", "client_secret": {"env": "LW_PBI_SECRET"}}'
TOKEN='{"method": "token", "token_file": "'"$tmp"'/token.json"}'
sed -e "s|@GOLD@|$tmp/gold|" -e "s|@AUTH@|$CLIENT|" "$here/config.jsonc" > "$tmp/config.jsonc"
sed -e "s|@GOLD@|$tmp/gold|" -e "s|@AUTH@|$TOKEN|" "$here/config.jsonc" > "$tmp/token-config.jsonc"

start() {	# start SCENARIO
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -f "$tmp/port" "$tmp/server.log"
	node "$here/server.mjs" --scenario "$1" --port 0 --port-file "$tmp/port" \
		--log "$tmp/server.log" &
	pid=$!
	i=0; while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
	port=$(cat "$tmp/port")
	export LW_PBI_URL="http://127.0.0.1:$port/v1.0/myorg"
	export AZURE_AUTHORITY_HOST="http://127.0.0.1:$port"
	export LW_PBI_SECRET="$SECRET"
}

run() {	# run NAME [lakewatch args...]: the report in $tmp/NAME.json
	name=$1; shift
	"$BIN" check --config "$tmp/config.jsonc" --format json \
		--history "$tmp/$name.db" --output "$tmp/$name.json" "$@" \
		> "$tmp/$name.out" 2> "$tmp/$name.err"
	echo $? > "$tmp/$name.rc"
}

verdict() {	# verdict NAME ok(0/1) [why]
	if [ "$2" -eq 0 ]; then echo "PASS services/powerbi/$1" >> "$res"; echo "  ok   $1"
	else echo "FAIL services/powerbi/$1" >> "$res"; echo "  FAIL $1 ${3:-}"
		sed 's/^/    /' "$tmp/$1.err" 2>/dev/null | head -20; fi
}

expect() {	# expect NAME 'ds=STATUS~text' ...
	name=$1; shift
	node "$here/expect.mjs" "$tmp/$name.json" "$@"
}

no_secret() {	# the secret and issued tokens appear nowhere lakewatch wrote
	! grep -rqs -e "$SECRET" -e "pbi-token-" "$tmp/$1.json" "$tmp/$1.out" "$tmp/$1.err" "$tmp/$1.db"
}

start basic
run basic
expect basic \
	'powerbi.sales=PASS' \
	'powerbi.inventory=FAIL~ModelRefreshFailed_CredentialsNotSpecified' \
	'powerbi.marketing=WARN~in progress' \
	'powerbi.web_events=PASS' \
	'powerbi.old=ERROR~deleted' \
	'powerbi.disabled=WARN~disabled' \
	'powerbi.bad_table=ERROR~More than one result table' \
	&& [ "$(cat "$tmp/basic.rc")" = 3 ] && no_secret basic
verdict basic $?

# every refresh seen is kept, once, across polls
run basic	# same history file, second poll
n=$(sqlite3 "$tmp/basic.db" "select count(*) from refreshes" 2>&1)
want=$(node -e 'const w = JSON.parse(require("fs").readFileSync(process.argv[1]));
console.log(new Set(w.datasets.filter((d) => !d.deleted).flatMap((d) => d.refreshes.map((r) => r.requestId))).size)' \
	"$here/scenarios/basic.json")
[ "$n" = "$want" ]; verdict refreshes_kept_once $? "(refreshes table has $n rows, want $want)"

# schema and row count of the table; reconcile against the lake
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1]));
const d = r.datasets.find((x) => x.name === "powerbi.sales");
const cols = (d.observation.schema || []).map((c) => c.name + ":" + c.type).join(",");
const ok = d.observation.rows === 1234 && cols === "OrderDate:timestamp,Amount:decimal(19,4),Store:string,Units:int64"
  && d.checks.find((c) => c.check === "reconcile").status === "PASS";
if (!ok) { console.log("  rows", d.observation.rows, "cols", cols); process.exit(1); }' "$tmp/basic.json"
verdict table_observed $?

# a bearer token from a file, as `az account get-access-token` prints it
echo '{"accessToken": "static-bearer-token-for-tests-0001", "expiresOn": "2099-01-01 00:00:00.000000", "tokenType": "Bearer"}' > "$tmp/token.json"
"$BIN" check --config "$tmp/token-config.jsonc" --format json --no-history \
	--output "$tmp/token.json.out" --dataset '(sales|inventory)$' > /dev/null 2> "$tmp/token.err"
node "$here/expect.mjs" "$tmp/token.json.out" 'powerbi.sales=PASS' 'powerbi.inventory=FAIL'
verdict token_file $?

# tokens that expire mid-poll are fetched again once, then the call succeeds
start expiring
run expiring --dataset '^(gold|powerbi)\.(sales|web_events|marketing)$'
calls=$(grep -c '"kind":"token"' "$tmp/server.log")
expect expiring 'powerbi.sales=PASS' 'powerbi.web_events=PASS' 'powerbi.marketing=WARN' && [ "$calls" -ge 2 ]
verdict token_refetched_on_401 $? "(token requests: $calls)"

# 429 with Retry-After: waited for, then answered
start ratelimited
t0=$(date +%s)
run ratelimited --dataset '^(gold|powerbi)\.sales$'
t1=$(date +%s)
expect ratelimited 'powerbi.sales=PASS' && [ $((t1 - t0)) -ge 1 ]
verdict retry_after_429 $? "(took $((t1 - t0))s)"

# an answer slower than the timeout: ERROR naming the timeout, the rest goes on
start slow
t0=$(date +%s)
run slow --dataset '^(gold\.sales|powerbi\.(sales|old))$'
t1=$(date +%s)
expect slow 'powerbi.sales=ERROR~in time' 'powerbi.old=ERROR~deleted' && [ $((t1 - t0)) -lt 20 ]
verdict slow_answer_times_out $? "(took $((t1 - t0))s)"

# malformed JSON is an ERROR, never data
start malformed
run malformed --dataset '^powerbi\.sales$'
expect malformed 'powerbi.sales=ERROR~malformed JSON'
verdict malformed_json $?

# a wrong client secret: a clear ERROR, and the secret is not printed
start basic
LW_PBI_SECRET=wrong-secret-value-5678 run wrongsecret --dataset '^powerbi\.sales$'
expect wrongsecret 'powerbi.sales=ERROR~Invalid client secret' && ! grep -qs wrong-secret-value-5678 "$tmp/wrongsecret.json" "$tmp/wrongsecret.err"
verdict wrong_secret $?

# Upstream learned from the service's datasources (Get Datasources In
# Group) through the gold datasets' published_as (the Power BI dataset's
# table picks gold.stock over gold.stock_moves, the same database's other
# dataset; the lake path matches under it); config wins; a refusal
# (401, 403, an error inside a 200) or no match keeps the previous layer
# and says so.
for d in stock orders fresh web; do
	mkdir -p "$tmp/gold/$d"; printf 'id\n1\n' > "$tmp/gold/$d/part-0.csv"
	[ "$d" = fresh ] || touch -d '3 days ago' "$tmp/gold/$d/part-0.csv"
done
sed -e "s|@GOLD@|$tmp/gold|" -e "s|@AUTH@|$CLIENT|" "$here/lineage.jsonc" > "$tmp/lineage.jsonc"
lineage_run() {	# lineage_run NAME CONFIG: the report in $tmp/NAME.json
	"$BIN" check --config "$2" --format json --no-history \
		--output "$tmp/$1.json" > "$tmp/$1.out" 2> "$tmp/$1.err"
}
start lineage
lineage_run learned "$tmp/lineage.jsonc"
jq -e '[.datasets[] | select(.layer == "powerbi") | {(.name): [.upstream, .upstream_from, (.upstream_note // ""), (.root // "")]}] | add
  | .["powerbi.stock"] == [["gold.stock"], "service", "", "gold.stock"]
  and .["powerbi.lake"] == [["gold.orders"], "service", "", "gold.orders"]
  and .["powerbi.config"] == [["gold.fresh"], "config", "", ""]
  and (.["powerbi.refused"] | .[0] == ["gold.web"] and .[1] == "layer" and (.[2] | test("^the service did not say its datasources: Power BI: no access to .*/datasources \\(403\\)")) and .[3] == "gold.web")
  and (.["powerbi.locked"] | .[1] == "layer" and (.[2] | test("\\(401\\), also after fetching a fresh one")))
  and (.["powerbi.flaky"] | .[1] == "layer" and (.[2] | test("DatasourcesNotAvailable")))
  and (.["powerbi.slow"] | .[1] == "layer" and (.[2] | test("in time")) and .[3] == "gold.web")
  and (.["powerbi.unmatched"] | .[1] == "layer" and .[2] == "no dataset'"'"'s published_as is one of its 1 datasources")' \
	"$tmp/learned.json" > /dev/null && no_secret learned
verdict learned_upstream $?

# the config's upstream wins: its datasources are not even asked for
! grep '"path":"[^"]*bbbbbbbb-0000-0000-0000-000000000004/datasources"' "$tmp/server.log" > /dev/null &&
	grep -q 'bbbbbbbb-0000-0000-0000-000000000001/datasources' "$tmp/server.log"
verdict config_upstream_not_asked $?

# a learned upstream is a root the same way a configured one is: the same
# cascades and consumer line as with "upstream": ["gold.stock"] written out
sed 's|"path": "Stock Model",|"path": "Stock Model", "upstream": ["gold.stock"],|' "$tmp/lineage.jsonc" > "$tmp/lineage-cfg.jsonc"
lineage_run configured "$tmp/lineage-cfg.jsonc"
c1=$(jq -c '[.cascades[] | {root, impacted}]' "$tmp/learned.json")
c2=$(jq -c '[.cascades[] | {root, impacted}]' "$tmp/configured.json")
k1=$(jq -c '.consumers[] | select(.id == "stock") | .culprit.root.dataset' "$tmp/learned.json")
[ -n "$c1" ] && [ "$c1" = "$c2" ] && [ "$k1" = '"gold.stock"' ] &&
	jq -e '[.cascades[] | select(.root == "gold.stock") | .impacted] == [["powerbi.stock"]]' "$tmp/learned.json" > /dev/null &&
	"$BIN" check --config "$tmp/lineage.jsonc" --no-history 2>&1 |
	grep -A4 "Stock planning" | tr -d '\n' | grep -q "known ← gold\.stock freshness"
verdict learned_root_like_configured $? "(cascades $c1 vs $c2; consumer root $k1)"
