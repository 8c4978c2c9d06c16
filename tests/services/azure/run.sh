#!/bin/sh
# tests/services/azure/run.sh - the "azure" lake kind against a real Azurite.
#
# Starts Azurite (in memory, loopback, a free port), uploads the demo lake
# with the official @azure/storage-blob SDK, and checks that
# `lakewatch check --format json` says exactly the same about it as about
# the same files on the local filesystem: with Shared Key, a SAS token and a
# connection string; with Entra ID tokens from a local token endpoint
# (client credentials, managed identity) against an HTTPS Azurite; through
# a fault proxy (503, 429 + Retry-After, slow and truncated answers); with
# 12,000 blobs across pages; and with Azurite stopped in mid-poll.
# Each case appends PASS/FAIL/SKIP services/azure/<name> to
# $LW_BUILD/results.txt. Run from the project root.
set -u
B=${LW_BUILD:-build}
LW_BIN=${LW_BIN:-$PWD/build/test/lakewatch}
res="$B/results.txt"
here=tests/services/azure
status=0
mkdir -p "$B"

pass() { echo "PASS services/azure/$1" >> "$res"; echo "  PASS $1"; }
fail() { echo "FAIL services/azure/$1" >> "$res"; echo "  FAIL $1: $2"; status=1; }
# skip NAME WHY [TOOLS]: TOOLS (commands or paths) it lacked, for tests/summary.sh
skip() { echo "SKIP services/azure/$1${3:+ [needs $3]}" >> "$res"; echo "  SKIP $1: $2"; }

if [ ! -x node_modules/.bin/azurite-blob ] || ! command -v node >/dev/null ||
   [ ! -x "$LW_BIN" ] || [ ! -f demo/generate.mjs ]; then
	skip all "needs node, node_modules (azurite), demo/generate.mjs and $LW_BIN" \
		"node node_modules/.bin/azurite-blob demo/generate.mjs $LW_BIN"
	exit 0
fi

T=$(mktemp -d /tmp/lw-azure.XXXXXX)
pids=""
cleanup() {
	# SIGKILL: on SIGTERM Azurite waits for idle keep-alive connections
	for p in $pids ${pid:-}; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

unset AZURE_STORAGE_CONNECTION_STRING AZURE_CLIENT_SECRET AZURE_TENANT_ID \
	AZURE_CLIENT_ID IDENTITY_ENDPOINT IDENTITY_HEADER 2>/dev/null

wait_file() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$1" ]
}
# Azurite: tests/services/azurite.sh (sets KEY, ACCT, AZ_KEY; azurite_start
# sets P, pid and CS for each server it starts)
. tests/services/azurite.sh

# --- Azurite and the data --------------------------------------------------
azurite_start "$T"
AP=$P AZ_PID=$pid
pids="$pids $pid"
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
node demo/generate.mjs --out "$T/lake" --now "$NOW" --quiet >/dev/null ||
	{ fail demo_lake "demo/generate.mjs failed"; exit 1; }
# --touch: local mtimes become the blobs' Last-Modified, so both agree
if ! node $here/upload.mjs --conn "$CS" --container lake --create \
	--dir "$T/lake" --touch --parallel 8 > "$T/upload.log" 2>&1; then
	fail upload "$(tail -3 "$T/upload.log")"
	exit 1
fi
export LAKEWATCH_NOW="$NOW"
# The config's pipelines and jobs have no stand-in here: a loopback port
# nothing listens on keeps them ERROR at once, and off Azure itself.
export LAKEWATCH_ARM_URL=http://127.0.0.1:9 LAKEWATCH_SYNAPSE_URL=http://127.0.0.1:9/synapse/syn-contoso \
	LAKEWATCH_DATABRICKS_URL=http://127.0.0.1:9/databricks

# make_cfg NAME LAKE-JSON: examples/ecommerce.json with its lake replaced
make_cfg() {
	sed "s|\"local\": {\"kind\": \"fs\", \"root\": \"../demo-lake\"}|\"local\": $2|" \
		examples/ecommerce.json > "$T/$1.json"
	grep -q "\"local\": $(printf '%s' "$2" | cut -c1-12)" "$T/$1.json" ||
		echo "make_cfg: examples/ecommerce.json has no demo-lake line" >&2
}
az_lake() {	# endpoint auth [extra keys]
	echo "{\"kind\": \"azure\", \"account\": \"$ACCT\", \"container\": \"lake\", \"endpoint\": \"$1\", \"auth\": $2${3:+, $3}}"
}
check() {	# name cfg [args...]: JSON report in $T/name.out, exit in $T/name.rc
	n=$1; c=$2; shift 2
	"$LW_BIN" check --no-history --format json --config "$T/$c.json" "$@" \
		> "$T/$n.out" 2> "$T/$n.err"
	echo $? > "$T/$n.rc"
}
agree() {	# case out ref: compare $T/out.out with the fs report $T/ref
	if node $here/compare.mjs "$T/$3" "$T/$2.out" > "$T/$1.cmp" 2>&1; then
		pass "$1"
	else
		fail "$1" "$(head -5 "$T/$1.cmp" | tr '\n' ' ')"
	fi
}
has() { grep -q -- "$2" "$T/$1.out" "$T/$1.err"; }
lacks() { ! grep -q -- "$2" "$T/$1.out" "$T/$1.err" ${3:+"$3"}; }

make_cfg fs "{\"kind\": \"fs\", \"root\": \"$T/lake\"}"
check ref fs
cp "$T/ref.out" "$T/ref-all.out"
check ref_gold fs --dataset '^gold\.'
check ref_small fs --dataset '^(gold\.sales_daily|bronze\.pos_purchases)$'

# --- the three storage credentials ------------------------------------------
EP="http://127.0.0.1:$AP/$ACCT"
make_cfg key "$(az_lake "$EP" '{"account_key": {"env": "AZ_KEY"}}')"
check key key --stats
agree shared_key key ref-all.out
# what the lake cost, for the log
grep '^stats: lake' "$T/key.err" | sed 's/^/    /'

SAS=$(node $here/upload.mjs --conn "$CS" --container lake --sas)
export AZ_SAS="$SAS"
make_cfg sas "$(az_lake "$EP" '{"sas": {"env": "AZ_SAS"}}')"
check sas sas --log "$T/sas.log"
agree sas_token sas ref-all.out
SIG=$(printf '%s' "$SAS" | sed 's/.*sig=//; s/&.*//')
touch "$T/sas.log"
if [ -n "$SIG" ] && [ -s "$T/sas.out" ] &&
   ! grep -qF "$SIG" "$T/sas.out" "$T/sas.err" "$T/sas.log"; then
	pass sas_not_in_output
else
	fail sas_not_in_output "the SAS signature appears in output or log"
fi

make_cfg env "{\"kind\": \"azure\", \"container\": \"lake\"}"
AZURE_STORAGE_CONNECTION_STRING="$CS" check env env --dataset '^gold\.'
agree connection_string_env env ref_gold.out

# --- errors a person can act on ----------------------------------------------
AZ_KEY="c29tZSBvdGhlciBrZXkgb2YgdGhpcnR5LXR3byBieXRlcw==" check badkey key \
	--dataset '^gold\.sales_daily$'
if [ "$(cat "$T/badkey.rc")" = 3 ] && has badkey "check the account key" &&
   lacks badkey "c29tZSBvdGhlciBrZXkg"; then
	pass wrong_key_message
else
	fail wrong_key_message "exit $(cat "$T/badkey.rc"): $(grep -o '"message":[^,]*' "$T/badkey.out" | head -2)"
fi

AZ_SAS=$(printf '%s' "$SAS" | sed 's/sig=[^&]*/sig=AAAAbogusSignatureAAAA%3D/') \
	check badsas sas --dataset '^gold\.sales_daily$'
if [ "$(cat "$T/badsas.rc")" = 3 ] && has badsas "SAS token was refused" &&
   lacks badsas "AAAAbogusSignature"; then
	pass wrong_sas_message_redacted
else
	fail wrong_sas_message_redacted "$(grep -o '"message":[^,]*' "$T/badsas.out" | head -2)"
fi

make_cfg nocont "$(az_lake "$EP" '{"account_key": {"env": "AZ_KEY"}}' | sed 's/"container": "lake"/"container": "nosuch"/')"
check nocont nocont --dataset '^gold\.sales_daily$'
if has nocont "ContainerNotFound: container 'nosuch' does not exist"; then
	pass missing_container_message
else
	fail missing_container_message "$(grep -o '"message":[^,]*' "$T/nocont.out" | head -1)"
fi

make_cfg dns "$(az_lake "http://lakewatch-no-such-host.invalid/$ACCT" '{"account_key": {"env": "AZ_KEY"}}' '"retries": 0, "allow_insecure_http": true')"
check dns dns --dataset '^gold\.sales_daily$'
if has dns "cannot resolve host 'lakewatch-no-such-host.invalid'"; then
	pass dns_failure_names_host
else
	fail dns_failure_names_host "$(grep -o '"message":[^,]*' "$T/dns.out" | head -1)"
fi

# --- faults, through the proxy ---------------------------------------------
node $here/fault_proxy.mjs --target "http://127.0.0.1:$AP" \
	--port-file "$T/proxy.port" > "$T/proxy.log" 2>&1 &
pids="$pids $!"
wait_file "$T/proxy.port" || fail proxy_start "fault proxy did not start"
PP=$(cat "$T/proxy.port")
PX="http://127.0.0.1:$PP"
mode() { curl -s "$PX/__mode/$1" >/dev/null; }
stat() { curl -s "$PX/__stats"; }
SMALL='^(gold\.sales_daily|bronze\.pos_purchases)$'
make_cfg px "$(az_lake "$PX/$ACCT" '{"account_key": {"env": "AZ_KEY"}}' '"timeout": 1, "retries": 3')"

mode "503?n=3"
check f503 px --dataset "$SMALL"
if node $here/compare.mjs "$T/ref_small.out" "$T/f503.out" > "$T/f503.cmp" &&
   stat | grep -q '"faults":3'; then
	pass retry_503
else
	fail retry_503 "$(head -3 "$T/f503.cmp") $(stat | cut -c1-80)"
fi

mode "429?n=1"
check f429 px --dataset "$SMALL"
# the longest wait between two requests: the 429'd one's retry (the two
# datasets are listed side by side, so the next request is not its retry)
gap=$(stat | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const t=JSON.parse(s).times;console.log(t.length>1?Math.max(...t.slice(1).map((x,i)=>x-t[i])):-1)})')
if node $here/compare.mjs "$T/ref_small.out" "$T/f429.out" > "$T/f429.cmp" &&
   [ "$gap" -ge 1000 ]; then
	pass retry_429_retry_after
else
	fail retry_429_retry_after "gap ${gap}ms; $(head -3 "$T/f429.cmp")"
fi

mode "truncate?n=3"
check ftrunc px --dataset "$SMALL"
if node $here/compare.mjs "$T/ref_small.out" "$T/ftrunc.out" > "$T/ftrunc.cmp" &&
   stat | grep -q '"faults":3'; then
	pass truncated_body_retried
else
	fail truncated_body_retried "$(head -3 "$T/ftrunc.cmp") $(stat | cut -c1-80)"
fi

mode "truncate?n=100000"
check ftrunc2 px --dataset '^gold\.sales_daily$'
if [ "$(cat "$T/ftrunc2.rc")" = 3 ] && has ftrunc2 "cut short"; then
	pass truncated_body_error
else
	fail truncated_body_error "exit $(cat "$T/ftrunc2.rc"): $(grep -o '"message":[^,]*' "$T/ftrunc2.out" | head -2)"
fi

mode "always503"
check f503a px --dataset '^gold\.sales_daily$'
if [ "$(cat "$T/f503a.rc")" = 3 ] && has f503a "HTTP 503" && has f503a "after 4 attempts"; then
	pass always_503_error
else
	fail always_503_error "$(grep -o '"message":[^,]*' "$T/f503a.out" | head -1)"
fi

mode "slow?n=2500"
t0=$(date +%s)
check fslow px --dataset '^gold\.sales_daily$'
t1=$(date +%s)
if [ "$(cat "$T/fslow.rc")" = 3 ] && has fslow "in time" && [ $((t1 - t0)) -lt 30 ]; then
	pass slow_answer_timeout
else
	fail slow_answer_timeout "exit $(cat "$T/fslow.rc") after $((t1 - t0))s: $(grep -o '"message":[^,]*' "$T/fslow.out" | head -1)"
fi

mode loopmarker
t0=$(date +%s)
check floop px --dataset '^gold\.sales_daily$'
t1=$(date +%s)
if [ "$(cat "$T/floop.rc")" = 3 ] && has floop "same NextMarker twice" &&
   [ $((t1 - t0)) -lt 30 ]; then
	pass endless_listing_refused
else
	fail endless_listing_refused "exit $(cat "$T/floop.rc") after $((t1 - t0))s: $(grep -o '"message":[^,]*' "$T/floop.out" | head -1)"
fi
mode pass

# --- 12,000 blobs across pages ----------------------------------------------
CF=$(make -s flags | sed -n 's/^CFLAGS=//p')
LD=$(make -s flags | sed -n 's/^LDLIBS=//p')
# the folder libraries of this build ($B), whatever build `make flags`
# describes when run from inside the testing sub-make
LWLIBS=$(make -s flags | sed -n 's/^LWLIBS=//p' | sed "s|[^ ]*/lib\([a-z]*\)\.a|$B/lib\1.a|g")
if cc $CF -MF /dev/null -o "$T/list_count" $here/list_count.c \
	$LWLIBS $LD \
	2> "$T/cc.log"; then
	node $here/upload.mjs --conn "$CS" --container many --create --tiny 12000 \
		--prefix d --parallel 16 > "$T/many.log" 2>&1
	sed 's/"container": "lake"/"container": "many"/' "$T/key.json" > "$T/many.json"
	got=$("$T/list_count" "$T/many.json" local d 2>&1)
	sdk=$(node $here/upload.mjs --conn "$CS" --container many --count --prefix d)
	case "$got" in
	*'"entries": 12000, "bytes": 48000, "requests": 3,'*)
		if [ "$sdk" = 12000 ]; then pass many_blobs_paged
		else fail many_blobs_paged "SDK lists $sdk"; fi ;;
	*) fail many_blobs_paged "$got" ;;
	esac
else
	fail many_blobs_paged "cannot build list_count: $(head -3 "$T/cc.log")"
fi

# --- Entra ID tokens against an HTTPS Azurite ----------------------------------
if command -v openssl >/dev/null &&
   openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" \
	-out "$T/cert.pem" -days 1 -subj /CN=127.0.0.1 \
	-addext "subjectAltName=IP:127.0.0.1" >/dev/null 2>&1; then
	HCS=$CS
	azurite_start "$T" --cert "$T/cert.pem" --key "$T/key.pem" --oauth basic
	SP=$P SCS=$CS CS=$HCS
	pids="$pids $pid"
	node $here/token_server.mjs --port-file "$T/tok.port" > "$T/tok.log" 2>&1 &
	pids="$pids $!"
	if wait_file "$T/tok.port"; then
		TP=$(cat "$T/tok.port")
		TK="http://127.0.0.1:$TP"
		mkdir -p "$T/goldlake"
		cp -a "$T/lake/gold" "$T/goldlake/"
		NODE_EXTRA_CA_CERTS="$T/cert.pem" node $here/upload.mjs \
			--conn "$SCS" --container lake --create \
			--dir "$T/goldlake" --touch --parallel 8 > "$T/up2.log" 2>&1
		make_cfg fsgold "{\"kind\": \"fs\", \"root\": \"$T/goldlake\"}"
		check ref_tok fsgold --dataset '^gold\.'
		ES="https://127.0.0.1:$SP/$ACCT"
		export AZ_CS="s3cret-value-for-tests"
		make_cfg cc "$(az_lake "$ES" "{\"client_secret\": {\"env\": \"AZ_CS\"}, \"tenant_id\": \"t-0001\", \"client_id\": \"c-0001\", \"authority_host\": \"$TK\"}" "\"ca_bundle\": \"$T/cert.pem\"")"
		check cc cc --dataset '^gold\.' --log "$T/cc.log"
		n=$(curl -s "$TK/stats" | sed 's/.*"client_credentials":\([0-9]*\).*/\1/')
		if node $here/compare.mjs "$T/ref_tok.out" "$T/cc.out" > "$T/cc.cmp" && [ "$n" = 1 ]; then
			pass token_client_credentials_cached
		else
			fail token_client_credentials_cached "token requests $n; $(head -3 "$T/cc.cmp")"
		fi
		make_cfg mi "$(az_lake "$ES" "{\"managed_identity\": true, \"identity_endpoint\": \"$TK/metadata/identity/oauth2/token\"}" "\"ca_bundle\": \"$T/cert.pem\"")"
		check mi mi --dataset '^gold\.'
		n=$(curl -s "$TK/stats" | sed 's/.*"imds":\([0-9]*\).*/\1/')
		if node $here/compare.mjs "$T/ref_tok.out" "$T/mi.out" > "$T/mi.cmp" && [ "$n" = 1 ]; then
			pass token_managed_identity_imds
		else
			fail token_managed_identity_imds "IMDS requests $n; $(head -3 "$T/mi.cmp")"
		fi
		make_cfg mi3 "$(az_lake "$ES" "{\"managed_identity\": true, \"client_id\": \"hostile\", \"identity_endpoint\": \"$TK/metadata/identity/oauth2/token\"}" "\"ca_bundle\": \"$T/cert.pem\"")"
		check mi3 mi3 --dataset '^gold\.sales_daily$'
		if [ "$(cat "$T/mi3.rc")" = 3 ] && has mi3 "control characters" &&
		   lacks mi3 "X-Injected"; then
			pass token_with_crlf_refused
		else
			fail token_with_crlf_refused "exit $(cat "$T/mi3.rc"): $(grep -o '"message":[^,]*' "$T/mi3.out" | head -1)"
		fi
		make_cfg mi2 "$(az_lake "$ES" '{"managed_identity": true}' "\"ca_bundle\": \"$T/cert.pem\"")"
		IDENTITY_ENDPOINT="$TK/msi/token" IDENTITY_HEADER=id-header-secret \
			check mi2 mi2 --dataset '^gold\.'
		if node $here/compare.mjs "$T/ref_tok.out" "$T/mi2.out" > "$T/mi2.cmp"; then
			pass token_managed_identity_appservice
		else
			fail token_managed_identity_appservice "$(head -3 "$T/mi2.cmp")"
		fi
		AZ_CS="wrong-secret-value-123" check ccbad cc --dataset '^gold\.sales_daily$'
		if has ccbad "AADSTS7000215" && lacks ccbad "wrong-secret-value-123" &&
		   lacks cc "eyJ" "$T/cc.log"; then
			pass token_errors_and_redaction
		else
			fail token_errors_and_redaction "$(grep -o '"message":[^,]*' "$T/ccbad.out" | head -1)"
		fi
		make_cfg notls "$(az_lake "$ES" '{"account_key": {"env": "AZ_KEY"}}' '"retries": 0')"
		check notls notls --dataset '^gold\.sales_daily$'
		if has notls "TLS with '127.0.0.1:$SP' failed"; then
			pass tls_verified_names_host
		else
			fail tls_verified_names_host "$(grep -o '"message":[^,]*' "$T/notls.out" | head -1)"
		fi
	else
		fail token_setup "the token server did not start"
	fi
else
	skip token_client_credentials_cached "openssl cannot make a certificate" openssl
fi

# --- Azurite stopped in mid-poll (last: Azurite is gone after it) ----------------
make_cfg stop "$(az_lake "$PX/$ACCT" '{"account_key": {"env": "AZ_KEY"}}' '"timeout": 2, "retries": 1, "poll_timeout": 10')"
mode "slow?n=60"
t0=$(date +%s)
"$LW_BIN" check --no-history --format json --config "$T/stop.json" \
	> "$T/stop.out" 2> "$T/stop.err" &
lwpid=$!
sleep 2
kill -9 "$AZ_PID" 2>/dev/null	# abruptly, as a crash or network loss
i=0
while kill -0 "$lwpid" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$lwpid" 2>/dev/null; then
	kill "$lwpid"
	fail azurite_stopped_mid_poll "lakewatch still running after 60 s"
else
	wait "$lwpid"; rc=$?
	t1=$(date +%s)
	# the lake is recognised as down: one ERROR per dataset naming it
	if [ $rc = 3 ] && grep -q "lake 'local' is unreachable" "$T/stop.out" &&
	   grep -q "127.0.0.1:$PP" "$T/stop.out"; then
		pass azurite_stopped_mid_poll
	else
		fail azurite_stopped_mid_poll "exit $rc after $((t1 - t0))s: $(grep -o '"message":[^,]*' "$T/stop.out" | grep -v 'ok\|fresh' | head -1)"
	fi
fi
exit $status
