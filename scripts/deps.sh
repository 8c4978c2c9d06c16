#!/bin/sh
# Install what lakewatch needs on a Debian machine, skipping what is there.
#   scripts/deps.sh build   compilers' libraries (-dev packages)
#   scripts/deps.sh demo    build + Node.js tools for the demo lake
#   scripts/deps.sh test    demo + test tools (cmocka, tmux, clang/libFuzzer)
set -eu
what=${1:-build}
cd "$(dirname "$0")/.."

pkgs="gcc make pkg-config libncurses-dev libcurl4-openssl-dev libcjson-dev
libpcre2-dev libsqlite3-dev libexpat1-dev libssl-dev zlib1g-dev libzstd-dev
libsnappy-dev libbz2-dev liblz4-dev libbrotli-dev libmicrohttpd-dev
libcrypt-dev tzdata"
case "$what" in
demo) pkgs="$pkgs nodejs npm" ;;
test) pkgs="$pkgs nodejs npm libcmocka-dev tmux clang libclang-rt-14-dev
python3 sqlite3 time procps jq bc util-linux gzip bzip2 lz4 zstd
prometheus prometheus-alertmanager apache2-utils" ;;
build) ;;
*) echo "usage: $0 build|demo|test" >&2; exit 2 ;;
esac

missing=""
for p in $pkgs; do
	# a Node.js installed another way brings its own npm: keep it
	case $p in
	nodejs) command -v node >/dev/null 2>&1 && continue ;;
	npm) command -v npm >/dev/null 2>&1 && continue ;;
	esac
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "installing:$missing"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

if [ "$what" != build ]; then
	# npm ci when node_modules is missing or older than the lock file;
	# never through a link (a worktree sharing another checkout's install:
	# npm ci would empty that one).
	stamp=node_modules/.package-lock.json
	if [ -L node_modules ]; then
		[ -f "$stamp" ] || echo "node_modules links to an install without $stamp; run npm ci there"
	elif [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
		echo "installing Node.js test tools (npm ci)"
		npm ci --no-audit --no-fund --loglevel=error
	fi
fi
