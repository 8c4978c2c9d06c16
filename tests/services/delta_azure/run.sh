#!/bin/sh
# tests/services/delta_azure/run.sh - Delta tables and Event Hubs Capture
# Avro files give exactly the same results from Azurite as from the local
# filesystem (issue 6).
#
# Copies Delta Lake's golden tables (../shared/testdata/delta, read in
# place; the copy lives in a temporary directory so its mtimes can be set)
# and broken variants of them (variants.mjs), plus Capture files from
# tests/fixtures/avro/make.mjs and damaged copies, into one local lake;
# uploads it to an Azurite container with @azure/storage-blob (names kept
# byte for byte, '_delta_log/' included; local mtimes set to the blobs'
# Last-Modified); writes one config per lake kind with one dataset per
# table (config.mjs) and compares the two `lakewatch check --format json`
# reports dataset by dataset (compare.mjs): status, version, rows, live
# files, bytes, schema, partitions, detail, and error messages.
# Each case appends PASS/FAIL/SKIP services/delta_azure/<name> to
# $LW_BUILD/results.txt. Run from the project root.
set -u
B=${LW_BUILD:-build}
LW_BIN=${LW_BIN:-$PWD/build/test/lakewatch}
res="$B/results.txt"
here=tests/services/delta_azure
golden=../shared/testdata/delta
status=0
mkdir -p "$B"

pass() { echo "PASS services/delta_azure/$1" >> "$res"; echo "  PASS $1"; }
fail() { echo "FAIL services/delta_azure/$1" >> "$res"; echo "  FAIL $1: $2"; status=1; }
# skip NAME WHY [TOOLS]: TOOLS (commands or paths) it lacked, for tests/summary.sh
skip() { echo "SKIP services/delta_azure/$1${3:+ [needs $3]}" >> "$res"; echo "  SKIP $1: $2"; }

if [ ! -x node_modules/.bin/azurite-blob ] || ! command -v node >/dev/null ||
   [ ! -x "$LW_BIN" ] || [ ! -d "$golden" ]; then
	skip all "needs node, node_modules (azurite), $golden and $LW_BIN" \
		"node node_modules/.bin/azurite-blob $golden $LW_BIN"
	exit 0
fi
ms() { echo $(($(date +%s%N) / 1000000)); }
t0=$(ms)

T=$(mktemp -d /tmp/lw-delta-azure.XXXXXX)
pids=""
cleanup() {
	# SIGKILL: on SIGTERM Azurite waits for idle keep-alive connections
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	[ -n "${LW_KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ACCT=devstoreaccount1
export AZ_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
unset AZURE_STORAGE_CONNECTION_STRING LAKEWATCH_NOW 2>/dev/null

free_port() {
	node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
wait_http() {	# until anything answers (Azurite says 400/403 to a bare GET)
	i=0
	while [ $i -lt 100 ]; do
		c=$(curl -s -o /dev/null -w '%{http_code}' "$1" 2>/dev/null)
		[ -n "$c" ] && [ "$c" != 000 ] && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

# --- the local lake ------------------------------------------------------------
L="$T/lake"
mkdir -p "$L"
cp -R "$golden" "$L/golden"
chmod -R u+w "$L/golden"
rm -f "$L/golden/LICENSE.txt"
node tests/fixtures/avro/make.mjs "$L/capture" > "$T/make.log" 2>&1 ||
	{ fail setup "make.mjs: $(tail -2 "$T/make.log")"; exit 1; }
node $here/variants.mjs "$golden" "$L/variants" "$L/capture" \
	> "$T/variants.txt" 2> "$T/variants.err" ||
	{ fail setup "variants.mjs: $(tail -2 "$T/variants.err")"; exit 1; }
# Tables without stats (tests/e2e/strip_stats.py): rows from the data
# files' footers, prefetched concurrently on Azure, must match the fs lake.
mkdir -p "$L/nostats"
for t in basic-with-inserts-updates basic-with-inserts-deletes-checkpoint \
	 dv-with-columnmapping data-reader-partition-values; do
	[ -d "$golden/$t" ] && python3 tests/e2e/strip_stats.py "$golden/$t" \
		"$L/nostats/$t" > /dev/null 2>&1
done
# The tables: every folder holding a _delta_log/, and every top-level
# folder that does not (not a table: both lakes must say so alike). The
# golden tables the protocol cases are about are listed in their group too.
{
	( cd "$L/golden" && find . -name _delta_log -type d |
		sed 's|^\./||; s|/_delta_log$||'
	  for d in */; do
		[ -d "$d/_delta_log" ] || echo "${d%/}"
	  done ) | sort -u | sed 's|^|golden	golden/|'
	echo "corrupt_last_checkpoint	golden/corrupted-last-checkpoint"
	echo "versions_not_contiguous	golden/versions-not-contiguous"
	sed 's|	|	variants/|' "$T/variants.txt"
	for d in "$L"/nostats/*/; do
		[ -d "$d/_delta_log" ] && echo "nostats	nostats/$(basename "$d")"
	done
	# the data files of the tables whose names need escaping in a URL
	# (and of all of them), read as Parquet: footers and pages by range
	( cd "$L/golden" && find . -type f -name '*.parquet' |
		grep '[^A-Za-z0-9_./=-]' | cut -d/ -f2 | sort -u ) |
		sed 's|^\(.*\)$|parquet_data	golden/\1	parquet|'
	echo "parquet_data	variants/special chars	parquet"
	echo "parquet_data	golden	parquet"
	# table paths that are not tables: missing, a file, the log itself,
	# an empty name part
	for p in variants/does-not-exist golden/checkpoint/_delta_log \
		golden/checkpoint/_delta_log/00000000000000000000.json \
		golden/checkpoint/_delta_log/_last_checkpoint \
		golden//checkpoint golden/checkpoint/ ./golden/checkpoint \
		golden/./checkpoint; do
		echo "odd_paths	$p"
	done
} > "$T/tables.txt"
ngolden=$(grep -c '^golden	' "$T/tables.txt")
nfiles=$(find "$L" -type f | wc -l)

# --- Azurite and the upload --------------------------------------------------
AP=$(free_port)
node_modules/.bin/azurite-blob --inMemoryPersistence --skipApiVersionCheck \
	--blobHost 127.0.0.1 --blobPort "$AP" --silent > "$T/azurite.log" 2>&1 &
pids="$pids $!"
if ! wait_http "http://127.0.0.1:$AP/$ACCT?comp=list"; then
	fail azurite_start "Azurite did not answer on port $AP"
	exit 1
fi
EP="http://127.0.0.1:$AP/$ACCT"
CS="DefaultEndpointsProtocol=http;AccountName=$ACCT;AccountKey=$AZ_KEY;BlobEndpoint=$EP;"
# --touch: each local file's mtime becomes its blob's Last-Modified (and
# fails when a blob is not listed under the exact name it was put under)
t_up=$(ms)
if ! node tests/services/azure/upload.mjs --conn "$CS" --container lake \
	--create --dir "$L" --touch --parallel 64 > "$T/upload.log" 2>&1; then
	fail upload "$(tail -3 "$T/upload.log")"
	exit 1
fi
t_up=$(($(ms) - t_up))
n=$(node tests/services/azure/upload.mjs --conn "$CS" --container lake --count)
if [ "$n" = "$nfiles" ]; then
	pass names_preserved
else
	fail names_preserved "$nfiles local files, $n blobs"
fi

# --- the two reports -------------------------------------------------------------
FSL="{\"kind\": \"fs\", \"root\": \"$L\"}"
AZL="{\"kind\": \"azure\", \"account\": \"$ACCT\", \"container\": \"lake\", \"endpoint\": \"$EP\", \"auth\": {\"account_key\": {\"env\": \"AZ_KEY\"}}}"
for k in fs az; do
	if [ $k = fs ]; then lake=$FSL; else lake=$AZL; fi
	node $here/config.mjs --delta "$T/tables.txt" --lake "$lake" \
		--out "$T/delta-$k.json"
	node $here/config.mjs --avro "$L/capture/expected.json" \
		--under capture --lake "$lake" --out "$T/avro-$k.json"
	for c in delta avro; do
		t=$(ms)
		"$LW_BIN" check --no-history --format json --stats \
			--config "$T/$c-$k.json" > "$T/$c-$k.out" 2> "$T/$c-$k.err"
		echo $? > "$T/$c-$k.rc"
		echo "    $c on $k: $(($(ms) - t)) ms;" \
			"$(grep '^stats: lake' "$T/$c-$k.err" | cut -c14-)"
		if [ ! -s "$T/$c-$k.out" ]; then
			fail "report_${c}_$k" "no report: $(head -3 "$T/$c-$k.err")"
		fi
	done
done

# agree CASE REPORT [compare.mjs args]: the fs and azure reports agree
agree() {
	n=$1; r=$2; shift 2
	if node $here/compare.mjs "$T/$r-fs.out" "$T/$r-az.out" \
		--strip-a "$L" --strip-b "$EP" --strip-b "$ACCT/lake" "$@" \
		> "$T/$n.cmp" 2>&1; then
		pass "$n"
		echo "    $(tail -1 "$T/$n.cmp")"
	else
		fail "$n" "$(head -6 "$T/$n.cmp" | tr '\n' ' ')"
	fi
}
# (1) every golden table; most are readable, some are errors on purpose
agree golden_tables delta --group golden --min-ok 70 --min-error 5
# (3) the log's damaged metadata gives the same error or fallback
agree corrupt_last_checkpoint delta --group corrupt_last_checkpoint --min-ok 1
agree versions_not_contiguous delta --group versions_not_contiguous --min-error 1
agree corrupt_checkpoint delta --group corrupt_checkpoint
agree corrupt_commit delta --group corrupt_commit --min-error 1
agree special_names delta --group special_names --min-ok 4
agree large_logs delta --group large --min-ok 2
agree odd_paths delta --group odd_paths --min-error 3
agree parquet_data delta --group parquet_data --min-ok 8
agree nostats delta --group nostats --min-ok 3
# ... and the tables without stats were counted from footers, on both lakes
for k in fs az; do
	if jq -e '[.datasets[] | select(.description | startswith("nostats:")) |
		.observation.detail.delta.rows_from] | length >= 3 and
		all(. == "footers")' "$T/delta-$k.out" > /dev/null; then
		pass "nostats_footers_$k"
	else
		fail "nostats_footers_$k" "rows not counted from footers"
	fi
done
# (2) Capture Avro: codecs, empty windows, partitions; damaged files
agree capture_avro avro --group capture --min-ok 8
agree capture_broken avro --group capture_broken --min-ok 1

# --- what the filesystem says is right (else agreeing proves little) ------------
# facts of the golden tables from Delta's own tests, and make.mjs' counts
if node - "$T/delta-fs.out" "$T/avro-fs.out" "$L/capture/expected.json" \
	> "$T/facts.log" 2>&1 <<'JS'
const fs = require("fs");
const [d, a, e] = process.argv.slice(2).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
const by = (r, desc) => r.datasets.find((x) => x.description === desc);
const bad = [];
const want = (what, got, exp) => {
	if (JSON.stringify(got) !== JSON.stringify(exp))
		bad.push(`${what}: ${JSON.stringify(got)} (expected ${JSON.stringify(exp)})`);
};
const dl = (t) => { const o = by(d, `golden: golden/${t}`).observation;
	return o.ok ? o.detail.delta : { error: o.error }; };
// corrupted-last-checkpoint: _last_checkpoint names a wrong size; the
// table still loads at version 10 from its checkpoint
want("corrupted-last-checkpoint version", dl("corrupted-last-checkpoint").version, 10);
want("corrupted-last-checkpoint checkpoint", dl("corrupted-last-checkpoint").checkpoint_version, 10);
want("basic-with-inserts-deletes-checkpoint version", dl("basic-with-inserts-deletes-checkpoint").version, 13);
want("checkpoint version", dl("checkpoint").version, 14);
want("versions-not-contiguous is an error",
	/version 1 is missing/.test(dl("versions-not-contiguous").error || ""), true);
want("no-delta-log-folder is an error",
	/not a Delta table/.test(dl("no-delta-log-folder").error || ""), true);
const cap = e.filter((x) => x.path.startsWith("shopns/clicks/"));
const hub = by(a, "capture: hub").observation;
want("hub rows", hub.rows, cap.reduce((s, x) => s + x.rows, 0));
want("hub files", hub.files, cap.length);
want("hub empty files", hub.detail.avro.empty_files, cap.filter((x) => x.empty).length);
for (const c of ["null", "deflate", "snappy"]) {
	const o = by(a, `capture: codec_${c}`).observation;
	want(`codec ${c} rows`, o.rows, cap.filter((x) => x.codec === c).reduce((s, x) => s + x.rows, 0));
}
const odd = by(a, "capture: hub_odd_path").observation;
want("odd path = hub", [odd.rows, odd.files, odd.partitions],
	[hub.rows, hub.files, hub.partitions]);
const br = by(a, "capture_broken: broken").observation;
want("broken files with errors", br.file_errors.map((x) => x.path.replace(/.*\//, "")).sort(),
	["bad-sync.avro", "block-cut.avro", "header-cut.avro", "not-avro.avro"]);
want("broken: the zero-byte file is empty", br.empty_files, 1);
// the generated big logs: 20,000 adds, 5,000 removed, 10 added
const lg = (t) => by(d, `large: variants/${t}`).observation;
want("big-commit live files", lg("big-commit").files, 15010);
want("big-commit version", lg("big-commit").detail.delta.version, 2);
want("big-commit partitions", lg("big-commit").partitions, 37);
want("paged-log version", lg("paged-log").detail.delta.version, 5194);
want("paged-log checkpoint", lg("paged-log").detail.delta.checkpoint_version, 5190);
// each error names its file once ("f: f: msg" was a delta reader bug)
for (const x of d.datasets) {
	const m = x.observation.error || "";
	const i = m.indexOf(": ");
	if (i > 0 && m.startsWith(m.slice(0, i + 2), i + 2))
		bad.push(`${x.description}: file named twice: ${m}`);
}
if (bad.length) { console.log(bad.join("\n")); process.exit(1); }
console.log("facts hold");
JS
then
	pass filesystem_reference_right
else
	fail filesystem_reference_right "$(head -4 "$T/facts.log" | tr '\n' ' ')"
fi

echo "    $ngolden golden tables, $(wc -l < "$T/tables.txt") tables in all," \
	"$nfiles files (upload $t_up ms), $(($(ms) - t0)) ms in all"
exit $status
