#!/bin/bash
# tests/e2e/run.sh - end-to-end tests: the real lakewatch binary against the
# demo lake that demo/generate.mjs writes (with DuckDB, not lakewatch).
#
#   LW_BIN=build/test/lakewatch LW_BUILD=build/test tests/e2e/run.sh [name ...]
#
# LW_BIN must be a testing build (make test-build: build/test/lakewatch):
# the driver refuses a binary that ignores LAKEWATCH_NOW (./lakewatch, an
# installed one) with "FAIL e2e/binary". The demo lake is built once per
# run into $LW_BUILD/e2e/lake with "now" pinned to $NOW; every lakewatch
# run gets LAKEWATCH_NOW=$NOW and NO_COLOR=1. Each case appends
# "PASS e2e/<name>", "FAIL e2e/<name>" or "SKIP e2e/<name> (reason)
# [needs TOOLS]" to $LW_BUILD/results.txt and prints what went wrong on
# failure.
#
# A case is a file tests/e2e/<name>.test of "key: value" lines, run top to
# bottom. Blank lines and lines starting with '#' are comments.
#
#   skip-if: SHELL      skip the case when this exits 0 ...
#   skip-reason: TEXT   ... giving this reason
#   skip-needs: TOOLS   ... because these are missing: commands or paths
#                       (with a '/'); tests/summary.sh fails the run when
#                       the case skipped although all of them are present
#   env: NAME=VALUE     environment for the lakewatch run (repeatable)
#   setup: SHELL        run before lakewatch, must exit 0 (repeatable)
#   args: WORDS         lakewatch's arguments, shell-expanded (one per case)
#   stdin: FILE         feed this file to lakewatch (default /dev/null)
#   wrap: WORDS         run lakewatch through this command, e.g.
#                       "wrap: $AS_NOBODY" (setpriv to nobody when root),
#                       "wrap: $E2E/tty.sh" (stdout on a pseudo-terminal)
#   exit: N             expected exit code (required: a case without one
#                       FAILs, naming its file)
#   stdout-contains: TEXT      fixed text somewhere in stdout
#   stdout-not-contains: TEXT
#   stdout-matches: ERE        a line of stdout matches (grep -E)
#   stdout-not-matches: ERE
#   stderr-contains: / stderr-not-contains: / stderr-matches: / stderr-not-matches:
#   output-contains: / output-not-contains: / output-matches:   stdout+stderr
#   json: JQ            `jq -e JQ` over stdout must print true
#   junit: PYEXPR       stdout must be well-formed XML and the Python
#                       expression true; r is the root element, and
#                       suite(name) finds a <testsuite name=...>
#   check: SHELL        after the run, must exit 0 (repeatable)
#
# Values are shell-expanded (eval) for setup, args, env, check and skip-if;
# literal for the rest, except that $LAKE, $TMP and $NOW are substituted.
# Variables: $LW_BIN  the binary          $ROOT   the project root
#            $LAKE    the shared lake     $TMP    a fresh dir for this case
#            $CONFIG  $TMP/config.json: examples/ecommerce.json with its
#                     root at $LAKE and its history at $TMP/history.db
#            $CONFIGS tests/e2e/configs   $NOW    the pinned time
#            $OUT $ERR  files holding the run's stdout and stderr (check:)
#            $E2E    tests/e2e (helpers such as tty.sh, json_keys.py)
#            $AS_NOBODY  a setpriv prefix dropping to nobody when run as
#                     root (root ignores file permissions), else empty
# Helpers for setup/check: gen_lake DIR [generate.mjs options],
# mk_config LAKE OUT (a config copy like $CONFIG but over LAKE) and
# delta_live_rows TABLE_DIR (DuckDB's count of a Delta table's live rows).
#
# Power BI: the driver starts the local stand-in (tests/services/powerbi/
# server.mjs) once, on a free loopback port, serving the workspace that
# generate.mjs derived from $LAKE ($LAKE/.powerbi/workspace.json), and
# exports LAKEWATCH_POWERBI_URL (also as $PBI_URL) for every case; it is
# stopped on exit. A case can point the variable elsewhere with env:.
# $PBI_DOWN is a loopback URL where nothing listens. The control-plane
# stand-in (tests/services/controlplane.mjs, started by demo/controlplane.sh
# as demo/run does) serves $LAKE/.controlplane/plane.json the same way:
# LAKEWATCH_ARM_URL, LAKEWATCH_SYNAPSE_URL, LAKEWATCH_DATABRICKS_URL,
# $CP_URL; $CP_DOWN listens to nothing.

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
E2E="$ROOT/tests/e2e"
B=${LW_BUILD:-build}
case "$B" in /*) ;; *) B="$ROOT/$B" ;; esac
LW_BIN=${LW_BIN:-$ROOT/build/test/lakewatch}
RES="$B/results.txt"
NOW=2026-11-20T14:30:00Z
CONFIGS="$E2E/configs"
WORK="$B/e2e"
LAKE="$WORK/lake"
AS_NOBODY=
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	AS_NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
export ROOT E2E LW_BIN NOW CONFIGS LAKE AS_NOBODY

mkdir -p "$B"
if [ ! -x "$LW_BIN" ]; then
	echo "e2e: no lakewatch binary at $LW_BIN"
	echo "FAIL e2e/binary (missing $LW_BIN)" >> "$RES"
	exit 1
fi
for tool in node jq python3; do
	if ! command -v "$tool" >/dev/null; then
		echo "e2e: $tool is needed"
		echo "FAIL e2e/tools ($tool missing)" >> "$RES"
		exit 1
	fi
done

gen_lake() {
	local out=$1; shift
	node "$ROOT/demo/generate.mjs" --now "$NOW" --out "$out" --quiet "$@"
}

# delta_live_rows TABLE: rows in the table's live data files, counted by
# DuckDB: every Parquet file on disk minus those a commit removed (the log's
# own stats are not used, so this is independent of lakewatch's reading).
delta_live_rows() {
	local t=$1 list
	list=$(cd "$t" && find . -name '*.parquet' -not -path './_delta_log/*' |
		sed 's|^\./||' | sort |
		grep -vxF -f <(cat _delta_log/*.json | jq -r 'select(.remove) | .remove.path') |
		sed "s|.*|'$t/&'|" | paste -sd, -)
	node "$E2E/duck.mjs" "SELECT count(*) FROM read_parquet([$list])"
}

mk_config() {
	sed -e "s|\"../demo-lake|\"$1|g" \
	    -e "s|\"path\": \"../lakewatch-demo.db\"|\"path\": \"$(dirname "$2")/history.db\"|" \
	    "$ROOT/examples/ecommerce.json" > "$2"
	grep -q "\"root\": \"$1\"" "$2"
}

rm -rf "$WORK"
mkdir -p "$WORK"
if ! gen_lake "$LAKE"; then
	echo "e2e: demo/generate.mjs failed"
	echo "FAIL e2e/generate" >> "$RES"
	exit 1
fi

# A testing build? Every case relies on LAKEWATCH_NOW, which only
# -DLW_TESTING builds honour (Makefile).
mk_config "$LAKE" "$WORK/probe.json" &&
LAKEWATCH_NOW=$NOW NO_COLOR=1 "$LW_BIN" check --config "$WORK/probe.json" \
	--no-history --format json --dataset '^bronze\.pos_purchases$' > "$WORK/probe.out" 2>&1
if [ "$(jq -r .started "$WORK/probe.out" 2>/dev/null)" != "$NOW" ]; then
	echo "e2e: $LW_BIN ignores LAKEWATCH_NOW: not a testing build (make test-build; build/test/lakewatch)"
	echo "FAIL e2e/binary ($LW_BIN is not a testing build)" >> "$RES"
	exit 1
fi

# The Power BI stand-in, for the whole run.
pbi_pid=
stop_pbi() { [ -n "$pbi_pid" ] && kill "$pbi_pid" 2>/dev/null; }
trap stop_pbi EXIT
trap 'exit 130' INT TERM
node "$ROOT/tests/services/powerbi/server.mjs" --port 0 \
	--port-file "$WORK/pbi.port" --log "$WORK/pbi.log" \
	--workspace "$LAKE/.powerbi/workspace.json" > "$WORK/pbi.out" 2>&1 &
pbi_pid=$!
i=0
while [ ! -s "$WORK/pbi.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -s "$WORK/pbi.port" ]; then
	echo "e2e: the Power BI stand-in did not start"; cat "$WORK/pbi.out"
	echo "FAIL e2e/powerbi-stand-in" >> "$RES"
	exit 1
fi
PBI_URL="http://127.0.0.1:$(cat "$WORK/pbi.port")/v1.0/myorg"
# a port nothing listens on: bind one, note it, let it go
PBI_DOWN="http://127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')/v1.0/myorg"
LAKEWATCH_POWERBI_URL=$PBI_URL
export PBI_URL PBI_DOWN LAKEWATCH_POWERBI_URL

# The control-plane stand-in, for the whole run, as demo/run starts it
# (demo/controlplane.sh): the pipelines and jobs generate.mjs derived from
# $LAKE. It exports LAKEWATCH_ARM_URL, LAKEWATCH_SYNAPSE_URL and
# LAKEWATCH_DATABRICKS_URL (also $CP_URL); $CP_DOWN is where nothing listens.
CP_ROOT=$ROOT
. "$ROOT/demo/controlplane.sh"
trap 'stop_pbi; cp_stop' EXIT
if ! cp_start "$LAKE" "$WORK/cp.log"; then
	echo "e2e: the control-plane stand-in did not start"
	echo "FAIL e2e/controlplane-stand-in" >> "$RES"
	exit 1
fi
CP_DOWN=${PBI_DOWN%/v1.0/myorg}
export CP_DOWN

# Substitute the few variables literal assertions may use.
subst() {
	local s=$1
	s=${s//\$LAKE/$LAKE}
	s=${s//\$TMP/$TMP}
	s=${s//\$NOW/$NOW}
	printf '%s' "$s"
}

JUNIT_PY='
import sys, xml.etree.ElementTree as ET
try:
    r = ET.parse(sys.argv[1]).getroot()
except Exception as e:
    print("not well-formed XML: %s" % e); sys.exit(1)
def suite(name):
    for s in r.iter("testsuite"):
        if s.get("name") == name:
            return s
    return None
sys.exit(0 if eval(sys.argv[2]) else 1)
'

# run_case FILE: sets $why to the failure text, returns 0 pass, 1 fail,
# 2 skip.
run_case() {
	local file=$1 key val line args='' have_args=0 expect='' rc
	local -a envs=() setups=() asserts=()
	local stdin=/dev/null skip_if='' skip_reason='' wrap=''
	skip_needs=''
	why=
	while IFS= read -r line || [ -n "$line" ]; do
		case "$line" in ''|'#'*) continue ;; esac
		key=${line%%:*}
		val=${line#*:}
		val=${val# }
		case "$key" in
		skip-if) skip_if=$val ;;
		skip-reason) skip_reason=$val ;;
		skip-needs) skip_needs=$val ;;
		env) envs+=("$val") ;;
		setup) setups+=("$val") ;;
		args) args=$val; have_args=1 ;;
		stdin) stdin=$val ;;
		wrap) wrap=$val ;;
		exit) expect=$val ;;
		stdout-contains|stdout-not-contains|stdout-matches|stdout-not-matches|\
		stderr-contains|stderr-not-contains|stderr-matches|stderr-not-matches|\
		output-contains|output-not-contains|output-matches|json|junit|check)
			asserts+=("$key"$'\t'"$val") ;;
		*) why="$file: unknown key '$key'"; return 1 ;;
		esac
	done < "$file"
	[ $have_args = 1 ] || { why="$file: no args: line"; return 1; }
	[ -n "$expect" ] || { why="$file: no exit: line (every case states its exit code)"; return 1; }

	TMP="$WORK/$name"
	rm -rf "$TMP"; mkdir -p "$TMP"
	CONFIG="$TMP/config.json"
	OUT="$TMP/stdout"; ERR="$TMP/stderr"
	export TMP CONFIG OUT ERR
	mk_config "$LAKE" "$CONFIG" || { why="could not write $CONFIG"; return 1; }

	if [ -n "$skip_if" ] && (eval "$skip_if") >/dev/null 2>&1; then
		why=${skip_reason:-$skip_if}
		return 2
	fi
	local s
	for s in "${setups[@]}"; do
		if ! (eval "$s") > "$TMP/setup.out" 2>&1; then
			why="setup failed: $s"$'\n'"$(head -20 "$TMP/setup.out")"
			return 1
		fi
	done

	local -a argv wrapv
	eval "argv=($args)"
	eval "wrapv=($wrap)"
	(
		export LAKEWATCH_NOW="$NOW" NO_COLOR=1
		for s in "${envs[@]}"; do eval "export $s"; done
		eval "stdin=$stdin"
		exec timeout 120 "${wrapv[@]}" "$LW_BIN" "${argv[@]}" < "$stdin"
	) > "$OUT" 2> "$ERR"
	rc=$?
	echo "$rc" > "$TMP/exit"
	cat "$OUT" "$ERR" > "$TMP/output"

	local fails='' a kind text src
	if [ "$rc" != "$expect" ]; then
		fails+="exit code $rc, expected $expect"$'\n'
	fi
	[ $rc = 124 ] && fails+="timed out"$'\n'
	for a in "${asserts[@]}"; do
		kind=${a%%$'\t'*}
		text=${a#*$'\t'}
		case "$kind" in
		stdout-*) src=$OUT ;;
		stderr-*) src=$ERR ;;
		output-*) src="$TMP/output" ;;
		esac
		case "$kind" in
		check) text=$text ;;
		*) text=$(subst "$text") ;;
		esac
		case "$kind" in
		*-not-contains)
			grep -qF -- "$text" "$src" && fails+="$kind: $text"$'\n' ;;
		*-contains)
			grep -qF -- "$text" "$src" || fails+="$kind: $text"$'\n' ;;
		*-not-matches)
			grep -qE -- "$text" "$src" && fails+="$kind: $text"$'\n' ;;
		*-matches)
			grep -qE -- "$text" "$src" || fails+="$kind: $text"$'\n' ;;
		json)
			local got
			got=$(jq -e "$text" "$OUT" 2>&1)
			[ $? = 0 ] && [ "$got" = true ] ||
				fails+="json: $text -> ${got:-(nothing)}"$'\n' ;;
		junit)
			local msg
			msg=$(python3 -c "$JUNIT_PY" "$OUT" "$text" 2>&1) ||
				fails+="junit: $text ${msg:+($msg)}"$'\n' ;;
		check)
			local msg
			msg=$( (eval "$text") 2>&1 ) ||
				fails+="check: $text${msg:+ -> $(printf '%s' "$msg" | head -5)}"$'\n' ;;
		esac
	done
	if [ -n "$fails" ]; then
		why="${fails}--- lakewatch $args (exit $rc)"$'\n'
		why+="--- stdout:"$'\n'"$(head -60 "$OUT")"$'\n'
		why+="--- stderr:"$'\n'"$(head -20 "$ERR")"
		return 1
	fi
	return 0
}

pass=0 fail=0 skip=0
if [ $# -gt 0 ]; then
	cases=()
	for n in "$@"; do cases+=("$E2E/${n%.test}.test"); done
else
	cases=("$E2E"/*.test)
fi
for f in "${cases[@]}"; do
	name=$(basename "$f" .test)
	if [ ! -f "$f" ]; then
		echo "FAIL e2e/$name (no such case)" | tee -a "$RES"
		fail=$((fail + 1)); continue
	fi
	run_case "$f"
	case $? in
	0) echo "PASS e2e/$name" >> "$RES"; pass=$((pass + 1)) ;;
	2) echo "SKIP e2e/$name ($why)${skip_needs:+ [needs $skip_needs]}" >> "$RES"
	   skip=$((skip + 1))
	   echo "skip e2e/$name: $why" ;;
	*) echo "FAIL e2e/$name" >> "$RES"; fail=$((fail + 1))
	   echo "FAIL e2e/$name"; printf '%s\n' "$why" | sed 's/^/    /' ;;
	esac
done
echo "e2e: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
