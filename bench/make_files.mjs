// bench/make_files.mjs - lay out N small Parquet files for the benchmark.
//
//   node bench/make_files.mjs --out DIR [--files 100000] [--datasets 20]
//                             [--copy]
//
// DuckDB writes a handful of distinct seed files (different row counts,
// row groups and columns); the tree is then filled with hard links to them
// (or real copies with --copy, which costs disk and time but gives every
// file its own inode and cache pages). Layout, Spark-like:
//   DIR/lake/ds_NN/date=YYYY-MM-DD/part-NNNNN-<uuid>-c000.snappy.parquet
// Prints one JSON line: {"files": N, "rows": R, "bytes": B} for the tree.
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';

const opt = { out: null, files: 100000, datasets: 20, copy: false };
const a = process.argv.slice(2);
for (let k = 0; k < a.length; k++) {
	if (a[k] === '--out') opt.out = a[++k];
	else if (a[k] === '--files') opt.files = Number(a[++k]);
	else if (a[k] === '--datasets') opt.datasets = Number(a[++k]);
	else if (a[k] === '--copy') opt.copy = true;
	else { console.error(`make_files.mjs: unknown argument ${a[k]}`); process.exit(2); }
}
if (!opt.out || !(opt.files > 0) || !(opt.datasets > 0)) {
	console.error('usage: node bench/make_files.mjs --out DIR [--files N] [--datasets N] [--copy]');
	process.exit(2);
}

const seedDir = path.join(opt.out, 'seeds');
const lake = path.join(opt.out, 'lake');
fs.rmSync(lake, { recursive: true, force: true });
fs.mkdirSync(seedDir, { recursive: true });

// Seeds: small files of the size a streaming job leaves behind.
const seeds = [
	{ rows: 50, groups: 50, extra: 0 },
	{ rows: 200, groups: 200, extra: 2 },
	{ rows: 1000, groups: 250, extra: 4 },
	{ rows: 2000, groups: 1000, extra: 8 },
	{ rows: 20, groups: 20, extra: 12 },
];
const con = await (await DuckDBInstance.create(':memory:')).connect();
const seedInfo = [];
for (let s = 0; s < seeds.length; s++) {
	const { rows, groups, extra } = seeds[s];
	const file = path.join(seedDir, `seed${s}.parquet`);
	let cols = `i::BIGINT AS order_id, 'C' || (hash(i) % 9999) AS customer_id,
		((hash(i, 1) % 100000) / 100.0)::DECIMAL(10,2) AS amount,
		TIMESTAMP '2026-11-20 00:00:00' + to_seconds((hash(i, 2) % 86400)::BIGINT) AS ts`;
	for (let e = 0; e < extra; e++)
		cols += `, (hash(i, ${e + 10}) % 1000)::INTEGER AS attr_${e}`;
	await con.run(`COPY (SELECT ${cols} FROM range(${rows}) t(i)) TO '${file}'
		(FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${groups})`);
	seedInfo.push({ file, rows, size: fs.statSync(file).size });
}

let x = 0x2545f491;
const hex = (n) => {
	let s = '';
	while (s.length < n) {
		x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
		s += (x >>> 0).toString(16).padStart(8, '0');
	}
	return s.slice(0, n);
};
const perDs = Math.ceil(opt.files / opt.datasets);
const perDay = 100;
let made = 0, rows = 0, bytes = 0;
const day0 = Date.UTC(2026, 10, 20);
for (let d = 0; d < opt.datasets && made < opt.files; d++) {
	const dsDir = path.join(lake, `ds_${String(d).padStart(2, '0')}`);
	for (let k = 0; k < perDs && made < opt.files; k++) {
		const day = Math.floor(k / perDay);
		const date = new Date(day0 - day * 86400e3).toISOString().slice(0, 10);
		const dir = path.join(dsDir, `date=${date}`);
		if (k % perDay === 0)
			fs.mkdirSync(dir, { recursive: true });
		const seed = seedInfo[(d + k) % seedInfo.length];
		const name = `part-${String(k % perDay).padStart(5, '0')}-` +
			`${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}-c000.snappy.parquet`;
		const dst = path.join(dir, name);
		if (opt.copy)
			fs.copyFileSync(seed.file, dst);
		else
			fs.linkSync(seed.file, dst);
		made++;
		rows += seed.rows;
		bytes += seed.size;
	}
}
console.log(JSON.stringify({ files: made, rows, bytes, datasets: opt.datasets,
	seeds: seedInfo.map((s) => s.size) }));
