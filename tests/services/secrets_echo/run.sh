#!/bin/sh
# tests/services/secrets_echo/run.sh - issue 11: no secret of any kind
# leaves lakewatch in any form, even when a service echoes what it was sent.
#
# echo_server.mjs hands out bearer tokens (client credentials and managed
# identity, for storage and for Power BI) and answers every other request
# 403 with the Authorization header, the query string and the token or SAS
# signature alone echoed back, in one of four forms: as sent, URL-encoded,
# base64 and JSON-escaped. Seven lakes, one dataset each: Shared Key
# (account key), SAS, client secret, managed identity, and Power BI with a
# static token, a managed identity and a client secret. For each form the
# check runs with text, JSON and JUnit reports, a --verbose --log and a
# history; every secret, in every form it can take (raw, URL- and
# form-encoded, base64 at each alignment, JSON-escaped, and its first
# characters), is looked for in the reports, logs, stderr and the
# `sqlite3 .dump` of the history.
# Appends PASS/FAIL/SKIP services/secrets_echo/<name> to $LW_BUILD/results.txt.
set -u
B=${LW_BUILD:-build}
LW_BIN=${LW_BIN:-$PWD/build/test/lakewatch}
res="$B/results.txt"
here=tests/services/secrets_echo
status=0
mkdir -p "$B"

pass() { echo "PASS services/secrets_echo/$1" >> "$res"; echo "  PASS $1"; }
fail() { echo "FAIL services/secrets_echo/$1" >> "$res"; echo "  FAIL $1: $2"; status=1; }
skip() { echo "SKIP services/secrets_echo/$1${3:+ [needs $3]}" >> "$res"; echo "  SKIP $1: $2"; }

if ! command -v node >/dev/null || ! command -v sqlite3 >/dev/null ||
   [ ! -x "$LW_BIN" ]; then
	skip all "needs node, sqlite3 and $LW_BIN" "node sqlite3 $LW_BIN"
	exit 0
fi

T=$(mktemp -d /tmp/lw-echo.XXXXXX)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	if [ -n "${KEEP:-}" ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
unset AZURE_STORAGE_CONNECTION_STRING AZURE_CLIENT_SECRET AZURE_TENANT_ID \
	AZURE_CLIENT_ID IDENTITY_ENDPOINT IDENTITY_HEADER 2>/dev/null

# The secrets: each with '/', '+', '=' or a space where an encoding changes
# them, and a start of its own (its first characters are looked for too).
export AZ_KEY="KeyQ9/Xv+T2mB8rL0pZs4Wd7Yh1Nc6Gf3Ju5Ea2KKo9A"
export AZ_SAS="sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2031-01-01T00:00:00Z&sig=SaS7/kPq+Wz3Lm9Xc1Vb5Nd%2Bh4Ty8Ru0="
export AZ_CS="cliSecret s3/cr+t=&echo~x"
export ECHO_CC_TOKEN="ccTok4/Aq1+Zx9=Vb7/Lm3+Qw5Ee8Rr2Tt6Yy0"
export ECHO_MI_TOKEN="miTok8+Hn2/Jk5=Ll1+Pp9/Oo3Ii7Uu4Yy6Tt0"
export ECHO_PBI_CC_TOKEN="pbiCcTk3/Gg8+Hh2=Jj6/Kk1+Ll5Zz9Xx4Cc7"
export ECHO_PBI_MI_TOKEN="pbiMiTk6+Vv2/Bb9=Nn4+Mm8/Qq1Ww5Ee3Rr0"
export PBI_TOK="pbiStaticTk1/Aa9+Ss4=Dd7/Ff2+Gg6Hh3Jj8"

node $here/echo_server.mjs --port-file "$T/echo.port" > "$T/echo.log" 2>&1 &
pids="$pids $!"
i=0
while [ ! -s "$T/echo.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -s "$T/echo.port" ]; then
	fail echo_start "the echo server did not start: $(head -3 "$T/echo.log")"
	exit 1
fi
E="http://127.0.0.1:$(cat "$T/echo.port")"
MI="$E/metadata/identity/oauth2/token"

az() {	# az NAME AUTH: an azure lake on the echo server
	printf '"%s": {"kind": "azure", "account": "devstoreaccount1", "container": "echo", "endpoint": "%s/devstoreaccount1", "retries": 0, "auth": %s}' "$1" "$E" "$2"
}
pbi() {	# pbi NAME AUTH: a Power BI lake on the echo server
	printf '"%s": {"kind": "powerbi", "workspace": "11111111-2222-3333-4444-555555555555", "base_url": "%s/v1.0/myorg", "retries": 0, "auth": %s}' "$1" "$E" "$2"
}
ds() {	# ds LAKE FORMAT [OPTIONS]
	printf '"bronze.%s": {"source": "s", "layer": "bronze", "lake": "%s", "path": "%s", "format": "%s"%s}' "$1" "$1" "$1" "$2" "${3:+, \"format_options\": $3}"
}
cat > "$T/echo.json" <<EOC
{
  "name": "secrets",
  "lakes": {
    $(az key '{"account_key": {"env": "AZ_KEY"}}'),
    $(az sas '{"sas": {"env": "AZ_SAS"}}'),
    $(az cc "{\"client_secret\": {\"env\": \"AZ_CS\"}, \"tenant_id\": \"t-echo\", \"client_id\": \"c-echo\", \"authority_host\": \"$E\"}"),
    $(az mi "{\"managed_identity\": true, \"identity_endpoint\": \"$MI\"}"),
    $(pbi pbitok '{"method": "token", "token": {"env": "PBI_TOK"}}'),
    $(pbi pbimi "{\"method\": \"managed_identity\", \"identity_endpoint\": \"$MI\"}"),
    $(pbi pbicc "{\"method\": \"client_secret\", \"client_secret\": {\"env\": \"AZ_CS\"}, \"tenant_id\": \"t-echo\", \"client_id\": \"c-echo\", \"authority_host\": \"$E\"}")
  },
  "sources": {"s": {"title": "S"}},
  "datasets": {
    $(ds key csv), $(ds sas csv), $(ds cc parquet), $(ds mi csv),
    $(ds pbitok powerbi '{"table": "T"}'), $(ds pbimi powerbi '{"table": "T"}'),
    $(ds pbicc powerbi '{"table": "T"}')
  }
}
EOC

for f in 0 1 2 3; do
	curl -s "$E/__form/$f" > /dev/null
	for fmt in text json junit; do
		timeout 60 "$LW_BIN" check --config "$T/echo.json" \
			--history "$T/echo.db" --format $fmt --verbose \
			--log "$T/log-$f-$fmt.log" > "$T/out-$f.$fmt" \
			2> "$T/err-$f-$fmt.txt"
		echo $? > "$T/rc-$f-$fmt"
	done
done
sqlite3 "$T/echo.db" .dump > "$T/echo.dump" 2>&1

# every form of every secret (and of the SAS signature alone), and the
# start of each
node -e '
	const pct = (x, low, form) => [...Buffer.from(x)].map(b => {
		const c = String.fromCharCode(b);
		if (/[A-Za-z0-9._~-]/.test(c)) return c;
		if (form && c === " ") return "+";
		const h = b.toString(16).padStart(2, "0");
		return "%" + (low ? h : h.toUpperCase());
	}).join("");
	const b64 = (x) => Buffer.from(x).toString("base64");
	// base64 of x inside a longer text, at each alignment: the characters
	// that depend on x alone
	const mid = (x, k) => { const e = b64(Buffer.concat([Buffer.alloc(k), Buffer.from(x)]));
		return e.slice(k ? 4 : 0, 4 * Math.floor((k + Buffer.byteLength(x)) / 3)); };
	const sig = process.env.AZ_SAS.replace(/.*sig=/, "");
	for (const s of [process.env.AZ_KEY, process.env.AZ_SAS, sig, decodeURIComponent(sig),
		process.env.AZ_CS, process.env.ECHO_CC_TOKEN, process.env.ECHO_MI_TOKEN,
		process.env.ECHO_PBI_CC_TOKEN, process.env.ECHO_PBI_MI_TOKEN, process.env.PBI_TOK])
		for (const f of [s, pct(s, false), pct(s, true), pct(s, false, true),
			mid(s, 0), mid(s, 1), mid(s, 2), JSON.stringify(s).slice(1, -1),
			JSON.stringify(s).slice(1, -1).replace(/\//g, "\\/")]) {
			// the form, and its first 10 characters: what a message
			// cut before it was redacted would leave (a SAS is all
			// signature but for its start: only the sig counts there)
			if (f.length >= 8) console.log(f);
			if (f.length > 10 && s !== process.env.AZ_SAS) console.log(f.slice(0, 10));
		}' | sort -u > "$T/forms"

leaks=$(grep -F -l -f "$T/forms" "$T"/out-* "$T"/log-* "$T"/err-* \
	"$T/echo.dump" 2>/dev/null | sed "s|$T/||" | tr '\n' ' ')
# the echo must have reached the reports and the history: each lake's
# dataset has its error with the echo (7 datasets, a few lines each)
echoed=$(grep -c "echo form" "$T/out-3.json")
if [ -z "$leaks" ] && [ "$echoed" -ge 7 ] && grep -q "echo form" "$T/echo.dump"; then
	pass every_secret_kind_hidden_in_every_form
else
	fail every_secret_kind_hidden_in_every_form "found in: ${leaks:-nothing}; datasets echoed in JSON: $echoed"
	for l in $leaks; do grep -F -o -f "$T/forms" "$T/$l" | sort -u | head -3 | sed "s|^|    $l: |"; done
fi
exit $status
