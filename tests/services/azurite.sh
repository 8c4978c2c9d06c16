# tests/services/azurite.sh - sourced by a services suite: start Azurite's
# blob service in memory on a free loopback port and wait until it answers.
#   . tests/services/azurite.sh; azurite_setup NAME
# makes T (a fresh /tmp/lw-NAME.XXXXXX, removed at exit unless LW_KEEP is
# set), sets the exit trap that kills the server, and starts it in T.
# Sets KEY and ACCT (Azurite's published development account), AZ_KEY
# (exported, for configs that read the key from the environment), P (the
# port), pid (the server's, for the suite's cleanup to kill) and CS (a
# connection string for the SDK uploaders). Calls the suite's
# `fail azurite_start MESSAGE` and exits 1 when it does not answer in 10 s.
# A suite with its own temp dir and cleanup calls azurite_start DIR
# [AZURITE_ARGS...] alone (once per server: each sets P, pid and CS; with
# --cert among the arguments the server is HTTPS, and CS says so).
KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
ACCT=devstoreaccount1
export AZ_KEY="$KEY"

azurite_start() {	# DIR [AZURITE_ARGS...]: where its log goes, what else it takes
	_d=$1; shift
	_s=http _k=""
	case " $* " in *" --cert "*) _s=https _k=-k ;; esac
	P=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
	node_modules/.bin/azurite-blob --inMemoryPersistence --skipApiVersionCheck \
		--blobHost 127.0.0.1 --blobPort "$P" --silent "$@" > "$_d/azurite-$P.log" 2>&1 &
	pid=$!
	_i=0
	until [ "$(curl -s $_k -o /dev/null -w '%{http_code}' "$_s://127.0.0.1:$P/$ACCT?comp=list")" != 000 ]; do
		_i=$((_i + 1))
		[ $_i -gt 100 ] && { fail azurite_start "no answer on $P"; exit 1; }
		sleep 0.1
	done
	CS="DefaultEndpointsProtocol=$_s;AccountName=$ACCT;AccountKey=$KEY;BlobEndpoint=$_s://127.0.0.1:$P/$ACCT;"
}

azurite_cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	wait 2>/dev/null
	[ -n "${LW_KEEP:-}" ] || rm -rf "$T"
}

azurite_setup() {	# NAME
	T=$(mktemp -d "/tmp/lw-$1.XXXXXX")
	pid=""
	trap azurite_cleanup EXIT
	trap 'exit 1' INT TERM
	azurite_start "$T"
}
