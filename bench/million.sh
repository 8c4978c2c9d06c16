#!/bin/sh
# bench/million.sh [WORKDIR] [--files N]: memory and time of a poll over
# N files (default 1,000,000) in 50 CSV datasets on the local filesystem.
#
# The files are hard links to 50 small CSV files (a directory entry each,
# no data: about 60 MB of directory for a million), 50 folders of N/50,
# kept in WORKDIR (default /tmp/lakewatch-bench-million) for the next run.
# Polls with `lakewatch check --no-history` (no cache: every file is
# listed and read) and prints wall time, CPU time and peak RSS, against a
# poll of the same 50 datasets with one file each, and the difference per
# file. LW_BIN picks the binary (default ./lakewatch). Not a test.
set -eu
cd "$(dirname "$0")/.."
W=/tmp/lakewatch-bench-million N=1000000
while [ $# -gt 0 ]; do
	case $1 in
	--files) N=$2; shift 2 ;;
	*) W=$1; shift ;;
	esac
done
LW_BIN=${LW_BIN:-$PWD/lakewatch}
[ -x "$LW_BIN" ] && [ -x /usr/bin/time ] && command -v python3 > /dev/null ||
	{ echo "bench/million: needs $LW_BIN, /usr/bin/time and python3" >&2; exit 2; }
mkdir -p "$W"
t0=$(date +%s)
python3 - "$W" "$N" <<'EOF'
import os, sys
w, n = sys.argv[1], int(sys.argv[2])
per = n // 50
for root, count in (("big", per), ("one", 1)):
    for d in range(50):
        # a seed per folder: a file takes at most 65,000 links (ext4)
        seed = os.path.join(w, "seed%02d.csv" % d)
        if not os.path.exists(seed):
            with open(seed, "w") as f:
                f.write("id,amount,day\n1,2.50,2026-11-01\n2,3.75,2026-11-02\n")
        ds = os.path.join(w, root, "ds%02d" % d)
        os.makedirs(ds, exist_ok=True)
        have = len(os.listdir(ds))
        for i in range(have, count):
            os.link(seed, os.path.join(ds, "part-%07d.csv" % i))
EOF
echo "$N hard links ready in $W ($(( $(date +%s) - t0 )) s)"
for root in big one; do
	{
		printf '{"name": "million", "sources": {"s": {}},\n'
		printf ' "lakes": {"fs": {"kind": "fs", "root": "%s/%s"}},\n "datasets": {' "$W" "$root"
		d=0
		while [ $d -lt 50 ]; do
			[ $d -gt 0 ] && printf ','
			printf '\n  "bronze.ds%02d": {"source": "s", "layer": "bronze", "lake": "fs", "path": "ds%02d", "format": "csv", "checks": {"row_count": {"min": 1}}}' $d $d
			d=$((d + 1))
		done
		printf '}}\n'
	} > "$W/$root.json"
done
poll() {
	/usr/bin/time -f "%e %U %S %M" -o "$W/$1.time" "$LW_BIN" check \
		--config "$W/$1.json" --no-history --stats -f json > "$W/$1.out" 2> "$W/$1.err" || true
}
poll one
poll big
st() { sed -n "s/.*[ ]$2=\([0-9]*\).*/\1/p" "$W/$1.err" | head -1; }
printf '%-8s %9s %8s %8s %12s\n' poll files wall cpu peak_rss_kb
for p in one big; do
	set -- $(cat "$W/$p.time")
	printf '%-8s %9s %8s %8.2f %12s\n' $p "$(st $p files)" "$1" "$(echo "$2 + $3" | bc -l)" "$4"
done
set -- $(cat "$W/one.time"); one=$4
set -- $(cat "$W/big.time"); big=$4
printf 'per file: %.1f bytes of peak RSS above the 50-file poll; %.2f us wall\n' \
	"$(echo "($big - $one) * 1024 / $N" | bc -l)" "$(echo "$1 * 1000000 / $N" | bc -l)"
