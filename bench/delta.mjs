// delta.mjs - write a Delta table with many commits for bench/delta.sh.
//
//   node bench/delta.mjs DIR COMMITS [CHECKPOINT_INTERVAL]
//
// Version 0 holds protocol, metaData and the first add; every later commit
// adds one file and, once 100 are live, removes the oldest, so the live set
// (and so each checkpoint) stays at 100 files while the history grows.
// JSON commits are written here; every CHECKPOINT_INTERVAL-th version gets
// a classic single-file Parquet checkpoint written by DuckDB
// (@duckdb/node-api) with the protocol's columns (add with
// partitionValues as a MAP and stats as a JSON string, remove, metaData,
// protocol), and _last_checkpoint names the newest one.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const [dir, commitsArg, intervalArg] = process.argv.slice(2);
if (!dir || !commitsArg) {
	console.error('usage: delta.mjs DIR COMMITS [CHECKPOINT_INTERVAL]');
	process.exit(2);
}
const commits = Number(commitsArg);
const interval = Number(intervalArg || 10);
const log = path.join(dir, '_delta_log');
fs.mkdirSync(log, { recursive: true });

const pad = (v) => String(v).padStart(20, '0');
const t0 = Date.UTC(2026, 10, 1) ;
const schemaString = JSON.stringify({ type: 'struct', fields: [
	{ name: 'order_id', type: 'long', nullable: false, metadata: {} },
	{ name: 'amount', type: 'decimal(10,2)', nullable: true, metadata: {} },
	{ name: 'day', type: 'date', nullable: true, metadata: {} },
] });
const protocol = { minReaderVersion: 1, minWriterVersion: 2 };
const metaData = { id: 'bench-0000', format: { provider: 'parquet',
	options: {} }, schemaString, partitionColumns: ['day'],
	configuration: {}, createdTime: t0 };

const live = new Map();		// path -> add
const order = [];
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();

function addFor(v) {
	const day = new Date(t0 + v * 60000).toISOString().slice(0, 10);
	return { path: `day=${day}/part-${String(v).padStart(5, '0')}.parquet`,
		partitionValues: { day }, size: 1000 + (v % 97),
		modificationTime: t0 + v * 60000, dataChange: true,
		stats: JSON.stringify({ numRecords: 10 + (v % 13) }) };
}

const COLS = `columns={
	add: 'STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR),
		size BIGINT, modificationTime BIGINT, dataChange BOOLEAN,
		stats VARCHAR)',
	remove: 'STRUCT(path VARCHAR, deletionTimestamp BIGINT,
		dataChange BOOLEAN)',
	metaData: 'STRUCT(id VARCHAR, format STRUCT(provider VARCHAR,
		options MAP(VARCHAR, VARCHAR)), schemaString VARCHAR,
		partitionColumns VARCHAR[], configuration MAP(VARCHAR, VARCHAR),
		createdTime BIGINT)',
	protocol: 'STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER)'
}`;

async function checkpoint(v) {
	const rows = [JSON.stringify({ protocol }), JSON.stringify({ metaData })];
	for (const a of live.values())
		rows.push(JSON.stringify({ add: { ...a, dataChange: false } }));
	const tmp = path.join(log, `.cp-${v}.json`);
	fs.writeFileSync(tmp, rows.join('\n') + '\n');
	const out = path.join(log, `${pad(v)}.checkpoint.parquet`);
	await con.run(`COPY (SELECT add, remove, metaData, protocol FROM
		read_json('${tmp}', format='newline_delimited', ${COLS}))
		TO '${out}' (FORMAT parquet)`);
	fs.unlinkSync(tmp);
	fs.writeFileSync(path.join(log, '_last_checkpoint'),
		JSON.stringify({ version: v, size: rows.length }));
}

for (let v = 0; v < commits; v++) {
	const lines = [];
	const ts = t0 + v * 60000;
	const a = addFor(v);
	const info = { timestamp: ts, operation: 'WRITE',
		operationParameters: { mode: 'Append' },
		operationMetrics: { numFiles: '1', numOutputRows:
			String(JSON.parse(a.stats).numRecords) } };
	lines.push({ commitInfo: info });
	if (v === 0)
		lines.push({ protocol }, { metaData });
	lines.push({ add: a });
	live.set(a.path, a);
	order.push(a.path);
	if (order.length > 100) {
		const old = order.shift();
		live.delete(old);
		lines.push({ remove: { path: old, deletionTimestamp: ts,
			dataChange: true } });
	}
	fs.writeFileSync(path.join(log, `${pad(v)}.json`),
		lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
	if (v > 0 && v % interval === 0)
		await checkpoint(v);
}
let rows = 0;
for (const a of live.values())
	rows += JSON.parse(a.stats).numRecords;
console.log(JSON.stringify({ dir, version: commits - 1,
	live_files: live.size, rows }));
