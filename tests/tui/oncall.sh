#!/bin/bash
# oncall.sh - the on-call loop end to end, through the real binaries:
# `lakewatch watch` polls a small fs lake every second and pages a webhook
# stand-in (tests/notify/standin.py); the dashboard, opened in tmux at 80x24
# over watch's history file, shows the failing dataset and its cause; the
# incident is acknowledged there (key 5, then a with a note); the data is
# fixed and watch resolves the incident and sends the resolve. A reminder
# is due every 2 s while the incident is open and not acknowledged, so none
# after the ack shows the ack reached watch's planner.
#
#   oncall.sh BIN DIR TMUX_SOCKET     (called by t_oncall_80 in run.sh)
# Exits 0 when every step held; otherwise says which step failed.
BIN=$1 D=$2 SOCK=$3
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../notify/lib.sh"
T="tmux -L $SOCK"
WPID='' SPID=''

cleanup() {
	$T kill-server 2>/dev/null
	if [ -n "$WPID" ]; then
		kill "$WPID" 2>/dev/null
		for _ in $(seq 100); do kill -0 "$WPID" 2>/dev/null || break; sleep 0.05; done
		kill -9 "$WPID" 2>/dev/null
	fi
	if [ -n "$SPID" ]; then
		nt_stop "$D"
		kill "$SPID" 2>/dev/null
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "  oncall: step $STEP: $*"
	[ -s "$D/watch.err" ] && tail -n 15 "$D/watch.err" | sed 's/^/    watch| /'
	exit 1
}
# until CMD... succeeds, at most SECONDS (polled every 0.1 s)
until_ok() {
	local n=$(( $1 * 10 )); shift
	while [ $n -gt 0 ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.1; n=$((n - 1))
	done
	return 1
}
screen() { $T capture-pane -p; }
shows() { screen | grep -qF -- "$1"; }
shows_re() { screen | grep -qE -- "$1"; }
show_fail() { echo "  oncall: step $STEP: $*"; screen | sed 's/^/    | /'; exit 1; }
wait_for() { until_ok "${2:-10}" shows "$1" || show_fail "timed out waiting for: $1"; }
wait_re() { until_ok "${2:-10}" shows_re "$1" || show_fail "timed out waiting for /$1/"; }
polls() { grep -c 'poll finished in' "$D/watch.err"; }
polls_at_least() { [ "$(polls)" -ge "$1" ]; }
q() { sqlite3 -cmd ".timeout 10000" "$D/h.db" "$1"; }	# watch writes it too
reminders_after() {	# reminder notices in messages after outbox id $1
	q "SELECT count(*) FROM outbox_notices WHERE kind = 'reminder' AND msg > $1"
}

rm -rf "$D" && mkdir -p "$D" || exit 1
STEP="setup"
nt_start "$D" || fail "the webhook stand-in did not start"
SPID=$!
nt_config "$D" 2s
sed -i 's/"name": "nt",/"name": "nt", "poll": {"interval": "1s"},/' "$D/c.json"
export NT_HMAC=$NT_KEY

# 1. watch runs, every dataset passing
STEP="1 (watch starts)"
(cd "$D" && exec "$BIN" watch -c c.json --listen 127.0.0.1:0) \
	</dev/null >"$D/watch.out" 2>"$D/watch.err" &
WPID=$!
until_ok 20 polls_at_least 1 || fail "watch finished no poll in 20 s"
kill -0 "$WPID" || fail "watch exited"
[ "$(q "SELECT count(*) FROM incidents")" = 0 ] || fail "an incident before anything broke"

# 2. bronze.a breaks: paged (the stand-in gets the opened notice)
STEP="2 (paged)"
nt_rows "$D" a 0
until_ok 20 nt_got "$D" 'any(n["kind"] == "opened" for n in notices)' ||
	fail "no opened notice in 20 s: $(nt_got "$D" False 2>&1)"
nt_got "$D" 'g[0]["status"] == 202 and g[0]["sig_ok"] is True and [(n["kind"], n["dataset"], n["check"]) for n in g[0]["body"]["notices"]] == [("opened", "bronze.a", "row_count")]' ||
	fail "the first message is not the signed opened notice of bronze.a row_count"
INC=$(q "SELECT id FROM incidents WHERE dataset = 'bronze.a' AND resolved IS NULL")
[ -n "$INC" ] || fail "no open incident of bronze.a in the history"

# 3. the dashboard over watch's history: the cause on screen, then ack.
# It polls once at start (--interval 1h), so the polls after are watch's:
# the resolve is watch's own, not a dashboard poll's.
STEP="3 (dashboard shows the cause)"
$T -f /dev/null new-session -d -x 80 -y 24 -c "$D" \
	"env LANG=C.UTF-8 LC_ALL= TERM=screen-256color NO_COLOR= USER=oncaller NT_HMAC=$NT_KEY '$BIN' tui --config c.json --interval 1h; echo \$? > tui.status" ||
	fail "tmux did not start"
$T set-option -g remain-on-exit on >/dev/null
wait_for "last poll" 15
# the overview: the matrix cell, and the change with its cause
wait_re 'bronze\.a +PASS → ✗ FAIL +row_count: too few rows'
shows_re 'Shop +▸?✗ FAIL 1f' || show_fail "the Shop bronze cell is not FAIL 1f"
$T send-keys 5
wait_for "1 open incident, worst first"
wait_re 'FAIL +bronze\.a +row_count'
# the cause, in the selected incident's full view below the list
wait_re '#[0-9]+ bronze\.a row_count: FAIL for .*too few rows: 0'

STEP="3 (acknowledge)"
$T send-keys a
wait_for "note (Enter, Esc cancels)"
$T send-keys -l "looking at the loader"
$T send-keys Enter
wait_for "acknowledged 1 incident of bronze.a as oncaller"
wait_re 'bronze\.a .*✓ oncaller'
wait_for "looking at the loader"
ACK=$(q "SELECT user || '|' || note FROM acks WHERE incident = $INC")
[ "$ACK" = "oncaller|looking at the loader" ] ||
	fail "acks row of incident $INC is '$ACK', not 'oncaller|looking at the loader'"
[ "$(q "SELECT acked_by FROM incidents WHERE id = $INC")" = oncaller ] ||
	fail "incident $INC is not marked acknowledged in the history"

# 4. no reminder after the ack: let a poll that began before it finish,
# then watch 4 polls (2 repeats' worth) send none
STEP="4 (no reminder after the ack)"
P=$(polls)
until_ok 20 polls_at_least $((P + 2)) || fail "watch stopped polling"
M0=$(q "SELECT coalesce(max(id), 0) FROM outbox")
G0=$(wc -l < "$D/got.jsonl")
P=$(polls)
until_ok 20 polls_at_least $((P + 4)) || fail "watch stopped polling"
[ "$(reminders_after "$M0")" = 0 ] || fail "a reminder was enqueued after the ack"

# 5. the data is fixed: watch resolves it and the stand-in hears it
STEP="5 (resolved)"
nt_rows "$D" a 3
until_ok 30 nt_got "$D" 'any(n["kind"] == "resolved" for n in notices)' ||
	fail "no resolved notice in 30 s: $(nt_got "$D" False 2>&1)"
[ -n "$(q "SELECT resolved FROM incidents WHERE id = $INC")" ] ||
	fail "incident $INC not resolved in the history"
nt_got "$D" "all(r['status'] == 202 and r['sig_ok'] is True for r in g) and not any(n['kind'] == 'reminder' for r in g[$G0:] for n in r['body']['notices']) and [(n['kind'], n['dataset']) for n in g[-1]['body']['notices']] == [('resolved', 'bronze.a')]" ||
	fail "after the ack: a reminder, a bad signature or the resolve is not last"
[ "$(reminders_after "$M0")" = 0 ] || fail "a reminder was enqueued after the ack"
grep -q 'dataset=bronze\.a check=row_count: incident resolved' "$D/watch.err" ||
	fail "watch logged no resolve"
[ "$(q "SELECT r.pid FROM incident_events e JOIN runs r ON r.id = e.run WHERE e.incident = $INC AND e.kind = 'resolved'")" = "$WPID" ] ||
	fail "incident $INC was not resolved by watch's poll"
# the dashboard, polled once more, shows it gone
$T send-keys r
wait_for "no open incidents" 15
$T send-keys q
until_ok 5 test -s "$D/tui.status" || show_fail "the dashboard did not quit"
[ "$(cat "$D/tui.status")" = 0 ] || fail "the dashboard exited $(cat "$D/tui.status")"

# 6. watch stops cleanly on SIGTERM (under ASan: no report, no leak)
STEP="6 (watch stops)"
kill -0 "$WPID" || fail "watch died"
kill -TERM "$WPID"
until_ok 15 sh -c "! kill -0 $WPID" || fail "watch still running 15 s after SIGTERM"
wait "$WPID"; st=$?
WPID=
[ "$st" = 0 ] || fail "watch exited $st after SIGTERM"
! grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$D/watch.err" ||
	fail "a sanitizer report from watch"
exit 0
