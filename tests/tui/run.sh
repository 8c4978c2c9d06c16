#!/bin/sh
# run.sh - the dashboard's end-to-end tests: the real binary in a detached
# tmux server (own socket, fixed size), driven with send-keys and read with
# capture-pane. Each case gets a fresh fixture (tests/tui/fixture/make.sh)
# and appends "PASS tui/<name>" or "FAIL tui/<name>" to $LW_BUILD/results.txt.
# Usage: run.sh [case ...]   (default: every case)
B=${LW_BUILD:-build}
BIN=${LW_BIN:-$(pwd)/build/test/lakewatch}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$B"
B=$(cd "$B" && pwd)
res="$B/results.txt"
WORK="$B/tui"
SOCK="lwtui$$"
T="tmux -L $SOCK"

if ! command -v tmux >/dev/null 2>&1; then
	echo "SKIP tui (no tmux) [needs tmux]" >> "$res"
	echo "tui: tmux not installed, skipped"
	exit 0
fi
NSTART=0
trap '$T kill-server 2>/dev/null' EXIT INT TERM

# --- helpers ---------------------------------------------------------------
# start W H [VAR=value ...] -- [lakewatch args]: a fresh fixture in $FX and
# the dashboard in a new tmux server; the pane stays after the process ends
# so its exit status and the restored screen can be checked.
start() {
	w=$1 h=$2; shift 2
	envs="LANG=C.UTF-8 LC_ALL= TERM=screen-256color NO_COLOR="
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs="$envs $1"; shift; done
	[ "$1" = "--" ] && shift
	FX="$WORK/$NAME"
	# FX_KEEP=1: the case made the fixture itself (and ran things in it)
	[ -n "${FX_KEEP:-}" ] || "$HERE/fixture/make.sh" "$FX" || return 1
	# PREP (a shell function's name, optional): more fixture, in $FX
	if [ -n "$PREP" ]; then (cd "$FX" && "$PREP") || return 1; fi
	# a case's changes to the fixture (shell, run in it), if any
	[ -z "${FIXTURE_HOOK:-}" ] || (cd "$FX" && eval "$FIXTURE_HOOK") || return 1
	# a new server (own socket) per start: a server being killed must
	# never be reused
	$T kill-server 2>/dev/null
	NSTART=$((NSTART + 1))
	T="tmux -L ${SOCK}_${NAME}_$NSTART"
	$T -f /dev/null new-session -d -x "$w" -y "$h" -c "$FX" \
		"sh -c 'echo \$\$ > shpid; env $envs \"$BIN\" tui --config lakewatch.json $*; echo \$? > status'" \
		|| return 1
	$T set-option -g remain-on-exit on >/dev/null
	$T set-option -g window-size manual >/dev/null 2>&1
	i=0; PID=
	while [ -z "$PID" ] && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i+1))
		[ -s "$FX/shpid" ] && PID=$(pgrep -P "$(cat "$FX/shpid")")
	done
	[ -n "$PID" ]
}
screen() { $T capture-pane -p; }
keys() { $T send-keys "$@"; }
# wait_for TEXT [SECONDS]: until the screen shows TEXT (fixed string).
wait_for() {
	n=$(( ${2:-8} * 20 ))
	while [ $n -gt 0 ]; do
		screen | grep -qF -- "$1" && return 0
		sleep 0.05; n=$((n-1))
	done
	echo "  $NAME: timed out waiting for: $1"
	screen | sed 's/^/    | /'
	return 1
}
# wait_re REGEX [SECONDS]
wait_re() {
	n=$(( ${2:-8} * 20 ))
	while [ $n -gt 0 ]; do
		screen | grep -qE -- "$1" && return 0
		sleep 0.05; n=$((n-1))
	done
	echo "  $NAME: timed out waiting for /$1/"
	screen | sed 's/^/    | /'
	return 1
}
has() { screen | grep -qF -- "$1" || { echo "  $NAME: missing: $1"; screen | sed 's/^/    | /'; return 1; }; }
hasnt() { ! screen | grep -qF -- "$1" || { echo "  $NAME: should not show: $1"; return 1; }; }
ready() { wait_for "last poll" 10; }
# quit and check the process ended with 0 and the terminal was restored
quit_ok() {
	keys q
	dead 5 || return 1
	st=$(cat "$FX/status")
	[ "$st" = 0 ] || { echo "  $NAME: exit status $st"; return 1; }
	hasnt "Health by source" || return 1
}
dead() {
	n=$(( ${1:-5} * 20 ))
	while [ $n -gt 0 ]; do
		[ -s "$FX/status" ] && return 0
		sleep 0.05; n=$((n-1))
	done
	echo "  $NAME: the dashboard did not exit"
	return 1
}
row() { screen | sed -n "$1p"; }	# one screen line (1-based)

# --- cases -----------------------------------------------------------------
t_overview() {
	start 100 30 && ready || return 1
	has "tui fixture" && has "Health by source and layer" || return 1
	# matrix rows are the sources, with worst status and counts
	screen | grep -E '^.Onsite store .*FAIL' >/dev/null &&
	screen | grep -E '^.Website .*PASS' >/dev/null &&
	screen | grep -E '^.CRM .*ERROR.*WARN' >/dev/null ||
		{ echo "  matrix rows wrong"; screen; return 1; }
	# the hurt consumer, which dataset and which check
	has "FAIL   Sales & accounting — gold.sales_daily stale 7h (warn 2h, fail 6h)" || return 1
	has "Marketing — bronze.crm_contacts freshness:" || return 1
	screen | grep -E 'PASS +Fraud detection' >/dev/null || return 1
	# a fresh history: the first observation is new, not a change from PASS
	has "Latest status changes" && has "new → ✗ FAIL" && hasnt "PASS → ✗ FAIL" || return 1
	quit_ok
}

t_detail() {
	start 100 30 && ready || return 1
	keys 2 && wait_for "6 of 6 datasets" || return 1
	keys / s a l e s _ d Enter && wait_for "1 of 6 datasets" || return 1
	keys Enter && wait_for "Checks" || return 1
	has "gold.sales_daily  Onsite store / Gold" && has "freshness" &&
	has "7h" && has "Observation" && has "Recent runs" || return 1
	keys Escape && wait_for "1 of 6 datasets" || return 1
	keys 4 && wait_for "gold.sales_daily" && has "FAIL" || return 1
	quit_ok
}

t_filter() {
	start 100 30 && ready || return 1
	keys 2 && wait_for "6 of 6 datasets" || return 1
	keys / ^ g o l d && wait_for "2 of 6 datasets" || return 1
	hasnt "bronze.pos_purchases" || return 1
	keys "(" && wait_for "missing closing parenthesis" || return 1
	has "2 of 6 datasets" || return 1	# the last good filter stays
	keys Escape && wait_for "6 of 6 datasets" || return 1
	keys x && wait_for "3 of 6 datasets" && has "problems only" || return 1
	hasnt "PASS  bronze.web_clicks" || return 1
	keys c && wait_for "6 of 6 datasets" || return 1
	quit_ok
}

t_sort() {
	start 100 30 && ready || return 1
	keys 2 && wait_for "6 of 6 datasets" || return 1
	# default: worst first
	row 5 | grep -q "ERROR bronze.crm_contacts" || { row 5; return 1; }
	keys s && wait_for "dataset▼" || return 1		# by name
	row 5 | grep -q "bronze.crm_contacts" &&
	row 10 | grep -q "silver.orders" || { screen; return 1; }
	keys S && wait_for "dataset▲" || return 1		# reversed
	row 5 | grep -q "silver.orders" || { screen; return 1; }
	keys s s s && wait_for "age▼" || return 1		# oldest first
	row 5 | grep -q "gold.sales_daily" || { screen; return 1; }
	quit_ok
}

t_matrix_enter() {
	start 100 30 && ready || return 1
	keys Enter && wait_for "source: Onsite store  layer: Bronze" &&
		has "1 of 6 datasets" && has "bronze.pos_purchases" || return 1
	keys Escape 1 Tab && wait_for "Consumers *" || return 1
	# d lists a consumer's datasets (Enter opens the culprit's detail)
	keys j d && wait_for "consumer: Sales & accounting" &&
		has "3 of 6 datasets" || return 1
	quit_ok
}

t_resize() {
	start 100 30 && ready || return 1
	$T resize-window -x 80 -y 24 && sleep 0.3
	wait_for "Sales & accounting — gold.sales_daily stale 7h" || return 1
	[ "$(screen | awk '{ if (length($0) > m) m = length($0) } END { print NR }')" -le 24 ] || return 1
	$T resize-window -x 50 -y 12
	wait_for "terminal too small (need 60x16)" || return 1
	hasnt "Health by source" || return 1
	$T resize-window -x 80 -y 24
	wait_for "Health by source" || return 1
	quit_ok
}

t_no_color() {
	start 100 30 NO_COLOR=1 && ready || return 1
	out=$($T capture-pane -p -e)
	# no foreground or background colour, but attributes are used
	e=$(printf '\033')
	if printf '%s' "$out" | grep -qE "$e\\[[0-9;]*(3[0-7]|4[0-7]|38;5|48;5)[;m]"; then
		echo "  colour escape found with NO_COLOR"; return 1
	fi
	printf '%s' "$out" | grep -qE "$e\\[[0-9;]*(1|7)[;m]" ||
		{ echo "  no bold/reverse"; return 1; }
	has "✗ FAIL" && has "⊘ ERROR" || return 1	# never colour alone
	keys q; dead 5 || return 1
	# control: the same screen with colours does use them
	start 100 30 && ready || return 1
	$T capture-pane -p -e | grep -qE "$e\\[[0-9;]*(3[0-7]|38;5)" ||
		{ echo "  control run has no colour"; return 1; }
	quit_ok
}

no_high_bytes() {
	if screen | LC_ALL=C grep -q "$(printf '[\200-\377]')"; then
		echo "  $NAME: bytes >= 0x80 on screen:"
		screen | LC_ALL=C grep -n "$(printf '[\200-\377]')" | head -3
		return 1
	fi
}

t_ascii() {
	start 100 30 -- --ascii && ready || return 1
	wait_for "X FAIL" && has "+-" || return 1	# ready may see the history's last poll before this one lands
	no_high_bytes || return 1
	keys 2 && wait_for "6 of 6" && no_high_bytes || return 1
	keys Enter && wait_for "Checks" && no_high_bytes || return 1
	keys 4 && wait_for "when" && no_high_bytes || return 1
	keys q; dead 5 || return 1
	# a locale without UTF-8 gives ASCII on its own
	start 100 30 LANG=C && ready || return 1
	no_high_bytes || return 1
	quit_ok
}

t_theme() {
	start 100 30 && ready || return 1
	before=$($T capture-pane -p -e | head -1)
	keys t && wait_for "theme: light" || return 1
	after=$($T capture-pane -p -e | head -1)
	[ "$before" != "$after" ] || { echo "  header looks the same"; return 1; }
	keys t && wait_for "theme: high-contrast" || return 1
	quit_ok
}

t_reload() {
	start 100 30 && ready || return 1
	sed -i 's/"name": "tui fixture"/"name": "tui fixture reloaded"/' "$FX/lakewatch.json"
	keys R && wait_for "config reloaded: 6 datasets" &&
		wait_for "tui fixture reloaded" || return 1
	# a broken config is shown, the old one kept, polling goes on
	cp "$FX/lakewatch.json" "$FX/good.json"
	sed -i 's/"format": "csv"/"format": "cvs"/' "$FX/lakewatch.json"
	keys R && wait_for "config reload failed" && has "cvs" || return 1
	has "Sales & accounting" || return 1
	keys r && wait_for "polling now" && ready || return 1
	# SIGHUP reloads too
	sed 's/fixture reloaded/fixture via hup/' "$FX/good.json" > "$FX/lakewatch.json"
	kill -HUP "$PID" && wait_for "tui fixture via hup" || return 1
	hasnt "config reload failed" || return 1
	quit_ok
}

t_slow_poll() {
	start 100 30 LAKEWATCH_FS_DELAY_MS=400 || return 1
	wait_re "polling [0-9]+/6" 10 || return 1
	t0=$(date +%s%N)
	keys 2 && wait_for "of 6 datasets" 2 || return 1
	t1=$(date +%s%N)
	has "polling" || { echo "  poll ended before the key was seen"; return 1; }
	keys '?' && wait_for "every filter" 2 && has "polling" || return 1
	echo "  slow_poll: screen switch seen after $(( (t1 - t0) / 1000000 )) ms (tmux round trip)"
	keys Escape && wait_for "last poll" 20 || return 1
	quit_ok
}

t_sigterm() {
	start 80 24 && ready || return 1
	kill -TERM "$PID"
	dead 5 || return 1
	st=$(cat "$FX/status")
	[ "$st" = 0 ] || { echo "  exit status $st"; return 1; }
	hasnt "Health by source"
}

t_help() {
	start 80 24 && ready || return 1
	keys '?' && wait_for "this help" || return 1
	# wrapped, so the polling keys are a page down at 80x24
	keys NPage && wait_for "poll now" && has "pause or resume" || return 1
	keys Escape && wait_for "Health by source" || return 1
	quit_ok
}

t_history_error() {
	start 100 30 -- --history /nonexistent/dir/h.db && ready || return 1
	has "history unavailable:" || return 1
	has "Sales & accounting — gold.sales_daily stale 7h" || return 1
	keys 4 && wait_for "no history: the timeline is not available" || return 1
	quit_ok
}

t_bad_config() {
	start 100 30 || return 1
	wait_for "last poll" || return 1
	# break it before the next start: the dashboard must still come up
	keys q; dead 5 || return 1
	sed -i 's/"lake": "local"/"lake": "nowhere"/' "$FX/lakewatch.json"
	$T kill-server 2>/dev/null
	NSTART=$((NSTART + 1))
	T="tmux -L ${SOCK}_${NAME}_$NSTART"
	rm -f "$FX/status"
	$T -f /dev/null new-session -d -x 100 -y 30 -c "$FX" \
		"sh -c 'env LANG=C.UTF-8 \"$BIN\" tui --config lakewatch.json; echo \$? > status'"
	$T set-option -g remain-on-exit on >/dev/null
	wait_for "Config error (fix it and press R)" && has "nowhere" || return 1
	sed -i 's/"lake": "nowhere"/"lake": "local"/' "$FX/lakewatch.json"
	keys R && wait_for "last poll" && wait_for "Sales & accounting —" || return 1
	hasnt "Config error" || return 1
	quit_ok
}

cpu() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }	# clock ticks
t_idle() {
	start 80 24 && ready || return 1
	keys p && wait_for "paused" || return 1
	sleep 0.5
	c0=$(cpu); sleep 3; c1=$(cpu)
	# paused: nothing ticks on screen, so no wake-ups at all
	[ $((c1 - c0)) -le 1 ] || { echo "  idle used $((c1 - c0)) ticks in 3 s"; return 1; }
	before=$(screen)
	sleep 1.5
	[ "$before" = "$(screen)" ] || { echo "  screen changed while idle"; return 1; }
	keys p && wait_for "next in" || return 1
	quit_ok
}

# --interval: polls come by themselves at that pace, no key needed
t_interval() {
	start 100 30 -- --interval 2s && ready || return 1
	first=$(screen | grep -oE 'last poll [0-9:]+' | head -1)
	has "next in" || return 1
	n=0
	while [ $n -lt 100 ]; do
		now=$(screen | grep -oE 'last poll [0-9:]+' | head -1)
		[ -n "$now" ] && [ "$now" != "$first" ] && break
		sleep 0.1; n=$((n+1))
	done
	[ "$now" != "$first" ] || { echo "  no new poll within 10 s ($first)"; return 1; }
	quit_ok
}

# a mouse click (xterm X10 report) on a table row selects it, a second
# click on it opens its detail
t_mouse() {
	start 100 30 && ready || return 1
	keys 2 && wait_for "6 of 6 datasets" || return 1
	line=$(screen | grep -n 'bronze.crm_contacts' | head -1 | cut -d: -f1)
	[ -n "$line" ] || { echo "  row not on screen"; return 1; }
	click() {	# click X Y (1-based)
		b=$(printf "\\$(printf %o 32)"); x=$(printf "\\$(printf %o $((32 + $1)))")
		y=$(printf "\\$(printf %o $((32 + $2)))"); r=$(printf "\\$(printf %o 35)")
		$T send-keys -l "$(printf '\033[M')$b$x$y"
		$T send-keys -l "$(printf '\033[M')$r$x$y"
	}
	click 12 "$line"; sleep 0.3
	click 12 "$line"
	wait_for "Checks" 3 && has "bronze.crm_contacts" || return 1
	quit_ok
}

# --- incidents (screen 5) and the a m A U keys ----------------------------
# The clock is pinned (LAKEWATCH_NOW, test builds) to the fixture's making,
# so ages and mutes do not move while a case runs; the history is the
# fixture's own history.db.
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cli() { (cd "$FX" && LAKEWATCH_NOW=$NOW USER=tester "$BIN" "$@" --config lakewatch.json); }
# the incident row of gold.sales_daily freshness (the stale one)
inc_row() { screen | grep -E '(FAIL|WARN|ERROR) +gold\.sales_daily +freshness'; }

# incidents_screen W H: listed after two polls; ack with a note shows on
# the row and in `check --format json`; mute hides it, M shows it again
incidents_case() {
	start "$1" "$2" LAKEWATCH_NOW=$NOW USER=tester && ready || return 1
	cli check --format json > "$FX/p2.json"	# the second poll
	keys 5 && wait_for "open incidents, worst first" || return 1
	inc_row | grep -q "FAIL" || { echo "  no incident row"; screen; return 1; }
	# worst first: ERROR above FAIL above WARN
	screen | grep -nE 'bronze\.crm_contacts|gold\.sales_daily|gold\.customers' |
		cut -d: -f2 | grep -oE 'bronze\.crm_contacts|gold\.sales_daily|gold\.customers' |
		tr '\n' ' ' | grep -q "bronze.crm_contacts gold.sales_daily gold.customers" ||
		{ echo "  not worst first"; screen; return 1; }
	[ "$1" -ge 100 ] && { has "consumers hurt" && inc_row | grep -q "Sales & accounting" || return 1; }
	keys j && wait_re "^.*gold\.sales_daily" || return 1
	keys a && wait_for "note (Enter, Esc cancels)" || return 1
	keys -l "on it" && keys Enter && wait_for "acknowledged 1 incident of gold.sales_daily as tester" || return 1
	inc_row | grep -q "✓ tester" || { echo "  row not acknowledged"; screen; return 1; }
	has "acknowledged by tester at" && has ": on it" || return 1
	cli check --format json > "$FX/p3.json"
	jq -e '[.datasets[].checks[] | select(.incident.acknowledged_by == "tester")] | length == 1' \
		"$FX/p3.json" >/dev/null || { echo "  acknowledged_by not in the JSON"; return 1; }
	# mute 2h: gone from the default view, M shows it with its end
	keys m && wait_for "for (30m, 2h, 1d; Enter)" || return 1
	keys 2 h Enter && wait_for "muted gold.sales_daily freshness until" || return 1
	wait_for "1 muted hidden" || return 1
	[ -z "$(inc_row)" ] || { echo "  muted row still shown"; screen; return 1; }
	keys M && wait_for "1 muted shown" || return 1
	inc_row | grep -q "until" || { echo "  mute end not shown"; screen; return 1; }
	# the overview's consumer line leaves the muted culprit out too
	keys 1 && wait_for "Health by source" || return 1
	screen | grep -q "Sales & accounting" || return 1
	hasnt "Sales & accounting — gold.sales_daily" || return 1
	keys 5 && wait_for "1 muted shown" || return 1
	# a typo in the duration records nothing and says so
	keys m x y z Enter && wait_for "'xyz' is not a duration" || return 1
	# neither act changed a status
	jq -e '[.datasets[] | .status] | sort == ["ERROR","FAIL","PASS","PASS","PASS","WARN"]' \
		"$FX/p3.json" >/dev/null || { echo "  statuses changed"; return 1; }
	# Enter opens the detail on that check
	keys Enter && wait_for "Checks" && has "gold.sales_daily  Onsite store" || return 1
	keys m && wait_for "mute gold.sales_daily freshness for" && keys Escape || return 1
	quit_ok
}
# acting on an incident that resolved meanwhile (another process polled)
# says so; the help lists the keys
# issue 11: a `check` killed (SIGKILL) after recording every dataset but
# before its end; the dashboard finds it aborted, and its recent runs say so.
t_aborted_run() {
	FX="$WORK/$NAME"
	"$HERE/fixture/make.sh" "$FX" || return 1
	# "; true": the subshell waits (and says "Killed" into /dev/null)
	(cd "$FX" && LAKEWATCH_CRASH_AFTER_RECORD=6 "$BIN" check \
		--config lakewatch.json; true) > /dev/null 2>&1
	FX_KEEP=1 start 120 40 && ready || return 1
	keys 2 && wait_for "6 of 6 datasets" || return 1
	keys / s a l e s _ d Enter && wait_for "1 of 6 datasets" || return 1
	keys Enter && wait_for "Recent runs" || return 1
	has "(aborted run)" || { screen | sed 's/^/    | /'; return 1; }
	quit_ok
}

t_resolved_80() {
	start 80 24 LAKEWATCH_NOW=$NOW USER=tester && ready || return 1
	keys 5 && wait_for "open incidents, worst first" && keys j || return 1
	touch "$FX/lake/gold/sales_daily/sales_daily.csv"
	cli check > /dev/null	# resolves it; the screen still lists it
	inc_row | grep -q FAIL || { echo "  row gone before the act"; return 1; }
	keys m 1 h Enter && wait_for "incident #2 had resolved at" || return 1
	wait_for "2 open incidents" && [ -z "$(inc_row)" ] || return 1	# re-read
	# the same for an acknowledgement: gold.customers gets its rows
	for n in 4 5 6; do echo "{\"customer_id\":\"c$n\",\"segment\":\"a\"}"; done \
		>> "$FX/lake/gold/customers/customers.jsonl"
	cli check > /dev/null
	keys j && wait_re "WARN +gold\.customers" || return 1
	keys a Enter && wait_for "incident #3 (gold.customers row_count) had already resolved at" || return 1
	keys '?' && wait_for "Help" || return 1
	$T resize-window -x 120 -y 40 && wait_for "accept the observed schema" || return 1
	quit_ok
}
# the datasets table hides a muted incident: the dataset's status leaves it
# out ("muted"), x problems only drops it, M shows it; unmute brings it back
ds_row() { screen | grep -E ' gold\.sales_daily '; }
t_muted_datasets_80() {
	start 80 24 LAKEWATCH_NOW=$NOW USER=tester && ready || return 1
	keys 2 && wait_for "of 6 datasets" || return 1
	ds_row | grep -q "FAIL" || { echo "  not failing to begin with"; screen; return 1; }
	cli mute gold.sales_daily --for 2h > /dev/null || return 1
	keys r && wait_for "1 muted hidden (M shows)" || return 1
	ds_row | grep -q "muted" && ! ds_row | grep -q FAIL ||
		{ echo "  muted dataset still shown failing"; screen; return 1; }
	keys x && wait_for "problems only" || return 1
	[ -z "$(ds_row)" ] || { echo "  muted dataset listed as a problem"; screen; return 1; }
	has "2 of 6 datasets" || return 1
	keys M && wait_for "1 muted shown (M hides)" || return 1
	ds_row | grep -q "FAIL" || { echo "  M did not show it"; screen; return 1; }
	has "3 of 6 datasets" || return 1
	keys M && wait_for "1 muted hidden" || return 1
	keys '?' && wait_for "Screens" && keys PgDn && wait_for "muted checks count in the status" && keys Escape || return 1
	cli unmute gold.sales_daily > /dev/null || return 1
	keys r && wait_for "3 of 6 datasets" || return 1
	hasnt "muted hidden" && ds_row | grep -q "FAIL" ||
		{ echo "  unmuted dataset not back"; screen; return 1; }
	quit_ok
}
# the rows sparkline shows the anomaly rule's expected band behind the
# values: silver.orders learns its row count from five earlier polls
# (48 to 52 rows), then has 80: the bar stands above the shaded band
orders_rows() {	# orders_rows N: silver.orders gets N rows
	{ echo "order_id,customer_id,amount"; seq 1 "$1" | sed 's/.*/&,c&,1.25/'; } \
		> lake/silver/orders/orders.csv
}
band_prep() {
	sed -i 's|"schema": {"required": {"order_id": "any", "amount": "any"}}}|"schema": {"required": {"order_id": "any", "amount": "any"}}, "anomaly": {"metric": "rows", "seasonality": "none", "min_points": 4}}|' lakewatch.json
	grep -q '"anomaly"' lakewatch.json || return 1
	past_polls orders_rows 50 48 52 49 51
	orders_rows 80
}
# past_polls FN N...: hourly checks before $NOW, one per N, each after
# FN N made the lake so
past_polls() {
	fn=$1; shift
	h=$#
	for n in "$@"; do
		"$fn" "$n"
		LAKEWATCH_NOW=$(date -u -d "$NOW - $h hours" +%Y-%m-%dT%H:%M:%SZ) \
			"$BIN" check --config lakewatch.json > /dev/null
		h=$((h - 1))
	done
}
# silver.orders' detail, scrolled to its end, where the History shows
# the anomaly rule's band legend
orders_history() {
	keys 2 && wait_for "of 6 datasets" || return 1
	keys / && keys -l "silver.orders" && keys Enter && wait_for "1 of 6 datasets" || return 1
	keys Enter && wait_for "silver.orders  Onsite store" || return 1
	keys G && wait_for "expected range at each poll"
}
band_case() {	# band_case W H [start options]: the band, UTF-8 or ASCII
	w=$1 h=$2; shift 2
	PREP=band_prep start "$w" "$h" LAKEWATCH_NOW=$NOW "$@" && ready || return 1
	orders_history || return 1
	screen | grep -qE "^ +~[0-9.]+.[0-9.]+ " ||
		{ echo "  no expected range beside the sparkline"; screen; return 1; }
}
t_band_80() {
	band_case 80 24 || return 1
	# the new count's mark stands on the top row, clear of the band,
	# which is shaded behind it on the row below, where the earlier
	# counts sit inside it
	has "░ the anomaly rule's expected range" &&
		screen | grep -qE "rows 80 +[▁▂▃▄▅▆▇█]$" ||
		{ echo "  no band or no mark"; screen; return 1; }
	screen | grep -qE "^ +~[0-9.]+–[0-9.]+ +[▁▂▃▄▅▆▇█]{5}░$" ||
		{ echo "  no shaded band cell under the outlier"; screen; return 1; }
	quit_ok
}
t_band_ascii() {
	band_case 80 24 LANG=C LC_ALL=C || return 1
	has "| the anomaly rule's expected range" &&
		screen | grep -qE "^ +~[0-9.]+-[0-9.]+ +[_.:=*#+-]{5}\|$" &&
		! screen | grep -q "░" ||
		{ echo "  ASCII band missing or UTF-8 used"; screen; return 1; }
	quit_ok
}
# a metric other than rows: silver.orders' file count is learned from five
# earlier polls (3 or 4 files), then 12 files land. Its line pair shows
# each point against its own band (points polled while learning have
# none), the spike's mark stands on the top row clear of the band shaded
# below it; the row count, without a rule, keeps its one plain line.
orders_files() {	# orders_files N: silver.orders holds N files
	rm -f lake/silver/orders/extra_*.csv
	i=1
	while [ $i -lt "$1" ]; do
		echo "order_id,customer_id,amount" > "lake/silver/orders/extra_$i.csv"
		i=$((i + 1))
	done
}
band_files_prep() {
	sed -i 's|"schema": {"required": {"order_id": "any", "amount": "any"}}}|"schema": {"required": {"order_id": "any", "amount": "any"}}, "anomaly": {"metric": "files", "seasonality": "none", "min_points": 3}}|' lakewatch.json
	grep -q '"metric": "files"' lakewatch.json || return 1
	past_polls orders_files 3 4 3 4 3
	orders_files 12
}
band_files_case() {	# band_files_case W H [VAR=value ...]: ASCII
	w=$1 h=$2; shift 2
	PREP=band_files_prep start "$w" "$h" LAKEWATCH_NOW=$NOW LANG=C LC_ALL=C "$@" || return 1
	ready && orders_history || return 1
	# top row: the four learning polls blank (no band), the judged poll
	# before the spike with its band shaded behind its mark (which sits
	# on the row below), the spike's mark at the end
	screen | grep -qE "^ +files 12 {10}\|[_.:=*#+-]$" ||
		{ echo "  no files line with the band and the spike"; screen; return 1; }
	# below it the band now, the earlier counts, the band shaded under
	# the spike, which stands clear of it
	screen | grep -qE "^ +~[0-9.]+-[0-9.]+ +[_.:=*#+-]{5}\|$" ||
		{ echo "  no shaded band under the spike"; screen; return 1; }
	# the row count has no rule: one plain line, no band
	screen | grep -qE "^ +rows 50 +[_.:=*#+-]{6}$" &&
		! screen | grep -qE "^ +rows .*\|" ||
		{ echo "  rows line changed"; screen; return 1; }
	! screen | grep -q "░" || { echo "  UTF-8 in ASCII"; screen; return 1; }
	quit_ok
}
t_band_files_80() { band_files_case 80 24; }
t_band_files_120() { band_files_case 120 40; }
t_band_files_mono() { band_files_case 80 24 NO_COLOR=1; }	# no colour: the shade alone
t_incidents_80() { incidents_case 80 24; }
t_incidents_120() { incidents_case 120 40; }

# accept_case W H: a dropped column fails schema against the accepted
# schema; the detail shows both; A (confirmed) accepts; the next poll passes
# Tab through the detail's sections until the accepted schema's shows (at
# 80x24 it is below the fold).
see_accepted() {
	local i
	for i in 1 2 3 4 5 6 7 8 9; do
		has "Accepted schema beside the observed one" && return 0
		keys Tab
		sleep 0.3
	done
	wait_for "Accepted schema beside the observed one"
}

accept_case() {
	start "$1" "$2" LAKEWATCH_NOW=$NOW USER=tester && ready || return 1
	sed -i 's/^\([^,]*\),[^,]*,/\1,/' "$FX/lake/silver/orders/orders.csv"
	keys 2 && wait_for "6 of 6 datasets" || return 1
	keys / s i l v e r Enter && wait_for "1 of 6 datasets" || return 1
	keys r && wait_for "polling now" && sleep 0.5 && ready || return 1
	keys Enter && wait_for "Checks" || return 1
	see_accepted && wait_re "customer_id +string +- \(removed\)" || return 1
	cli check --format json > "$FX/p2.json"
	jq -e '.datasets[] | select(.dataset == "silver.orders" or .name == "silver.orders") | .status != "PASS"' \
		"$FX/p2.json" >/dev/null || { echo "  schema drift not flagged"; return 1; }
	# the detail's keys act on the selected check: the failing one first,
	# n moves to the next; Esc cancels a prompt
	keys m && wait_for "mute silver.orders schema for" && keys Escape &&
		wait_for "cancelled: nothing recorded" || return 1
	keys n m && wait_for "mute silver.orders freshness for" && keys Escape || return 1
	keys N a && wait_for "ack silver.orders schema, note" || return 1
	keys -l "dropped on purpose" && keys Enter &&
		wait_for "acknowledged 1 incident of silver.orders as tester" || return 1
	keys A && wait_for "accept the observed schema of silver.orders as its baseline? y/n" || return 1
	keys n && wait_for "cancelled: nothing recorded" || return 1
	keys A && wait_for "baseline? y/n" && keys y &&
		wait_for "accepted schema of" || return 1
	cli check --format json > "$FX/p3.json"
	jq -e '[.datasets[].checks[] | select(.check == "schema")] | .[0].status == "PASS"' \
		"$FX/p3.json" >/dev/null || { echo "  the next poll still fails schema"; jq '.datasets[3]' "$FX/p3.json"; return 1; }
	keys r && wait_for "polling now" && sleep 0.5 && ready || return 1
	hasnt "Accepted schema beside" || return 1
	# U takes it back: the first schema is the baseline again
	keys U && wait_for "undo the last accept of silver.orders schema? y/n" &&
		keys y && wait_for "took back the last accepted baseline" || return 1
	see_accepted || return 1
	quit_ok
}
t_accept_80() { accept_case 80 24; }
t_accept_120() { accept_case 120 40; }

# the events screen shows incidents opened (and resolved) at both sizes
events_case() {
	start "$1" "$2" LAKEWATCH_NOW=$NOW && ready || return 1
	keys 4 && wait_re "gold\.sales_daily .*opened;? +freshness #[0-9]+: st" || return 1
	# the stale table is written again: its incident resolves
	touch "$FX/lake/gold/sales_daily/sales_daily.csv"
	keys r && wait_re "resolved;? +freshness #[0-9]+" 10 || return 1
	screen | grep -E "gold\.sales_daily +FAIL → ✓ PASS +recovered" >/dev/null ||
		{ echo "  no recovered status change"; screen; return 1; }
	[ "$(screen | wc -l)" -le "$2" ] || return 1
	quit_ok
}
# escalated: gold.sales_daily was 4h old (WARN) at a check three hours
# earlier; the dashboard's poll finds it 7h old (FAIL): the events screen
# says the incident escalated (and the dataset's status change)
escalate_prep() {
	LAKEWATCH_NOW=$(date -u -d "$NOW - 3 hours" +%Y-%m-%dT%H:%M:%SZ) \
		"$BIN" check --config lakewatch.json > /dev/null
	[ $? -ne 0 ]	# it warned
}
t_events_escalated() {
	PREP=escalate_prep start 80 24 LAKEWATCH_NOW=$NOW && ready || return 1
	keys 4 && wait_re "gold\.sales_daily .*escalated;? +freshness #[0-9]+" || return 1
	screen | grep -qE "gold\.sales_daily .*opened;? +freshness #[0-9]+" &&
		screen | grep -qE "gold\.sales_daily +WARN → ✗ FAIL +freshness" ||
		{ echo "  no opened event or WARN → FAIL change"; screen; return 1; }
	quit_ok
}
t_events_80() { events_case 80 24; }
t_events_120() { events_case 120 40; }


# --- the jump-host size (80x24), issue 15 ----------------------------------
# Time to diagnosis: two keys from opening (Tab to the consumers, Enter on
# the hurt one) show the failing check with its measured value, threshold,
# whole message and the value's history.
t_diag80() {
	start 80 24 && ready || return 1
	keys Tab && wait_for "Consumers *" || return 1
	keys Enter && wait_for "Checks" || return 1
	# the worst consumer (Marketing, ERROR): its culprit's check
	has "bronze.crm_contacts" || return 1
	screen | grep -E 'measured +not observed' >/dev/null &&
	screen | grep -E 'message +not judged:' >/dev/null &&
	# the whole message, wrapped between "message" and "history"
	screen | sed -n '/ message /,/ history /p' | tr -s ' \n' '  ' |
		grep -q "no such directory" &&
	screen | grep -E 'history +age ' >/dev/null ||
		{ echo "  selected check not shown in full"; screen; return 1; }
	# the next consumer (Sales & accounting, FAIL) the same way
	keys Escape && wait_for "Consumers *" || return 1
	keys j Enter && wait_for "gold.sales_daily" || return 1
	screen | grep -E 'measured +7h' >/dev/null &&
	screen | grep -E 'threshold +warn 2h, fail 6h' >/dev/null &&
	screen | grep -E 'message +stale: newest file 7h old \(fail at 6h\)' \
		>/dev/null &&
	screen | grep -E 'history +age ' >/dev/null ||
		{ echo "  selected check not shown in full"; screen; return 1; }
	# the selected row is marked, not only reversed
	screen | grep -E '^ ▸.*FAIL +freshness' >/dev/null ||
		{ echo "  no selection marker"; screen; return 1; }
	quit_ok
}

# The selected check in full, whatever the width: long values wrap below
# the table, the message keeps the column name.
t_detail_full80() {
	start 80 24 && ready || return 1
	keys / s i l v e r Enter && wait_for "1 of 6 datasets" || return 1
	keys Enter && wait_for "Checks" || return 1
	# freshness first (worst is PASS: the first check), then schema
	keys n && wait_for "2 required, 0 forbidden" || return 1
	screen | grep -E 'threshold +2 required, 0 forbidden, extra allowed, drift' \
		>/dev/null || { echo "  threshold cut"; screen; return 1; }
	has "schema ok: 3 columns, 2 required present (no previous schema" ||
		return 1
	has "to compare)" || return 1		# wrapped, not cut
	keys N && wait_re "message +fresh: newest file [0-9]+s old \(warn at 2h\)" || return 1
	quit_ok
}

# Events at 80 columns keep room for the reason.
t_events80() {
	start 80 24 && ready || return 1
	keys 4 && wait_for "why" || return 1
	screen | grep -E 'gold.sales_daily .*FAIL.* freshness: stale: newest' \
		>/dev/null || { echo "  reason cut"; screen; return 1; }
	quit_ok
}

# Help scrolls at 80x24: the last lines are reachable.
t_help80() {
	start 80 24 && ready || return 1
	keys '?' && wait_for "this help" && has "lines 1-" || return 1
	hasnt "always a glyph and a word" || return 1	# below the fold
	keys G && wait_for "always a glyph and a word" || return 1
	keys g && wait_for "Screens" || return 1
	keys NPage NPage && wait_for "always a glyph and a word" || return 1
	keys Escape && wait_for "Health by source" || return 1
	quit_ok
}

# `/` on every screen opens the dataset filter; what is typed next is the
# filter, not commands (r would poll, q would quit).
t_slash_everywhere() {
	start 80 24 && ready || return 1
	keys / && wait_for "6 of 6 datasets" || return 1
	keys q r o && wait_for "0 of 6 datasets" || return 1
	hasnt "polling now" || return 1
	keys Escape && wait_for "6 of 6 datasets" || return 1
	keys 4 && wait_for "why" || return 1
	keys / g o l d Enter && wait_for "2 of 6 datasets" || return 1
	keys 3 && wait_for "Checks" || return 1
	keys / c r m Enter && wait_for "1 of 6 datasets" || return 1
	quit_ok
}

# NO_COLOR: the selected cell is marked (not only reverse), an ERROR cell
# keeps its glyph and is underlined; both differ.
t_mono80() {
	start 80 24 NO_COLOR=1 && ready || return 1
	screen | grep -E '^.Onsite store +▸' >/dev/null ||
		{ echo "  selected cell has no marker"; screen; return 1; }
	e=$(printf '\033')
	$T capture-pane -p -e | grep 'CRM' | grep -qE "$e\\[[0-9;]*4[;m][^$e]*⊘" ||
		{ echo "  ERROR cell not underlined"; $T capture-pane -p -e | grep CRM | cat -v; return 1; }
	keys Tab && wait_for "Consumers *" || return 1
	screen | grep -E '^.Onsite store +▸' >/dev/null &&
		{ echo "  marker stays without focus"; return 1; }
	keys q; dead 5 || return 1
	# vt100: no colours at all, the same marks (ASCII locale there)
	start 80 24 TERM=vt100 LANG=C && ready || return 1
	screen | grep -E '^.Onsite store +>' >/dev/null ||
		{ echo "  vt100: selected cell has no marker"; screen; return 1; }
	has "E ERROR" || return 1
	# (vt100 has no alternate screen: the last frame stays after exit)
	keys q; dead 5 && [ "$(cat "$FX/status")" = 0 ]
}

# TERM=xterm (8 colours): the dim grey of an empty cell is not black.
t_xterm_dim() {
	start 80 24 TERM=xterm && ready || return 1
	out=$($T capture-pane -p -e)
	printf '%s' "$out" | grep -qF -- "$(printf '\033[2m')" ||
		{ echo "  no dim attribute"; return 1; }
	# tmux writes the foreground in its own sequence just before the cell
	if printf '%s' "$out" | grep -qF -- "$(printf '\033[30m-')"; then
		echo "  empty cell drawn black (on black)"
		printf '%s\n' "$out" | cat -v | sed -n 5,6p
		return 1
	fi
	quit_ok
}

# --- lineage ----------------------------------------------------------------
# A cascade: bronze.pos_purchases stale (6d) makes silver.orders and
# gold.sales_daily stale after it (silver's upstream is the default, the
# source's bronze). Sales no longer reads bronze, so its culprit is an
# impacted dataset: its line names the root. The detail's lineage section
# shows the root cause, the upstream chain and the writer; the incidents
# screen lists each cascade as its root with the impacted beneath it
# (gold.customers, "upstream": [] in the fixture, stays on its own).
LINEAGE_HOOK='find lake/bronze/onsite_store -type f -exec touch -d "6 days ago" {} + &&
	touch -d "8 hours ago" lake/silver/orders/orders.csv &&
	sed -i -e "0,/\"consumers\": \[\"sales\", \"fraud\"\]/s//\"consumers\": [\"fraud\"]/" \
	    -e "s|\"path\": \"gold/sales_daily\", \"format\": \"csv\",|&\n      \"written_by\": [\"syn_pl_gold_sales\", \"silver.orders\"],|" lakewatch.json'
t_lineage_80() {
	FIXTURE_HOOK=$LINEAGE_HOOK start 80 24 LAKEWATCH_NOW=$NOW && ready || return 1
	wait_for "Sales & accounting" || return 1
	screen | grep -qE "Sales & accounting — silver\.orders ← bronze\.pos_purchases stale [56]d" ||
		{ echo "  the consumer line does not name the root"; screen; return 1; }
	keys 2 && wait_for "6 of 6 datasets" || return 1
	keys / s a l e s _ d Enter && wait_for "1 of 6 datasets" || return 1
	keys Enter && wait_for "Checks" || return 1
	wait_for "Lineage" 2 || { keys Tab && wait_for "Lineage"; } || return 1
	has "root cause" && wait_re "bronze\.pos_purchases stale [56]d" || return 1
	screen | grep -qE "upstream +✗ FAIL  silver\.orders" &&
	screen | grep -qE "^ +✗ FAIL  bronze\.pos_purchases" &&
	screen | grep -qE "written by +syn_pl_gold_sales  \(not watched\)" &&
	screen | grep -qE "^ +✗ FAIL  silver\.orders" ||
		{ echo "  lineage section wrong"; screen; return 1; }
	keys 5 && wait_for "open incidents, worst first" || return 1
	# one entry per cascade: the root (+ how many), the impacted beneath
	screen | grep -qE "FAIL +\+2 bronze\.pos_purch" &&
	screen | grep -qE "FAIL +└ silver\.orders" &&
	screen | grep -qE "FAIL +└ gold\.sales_daily" &&
	screen | grep -qE "ERROR +bronze\.crm_contacts" &&
	screen | grep -qE "WARN +gold\.customers" ||
		{ echo "  incidents not grouped"; screen; return 1; }
	order=$(screen | grep -oE "(└ |\+2 )?(bronze\.pos_purch|silver\.orders|gold\.sales_daily)" | tr '\n' ' ')
	[ "$order" = "+2 bronze.pos_purch └ silver.orders └ gold.sales_daily " ] ||
		{ echo "  cascade order: $order"; screen; return 1; }
	keys j && wait_for "root of 2 impacted" && keys j && wait_for "impacted: root bronze.pos_purchases #" || return 1
	keys q; dead 5 || return 1
	# ASCII: the same, without a byte above 127
	FIXTURE_HOOK=$LINEAGE_HOOK start 80 24 LAKEWATCH_NOW=$NOW -- --ascii && ready || return 1
	wait_re "Sales & accounting -+ silver\.orders <- bronze\.pos_purchases" && no_high_bytes || return 1
	keys 5 && wait_for "\`- silver.orders" && no_high_bytes || return 1
	quit_ok
}

# The smallest size: hidden consumers and matrix rows are counted.
t_more60() {
	start 60 16 && wait_for "Consumers" 10 || return 1
	wait_re "\+[0-9]+ more" || return 1
	quit_ok
}

# The dashboard polls and writes the history while a case edits it: wait
# for its lock (10 s) instead of failing with "database is locked".
sq() { sqlite3 -cmd ".timeout 10000" "$@"; }

# Deliveries failing (a message another process tried and could not send,
# in the shared history): one line in the header says so, then goes.
t_notify_failing() {
	start 100 30 && ready || return 1
	hasnt "notify:" || return 1
	sq "$FX/history.db" "INSERT INTO outbox(run, route, channel,
		created, next_at, attempts, last_error) VALUES (1, 'all',
		'hook', 0, 0, 2, '503: down')" || return 1
	keys r && wait_for 'notify: channel "hook": 1 message(s) waiting, last: 503: down' || return 1
	sq "$FX/history.db" "UPDATE outbox SET state = 1" || return 1
	keys r && sleep 1 && wait_for "last poll" && hasnt "notify:" || return 1
	quit_ok
}

# The on-call loop end to end (tests/tui/oncall.sh): watch pages a webhook
# stand-in, the dashboard over watch's history shows the cause and acks it,
# the fixed data is resolved by watch and the resolve is heard.
t_oncall_80() {
	for t in python3 sqlite3; do
		command -v $t >/dev/null 2>&1 || { echo "  $NAME: needs $t"; return 1; }
	done
	bash "$HERE/oncall.sh" "$BIN" "$WORK/$NAME" "${SOCK}_${NAME}_1"
}

# --no-cache (issue 13): every poll reads every file again, so the per-file
# cache's rows are written anew (their ids grow); without it a second poll
# takes every file from the cache and leaves them.
cache_ids() { sq "$FX/history.db" 'SELECT max(id) FROM file_cache'; }
repoll() {	# poll again; wait until it is done (the ids settle)
	keys r && wait_for "polling now" && ready || return 1
	sleep 1
}
t_no_cache() {
	start 100 30 && ready || return 1
	a=$(cache_ids)
	repoll && b=$(cache_ids) && quit_ok || return 1
	[ -n "$a" ] && [ "$a" = "$b" ] ||
		{ echo "  $NAME: a cached poll rewrote the cache ($a then $b)"; return 1; }
	start 100 30 -- --no-cache && ready || return 1
	a=$(cache_ids)
	repoll && b=$(cache_ids) && quit_ok || return 1
	[ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt "$a" ] ||
		{ echo "  $NAME: --no-cache took files from the cache ($a then $b)"; return 1; }
}

# --- pipelines (issue 10) ----------------------------------------------------
# The cascade on the real binary: the control-plane stand-in
# (tests/services/controlplane.mjs) serves a Data Factory pl_load_sales that
# failed 9h ago on a missing file, and the Power BI stand-in
# (tests/services/powerbi/server.mjs) a Sales Model whose refresh failed;
# bronze.orders (written by pl_load_sales), silver.orders and
# gold.sales_daily are stale files. One root (the run) with the bronze,
# silver, gold and Power BI datasets impacted beneath it.
PLDIR="$HERE/pipelines"
# pl_servers: both stand-ins on free loopback ports (stopped when the case's
# subshell ends); their URLs in CP and PBI.
pl_servers() {
	FX="$WORK/$NAME"
	command -v node >/dev/null 2>&1 || { echo "  $NAME: needs node"; return 1; }
	# a case that starts twice stops the first pair first
	[ -z "${cp_pid:-}" ] || kill $cp_pid $pbi_pid 2>/dev/null
	rm -rf "$FX"; mkdir -p "$FX"
	# (their output in files: a pipe they held would outlive the case)
	node "$HERE/../services/controlplane.mjs" --plane "$PLDIR/controlplane.json" \
		--port 0 --port-file "$FX/cp.port" --log "$FX/cp.log" \
		> "$FX/cp.out" 2>&1 & cp_pid=$!
	node "$HERE/../services/powerbi/server.mjs" --workspace "$PLDIR/powerbi.json" \
		--port 0 --port-file "$FX/pbi.port" --log "$FX/pbi.log" \
		> "$FX/pbi.out" 2>&1 & pbi_pid=$!
	trap 'kill $cp_pid $pbi_pid 2>/dev/null' EXIT
	i=0; while { [ ! -s "$FX/cp.port" ] || [ ! -s "$FX/pbi.port" ]; } && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i+1)); done
	[ -s "$FX/cp.port" ] && [ -s "$FX/pbi.port" ] || { echo "  $NAME: stand-ins did not start"; return 1; }
	CP="http://127.0.0.1:$(cat "$FX/cp.port")"
	PBI="http://127.0.0.1:$(cat "$FX/pbi.port")"
}
# pl_fixture: the stand-ins, the stale files and lakewatch.json in $FX.
pl_fixture() {
	pl_servers || return 1
	for d in bronze/orders silver/orders gold/sales_daily; do
		mkdir -p "$FX/lake/$d" && printf 'id,amount\n1,9.99\n' > "$FX/lake/$d/part-0.csv"
	done
	touch -d '9 hours ago' "$FX/lake/bronze/orders/part-0.csv"
	touch -d '8 hours ago' "$FX/lake/silver/orders/part-0.csv"
	touch -d '7 hours ago' "$FX/lake/gold/sales_daily/part-0.csv"
	auth='"auth": {"method": "client_secret", "tenant_id": "test-tenant", "client_id": "lakewatch-test-app", "client_secret": {"env": "LW_CP_SECRET"}, "authority_host": "'$CP'"}'
	pauth='"auth": {"method": "client_secret", "tenant_id": "test-tenant", "client_id": "lakewatch-test-app", "client_secret": {"env": "LW_PBI_SECRET"}, "authority_host": "'$PBI'"}'
	sub='"subscription": "00000000-1111-2222-3333-444444444444", "resource_group": "rg-lakehouse"'
	cat > "$FX/lakewatch.json" <<JSON
{
  "name": "pipelines cascade",
  "history": {"path": "history.db"},
  "poll": {"interval": "5m"},
  "lakes": {
    "adf": {"kind": "datafactory", $sub, "factory": "adf-lakehouse",
            "management_url": {"env": "LW_ARM_URL", "default": "$CP"}, "timeout": "3s", "retries": 1, $auth},
    "dbx": {"kind": "databricks", "workspace_url": "$CP/databricks", "timeout": "3s", "retries": 1, $auth},
    "asa": {"kind": "streamanalytics", $sub, "management_url": "$CP",
            "window": "1h", "interval": "5m", "timeout": "3s", "retries": 1, $auth},
    "pbi": {"kind": "powerbi", "workspace": "11111111-2222-3333-4444-555555555555",
            "base_url": "$PBI/v1.0/myorg", "timeout": "3s", "retries": 1, $pauth},
    "files": {"kind": "fs", "root": "lake"}
  },
  "sources": {"online": {"title": "Online store"}},
  "consumers": {"sales": {"title": "Sales & accounting"}, "ops": {"title": "Operations"}},
  "defaults": {"layers": {
    "bronze": {"checks": {"freshness": {"warn": "1h", "fail": "6h"}}},
    "silver": {"checks": {"freshness": {"warn": "1h", "fail": "6h"}}},
    "gold":   {"checks": {"freshness": {"warn": "1h", "fail": "6h"}}}}},
  "datasets": {
    "adf.load_sales": {"source": "online", "layer": "bronze", "lake": "adf", "pipeline": "pl_load_sales",
      "checks": {"freshness": null, "runs": {}}},
    "adf.inventory": {"source": "online", "layer": "bronze", "lake": "adf", "pipeline": "pl_inventory",
      "consumers": ["ops"], "checks": {"freshness": null, "runs": {}}},
    "dbx.silver_hourly": {"source": "online", "layer": "silver", "lake": "dbx", "job_id": 124,
      "checks": {"freshness": null, "runs": {}}},
    "asa.orders": {"source": "online", "layer": "silver", "lake": "asa", "job": "asa-orders",
      "checks": {"freshness": null, "job_state": {},
                 "metric": {"name": "OutputWatermarkDelaySeconds", "aggregation": "maximum", "window": "15m", "warn": "1m"}}},
    "bronze.orders": {"source": "online", "layer": "bronze", "lake": "files", "path": "bronze/orders",
      "format": "csv", "written_by": ["pl_load_sales"]},
    "silver.orders": {"source": "online", "layer": "silver", "lake": "files", "path": "silver/orders",
      "format": "csv"},
    "gold.sales_daily": {"source": "online", "layer": "gold", "lake": "files", "path": "gold/sales_daily",
      "format": "csv", "published_as": {"server": "lakews-ondemand.sql.azuresynapse.net", "database": "gold"}},
    "powerbi.sales": {"source": "online", "layer": "powerbi", "lake": "pbi", "path": "Sales Model",
      "consumers": ["sales"], "checks": {"refresh": {}}}
  }
}
JSON
}
# pl_start W H [lakewatch args]: the dashboard on the cascade, polled.
pl_start() {
	w=$1 h=$2; shift 2
	pl_fixture || return 1
	FX_KEEP=1 start "$w" "$h" LW_CP_SECRET=test-secret-not-real-5678 \
		LW_PBI_SECRET=test-secret-not-real-1234 \
		LW_ARM_URL=$CP -- "$@" &&
	# (at 80 columns the lakes leave no room for "last poll")
	wait_re "Sales & accounting (—|-+) powerbi\.sales (←|<-) pl_load_sal" 15
}

# The run's error, as the runs pane shows it (wrapped at 80 columns).
pl_error_shown() {
	screen | grep -qE "run 8f2c0312-aaaa-bbbb-cccc-000000000009 +Failed +started" &&
	screen | grep -qE "failing Copy orders +code 2200" &&
	screen | sed -n '/ error ErrorCode=/,$p' | tr -s ' \n' '  ' |
		grep -qF "error ErrorCode=UserErrorFileNotFound,'The file orders/2026-12-02.csv was not found in container landing.'"
}
# the strip of a row: its 24 cells
pl_strip() { screen | grep -E "$1" | grep -oE '[.SFTCRQK?]{24}' | head -1; }

# pipelines_case W H: the overview names the failed run as the root; the
# incidents screen lists the cascade as one root with four beneath it; the
# Pipelines screen puts the failed pipeline first with its 24h strip, Enter
# shows its runs newest first and the failing run in full; a stream job
# shows its state and metrics; Esc closes the pane, then the screen.
pipelines_case() {
	pl_start "$1" "$2" || return 1
	keys 5 && wait_for "open incidents, worst first" || return 1
	screen | grep -qE "FAIL +\+4 adf\.load_sales" &&
	for d in bronze.orders silver.orders gold.sales_daily powerbi.sales; do
		screen | grep -qE "FAIL +└ $d" || { echo "  $d not beneath the root"; false; } || break
	done || { echo "  cascade not grouped"; screen; return 1; }
	keys 6 && wait_for "pipelines and jobs, worst first" || return 1
	# worst first: the failed pipeline, then the passing ones by name
	order=$(screen | awk '$2 ~ /^(FAIL|PASS|WARN|ERROR)$/ {printf "%s ", $3}')
	[ "$order" = "pl_load_sales asa-orders pl_inventory silver_hourly " ] ||
		{ echo "  order: $order"; screen; return 1; }
	screen | grep -qE "^▸✗ FAIL +pl_load_sales +(ADF|Data Factory) +Failed +8h " ||
		{ echo "  first row"; screen; return 1; }
	# the strip: 13h..9h ago S C S S F, one cell per hour, nothing since
	st=$(pl_strip "pl_load_sales")
	printf '%s' "$st" | grep -qE '^\.{9,11}SCSSF\.{8,10}$' ||
		{ echo "  strip of pl_load_sales: '$st'"; screen; return 1; }
	printf '%s' "$(pl_strip "silver_hourly ")" | grep -qE '^\.+SSR$' ||
		{ echo "  strip of job 124: '$(pl_strip "silver_hourly ")'"; screen; return 1; }
	screen | grep -qE "asa-orders +(ASA|Stream job) +Running" || { echo "  stream row"; screen; return 1; }
	if [ "$1" -ge 120 ]; then
		screen | grep -qE "pl_inventory +Data Factory +Succeeded +50m .* adf\.inventory" &&
		has "S ok F failed R running C cancelled . none" ||
			{ echo "  wide columns"; screen; return 1; }
	fi
	keys Enter && wait_for "runs, newest first" || return 1
	pl_error_shown || { echo "  the run's error not in full"; screen; return 1; }
	ids=$(screen | grep -oE "[0-9] +[0-9]{2}-[0-9]{2} [0-9]{2}:" | cut -c1 | tr -d '\n')
	[ "$ids" = "98765" ] || { echo "  runs not newest first: $ids"; screen; return 1; }
	screen | grep -qE "^▸F Failed" || { echo "  failing run not selected"; screen; return 1; }
	keys j && wait_re "run 8f2c0312-aaaa-bbbb-cccc-000000000008 +Succeeded" || return 1
	keys Escape && wait_for "pipelines and jobs, worst first" || return 1
	keys j Enter && wait_for "job state Running" || return 1
	has "OutputWatermarkDelaySeconds" && has "avg 4 max 9 min 1 Seconds" || return 1
	keys Escape Escape && wait_for "Health by source" || return 1
	quit_ok
}
t_pipelines_80() { pipelines_case 80 24; }
t_pipelines_120() { pipelines_case 120 40; }

# The 2-key path (issue 10): from opening, exactly two keys put the root
# cause of the hurt consumer on screen, the failed run with its error:
# Tab (the consumers) and Enter; or 6 and Enter on the first row.
t_pipelines_2key() {
	for size in "80 24" "120 40"; do
		pl_start $size || return 1
		! pl_error_shown || { echo "  error shown before any key"; return 1; }
		keys Tab && wait_for "Consumers *" && keys Enter &&
			wait_for "runs, newest first" || return 1
		pl_error_shown || { echo "  Tab Enter ($size): no error"; screen; return 1; }
		keys Escape && wait_for "Health by source" || return 1
		keys q; dead 5 || return 1
		pl_start $size || return 1
		keys 6 && wait_for "pipelines and jobs" && keys Enter &&
			wait_for "runs, newest first" || return 1
		pl_error_shown || { echo "  6 Enter ($size): no error"; screen; return 1; }
		keys q; dead 5 || return 1
	done
}

# --ascii: the same screens without a byte above 127; the strip's letters
# and the selection's '>' carry it all.
t_pipelines_ascii() {
	pl_start 80 24 --ascii || return 1
	no_high_bytes || return 1
	keys 6 && wait_for "pipelines and jobs" && no_high_bytes || return 1
	screen | grep -qE "^>X FAIL +pl_load_sales" || { echo "  row"; screen; return 1; }
	printf '%s' "$(pl_strip "pl_load_sales")" | grep -qE '^\.+SCSSF\.+$' || return 1
	keys Enter && wait_for "runs, newest first" && no_high_bytes || return 1
	pl_error_shown && screen | grep -qE "^>F Failed +~" ||
		{ echo "  pane"; screen; return 1; }
	keys 5 && wait_for "\`- bronze.orders" && no_high_bytes || return 1
	quit_ok
}

# Runs the poll no longer lists (beyond its max_runs or lookback) come
# from history's pipeline_runs: a run kept from 20 hours ago, failed, is in
# the strip and the runs pane, marked as from history.
pl_hist_prep() {
	(cd "$FX" && LW_CP_SECRET=test-secret-not-real-5678 \
		LW_PBI_SECRET=test-secret-not-real-1234 "$BIN" check \
		--config lakewatch.json > check.out 2>&1)
	t=$(( $(date +%s) - 20 * 3600 ))
	sq "$FX/history.db" "INSERT INTO pipeline_runs(lake, pipeline, run_id,
		service, dataset, state, status, started, ended, duration,
		message, failing, first_seen, updated) VALUES ('adf',
		'pl_inventory', 'inv-0', 'datafactory', 'adf.inventory',
		'Failed', 'Failed', $t, $t + 60, 60, 'Timeout', 'Copy stock',
		$t, $t)"
}
t_pipelines_history() {
	pl_fixture || return 1
	pl_hist_prep || { echo "  could not pre-fill the history"; return 1; }
	FX_KEEP=1 start 80 24 LW_CP_SECRET=test-secret-not-real-5678 \
		LW_PBI_SECRET=test-secret-not-real-1234 &&
		wait_re "powerbi\.sales (←|<-) pl_load_sal" 15 || return 1
	keys 6 && wait_for "pipelines and jobs" || return 1
	st=$(pl_strip "pl_inventory")
	printf '%s' "$st" | grep -qE '^\.{2,4}F\.+S\.\.\.S\.\.\.S\.\.\.S\.?$' ||
		{ echo "  strip of pl_inventory: '$st'"; screen; return 1; }
	keys j j Enter && wait_for "5 runs, newest first (1 from history" || return 1
	screen | grep -qE "^ F Failed +inv-0 +[0-9-]+ [0-9:]+ +1m Copy stock +Timeout" &&
	screen | grep -qE "^▸S Succeeded +inv-4 " || { echo "  kept run not listed"; screen; return 1; }
	quit_ok
}

# A config without run datasets: the screen says so (and Enter is harmless).
t_pipelines_none() {
	start 80 24 && ready || return 1
	keys 6 && wait_for "no pipelines or jobs in the config" || return 1
	keys Enter j && sleep 0.3 && has "0 pipelines and jobs" || return 1
	keys Escape && wait_for "Health by source" || return 1
	quit_ok
}

# The smallest size: the screen and its pane fit, nothing crashes.
t_pipelines_60() {
	pl_start 60 16 || return 1
	keys 6 && wait_for "pipelines and jobs" && has "last 24h" || return 1
	keys Enter && wait_for "failing Copy orders" || return 1
	keys G && keys Escape && keys j Enter && wait_for "job state" || return 1
	quit_ok
}

# From a dataset's detail, `w` opens the runs of the pipeline behind it
# (its root, a failed run) in the Pipelines screen, the failing run and its
# error in full; Esc comes back to the detail. The Lineage section says
# where each upstream came from: the gold table's is the previous layer,
# the Power BI dataset's was learned from the service's datasources.
t_lineage_runs_80() {
	pl_start 80 24 || return 1
	keys 2 && wait_for "datasets" && keys / s a l e s _ d Enter &&
		wait_for "1 of 8 datasets" && keys Enter && wait_for "Checks" || return 1
	wait_for "Lineage" 2 || { keys Tab && wait_for "Lineage"; } || return 1
	has "previous layer" && has "w: the runs of adf.load_sales" ||
		{ echo "  lineage section"; screen; return 1; }
	keys w && wait_for "runs, newest first" || return 1
	pl_error_shown || { echo "  the run's error not in full"; screen; return 1; }
	keys Escape && wait_for "Lineage" || { echo "  Esc did not return"; screen; return 1; }
	keys q; dead 5 || return 1
	pl_start 80 24 || return 1
	keys 2 && wait_for "datasets" && keys / p o w e r Enter &&
		wait_for "1 of 8 datasets" && keys Enter &&
		wait_for "Checks" || return 1
	wait_for "from the service's datasources" 2 ||
		{ keys Tab && wait_for "from the service's datasources"; } ||
		{ echo "  no learned upstream"; screen; return 1; }
	screen | grep -qE "upstream +✗ FAIL  gold\.sales_daily" ||
		{ echo "  learned upstream not drawn"; screen; return 1; }
	keys w && wait_for "runs, newest first" && pl_error_shown || return 1
	quit_ok
}

# --- run -------------------------------------------------------------------
cases=${*:-"overview detail filter sort matrix_enter resize no_color ascii theme reload slow_poll sigterm help idle history_error bad_config interval mouse diag80 detail_full80 events80 help80 slash_everywhere mono80 xterm_dim more60 incidents_80 incidents_120 accept_80 accept_120 events_80 events_120 resolved_80 notify_failing no_cache aborted_run muted_datasets_80 band_80 band_ascii band_files_80 band_files_120 band_files_mono events_escalated lineage_80 oncall_80 pipelines_80 pipelines_120 pipelines_2key pipelines_ascii pipelines_60 pipelines_history pipelines_none lineage_runs_80"}
pass=0 fail=0
for c in $cases; do
	NAME=$c
	T="tmux -L ${SOCK}_$c"
	if ( "t_$c" ); then
		echo "PASS tui/$c" >> "$res"; pass=$((pass+1))
	else
		echo "FAIL tui/$c" >> "$res"; fail=$((fail+1))
		echo "FAIL tui/$c"
	fi
	# each case's servers (its subshell's T is gone: kill by socket name)
	for s in /tmp/tmux-$(id -u)/${SOCK}_${c}*; do
		[ -e "$s" ] && tmux -L "$(basename "$s")" kill-server 2>/dev/null
	done
done
echo "tui: $pass passed, $fail failed"
[ $fail -eq 0 ]
