// azure.mjs - the azure lake kind against Azurite: what a poll costs.
//
//   node bench/azure.mjs --endpoint URL --lw LAKEWATCH --dir DIR
//                        [--blobs 20000] [--parquet 2000] [--parallel 16]
//
// Fills container "bench" with --blobs blobs: --parquet Parquet files
// (DuckDB writes eight seeds, 3,000 to 10,000 rows; each uploaded many
// times) in 20 date= partitions of gold/sales, one Spark .crc sidecar each,
// and the rest small CSV exports under archive/ that no dataset watches.
// Then, in one run: `lakewatch check --stats` over gold/sales (wall time,
// requests, bytes downloaded against bytes stored), a listing of the whole
// container with the official SDK, and a full download of the Parquet
// files with the SDK; prints the figures and the ratios. Not a test.
import fs from "node:fs";
import path from "node:path";
import { execFileSync, spawnSync } from "node:child_process";
import { DuckDBInstance } from "@duckdb/node-api";
import { BlobServiceClient } from "@azure/storage-blob";

const a = process.argv.slice(2);
const opt = { blobs: 20000, parquet: 2000, parallel: 16 };
for (let i = 0; i < a.length; i++) opt[a[i].replace(/^--/, "")] = a[++i];
const NB = Number(opt.blobs), NP = Number(opt.parquet), PAR = Number(opt.parallel);
const KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const CS = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${KEY};BlobEndpoint=${opt.endpoint};`;
const svc = BlobServiceClient.fromConnectionString(CS);
const cont = svc.getContainerClient("bench");
const now = () => Number(process.hrtime.bigint() / 1000000n);
const mb = (b) => (b / 1048576).toFixed(1) + " MiB";

async function pool(n, par, fn) {
	let next = 0;
	await Promise.all(Array.from({ length: Math.min(par, n) }, async () => {
		while (next < n) await fn(next++);
	}));
}

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
const runs = [];
for (let r = 0; r < 2; r++) {
	const t = now();
	const p = spawnSync(opt.lw, ["check", "--no-history", "--format", "json", "--stats", "--config", cfg],
		{ env: { ...process.env, BENCH_KEY: KEY }, maxBuffer: 64 << 20 });
	const ms = now() - t;
	const err = p.stderr.toString();
	const m = /requests=(\d+) bytes_in=(\d+)/.exec(err);
	const rep = JSON.parse(p.stdout.toString());
	const o = rep.datasets[0].observation;
	if (o.files !== NP || o.rows !== rows)
		throw new Error(`lakewatch saw ${o.files} files, ${o.rows} rows; expected ${NP}, ${rows}: ${o.error || ""}`);
	runs.push({ ms, requests: Number(m[1]), bytes: Number(m[2]) });
}
const lw = runs.reduce((x, y) => (y.ms < x.ms ? y : x));

// --- the SDK: listing, then a full download of the Parquet files ---
const tl = now();
let listed = 0;
for await (const _ of cont.listBlobsFlat()) listed++;
const listMs = now() - tl;
const pq = names.filter((n) => !n.csv && !n.crc);
const td = now();
let dl = 0;
await pool(pq.length, PAR, async (i) => {
	const buf = await cont.getBlobClient(pq[i].nm).downloadToBuffer();
	dl += buf.length;
});
const dlMs = now() - td;

const per = lw.bytes / NP;
console.log(`
lakewatch check, ${NP} Parquet files (best of 2: ${runs.map((r) => r.ms).join(", ")} ms)
  wall time            ${lw.ms} ms
  requests sent        ${lw.requests} (${Math.ceil(2 * NP / 5000)} listing pages + ${NP} tail reads expected)
  bytes downloaded     ${mb(lw.bytes)} of ${mb(storedParquet)} stored in those files (${(100 * lw.bytes / storedParquet).toFixed(1)}%)
  per Parquet file     ${Math.round(per)} bytes (cap: footer + 64 KiB = ${65536 + 8} + footer)
  rows from footers    ${rows}
SDK (@azure/storage-blob)
  list ${listed} blobs      ${listMs} ms
  download ${pq.length} files ${dlMs} ms, ${mb(dl)}
ratios
  lakewatch poll / SDK listing of the container   ${(lw.ms / listMs).toFixed(2)}x
  lakewatch poll / SDK full Parquet download      ${(lw.ms / dlMs).toFixed(2)}x time, ${(lw.bytes / dl).toFixed(3)}x bytes`);
