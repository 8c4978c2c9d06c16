// azure.mjs - the azure lake kind against Azurite: what a poll costs.
//
//   node bench/azure.mjs --endpoint URL --lw LAKEWATCH --dir DIR
//                        [--blobs 20000] [--parquet 2000] [--parallel 16]
//                        [--rounds 3]
//
// Fills container "bench" with --blobs blobs: --parquet Parquet files
// (DuckDB writes eight seeds, 3,000 to 10,000 rows; each uploaded many
// times) in 20 date= partitions of gold/sales, one Spark .crc sidecar each,
// and the rest small CSV exports under archive/ that no dataset watches.
// Then, in one run, --rounds times (default 3) one after the other:
// `lakewatch check --stats` over gold/sales, and with the official SDK
// (bench/sdk.mjs) the same work lakewatch does - the listing of the same
// prefix, flat and split at its folders as lakewatch lists it, and the
// same ranges of each Parquet file (its last 64 KiB, a second read only
// for a larger footer) at the same parallel - and, as before, a listing
// of the whole container and a full download of the Parquet files. Prints
// time (best, and the spread over the rounds), CPU, requests and bytes
// received for each, and the ratios lakewatch / SDK. Not a test.
import fs from "node:fs";
import path from "node:path";
import { execFileSync, spawnSync } from "node:child_process";
import { DuckDBInstance } from "@duckdb/node-api";
import { BlobServiceClient } from "@azure/storage-blob";
import { measure, pool, listFlat, listSplit, readTails } from "./sdk.mjs";

const a = process.argv.slice(2);
const opt = { blobs: 20000, parquet: 2000, parallel: 16, rounds: 3 };
for (let i = 0; i < a.length; i++) opt[a[i].replace(/^--/, "")] = a[++i];
const NB = Number(opt.blobs), NP = Number(opt.parquet), PAR = Number(opt.parallel);
const KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const CS = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${KEY};BlobEndpoint=${opt.endpoint};`;
const svc = BlobServiceClient.fromConnectionString(CS);
const cont = svc.getContainerClient("bench");
const now = () => Number(process.hrtime.bigint() / 1000000n);
const mb = (b) => (b / 1048576).toFixed(1) + " MiB";

// --- seeds ---
fs.mkdirSync(opt.dir, { recursive: true });
const db = await (await DuckDBInstance.create(":memory:")).connect();
const seeds = [];
for (let s = 0; s < 8; s++) {
	const f = path.join(opt.dir, `seed${s}.parquet`);
	const rows = 3000 + s * 1000;
	await db.run(`COPY (SELECT i::BIGINT AS order_id, (i % 500)::INTEGER AS store_id,
		'SKU-' || (i * 7919 % 100000)::VARCHAR AS sku, (i % 9 + 1)::INTEGER AS quantity,
		((i * 37 % 100000) / 100.0)::DECIMAL(10,2) AS amount,
		TIMESTAMP '2026-11-01' + INTERVAL (i) SECOND AS sold_at,
		CASE i % 4 WHEN 0 THEN 'card' WHEN 1 THEN 'cash' WHEN 2 THEN 'app' ELSE 'voucher' END AS payment
		FROM range(${rows}) t(i)) TO '${f}' (FORMAT parquet, ROW_GROUP_SIZE 4096)`);
	seeds.push({ data: fs.readFileSync(f), rows });
}
const csv = Buffer.from("order_id,store_id,amount\n" + Array.from({ length: 20 }, (_, i) => `${i},${i % 5},${i * 1.5}`).join("\n") + "\n");

// --- upload ---
await cont.createIfNotExists();
const names = [];
for (let i = 0; i < NP; i++) {
	const day = String(1 + (i % 20)).padStart(2, "0");
	const nm = `gold/sales/date=2026-11-${day}/part-${String(i).padStart(5, "0")}-bench.snappy.parquet`;
	names.push({ nm, seed: i % seeds.length });
	names.push({ nm: nm.replace(/part-/, ".part-") + ".crc", crc: true });
}
for (let i = names.length; i < NB; i++)
	names.push({ nm: `archive/export-${String(i).padStart(6, "0")}.csv`, csv: true });
let stored = 0, storedParquet = 0, rows = 0;
const t0 = now();
await pool(names.length, PAR, async (i) => {
	const n = names[i];
	const body = n.csv ? csv : n.crc ? Buffer.from("crc!crc!") : seeds[n.seed].data;
	await cont.getBlockBlobClient(n.nm).upload(body, body.length);
});
for (const n of names) {
	const len = n.csv ? csv.length : n.crc ? 8 : seeds[n.seed].data.length;
	stored += len;
	if (!n.csv && !n.crc) { storedParquet += len; rows += seeds[n.seed].rows; }
}
console.log(`uploaded ${names.length} blobs (${NP} Parquet, ${mb(storedParquet)}; ${mb(stored)} in all) in ${((now() - t0) / 1000).toFixed(1)} s`);

// --- lakewatch ---
const cfg = path.join(opt.dir, "bench.json");
fs.writeFileSync(cfg, JSON.stringify({
	name: "azure bench",
	lakes: { az: { kind: "azure", account: "devstoreaccount1", container: "bench",
		endpoint: opt.endpoint, auth: { account_key: { env: "BENCH_KEY" } }, parallel: PAR } },
	sources: { s: { title: "S" } }, consumers: { c: { title: "C" } },
	datasets: { "gold.sales": { source: "s", layer: "gold", lake: "az", path: "gold/sales",
		format: "parquet", partitions: "key=value", consumers: ["c"],
		checks: { row_count: { min: 1 }, files: { count: { min: 1 } } } } },
}));
// --- one lakewatch poll: wall and CPU time (/usr/bin/time), --stats ---
const TIME = fs.existsSync("/usr/bin/time");
function lakewatch() {
	const tf = path.join(opt.dir, "lw.time");
	const args = ["check", "--no-history", "--format", "json", "--stats", "--config", cfg];
	const t = now();
	const p = TIME ? spawnSync("/usr/bin/time", ["-f", "%U %S", "-o", tf, opt.lw, ...args],
		{ env: { ...process.env, BENCH_KEY: KEY }, maxBuffer: 64 << 20 })
		: spawnSync(opt.lw, args, { env: { ...process.env, BENCH_KEY: KEY }, maxBuffer: 64 << 20 });
	const ms = now() - t;
	const err = p.stderr.toString();
	const m = /requests=(\d+) bytes_in=(\d+) listing_bytes=(\d+)/.exec(err);
	const o = JSON.parse(p.stdout.toString()).datasets[0].observation;
	if (!m || o.files !== NP || o.rows !== rows)
		throw new Error(`lakewatch saw ${o.files} files, ${o.rows} rows; expected ${NP}, ${rows}: ${o.error || err}`);
	const cpu = TIME ? fs.readFileSync(tf, "utf8").trim().split(/\s+/).slice(-2)
		.reduce((x, y) => x + 1000 * Number(y), 0) : NaN;
	return { ms, cpu, requests: Number(m[1]), bytes: Number(m[2]), listing: Number(m[3]) };
}

// --- the SDK: the same work, and the old comparisons ---
const PFX = "gold/sales/";
const isPq = (n) => n.endsWith(".parquet") && !/^[._]/.test(n.slice(n.lastIndexOf("/") + 1));
const files = (await listFlat(cont, PFX)).filter((b) => isPq(b.name));
if (files.length !== NP) throw new Error(`the SDK lists ${files.length} Parquet files, not ${NP}`);
const pq = names.filter((n) => !n.csv && !n.crc);
let second = 0, listed = 0;
const ways = {
	"lakewatch check": async () => lakewatch(),
	"SDK poll: split listing + tails": async () => {
		const l = (await listSplit(cont, PFX, PAR)).filter((b) => isPq(b.name));
		second = await readTails(cont, l, PAR);
	},
	"SDK listing of gold/sales/, flat": async () => listFlat(cont, PFX),
	"SDK listing of gold/sales/, split": async () => listSplit(cont, PFX, PAR),
	"SDK tail reads": async () => readTails(cont, files, PAR),
	"SDK listing of the container": async () => { listed = (await listFlat(cont, "")).length; },
	"SDK full Parquet download": async () => {
		await pool(pq.length, PAR, async (i) => { await cont.getBlobClient(pq[i].nm).downloadToBuffer(); });
	},
};
const res = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
for (let r = 0; r < Number(opt.rounds); r++)
	for (const [k, fn] of Object.entries(ways)) {
		const m = await measure(fn);
		res[k].push(k === "lakewatch check" ? m.value : m);
	}

// --- figures: best of the rounds, their spread, and the ratios ---
const best = (k) => res[k].reduce((x, y) => (y.ms < x.ms ? y : x));
const s1 = (ms) => (ms / 1000).toFixed(2);
const lw = best("lakewatch check");
console.log(`\n${NP} Parquet files, ${rows} rows from footers; parallel ${PAR}; ${opt.rounds} rounds, each way in turn
${"".padEnd(36)} ${"best s".padStart(7)} ${"spread s".padStart(11)} ${"CPU s".padStart(6)} ${"requests".padStart(8)} ${"bytes in".padStart(12)}`);
for (const k of Object.keys(ways)) {
	const b = best(k), all = res[k].map((r) => r.ms);
	console.log(`${k.padEnd(36)} ${s1(b.ms).padStart(7)} ${(s1(Math.min(...all)) + "-" + s1(Math.max(...all))).padStart(11)} ` +
		`${s1(b.cpu).padStart(6)} ${String(b.requests).padStart(8)} ${String(b.bytes).padStart(12)}`);
}
const per = (lw.bytes - lw.listing) / NP;
console.log(`
lakewatch: ${mb(lw.bytes)} of ${mb(storedParquet)} stored in the Parquet files (${(100 * lw.bytes / storedParquet).toFixed(1)}%);
  listing ${lw.listing} bytes, ${Math.round(per)} bytes a file besides (tail: ${65536}); SDK second footer reads: ${second}
ratios, lakewatch / SDK (time of the best runs)`);
const ratio = (k, what) => {
	const b = best(k);
	console.log(`  ${what.padEnd(52)} time ${(lw.ms / b.ms).toFixed(2)}  requests ${(lw.requests / b.requests).toFixed(3)}  bytes ${(lw.bytes / b.bytes).toFixed(3)}`);
};
ratio("SDK poll: split listing + tails", "the same work (listing split, tails)");
const sum = ["SDK listing of gold/sales/, flat", "SDK tail reads"].map(best);
console.log(`  ${"the SDK's flat listing + tail reads, timed apart".padEnd(52)} time ${(lw.ms / (sum[0].ms + sum[1].ms)).toFixed(2)}  requests ${(lw.requests / (sum[0].requests + sum[1].requests)).toFixed(3)}  bytes ${(lw.bytes / (sum[0].bytes + sum[1].bytes)).toFixed(3)}`);
ratio("SDK listing of the container", `not like with like: listing all ${listed} blobs`);
ratio("SDK full Parquet download", "not like with like: whole Parquet files");
