#!/usr/bin/env node
// demo/powerbi.mjs - the Power BI workspace of the demo, for the LOCAL
// STAND-IN server (tests/services/powerbi/server.mjs; no real Power BI is
// ever contacted), derived from a generated demo lake.
//
//   node demo/powerbi.mjs [--lake DIR]
//
// Writes DIR/.powerbi/workspace.json (what server.mjs --workspace serves)
// and DIR/.powerbi/token.json (the bearer token the stand-in accepts, in
// the shape `az account get-access-token` prints; examples/ecommerce.json
// reads it). generate.mjs calls this after writing the lake.
//
// Row counts are read back from the lake - with DuckDB for Parquet and the
// live files of Delta tables (as of each model's last successful refresh,
// from the _delta_log commits), with avsc for Capture Avro - so that
// reconcile passes where it is meant to. All times are absolute, taken
// from the lake's pinned "now", so a lake built with --now gives the same
// verdicts whatever the wall clock says.
//
// What the workspace shows (see demo/README.md):
//   Sales Model         Completed 1h ago                 PASS; its datasource
//                       (Synapse serverless, gold) teaches its upstream
//   Web Analytics       Completed 19m ago; its "Traffic Revenue" table
//                       predates a DELETE on gold        reconcile FAIL
//   Fulfillment Model   last refresh Failed (gateway)    refresh FAIL
//   Customer 360        refresh in progress for 35m      PASS
//   Inventory Model     refresh disabled, 4 days old     WARN
//   Web Clickstream     push (streaming) dataset fed by Stream Analytics
import { DuckDBInstance } from '@duckdb/node-api';
import avro from 'avsc';
import snappy from 'snappyjs';
import zlib from 'node:zlib';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const WORKSPACE = 'e7c0a1d2-5b3f-4c6e-9a8d-2f1b0c3d4e5f';
export const TOKEN = 'lakewatch-demo-local-stand-in-token';
const MIN = 60e3, HOUR = 3600e3, DAY = 86400e3;
const quote = (s) => `'${s.replaceAll("'", "''")}'`;

async function scalar(con, sql) {
	const rows = await (await con.run(sql)).getRowObjects();
	return Number(Object.values(rows[0])[0]);
}

// Rows of a plain Parquet dataset: every data file under dir.
function parquetRows(con, dir) {
	return scalar(con, `SELECT count(*) FROM read_parquet(
		${quote(path.join(dir, '**', '*.parquet'))})`);
}

// Rows of a Delta table as of time `asOf` (ms): replay the JSON commits
// whose commitInfo.timestamp is not later, then count the live files'
// rows with DuckDB (not the log's stats: an independent reading).
async function deltaRows(con, dir, asOf) {
	const log = path.join(dir, '_delta_log');
	const live = new Set();
	for (const f of fs.readdirSync(log).filter((n) =>
		/^\d{20}\.json$/.test(n)).sort()) {
		const acts = fs.readFileSync(path.join(log, f), 'utf8').split('\n')
			.filter(Boolean).map((l) => JSON.parse(l));
		const ci = acts.find((a) => a.commitInfo);
		if (ci && ci.commitInfo.timestamp > asOf)
			break;
		for (const a of acts) {
			if (a.add)
				live.add(decodeURIComponent(a.add.path));
			if (a.remove)
				live.delete(decodeURIComponent(a.remove.path));
		}
	}
	if (!live.size)
		return 0;
	const list = [...live].map((p) => quote(path.join(dir, p))).join(', ');
	return scalar(con, `SELECT count(*) FROM read_parquet([${list}])`);
}

// Capture Avro: events and the newest enqueue time, decoded with avsc.
const crcless = (b) => b.subarray(0, b.length - 4);
const CODECS = {
	null: (b, cb) => cb(null, b),
	deflate: (b, cb) => zlib.inflateRaw(b, cb),
	snappy: (b, cb) => {
		try {
			cb(null, Buffer.from(snappy.uncompress(crcless(b))));
		} catch (e) {
			cb(e);
		}
	},
};
function decodeFile(file) {
	return new Promise((resolve, reject) => {
		let n = 0, newest = 0;
		avro.createFileDecoder(file, { codecs: CODECS })
			.on('data', (r) => {
				n++;
				const t = r.SystemProperties['x-opt-enqueued-time'];
				newest = Math.max(newest, Number(t && typeof t === 'object' ? t.long : t));
			})
			.on('error', reject)
			.on('end', () => resolve({ n, newest }));
	});
}
async function captureEvents(dir) {
	let n = 0, newest = 0, files = 0;
	const walk = async (d) => {
		for (const e of fs.readdirSync(d, { withFileTypes: true })) {
			const p = path.join(d, e.name);
			if (e.isDirectory())
				await walk(p);
			else if (e.name.endsWith('.avro')) {
				const r = await decodeFile(p);
				n += r.n;
				newest = Math.max(newest, r.newest);
				files++;
			}
		}
	};
	await walk(dir);
	return { n, newest, files };
}

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const every = (hours) => Array.from({ length: 24 / hours }, (_, k) =>
	`${String(k * hours).padStart(2, '0')}:00`);
const ALL_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday',
	'Friday', 'Saturday'];
function schedule(hours, enabled = true) {
	return { days: ALL_DAYS, times: every(hours), enabled,
		localTimeZoneId: 'UTC', notifyOption: 'MailOnFailure' };
}
function refresh(id, name, type, start, end, status, error) {
	const r = { requestId: `${name}-${id}`, id, refreshType: type,
		startTime: iso(start), status };
	if (end)
		r.endTime = iso(end);
	if (error)
		r.serviceExceptionJson = JSON.stringify(error);
	return r;
}
const col = (name, type) => ({ name, type });

// Build the workspace from the lake at root, "now" = NOW (ms). con: a
// DuckDB connection. Returns the workspace object (also written to disk).
export async function writeWorkspace(con, root, NOW) {
	const at = (p) => path.join(root, p);
	const G = 'gold', W = 'website_tracking';

	// Web Analytics refreshed 19 minutes ago, before the DELETE on
	// gold.revenue_by_traffic_source (15 minutes ago): its tables hold
	// the gold tables as they were then.
	const webEnd = NOW - 19 * MIN;
	const conversion = await deltaRows(con, at(`${G}/${W}/conversion_by_category`), webEnd);
	const revenue = await deltaRows(con, at(`${G}/${W}/revenue_by_traffic_source`), webEnd);
	const sales = await parquetRows(con, at(`${G}/onsite_store/sales_daily`));
	const fulfil = await parquetRows(con, at(`${G}/online_store/order_fulfillment`));
	const c360 = await parquetRows(con, at(`${G}/online_store/customer_360`));
	const stock = await parquetRows(con, at(`${G}/onsite_store/inventory_levels`));
	// The push dataset: Stream Analytics pushes every event as it comes,
	// so it also holds the events of the window Capture has not closed
	// yet (about one window's worth: within reconcile's tolerance).
	const cart = await captureEvents(at('bronze/website_tracking/capture/contoso-web/add-to-cart'));
	const open = Math.round(cart.n / (cart.files || 1) * 2 *
		Math.min(1, (NOW - cart.newest) / (15 * MIN)));

	const ws = {
		workspace: WORKSPACE,
		static_token: TOKEN,
		description: 'lakewatch demo: a LOCAL STAND-IN workspace, generated ' +
			`by demo/powerbi.mjs from ${root} at ${iso(NOW)}`,
		datasets: [
			{ id: '5a1e5000-0000-4000-8000-000000000001', name: 'Sales Model',
			  schedule: schedule(6),
			  refreshes: [
				refresh(41, 'sales', 'Scheduled', NOW - 75 * MIN, NOW - 71 * MIN, 'Completed'),
				refresh(40, 'sales', 'Scheduled', NOW - 6 * HOUR - 75 * MIN, NOW - 6 * HOUR - 70 * MIN, 'Completed'),
			  ],
			  tables: { 'Sales Daily': { rows: sales, columns: [
				col('Date', 'DateTime'), col('Store', 'Int64'), col('Channel', 'String'),
				col('Orders', 'Int64'), col('Units', 'Int64'), col('Revenue', 'Decimal')] } },
			  // Get Datasources In Group: the Synapse serverless endpoint
			  // gold.sales_daily is published as (its "published_as"), so
			  // powerbi.sales learns its upstream from the service
			  datasources: [{ datasourceType: 'Sql',
				connectionDetails: { server: 'contoso-lakehouse-ondemand.sql.azuresynapse.net',
					database: 'gold' },
				datasourceId: 'd5a1e500-0000-4000-8000-000000000001',
				gatewayId: 'a7e0c0de-0000-4000-8000-000000000001' }] },
			{ id: '5a1e5000-0000-4000-8000-000000000002', name: 'Web Analytics',
			  schedule: schedule(3),
			  refreshes: [
				refresh(88, 'web', 'Scheduled', webEnd - 3 * MIN, webEnd, 'Completed'),
				refresh(87, 'web', 'Scheduled', webEnd - 3 * HOUR - 3 * MIN, webEnd - 3 * HOUR, 'Completed'),
			  ],
			  tables: {
				Conversion: { rows: conversion, columns: [
					col('Date', 'DateTime'), col('Category', 'String'), col('Sessions', 'Int64'),
					col('Orders', 'Int64'), col('Conversion Rate', 'Double')] },
				'Traffic Revenue': { rows: revenue, columns: [
					col('Date', 'DateTime'), col('Traffic Source', 'String'),
					col('Sessions', 'Int64'), col('Revenue', 'Decimal')] } } },
			{ id: '5a1e5000-0000-4000-8000-000000000003', name: 'Fulfillment Model',
			  schedule: schedule(6),
			  refreshes: [
				refresh(17, 'fulfil', 'Scheduled', NOW - 130 * MIN, NOW - 122 * MIN, 'Failed', {
					errorCode: 'DM_GWPipeline_Gateway_DataSourceAccessError',
					errorDescription: 'The on-premises data gateway could not reach the SQL endpoint.' }),
				refresh(16, 'fulfil', 'Scheduled', NOW - 8 * HOUR - 10 * MIN, NOW - 8 * HOUR - 5 * MIN, 'Completed'),
			  ],
			  tables: { Fulfillment: { rows: fulfil, columns: [
				col('Date', 'DateTime'), col('Shipping Method', 'String'),
				col('Orders', 'Int64'), col('Late', 'Int64'), col('Avg Hours To Ship', 'Double')] } } },
			{ id: '5a1e5000-0000-4000-8000-000000000004', name: 'Customer 360',
			  schedule: schedule(24),
			  refreshes: [
				refresh(9, 'c360', 'Scheduled', NOW - 35 * MIN, null, 'Unknown'),
				refresh(8, 'c360', 'Scheduled', NOW - DAY - 35 * MIN, NOW - DAY + 20 * MIN, 'Completed'),
			  ],
			  tables: { Customers: { rows: c360, columns: [
				col('Customer Id', 'Int64'), col('Orders 12m', 'Int64'),
				col('Lifetime Value', 'Decimal'), col('Segment', 'String'),
				col('Churn Risk', 'Double')] } } },
			{ id: '5a1e5000-0000-4000-8000-000000000005', name: 'Inventory Model',
			  schedule: schedule(24, false),
			  refreshes: [
				refresh(3, 'inv', 'Scheduled', NOW - 4 * DAY - HOUR, null, 'Disabled'),
				refresh(2, 'inv', 'Scheduled', NOW - 4 * DAY - 2 * HOUR, NOW - 4 * DAY - 110 * MIN, 'Completed'),
			  ],
			  tables: { Stock: { rows: stock, columns: [
				col('Store', 'Int64'), col('SKU', 'String'), col('On Hand', 'Int64'),
				col('Days Of Cover', 'Double'), col('Reorder', 'Boolean')] } } },
			{ id: '5a1e5000-0000-4000-8000-000000000006', name: 'Web Clickstream',
			  push: true, refreshes: [],
			  tables: { AddToCart: { rows: cart.n + open,
				max: { EventTime: iso(NOW - 40e3) }, columns: [
				col('EventTime', 'DateTime'), col('Category', 'String'),
				col('Device', 'String'), col('Price', 'Double')] } } },
		],
	};
	const dir = path.join(root, '.powerbi');
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, 'workspace.json'),
		JSON.stringify(ws, null, 1) + '\n');
	fs.writeFileSync(path.join(dir, 'token.json'), JSON.stringify({
		accessToken: TOKEN, expiresOn: iso(NOW + DAY).replace('T', ' '),
		tokenType: 'Bearer', note: 'for the LOCAL Power BI stand-in only' }) + '\n');
	return ws;
}

// ---- command line ---------------------------------------------------------
if (process.argv[1] && fileURLToPath(import.meta.url) ===
    path.resolve(process.argv[1])) {
	const a = process.argv.slice(2);
	let lake = 'demo-lake';
	for (let k = 0; k < a.length; k++) {
		if (a[k] === '--lake' && k + 1 < a.length)
			lake = a[++k];
		else {
			console.error('usage: node demo/powerbi.mjs [--lake DIR]');
			process.exit(2);
		}
	}
	const mark = path.join(lake, '.lakewatch-demo');
	if (!fs.existsSync(mark)) {
		console.error(`powerbi.mjs: ${lake} is not a demo lake (no .lakewatch-demo)`);
		process.exit(1);
	}
	const NOW = Date.parse(JSON.parse(fs.readFileSync(mark, 'utf8')).now);
	const inst = await DuckDBInstance.create(':memory:');
	const con = await inst.connect();
	await writeWorkspace(con, path.resolve(lake), NOW);
	console.log(`${path.join(lake, '.powerbi', 'workspace.json')}: written`);
}
