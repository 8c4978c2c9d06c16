# demo/controlplane.sh - start and stop the LOCAL STAND-IN of the Azure
# control plane (tests/services/controlplane.mjs) serving the pipelines of a
# demo lake (DIR/.controlplane/plane.json, written by demo/controlplane.mjs).
# Sourced by demo/run and tests/e2e/run.sh (POSIX sh and bash):
#
#   . demo/controlplane.sh
#   cp_start LAKE [LOG]    start it on a free loopback port; exports
#                          LAKEWATCH_ARM_URL, LAKEWATCH_SYNAPSE_URL and
#                          LAKEWATCH_DATABRICKS_URL (what
#                          examples/ecommerce.json reads) and CP_URL
#   cp_stop                stop it
#
# When it cannot start (no node, no plane file) cp_start returns 1 and
# points the URLs at a loopback port nothing listens on, so the run
# datasets are ERROR ("cannot connect") and nothing real is contacted.
# CP_ROOT: the project's root (default: the current directory).
CP_PID=
CP_URL=
_cp_tmp=
cp_start() {
	_cp_root=$1
	_cp_here=${CP_ROOT:-$(pwd)}
	_cp_tmp=$(mktemp -d) || return 1
	_cp_port="$_cp_tmp/port"
	if command -v node >/dev/null 2>&1 &&
	   [ -f "$_cp_root/.controlplane/plane.json" ] &&
	   [ -f "$_cp_here/tests/services/controlplane.mjs" ]; then
		node "$_cp_here/tests/services/controlplane.mjs" \
			--plane "$_cp_root/.controlplane/plane.json" --port 0 \
			--port-file "$_cp_port" ${2:+--log "$2"} \
			> "$_cp_tmp/server.out" 2>&1 &
		CP_PID=$!
		_cp_i=0
		while [ ! -s "$_cp_port" ] && [ $_cp_i -lt 100 ]; do
			sleep 0.1; _cp_i=$((_cp_i + 1))
		done
	fi
	if [ -s "$_cp_port" ]; then
		CP_URL="http://127.0.0.1:$(cat "$_cp_port")"
		_cp_rc=0
	else
		[ -s "$_cp_tmp/server.out" ] && sed 's/^/controlplane.mjs: /' "$_cp_tmp/server.out" >&2
		cp_stop
		CP_URL="http://127.0.0.1:9"	# discard: refused, never Azure
		_cp_rc=1
	fi
	LAKEWATCH_ARM_URL=$CP_URL
	LAKEWATCH_SYNAPSE_URL=$CP_URL/synapse/syn-contoso
	LAKEWATCH_DATABRICKS_URL=$CP_URL/databricks
	export LAKEWATCH_ARM_URL LAKEWATCH_SYNAPSE_URL LAKEWATCH_DATABRICKS_URL CP_URL
	return $_cp_rc
}
cp_stop() {
	[ -n "$CP_PID" ] && kill "$CP_PID" 2>/dev/null
	[ -n "$_cp_tmp" ] && rm -rf "$_cp_tmp"
	CP_PID= _cp_tmp=
	return 0
}
