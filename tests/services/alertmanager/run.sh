#!/bin/sh
# tests/services/alertmanager/run.sh - the "alertmanager" channel kind
# against a real Alertmanager (Debian prometheus-alertmanager) on loopback,
# behind basic auth (a bcrypt hash from htpasswd in its --web.config.file).
#
# tests/services/channel_post.c renders a batch of tests/unit/notices.h
# with the kind and POSTs it (libcurl; the notify lane's sender is not
# needed); GET /api/v2/alerts then shows what Alertmanager made of it:
# labels, annotations, one alert per label set, re-posts extending endsAt,
# an escalation and a resolve ending what they replace, 400 on a bad
# alert and 401 on a wrong password read as rejected, a dead endpoint as
# retry. Then lakewatch itself: `check` over a failing fs lake sends the
# alert from its outbox, and once the data recovers the next `check` ends
# it. Each case appends PASS/FAIL/SKIP services/alertmanager/<name> to
# $LW_BUILD/results.txt. Run from the project root.
set -u
B=${LW_BUILD:-build}
res="$B/results.txt"
AM=${LW_ALERTMANAGER:-/usr/bin/prometheus-alertmanager}
status=0
mkdir -p "$B"

pass() { echo "PASS services/alertmanager/$1" >> "$res"; echo "  PASS $1"; }
fail() { echo "FAIL services/alertmanager/$1" >> "$res"; echo "  FAIL $1: $2"; status=1; }
skip() { echo "SKIP services/alertmanager/$1${3:+ [needs $3]}" >> "$res"; echo "  SKIP $1: $2"; }

for tool in "$AM" htpasswd node curl cc sqlite3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		skip all "needs $tool" "$tool"
		exit 0
	fi
done

T=$(mktemp -d /tmp/lw-am.XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
trap 'exit 1' INT TERM

if ! tests/services/build_channel_post.sh "$T/post" > "$T/cc.out"; then
	fail all "cannot build channel_post: $(cat "$T/cc.out")"
	exit 1
fi

PW=am-password-1234
free_port() {
	node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
P=$(free_port)
cat > "$T/am.yml" <<'EOF'
route:
  receiver: blackhole
  group_wait: 1s
receivers:
  - name: blackhole
EOF
printf 'basic_auth_users:\n  lw: %s\n' "$(htpasswd -nbBC 5 lw "$PW" | cut -d: -f2)" > "$T/web.yml"
"$AM" --storage.path "$T/data" --web.listen-address "127.0.0.1:$P" \
	--cluster.listen-address= --config.file "$T/am.yml" \
	--web.config.file "$T/web.yml" > "$T/am.log" 2>&1 &
pid=$!
i=0
while [ $i -lt 100 ]; do
	c=$(curl -s -o /dev/null -w '%{http_code}' -u "lw:$PW" "http://127.0.0.1:$P/-/ready")
	[ "$c" = 200 ] && break
	sleep 0.1; i=$((i + 1))
done
if [ "$c" != 200 ]; then
	fail all "Alertmanager did not start: $(tail -3 "$T/am.log")"
	exit 1
fi

cat > "$T/ch.json" <<EOF
{"type": "alertmanager", "url": "http://127.0.0.1:$P/",
 "basic_auth": {"username": "lw", "password": {"env": "LW_AM_PASSWORD"}},
 "labels": {"team": "data"}}
EOF
export LW_AM_PASSWORD="$PW"

post() {	# post NAME FIXTURE [--break]: the driver's answer in $T/NAME.out
	name=$1; shift
	"$T/post" alertmanager "$T/ch.json" "$@" > "$T/$name.out" 2> "$T/$name.err"
}
alerts() {	# alerts NAME: what Alertmanager lists, in $T/NAME.alerts
	curl -s -u "lw:$PW" "http://127.0.0.1:$P/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true" \
		> "$T/$1.alerts"
}
# expect NAME 'dataset=x|severity=y[|annotation:k=v]' ... ['!dataset=...']
# [count=N]: each spec matches one active alert (! none); N alerts in all
expect() {
	node - "$T/$1.alerts" "$@" <<'EOF'
const fs = require("fs");
const [file, , ...specs] = process.argv.slice(2);
const all = JSON.parse(fs.readFileSync(file, "utf8"));
const now = Date.now();
const active = all.filter((a) => a.status.state === "active" && Date.parse(a.endsAt) > now);
let bad = [];
for (const spec of specs) {
	if (spec.startsWith("count=")) {
		if (active.length !== Number(spec.slice(6))) bad.push(`${active.length} active alerts, want ${spec.slice(6)}`);
		continue;
	}
	const neg = spec.startsWith("!");
	const want = (neg ? spec.slice(1) : spec).split("|").map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]);
	const hit = active.filter((a) => want.every(([k, v]) => k.startsWith("annotation:")
		? a.annotations[k.slice(11)] === v : k === "startsAt" ? a.startsAt.startsWith(v) : a.labels[k] === v));
	if (neg ? hit.length !== 0 : hit.length !== 1) bad.push(`${spec}: ${hit.length} match`);
}
if (bad.length) {
	console.log(bad.join("; "));
	console.log(active.map((a) => JSON.stringify(a.labels)).join("\n"));
	process.exit(1);
}
EOF
}
answered() {	# answered NAME 'STATUS VERDICT': every request's first line
	n=$(grep -c '^[0-9]* [a-z]* retry-after=' "$T/$1.out")
	m=$(grep -c "^$2 retry-after=" "$T/$1.out")
	[ "$n" -gt 0 ] && [ "$n" = "$m" ]
}

# --- one alert, every label and annotation -----------------------------------
post opened opened
alerts opened
if answered opened "200 delivered" && expect opened \
	'alertname=LakewatchCheck|dataset=gold.sales_daily|check=freshness|source=pos|layer=gold|consumer=finance, exec-dashboard|severity=critical|lakewatch_config=demo|team=data|annotation:summary=gold.sales_daily freshness FAIL: 7h old|annotation:value=7h|annotation:threshold=6h|annotation:description=newest file is 7h old (max_age 6h)|startsAt=2026-11-24T06:00:00' \
	count=1 > "$T/opened.why"; then
	pass opened_listed
else
	fail opened_listed "$(head -3 "$T/opened.out") $(cat "$T/opened.why")"
fi

# --- a cascade: one request, three alerts, gold's the same alert as above ------
post cascade cascade
alerts cascade
if answered cascade "200 delivered" && [ "$(grep -c retry-after= "$T/cascade.out")" = 1 ] &&
   expect cascade 'dataset=bronze.pos_raw|severity=warning|layer=bronze' \
	'dataset=silver.sales_clean|severity=critical|annotation:root=bronze.pos_raw is stale' \
	'dataset=gold.sales_daily|severity=critical' count=3 > "$T/cascade.why"; then
	pass cascade_one_post_three_alerts
else
	fail cascade_one_post_three_alerts "$(head -1 "$T/cascade.out") $(cat "$T/cascade.why")"
fi

# --- a re-post while firing moves endsAt on (resolve_timeout after it) ---------
ends() { node -e 'const a=JSON.parse(require("fs").readFileSync(process.argv[1]));
const x=a.find((a)=>a.labels.dataset==="gold.sales_daily"&&a.labels.severity==="critical");
console.log(x?Date.parse(x.endsAt):0)' "$T/$1.alerts"; }
e1=$(ends cascade)
sleep 1.2
post repost opened
alerts repost
e2=$(ends repost)
if answered repost "200 delivered" && [ "$e2" -gt "$e1" ] && expect repost count=3 > "$T/repost.why"; then
	pass repost_extends_firing
else
	fail repost_extends_firing "endsAt $e1 -> $e2 $(cat "$T/repost.why")"
fi

# --- escalated to ERROR: the error alert fires, the critical one ends ---------
post escalated escalated
alerts escalated
if answered escalated "200 delivered" && expect escalated \
	'dataset=gold.sales_daily|severity=error' '!dataset=gold.sales_daily|severity=critical' \
	count=3 > "$T/escalated.why"; then
	pass escalation_replaces_severity
else
	fail escalation_replaces_severity "$(head -3 "$T/escalated.out") $(cat "$T/escalated.why")"
fi

# --- resolved: gold's alerts end, the cascade's others fire on -----------------
post resolved resolved
alerts resolved
if answered resolved "200 delivered" && expect resolved '!dataset=gold.sales_daily' \
	'dataset=bronze.pos_raw|severity=warning' 'dataset=silver.sales_clean' \
	count=2 > "$T/resolved.why"; then
	pass resolved_ends_alert
else
	fail resolved_ends_alert "$(head -3 "$T/resolved.out") $(cat "$T/resolved.why")"
fi

# --- hostile and long texts: taken as they are (bounded) -------------------------
post hostile hostile
post long long
alerts hostile
if answered hostile "200 delivered" && answered long "200 delivered" &&
   node -e 'const a=JSON.parse(require("fs").readFileSync(process.argv[1]));
const h=a.find((x)=>x.labels.dataset==="gold.\"quoted\"\\back\nline <!channel>");
if(!h||!h.annotations.summary.includes("Zürich ✓ 日本")||!h.annotations.description.includes("\ufffd"))process.exit(1)' "$T/hostile.alerts"; then
	pass hostile_and_long_texts
else
	fail hostile_and_long_texts "$(head -3 "$T/hostile.out" "$T/long.out")"
fi

# --- what is refused is rejected, what is down is retried ----------------------
post broken opened --break
if answered broken "400 rejected" && grep -q "label" "$T/broken.out"; then
	pass bad_alert_rejected
else
	fail bad_alert_rejected "$(head -2 "$T/broken.out")"
fi
LW_AM_PASSWORD=wrong-password-5678 post wrongpw opened
if answered wrongpw "401 rejected"; then pass wrong_password_rejected
else fail wrong_password_rejected "$(head -2 "$T/wrongpw.out")"; fi
DP=$(free_port)
sed "s|127.0.0.1:$P|127.0.0.1:$DP|" "$T/ch.json" > "$T/down.json"
"$T/post" alertmanager "$T/down.json" opened > "$T/down.out" 2>&1
if answered down "0 retry"; then pass down_is_retried
else fail down_is_retried "$(head -2 "$T/down.out")"; fi

# --- through lakewatch itself: check polls, the outbox sends, the alert ends ---
# A small fs lake whose dataset fails, a notify route to this Alertmanager;
# `lakewatch check` (the testing build: LAKEWATCH_NOW pins the poll) sends
# the alert at the end of its run; after the data recovers the next check
# sends the resolve and Alertmanager no longer lists it.
LW=${LW_BIN:-$PWD/build/test/lakewatch}
mkdir -p "$T/lw/lake/a"
printf 'id\n' > "$T/lw/lake/a/part-0.csv"
cat > "$T/lw/c.json" <<EOF
{"name": "amlw", "history": {"path": "h.db"},
 "lakes": {"l": {"kind": "fs", "root": "lake"}},
 "sources": {"shop": {}},
 "datasets": {"bronze.a": {"source": "shop", "layer": "bronze", "lake": "l",
   "path": "a", "format": "csv",
   "checks": {"row_count": {"min": {"fail": 1}}}}},
 "notify": {"channels": {"am": {"type": "alertmanager",
   "url": "http://127.0.0.1:$P/",
   "basic_auth": {"username": "lw", "password": {"env": "LW_AM_PASSWORD"}}}},
  "routes": [{"name": "all", "channels": ["am"]}]}}
EOF
lw_alert() {	# lw_alert NAME: 0 when Alertmanager lists bronze.a's alert
	alerts "$1"
	node -e 'const a=JSON.parse(require("fs").readFileSync(process.argv[1]));
process.exit(a.some((x)=>x.labels.dataset==="bronze.a"&&x.labels.check==="row_count"&&x.labels.severity==="critical")?0:1)' "$T/$1.alerts"
}
LAKEWATCH_NOW=2026-11-20T10:00:00Z "$LW" check -c "$T/lw/c.json" > "$T/lw1.out" 2> "$T/lw1.err"
rc1=$?
if [ $rc1 = 2 ] && lw_alert lw_open; then
	pass lakewatch_check_fires_alert
else
	fail lakewatch_check_fires_alert "exit $rc1: $(tail -3 "$T/lw1.err")"
fi
printf 'id\n1\n2\n' > "$T/lw/lake/a/part-0.csv"
LAKEWATCH_NOW=2026-11-20T10:05:00Z "$LW" check -c "$T/lw/c.json" > "$T/lw2.out" 2> "$T/lw2.err"
rc2=$?
listed=yes
for _ in 1 2 3 4 5 6 7 8 9 10; do
	lw_alert lw_resolved || { listed=no; break; }
	sleep 0.3
done
if [ $rc2 = 0 ] && [ $listed = no ] &&
   [ "$(sqlite3 "$T/lw/h.db" 'SELECT count(*), min(state), max(state) FROM outbox')" = "2|1|1" ]; then
	pass lakewatch_resolve_ends_alert
else
	fail lakewatch_resolve_ends_alert "exit $rc2, still listed: $listed: $(tail -3 "$T/lw2.err")"
fi

# --- the password (and its base64) in nothing the driver or Alertmanager show --
B64=$(printf 'lw:%s' "$PW" | base64)
if ! grep -rqs -e "$PW" -e "$B64" "$T"/*.out "$T"/*.err "$T"/*.alerts "$T"/lw/h.db*; then
	pass no_secret_in_output
else
	fail no_secret_in_output "the password or its base64 was written"
fi
exit $status
