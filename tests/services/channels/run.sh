#!/bin/sh
# tests/services/channels/run.sh - the pagerduty, teams and slack channel
# kinds against local stand-ins of the services (../notify_standins.mjs),
# which hold each payload to the published contract and answer as the
# services do. tests/services/channel_post.c renders each batch of
# tests/unit/notices.h and POSTs it; per kind:
#   <kind>_accepted      every batch taken (202 / 200 "ok"), and recorded
#   <kind>_bad_rejected  a spoiled body is answered 400 and read as rejected
#   <kind>_429_retry     429 with Retry-After is read as retry
#   <kind>_no_secret     the webhook URL's secret part is in no body; the
#                        routing key only in "routing_key" (the contract's)
# and pagerduty_dedup_keys: one key per incident, the resolve under the
# trigger's; then lakewatch itself: `check` pages all three from its
# outbox and resolves after the data recovers. Appends PASS/FAIL/SKIP services/channels/<name> to
# $LW_BUILD/results.txt. Run from the project root; LW_KEEP=1 keeps the
# temporary directory (bodies the stand-ins recorded, answers).
set -u
B=${LW_BUILD:-build}
res="$B/results.txt"
status=0
mkdir -p "$B"

pass() { echo "PASS services/channels/$1" >> "$res"; echo "  PASS $1"; }
fail() { echo "FAIL services/channels/$1" >> "$res"; echo "  FAIL $1: $2"; status=1; }
skip() { echo "SKIP services/channels/$1${3:+ [needs $3]}" >> "$res"; echo "  SKIP $1: $2"; }

for tool in node curl cc; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		skip all "needs $tool" "$tool"
		exit 0
	fi
done

T=$(mktemp -d /tmp/lw-channels.XXXXXX)
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; [ -n "${LW_KEEP:-}" ] || rm -rf "$T"; }
trap cleanup EXIT
trap 'exit 1' INT TERM

if ! tests/services/build_channel_post.sh "$T/post" > "$T/cc.out"; then
	fail all "cannot build channel_post: $(cat "$T/cc.out")"
	exit 1
fi

KEY=R0UT1NGKEYR0UT1NGKEYR0UT1NGKEY32
SIG=sIgSECRET0123456789abcdef
HOOK=T0000/B0000/XoXoSECRETxoxo
for k in pagerduty teams slack; do
	node tests/services/notify_standins.mjs --kind $k --port 0 \
		--port-file "$T/$k.port" --log "$T/$k.log" 2> "$T/$k.stderr" &
	pids="$pids $!"
done
for k in pagerduty teams slack; do
	i=0
	while [ ! -s "$T/$k.port" ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
	if [ ! -s "$T/$k.port" ]; then
		fail all "the $k stand-in did not start: $(head -3 "$T/$k.stderr")"
		exit 1
	fi
done
PP=$(cat "$T/pagerduty.port"); TP=$(cat "$T/teams.port"); SP=$(cat "$T/slack.port")
export LW_PD_KEY=$KEY
echo "{\"type\": \"pagerduty\", \"routing_key\": {\"env\": \"LW_PD_KEY\"}, \"url\": \"http://127.0.0.1:$PP/v2/enqueue\"}" > "$T/pagerduty.json"
echo "{\"type\": \"teams\", \"url\": \"http://127.0.0.1:$TP/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=$SIG\"}" > "$T/teams.json"
echo "{\"type\": \"slack\", \"url\": {\"file\": \"$T/slack.url\"}}" > "$T/slack.json"
echo "http://127.0.0.1:$SP/services/$HOOK" > "$T/slack.url"

FIXTURES="opened resolved escalated cascade hostile long many test"
# every request's first line is "STATUS VERDICT retry-after=..."
answered() {	# answered FILE 'STATUS VERDICT'
	n=$(grep -c '^[0-9]* [a-z]* retry-after=' "$1")
	m=$(grep -c "^$2 retry-after=" "$1")
	[ "$n" -gt 0 ] && [ "$n" = "$m" ]
}

for k in pagerduty teams slack; do
	case $k in pagerduty) ok="202 delivered" ;; teams) ok="202 delivered" ;; *) ok="200 delivered" ;; esac
	: > "$T/$k.log"
	why=""; sent=0
	for f in $FIXTURES; do
		"$T/post" $k "$T/$k.json" $f > "$T/$k.$f.out" 2> "$T/$k.$f.err"
		answered "$T/$k.$f.out" "$ok" || why="$why $f: $(head -2 "$T/$k.$f.out" | tr '\n' ' ') $(head -1 "$T/$k.$f.err")"
		sent=$((sent + $(grep -c 'retry-after=' "$T/$k.$f.out")))
	done
	got=$(node -e 'const l=require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n").map(JSON.parse);
console.log(l.filter((r)=>r.status<300&&r.errors.length===0).length)' "$T/$k.log")
	if [ -z "$why" ] && [ "$got" = "$sent" ]; then pass ${k}_accepted
	else fail ${k}_accepted "recorded $got of $sent;$why"; fi

	# the secret parts: in no body (PagerDuty's key only as routing_key)
	# (the stand-in's log has the request path: only bodies are checked)
	if ! grep -qs -e "$SIG" -e "$HOOK" "$T"/$k.*.out "$T"/$k.*.err &&
	   node -e 'const l=require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n").map(JSON.parse);
const [key, sig, hook] = process.argv.slice(2);
for (const r of l) { const s=JSON.stringify(r.body); const n=s.split(key).length-1;
  if (s.includes(sig) || s.includes(hook) || s.includes("127.0.0.1")) process.exit(1);
  if (n !== (r.kind==="pagerduty"?1:0) || (n && r.body.routing_key!==key)) process.exit(1); }' "$T/$k.log" "$KEY" "$SIG" "$HOOK"; then
		pass ${k}_no_secret
	else
		fail ${k}_no_secret "a secret is in what was sent or printed"
	fi

	"$T/post" $k "$T/$k.json" opened --break > "$T/$k.broken.out" 2>&1
	if answered "$T/$k.broken.out" "400 rejected" &&
	   [ "$(tail -1 "$T/$k.log" | node -e 'console.log(JSON.parse(require("fs").readFileSync(0)).errors.length)')" -gt 0 ]; then
		pass ${k}_bad_rejected
	else
		fail ${k}_bad_rejected "$(head -2 "$T/$k.broken.out" | tr '\n' ' ')"
	fi

	port=$(cat "$T/$k.port")
	curl -s -X POST -d '{"status": 429, "retry_after": 2}' "http://127.0.0.1:$port/_next"
	"$T/post" $k "$T/$k.json" opened > "$T/$k.429.out" 2>&1
	if answered "$T/$k.429.out" "429 retry" && grep -q "retry-after=2$" "$T/$k.429.out"; then
		pass ${k}_429_retry
	else
		fail ${k}_429_retry "$(head -2 "$T/$k.429.out" | tr '\n' ' ')"
	fi
done

# PagerDuty: one dedup key per incident; the resolve under the trigger's
if node -e 'const l=require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n").map(JSON.parse).filter((r)=>r.status===202).map((r)=>r.body);
const keys=(s)=>l.filter((b)=>b.dedup_key.includes(s)).map((b)=>b.event_action+" "+b.dedup_key);
const gold=keys("gold.sales_daily/freshness/41"), casc=new Set(l.filter((b)=>/\/5[012]$/.test(b.dedup_key)).map((b)=>b.dedup_key));
const test=l.filter((b)=>b.dedup_key.startsWith("lakewatch-test/")).map((b)=>b.event_action);
const ok=gold.includes("trigger demo/gold.sales_daily/freshness/41")&&gold.includes("resolve demo/gold.sales_daily/freshness/41")&&casc.size===3&&test.join()==="trigger,resolve";
if(!ok){console.log(gold, [...casc], test);process.exit(1)}' "$T/pagerduty.log" > "$T/dedup.why"; then
	pass pagerduty_dedup_keys
else
	fail pagerduty_dedup_keys "$(cat "$T/dedup.why")"
fi

# --- through lakewatch itself: check pages all three, then resolves -----------
# One route to the three stand-ins; `lakewatch check` (testing build:
# LAKEWATCH_NOW pins the poll) over a failing fs lake sends from its outbox:
# a PagerDuty trigger, a Teams card and a Slack message; after the data
# recovers the next check sends the resolve (PagerDuty under the trigger's
# dedup key). Every request passes the stand-ins' contract checks.
LW=${LW_BIN:-$PWD/build/test/lakewatch}
if command -v sqlite3 >/dev/null 2>&1; then
	mkdir -p "$T/lw/lake/a"
	printf 'id\n' > "$T/lw/lake/a/part-0.csv"
	cat > "$T/lw/c.json" <<EOF
{"name": "chlw", "history": {"path": "h.db"},
 "lakes": {"l": {"kind": "fs", "root": "lake"}},
 "sources": {"shop": {}},
 "datasets": {"bronze.a": {"source": "shop", "layer": "bronze", "lake": "l",
   "path": "a", "format": "csv",
   "checks": {"row_count": {"min": {"fail": 1}}}}},
 "notify": {"channels": {
   "pd": {"type": "pagerduty", "routing_key": {"env": "LW_PD_KEY"},
          "url": "http://127.0.0.1:$PP/v2/enqueue"},
   "teams": {"type": "teams", "url": "http://127.0.0.1:$TP/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=$SIG"},
   "slack": {"type": "slack", "url": {"file": "$T/slack.url"}}},
  "routes": [{"name": "all", "channels": ["pd", "teams", "slack"]}]}}
EOF
	for k in pagerduty teams slack; do : > "$T/$k.log"; done
	LAKEWATCH_NOW=2026-11-20T10:00:00Z "$LW" check -c "$T/lw/c.json" > "$T/lw1.out" 2> "$T/lw1.err"
	rc1=$?
	printf 'id\n1\n' > "$T/lw/lake/a/part-0.csv"
	LAKEWATCH_NOW=2026-11-20T10:05:00Z "$LW" check -c "$T/lw/c.json" > "$T/lw2.out" 2> "$T/lw2.err"
	rc2=$?
	if [ $rc1 = 2 ] && [ $rc2 = 0 ] &&
	   [ "$(sqlite3 "$T/lw/h.db" 'SELECT count(*), min(state), max(state) FROM outbox')" = "6|1|1" ] &&
	   node -e 'const rd=(k)=>require("fs").readFileSync(process.argv[1]+"/"+k+".log","utf8").trim().split("\n").filter(Boolean).map(JSON.parse);
const pd=rd("pagerduty"), te=rd("teams"), sl=rd("slack");
const ok=pd.length===2&&pd.every((r)=>r.status===202&&r.errors.length===0)&&pd[0].body.event_action==="trigger"&&pd[1].body.event_action==="resolve"&&pd[0].body.dedup_key===pd[1].body.dedup_key&&pd[0].body.payload.component==="bronze.a"&&
 te.length===2&&te.every((r)=>r.status===202)&&sl.length===2&&sl.every((r)=>r.status===200);
if(!ok){console.log(JSON.stringify([pd.map((r)=>[r.status,r.errors]),te.map((r)=>r.status),sl.map((r)=>r.status)]));process.exit(1)}' "$T" > "$T/lw.why"; then
		pass lakewatch_pages_and_resolves
	else
		fail lakewatch_pages_and_resolves "exit $rc1/$rc2: $(cat "$T/lw.why") $(tail -2 "$T/lw2.err")"
	fi
	if ! grep -rqs -e "$KEY" -e "$SIG" -e "$HOOK" "$T/lw1.out" "$T/lw1.err" "$T/lw2.out" "$T/lw2.err" "$T"/lw/h.db*; then
		pass lakewatch_no_secret
	else
		fail lakewatch_no_secret "a routing key or webhook secret in lakewatch's output or history"
	fi
else
	skip lakewatch_pages_and_resolves "needs sqlite3" sqlite3
fi

# a wrong-length key is a config error that does not print it
echo '{"routing_key": "not-32-chars-0123456789"}' > "$T/badkey.json"
"$T/post" pagerduty "$T/badkey.json" opened > "$T/badkey.out" 2>&1
if grep -q "has 23 characters" "$T/badkey.out" && ! grep -q "not-32-chars" "$T/badkey.out"; then
	pass pagerduty_key_length_checked
else
	fail pagerduty_key_length_checked "$(head -2 "$T/badkey.out")"
fi
exit $status
