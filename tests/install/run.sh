#!/bin/sh
# `make install PREFIX=...` into a temporary prefix: the binary runs, the
# man page and the themes are where the dashboard looks for them, and the
# installed (release) binary has no test hooks while the testing build
# ($LW_BIN, default build/test/lakewatch) has them:
#   install/prefix            files in place, --version runs
#   install/systemd_unit      contrib/lakewatch.service installed, sandboxed,
#                             its ExecStart the installed binary
#   install/no_test_hooks     installed binary: LAKEWATCH_NOW does not pin
#                             the report's time, LAKEWATCH_FS_DELAY_MS does
#                             not slow it, neither name is in the binary
#   install/test_build_hooks  the testing binary honours both
set -u
B=${LW_BUILD:-build}
case "$B" in /*) ;; *) B="$(pwd)/$B" ;; esac
mkdir -p "$B"
res="$B/results.txt"
TBIN=${LW_BIN:-$(pwd)/build/test/lakewatch}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
result() {	# result NAME OK(0|1) WHY
	if [ "$2" -eq 0 ]; then echo "PASS install/$1" >> "$res"; pass=$((pass + 1))
	else echo "FAIL install/$1" >> "$res"; fail=$((fail + 1))
	     echo "FAIL install/$1: $3"; fi
}

# The release build, whatever this was started with (make test runs it
# from its LW_TESTING=1 sub-make; SANITIZE=1 would ask for build-san/).
ok=0
make -s LW_TESTING= SANITIZE= install PREFIX="$tmp/prefix" >"$tmp/log" 2>&1 || ok=1
bin="$tmp/prefix/bin/lakewatch"
[ -x "$bin" ] || ok=1
"$bin" --version 2>/dev/null | grep -q '^lakewatch ' || ok=1
[ -f "$tmp/prefix/share/man/man1/lakewatch.1" ] || ok=1
for t in dark light high-contrast colour-blind monochrome; do
	[ -f "$tmp/prefix/share/lakewatch/themes/$t.theme" ] || ok=1
done
result prefix $ok "$(cat "$tmp/log")"

# The systemd unit: installed with the binary's path filled in, sandboxed,
# reloading with SIGHUP; systemd-analyze verify accepts it where present.
unit="$tmp/prefix/lib/systemd/system/lakewatch.service"
ok=0; why=
if [ ! -f "$unit" ]; then ok=1; why="no $unit"
else
	grep -qx "ExecStart=$tmp/prefix/bin/lakewatch watch .*" "$unit" || { ok=1; why="ExecStart: $(grep ExecStart= "$unit")"; }
	for k in DynamicUser=yes StateDirectory=lakewatch ProtectSystem=strict \
		 ProtectHome=yes NoNewPrivileges=yes PrivateTmp=yes \
		 'ExecReload=/bin/kill -HUP $MAINPID' \
		 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX'; do
		grep -qxF "$k" "$unit" || { ok=1; why="$why missing $k;"; }
	done
	! grep -q @BINDIR@ "$unit" || { ok=1; why="$why @BINDIR@ left;"; }
	if command -v systemd-analyze >/dev/null &&
	   ! systemd-analyze verify --man=no "$unit" > "$tmp/verify" 2>&1; then
		ok=1; why="$why systemd-analyze: $(head -3 "$tmp/verify")"
	fi
fi
result systemd_unit $ok "$why"

# One CSV dataset: a report with a "started" time, two fs reads.
mkdir -p "$tmp/lake/d"
printf 'a,b\n1,2\n' > "$tmp/lake/d/x.csv"
cat > "$tmp/c.json" <<EOF
{"name": "hooks", "lakes": {"l": {"kind": "fs", "root": "$tmp/lake"}},
 "sources": {"s": "S"}, "consumers": {"c": "C"},
 "datasets": {"d": {"source": "s", "layer": "bronze", "lake": "l",
   "path": "d", "format": "csv", "consumers": ["c"],
   "checks": {"row_count": {"min": 1}}}}}
EOF
PIN=2001-02-03T04:05:06Z
DELAY=1500
# hooks BIN: prints "<pinned|clock> <slow|fast>" for one run of BIN
hooks() {
	t0=$(date +%s%N)
	LAKEWATCH_NOW=$PIN LAKEWATCH_FS_DELAY_MS=$DELAY "$1" check \
		--config "$tmp/c.json" --no-history --format json > "$tmp/out" 2>&1
	t1=$(date +%s%N)
	if grep -q "\"started\":[[:space:]]*\"$PIN\"" "$tmp/out"; then printf pinned
	elif grep -q '"started":' "$tmp/out"; then printf clock
	else printf 'no-report'; fi
	[ $(( (t1 - t0) / 1000000 )) -ge $DELAY ] && echo " slow" || echo " fast"
}
if [ -x "$bin" ]; then
	got=$(hooks "$bin")
	ok=0
	[ "$got" = "clock fast" ] || ok=1
	! grep -aq 'LAKEWATCH_NOW\|LAKEWATCH_FS_DELAY_MS' "$bin" || { ok=1; got="$got, names in binary"; }
	result no_test_hooks $ok "installed binary: $got (want clock fast): $(head -3 "$tmp/out")"
else
	result no_test_hooks 1 "nothing installed"
fi
if [ -x "$TBIN" ]; then
	got=$(hooks "$TBIN")
	ok=0; [ "$got" = "pinned slow" ] || ok=1
	result test_build_hooks $ok "$TBIN: $got (want pinned slow): $(head -3 "$tmp/out")"
else
	result test_build_hooks 1 "no testing binary at $TBIN (make test-build)"
fi
echo "install: $pass passed, $fail failed"
[ $fail -eq 0 ]
