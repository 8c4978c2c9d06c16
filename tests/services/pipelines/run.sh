#!/bin/sh
# Run-source tests against the control-plane stand-in (../controlplane.mjs),
# which follows the published REST contracts (ARM Data Factory and Stream
# Analytics, Azure Monitor metrics, Synapse, the Databricks Jobs API, the
# Entra v2.0 token endpoint). Each case starts its own server on a free
# loopback port and stops it. Writes PASS/FAIL lines to results.txt.
set -u
here=$(cd "$(dirname "$0")" && pwd)
B=${LW_BUILD:-build}
res="$(pwd)/$B/results.txt"
BIN=${LW_BIN:?LW_BIN not set}
tmp=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

SECRET=test-secret-not-real-5678
PAT=dapi-test-pat-not-real-0001
export AZURE_AUTHORITY_HOST AZURE_TENANT_ID AZURE_CLIENT_ID AZURE_CLIENT_SECRET
unset AZURE_TENANT_ID AZURE_CLIENT_ID AZURE_CLIENT_SECRET
CLIENT='{"method": "client_secret", "tenant_id": "test-tenant", "client_id": "lakewatch-test-app", "client_secret": {"env": "LW_CP_SECRET"}}'
PATAUTH='{"method": "token", "token": {"env": "LW_DBX_PAT"}}'
sed -e "s|@AUTH@|$CLIENT|g" -e "s|@DBXAUTH@|$CLIENT|" "$here/config.jsonc" > "$tmp/config.jsonc"
sed -e "s|@AUTH@|$CLIENT|g" -e "s|@DBXAUTH@|$PATAUTH|" "$here/config.jsonc" > "$tmp/pat-config.jsonc"

start() {	# start SCENARIO
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -f "$tmp/port" "$tmp/server.log"
	node "$here/../controlplane.mjs" --scenario "$1" --port 0 --port-file "$tmp/port" \
		--log "$tmp/server.log" &
	pid=$!
	i=0; while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
	port=$(cat "$tmp/port")
	export LW_ARM_URL="http://127.0.0.1:$port"
	export LW_SYN_URL="http://127.0.0.1:$port/synapse/syn-lakehouse"
	export LW_DBX_URL="http://127.0.0.1:$port/databricks"
	export AZURE_AUTHORITY_HOST="http://127.0.0.1:$port"
	export LW_CP_SECRET="$SECRET" LW_DBX_PAT="$PAT"
}

run() {	# run NAME [lakewatch args...]: the report in $tmp/NAME.json
	name=$1; shift
	"$BIN" check --config "${CONFIG:-$tmp/config.jsonc}" --format json \
		--history "$tmp/$name.db" --output "$tmp/$name.json" "$@" \
		> "$tmp/$name.out" 2> "$tmp/$name.err"
	echo $? > "$tmp/$name.rc"
}

verdict() {	# verdict NAME ok(0/1) [why]
	if [ "$2" -eq 0 ]; then echo "PASS services/pipelines/$1" >> "$res"; echo "  ok   $1"
	else echo "FAIL services/pipelines/$1" >> "$res"; echo "  FAIL $1 ${3:-}"
		sed 's/^/    /' "$tmp/$1.err" 2>/dev/null | head -20; fi
}

expect() {	# expect NAME 'ds=STATUS~text' ...
	name=$1; shift
	node "$here/../powerbi/expect.mjs" "$tmp/$name.json" "$@"
}

no_secret() {	# the secret, the PAT and issued tokens appear nowhere lakewatch wrote
	! grep -rqs -e "$SECRET" -e "$PAT" -e "cp-token-" "$tmp/$1.json" "$tmp/$1.out" "$tmp/$1.err" "$tmp/$1.db"
}

start basic
run basic
expect basic \
	'bronze.sales=FAIL~last run of pl_load_sales failed (run 8f2c0312-aaaa-bbbb-cccc-000000000001, started' \
	'bronze.sales=FAIL~Z): Copy orders: 2200: ErrorCode=UserErrorFileNotFound' \
	'bronze.inventory=PASS~last run of pl_inventory succeeded 1h ago (took 10m)' \
	'bronze.stuck=FAIL~run stuck-1 stuck? in progress for 5h (fail at 4h)' \
	'bronze.queued=PASS' \
	'bronze.cancelled=WARN~last run of pl_cancelled was cancelled (run c-1)' \
	'bronze.old=FAIL~last successful run ended 1d19h ago (fail at 1d16h)' \
	'bronze.none=WARN~no runs of pl_never_ran' \
	'bronze.locked=ERROR~AuthorizationFailed' \
	'bronze.locked=ERROR~Data Factory Contributor' \
	'silver.orders=FAIL~Merge orders: 6002: AnalysisException: Table or view not found: bronze.orders' \
	'gold.daily=FAIL~last run of gold_daily (job 123) timed out' \
	'gold.daily=FAIL~Z): build_gold: Task build_gold timed out after 4h' \
	'gold.hourly=PASS~last run of silver_hourly (job 124) succeeded' \
	'gold.queued=WARN~no successful run of queued_job (job 125)' \
	"gold.idle=WARN~no runs of nightly_export (job 126) in the lake's lookback" \
	'gold.missing=ERROR~Job 999 does not exist' \
	'silver.web_events=FAIL~job is Degraded, not Running; last output 40m ago' \
	'silver.web_events=FAIL~OutputWatermarkDelaySeconds maximum over the last 15m: 7m (fail at 5m)' \
	'silver.orders_stream=PASS~job is Running' \
	'silver.stopped=FAIL~job is Stopped' \
	'bronze.hub_in=PASS~IncomingMessages total over the last 30m: 10,000' \
	'bronze.hub_throttle=ERROR~BadRequest: Metric ThrottledRequests is not supported' \
	&& [ "$(cat "$tmp/basic.rc")" = 3 ] && no_secret basic
verdict basic $?

# every page of runs is read: 7 runs of pl_flaky in pages of 2
run flaky --dataset '^bronze\.flaky$'
pages=$(grep -c '"kind":"runs"' "$tmp/server.log")
expect flaky 'bronze.flaky=FAIL~3 failed runs in a row (fail at 3)' && [ "$pages" -ge 4 ]
verdict continuation_token_paging $? "(pages: $pages)"

# Databricks next_page_token paging: 5 runs in pages of 2
: > "$tmp/server.log"
run jobpages --dataset '^gold\.hourly$'
pages=$(grep -c '"kind":"jobruns"' "$tmp/server.log")
expect jobpages 'gold.hourly=PASS' && [ "$pages" = 3 ]
verdict page_token_paging $? "(pages: $pages)"

# each run seen is kept once across polls, and rewritten only when it changes
run basic	# same history file, second poll
n=$(sqlite3 "$tmp/basic.db" "select count(*) from pipeline_runs" 2>&1)
want=$(node -e 'const p = JSON.parse(require("fs").readFileSync(process.argv[1]));
const f = p.factories["adf-lakehouse"].pipelines, s = p.synapse["syn-lakehouse"].pipelines;
console.log([...Object.values(f), ...Object.values(s)].flat().length +
  ["123", "124", "125"].map((j) => p.jobs[j].runs.length).reduce((a, b) => a + b))' "$here/scenarios/basic.json")
failing=$(sqlite3 "$tmp/basic.db" "select failing from pipeline_runs where run_id = '8f2c0312-aaaa-bbbb-cccc-000000000001'")
[ "$n" = "$want" ] && [ "$failing" = "Copy orders" ]
verdict runs_kept_once $? "(pipeline_runs has $n rows, want $want; failing '$failing')"

# a Databricks job is named by its name, kept with its runs' facts: from
# runs/list's run_name, or from jobs/get for a job with no run in the
# lookback (and only then); the report's root names the job, not its id
n_get=$(grep -c '"kind":"jobget"' "$tmp/server.log")
jq -e '[.datasets[] | select(.name | test("^gold\\.(daily|idle)$")) | .observation.detail.runs.name] == ["gold_daily", "nightly_export"]' \
	"$tmp/basic.json" > /dev/null && [ "$n_get" = 1 ] &&
	sqlite3 "$tmp/basic.db" "select obs from observations where dataset = 'gold.daily' order by id desc limit 1" | grep -q '"name":"gold_daily"'
verdict databricks_job_named $? "(jobs/get calls since the jobpages case: $n_get)"

# a Databricks personal access token instead of Entra ID
CONFIG="$tmp/pat-config.jsonc" run pat --dataset '^gold\.'
expect pat 'gold.daily=FAIL~build_gold' 'gold.hourly=PASS' && no_secret pat
verdict databricks_pat $?

# 429 with Retry-After: waited for, then answered
start ratelimited
t0=$(date +%s)
run ratelimited --dataset '^bronze\.inventory$'
t1=$(date +%s)
expect ratelimited 'bronze.inventory=PASS' && [ $((t1 - t0)) -ge 1 ]
verdict retry_after_429 $? "(took $((t1 - t0))s)"

# tokens that expire mid-poll are fetched again once, then the call succeeds
start expiring
run expiring --dataset '^(bronze\.(inventory|sales)|silver\.orders|gold\.hourly)$'
calls=$(grep -c '"kind":"token"' "$tmp/server.log")
expect expiring 'bronze.inventory=PASS' 'bronze.sales=FAIL~Copy orders' 'silver.orders=FAIL~Merge orders' \
	'gold.hourly=PASS' && [ "$calls" -ge 4 ] && no_secret expiring
verdict token_refetched_on_401 $? "(token requests: $calls)"

# malformed JSON is an ERROR, never data
start malformed
run malformed --dataset '^bronze\.inventory$'
expect malformed 'bronze.inventory=ERROR~malformed JSON'
verdict malformed_json $?

# a wrong client secret: a clear ERROR, and the secret is not printed
start basic
LW_CP_SECRET=wrong-secret-value-9999 run wrongsecret --dataset '^bronze\.inventory$'
expect wrongsecret 'bronze.inventory=ERROR~Invalid client secret' &&
	! grep -qs wrong-secret-value-9999 "$tmp/wrongsecret.json" "$tmp/wrongsecret.err" "$tmp/wrongsecret.out"
verdict wrong_secret $?

# the root cause: pl_load_sales failed, so the bronze table it writes (an fs
# lake, linked by "written_by") went stale and silver after it; both name
# the run as their root, and the text report says the pipeline and its
# error. The run dataset sits above bronze: it gets no previous-layer
# upstream (which would loop through the table it writes).
start basic
mkdir -p "$tmp/lake/orders" "$tmp/lake/orders_clean"
echo 'id,amount' > "$tmp/lake/orders/part-0.csv"
echo 'id,amount' > "$tmp/lake/orders_clean/part-0.csv"
touch -d '7 hours ago' "$tmp/lake/orders/part-0.csv" "$tmp/lake/orders_clean/part-0.csv"
cat > "$tmp/root.jsonc" <<JSON
{"lakes": {
  "adf": {"kind": "datafactory", "subscription": "00000000-1111-2222-3333-444444444444",
          "resource_group": "rg-lakehouse", "factory": "adf-lakehouse",
          "management_url": {"env": "LW_ARM_URL"}, "timeout": "3s", "retries": 2, "auth": $CLIENT},
  "files": {"kind": "fs", "root": "$tmp/lake"}},
 "sources": {"online": "Online store"}, "consumers": {"sales": "Sales & accounting"},
 "datasets": {
  "adf.load_sales": {"source": "online", "layer": "silver", "lake": "adf", "pipeline": "pl_load_sales",
    "checks": {"runs": {}}},
  "bronze.orders": {"source": "online", "layer": "bronze", "lake": "files", "path": "orders", "format": "csv",
    "written_by": ["pl_load_sales"], "checks": {"freshness": {"warn": "1h", "fail": "6h"}}},
  "gold.orders": {"source": "online", "layer": "gold", "lake": "files", "path": "orders_clean", "format": "csv",
    "consumers": ["sales"], "checks": {"freshness": {"warn": "1h", "fail": "6h"}}}}}
JSON
CONFIG="$tmp/root.jsonc" run root
"$BIN" check --config "$tmp/root.jsonc" --format text --ascii --no-history > "$tmp/root.txt" 2>> "$tmp/root.err"
roots=$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1]));
console.log(r.datasets.map((d) => `${d.name}:${d.impacted ? "impacted" : "-"}:${d.root || "-"}`).join(" "))' "$tmp/root.json")
expect root 'adf.load_sales=FAIL~Copy orders' 'bronze.orders=FAIL' 'gold.orders=FAIL' &&
	[ "$roots" = "adf.load_sales:-:- bronze.orders:impacted:adf.load_sales gold.orders:impacted:adf.load_sales" ] &&
	tr -s ' \n' ' ' < "$tmp/root.txt" | grep -q 'Sales & accounting - FAIL - gold.orders freshness: stale: newest file 7h old (fail at 6h) <- pl_load_sales: last run of pl_load_sales failed (run 8f2c0312-[^)]*): Copy orders: 2200: ErrorCode=UserErrorFileNotFound' &&
	no_secret root
verdict failed_run_is_root $? "(roots: $roots)"

# Event Hubs namespaces in another resource group than the lake's: by
# {"resource_group", "name"} or a full ARM resource id; a bare name stays in
# the lake's group; a group the subscription lacks is an ERROR naming it.
start basic
SUB=00000000-1111-2222-3333-444444444444
cat > "$tmp/ns.jsonc" <<JSON
{"lakes": {
  "asa": {"kind": "streamanalytics", "subscription": "$SUB", "resource_group": "rg-lakehouse",
          "management_url": {"env": "LW_ARM_URL"}, "timeout": "3s", "retries": 1, "auth": $CLIENT,
          "namespaces": ["ehns-lakehouse", {"resource_group": "rg-ingest", "name": "ehns-ingest"},
                         "/subscriptions/$SUB/resourceGroups/rg-ingest/providers/Microsoft.EventHub/namespaces/ehns-archive",
                         {"resource_group": "rg-gone", "name": "ehns-gone"}]}},
 "sources": {"web": "Website tracking"},
 "datasets": {
  "bronze.hub_home": {"source": "web", "layer": "bronze", "lake": "asa", "path": "eventhubs/ehns-lakehouse",
    "checks": {"metric": {"name": "IncomingMessages", "aggregation": "total", "window": "30m", "below": true, "fail": 1}}},
  "bronze.hub_ingest": {"source": "web", "layer": "bronze", "lake": "asa", "path": "eventhubs/ehns-ingest",
    "checks": {"metric": {"name": "IncomingMessages", "aggregation": "total", "window": "30m", "below": true, "fail": 1}}},
  "bronze.hub_archive": {"source": "web", "layer": "bronze", "lake": "asa", "path": "eventhubs/ehns-archive",
    "checks": {"metric": {"name": "ThrottledRequests", "aggregation": "total", "warn": 1}}},
  "bronze.hub_gone": {"source": "web", "layer": "bronze", "lake": "asa", "path": "eventhubs/ehns-gone",
    "checks": {"metric": {"name": "IncomingMessages", "aggregation": "total", "fail": 1, "below": true}}}}}
JSON
: > "$tmp/server.log"
CONFIG="$tmp/ns.jsonc" run namespaces
paths=$(node -e 'for (const l of require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean)) {
  const e = JSON.parse(l); if (e.path && e.path.includes("EventHub")) console.log(e.path.split("/")[4] + ":" + e.path.split("/")[8]); }' "$tmp/server.log" | sort -u | tr '\n' ' ')
expect namespaces 'bronze.hub_home=PASS~IncomingMessages total over the last 30m: 10,000' \
	'bronze.hub_ingest=PASS~IncomingMessages total over the last 30m: 750' \
	'bronze.hub_archive=WARN~ThrottledRequests total' \
	'bronze.hub_gone=ERROR~rg-gone' &&
	[ "$paths" = "rg-gone:ehns-gone rg-ingest:ehns-archive rg-ingest:ehns-ingest rg-lakehouse:ehns-lakehouse " ]
verdict namespaces_in_other_resource_groups $? "(asked: $paths)"

# bad "namespaces" entries: each error names the lake, the key and the entry
cat > "$tmp/nsbad.jsonc" <<JSON
{"lakes": {"asa": {"kind": "streamanalytics", "subscription": "$SUB", "resource_group": "rg-lakehouse",
  "auth": $CLIENT, "namespaces": ["/subscriptions/$SUB/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x",
    {"resource_group": "rg ingest", "name": "ehns"}, {"name": "ehns-a", "group": "rg"}, 42, "ehns-b", "ehns-b"]}},
 "sources": {"web": "Web"}, "datasets": {}}
JSON
"$BIN" validate --config "$tmp/nsbad.jsonc" > "$tmp/nsbad.out" 2> "$tmp/nsbad.err"
rc=$?
grep -q 'lake "asa": "namespaces"\[0\]: "/subscriptions/.*storageAccounts/x" is not an Event Hubs namespace' "$tmp/nsbad.err" &&
grep -q '"namespaces"\[1\]: "resource_group" "rg ingest" has characters an Azure resource group cannot have' "$tmp/nsbad.err" &&
grep -q 'unknown key "group"' "$tmp/nsbad.err" &&
grep -q '"namespaces"\[3\]: expected a namespace' "$tmp/nsbad.err" &&
grep -q '"namespaces"\[5\]: namespace "ehns-b" is listed twice' "$tmp/nsbad.err" && [ $rc != 0 ]
verdict namespaces_config_errors $? "(rc $rc: $(head -c 600 "$tmp/nsbad.err"))"
