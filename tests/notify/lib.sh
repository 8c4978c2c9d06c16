# tests/notify/lib.sh - helpers for the notify e2e cases (sourced by their
# setup/check lines): a webhook stand-in, a three-dataset lake (bronze.a,
# silver.b, gold.c, a row_count check each) and polls at pinned times.
#
#   nt_start DIR                 start tests/notify/standin.py on DIR
#   nt_config DIR [REPEAT]       DIR/c.json: the lake, a webhook channel
#                                "hook" signed with $NT_KEY, one route
#   nt_rows DIR DATASET N        N rows in the dataset's only file (0: FAIL)
#   nt_poll DIR TIME             check at LAKEWATCH_NOW=TIME (exit ignored)
#   nt_mode DIR MODE             what the stand-in answers from now on
#   nt_got DIR PYEXPR            a Python expression over g (the requests
#                                the stand-in got) must be true
NT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NT_KEY=notify-hmac-key-0123456789
NT_PATH=hook-path-secret-9f8e7d6c

nt_start() {
	mkdir -p "$1"
	rm -f "$1/port" "$1/stop"
	setsid python3 "$NT_ROOT/tests/notify/standin.py" "$1" --ttl 120 \
		</dev/null >"$1/standin.log" 2>&1 &
	for _ in $(seq 100); do
		[ -s "$1/port" ] && return 0
		sleep 0.05
	done
	echo "stand-in did not start" >&2
	return 1
}

nt_mode() { printf '%s\n' "$2" > "$1/mode"; }

nt_rows() {
	mkdir -p "$1/lake/$2"
	{
		echo "id,amount"
		for i in $(seq "$3"); do echo "$i,1.5"; done
	} > "$1/lake/$2/part-0.csv"
}

nt_config() {
	local port repeat=0
	[ -n "${2:-}" ] && repeat="\"$2\""
	port=$(cat "$1/port")
	printf '%s\n' "$NT_KEY" > "$1/key"
	for d in a b c; do nt_rows "$1" "$d" 3; done
	cat > "$1/c.json" <<JSON
{
  "name": "nt",
  "history": {"path": "h.db"},
  "lakes": {"local": {"kind": "fs", "root": "lake"}},
  "sources": {"shop": {"title": "Shop"}},
  "consumers": {"sales": {"title": "Sales"}},
  "datasets": {
    "bronze.a": {"source": "shop", "layer": "bronze", "lake": "local",
                 "path": "a", "format": "csv",
                 "checks": {"row_count": {"min": {"fail": 1}}}},
    "silver.b": {"source": "shop", "layer": "silver", "lake": "local",
                 "path": "b", "format": "csv", "consumers": ["sales"],
                 "checks": {"row_count": {"min": {"fail": 1}}}},
    "gold.c":   {"source": "shop", "layer": "gold", "lake": "local",
                 "path": "c", "format": "csv", "consumers": ["sales"],
                 "checks": {"row_count": {"min": {"fail": 1}}}}
  },
  "notify": {
    "channels": {
      "hook": {"type": "webhook",
               "url": "http://127.0.0.1:$port/$NT_PATH",
               "secret": {"env": "NT_HMAC"}}
    },
    "routes": [{"name": "all", "match": {"severity": "fail"},
                "channels": ["hook"], "repeat": $repeat}]
  }
}
JSON
}

nt_poll() {
	NT_HMAC=$NT_KEY LAKEWATCH_NOW=$2 "$LW_BIN" check -c "$1/c.json" \
		>"$1/out.last" 2>"$1/err.last"
	cat "$1/err.last" >> "$1/err.all"
	cat "$1/out.last" >> "$1/out.all"
	return 0
}

nt_got() {
	python3 - "$1/got.jsonl" "$2" <<'PY'
import json, sys
try:
    g = [json.loads(l) for l in open(sys.argv[1])]
except FileNotFoundError:
    g = []
notices = [n for r in g if isinstance(r["body"], dict) for n in r["body"].get("notices", [])]
ok = eval(sys.argv[2])
if not ok:
    print("not true:", sys.argv[2], file=sys.stderr)
    for r in g:
        b = r["body"]
        print(r["n"], r["status"], [(n["kind"], n["dataset"]) for n in b.get("notices", [])] if isinstance(b, dict) else b, file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}

nt_stop() { touch "$1/stop"; }
