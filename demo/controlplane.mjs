#!/usr/bin/env node
// demo/controlplane.mjs - the pipelines behind the demo lake, for the
// LOCAL STAND-IN of the Azure control plane (tests/services/controlplane.mjs;
// no real Azure is ever contacted), consistent with the lake generate.mjs
// wrote: the runs that wrote each dataset, and the ones that broke it.
//
//   node demo/controlplane.mjs [--lake DIR] [--now ISO]
//
// Writes DIR/.controlplane/plane.json (what controlplane.mjs --plane
// serves) and DIR/.controlplane/token.json (the bearer token the stand-in
// accepts, in the shape `az account get-access-token` prints;
// examples/ecommerce.json reads it). generate.mjs calls this after writing
// the lake; demo/controlplane.sh starts the stand-in with it.
//
// What it serves (see demo/README.md); times are absolute, from the lake's
// pinned "now":
//   Data Factory pl_snapshot_inventory  failed 4 days running ("Copy stock
//                levels": UserErrorFileNotFound): gold.inventory_levels is
//                4 days old and Power BI's Inventory Model behind it
//   Databricks silver_geo (job 4103)    timed out writing
//                silver.store_locations: one of its files is cut short
//   Databricks vendor_scorecard (4199)  was never deployed: no such job
//   Stream Analytics asa-web-sessionise Degraded: the gap in
//                silver.web_events this morning
//   everything else                     succeeded on schedule
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TOKEN = 'lakewatch-demo-local-control-plane-token';
export const SUBSCRIPTION = '5f3c1b2a-7d4e-4a6b-9c8d-0e1f2a3b4c5d';
export const RESOURCE_GROUP = 'rg-contoso-lakehouse';
export const FACTORY = 'adf-contoso-lakehouse';
export const SYNAPSE = 'syn-contoso';
const MIN = 60e3, HOUR = 3600e3, DAY = 86400e3;
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');

// Deterministic ids: the same lake, the same runs.
let seq = 0;
function guid(tag) {
	let h = 2166136261 ^ ++seq;
	for (const c of tag)
		h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
	const hex = (n) => (Math.imul(h, n) >>> 0).toString(16).padStart(8, '0');
	return `${hex(1)}-${hex(3).slice(0, 4)}-4${hex(5).slice(1, 4)}-a${hex(7).slice(1, 4)}-${hex(9)}${hex(11).slice(0, 4)}`;
}

// A pipeline's runs: one ending at each of `ends` (newest first), taking
// `minutes` (cycled) each; they all succeeded unless `fail(k)` says how
// the k-th newest went instead.
function adfRuns(name, ends, minutes, fail = () => null) {
	return ends.map((end, k) => {
		const f = fail(k);
		const dur = (f ? f.minutes : minutes[k % minutes.length]) * MIN;
		const r = { runId: guid(`${name}${k}`), status: f ? 'Failed' : 'Succeeded',
			runStart: iso(end - dur), runEnd: iso(end) };
		if (f) {
			r.message = `Operation on target ${f.activity} failed: ${f.error.message}`;
			r.activities = [
				{ activityName: 'Lookup watermark', activityType: 'Lookup', status: 'Succeeded' },
				{ activityName: f.activity, activityType: 'Copy', status: 'Failed', error: f.error }];
		}
		return r;
	});
}

// Databricks runs of a job, as runs/list gives them.
function dbxRuns(id, ends, minutes, odd = () => null) {
	return ends.map((end, k) => {
		const o = odd(k);
		const dur = (o ? o.minutes : minutes[k % minutes.length]) * MIN;
		const state = o ? o.state : { life_cycle_state: 'TERMINATED',
			result_state: 'SUCCESS', state_message: '' };
		return { run_id: id * 1000 + ends.length - k, start_time: end - dur,
			end_time: end, state, ...(o && o.tasks ? { tasks: o.tasks } : {}) };
	});
}

// The newest n times a schedule fired, newest first: `at` and every
// `every` ms before it.
const every = (at, step, n) => Array.from({ length: n }, (_, k) => at - k * step);

// The control plane of the demo lake built at NOW (epoch ms).
export function controlPlane(NOW) {
	const TODAY = Math.floor(NOW / DAY) * DAY;
	const THIS_HOUR = Math.floor(NOW / HOUR) * HOUR;
	// Daily batches land 40 minutes after the day closes, today's
	// intraday batch 25 minutes ago (generate.mjs daily()).
	const batch = [NOW - 25 * MIN, ...every(TODAY + 40 * MIN, DAY, 7)]
		.filter((t, k, a) => k === 0 || t < a[0]);
	const notFound = {
		activity: 'Copy stock levels', minutes: 1,
		error: { errorCode: '2200', failureType: 'UserError', target: 'Copy stock levels',
			message: "ErrorCode=UserErrorFileNotFound,'The file exports/stock/stock_levels.csv " +
				"was not found on the stores' SFTP server.'" } };
	const plane = {
		// The stand-in's own credentials; the demo uses the token below.
		client_id: 'lakewatch-demo-app', client_secret: 'not-a-real-secret-demo-only',
		tokens: [TOKEN],
		subscription: SUBSCRIPTION, resource_group: RESOURCE_GROUP,
		factories: { [FACTORY]: { pipelines: {
			pl_ingest_onsite_store: adfRuns('pos', batch, [22, 19, 24, 21, 20, 23, 18, 25]),
			pl_copy_online_store: adfRuns('online', batch, [14, 12, 15, 13, 16]),
			pl_export_web_analytics: adfRuns('web', every(TODAY + 35 * MIN, DAY, 7), [9, 8, 10, 9, 11]),
			pl_ingest_vendors: adfRuns('vendors', every(TODAY + 30 * MIN, DAY, 7), [6, 5, 7, 6]),
			pl_export_store_master: adfRuns('geo', every(NOW - 2 * DAY - 3 * HOUR, 7 * DAY, 2), [4, 5]),
			// Four days of "file not found" since the last snapshot,
			// which gold.inventory_levels still holds (4d2h old).
			pl_snapshot_inventory: adfRuns('stock', every(NOW - 2 * HOUR, DAY, 5), [11, 12],
				(k) => (k < 4 ? notFound : null)),
			pl_refresh_powerbi: adfRuns('pbi', every(NOW - 60 * MIN, 2 * HOUR, 12), [3, 2, 4]),
		} } },
		synapse: { [SYNAPSE]: { pipelines: {
			syn_pl_gold_sales: adfRuns('sales', batch.map((t) => t + 3 * MIN), [17, 15, 18, 16]),
			syn_pl_gold_store_performance: adfRuns('perf', every(NOW - 6 * HOUR, DAY, 7), [26, 24, 29, 25]),
		} } },
		jobs: {
			// hourly: silver.inventory and the other onsite tables
			4101: { name: 'silver_onsite', runs: dbxRuns(4101, every(THIS_HOUR + 5 * MIN > NOW
				? THIS_HOUR - 55 * MIN : THIS_HOUR + 5 * MIN, HOUR, 24), [7, 6, 8, 7, 9]) },
			4102: { name: 'silver_online', runs: dbxRuns(4102, every(NOW - 2 * HOUR, 6 * HOUR, 12), [12, 11, 14, 13]) },
			// weekly; the last run hit its 2h timeout while writing
			4103: { name: 'silver_geo', runs: dbxRuns(4103, every(NOW - 2 * DAY - 2 * HOUR, 7 * DAY, 2), [31],
				(k) => (k ? null : { minutes: 120,
					state: { life_cycle_state: 'TERMINATED', result_state: 'TIMEDOUT',
						state_message: 'Run timed out', user_cancelled_or_timedout: true },
					tasks: [
						{ task_key: 'geocode_stores', run_id: 41031, state: { life_cycle_state: 'TERMINATED', result_state: 'SUCCESS', state_message: '' } },
						{ task_key: 'write_store_locations', run_id: 41032, state: { life_cycle_state: 'TERMINATED',
							result_state: 'TIMEDOUT', state_message: 'Task write_store_locations timed out after 2h' } }] })) },
			4104: { name: 'gold_web', runs: dbxRuns(4104, every(TODAY + 50 * MIN, DAY, 7), [18, 16, 19, 17]) },
			4105: { name: 'gold_online', runs: dbxRuns(4105, every(NOW - 35 * MIN, HOUR, 24), [4, 5, 4, 6, 5]) },
			// 4199 (vendor_scorecard) was never deployed: not here
		},
		// Event Hubs Capture writes bronze's web events; the namespace
		// lives in the ingestion team's resource group
		resource_groups: { 'rg-contoso-ingest': { namespaces: { 'contoso-web': { metrics: {
			IncomingMessages: { unit: 'Count', points: every(NOW - 5 * MIN, 5 * MIN, 12)
				.map((t, k) => [iso(t), { total: 900 + 37 * (k % 5), count: 1 }]) },
			ThrottledRequests: { unit: 'Count', points: [[iso(NOW - 5 * MIN), { total: 0, count: 1 }]] } } } } } },
		stream_jobs: {
			// Degraded since this morning's gap in silver.web_events
			'asa-web-sessionise': { jobState: 'Degraded', lastOutputEventTime: iso(NOW - 4 * MIN),
				metrics: {
					OutputWatermarkDelaySeconds: { unit: 'Seconds', points: every(NOW - 5 * MIN, 5 * MIN, 12)
						.map((t, k) => [iso(t), { average: 60 + 7 * k, maximum: 95 + 9 * k, minimum: 40 }]) },
					InputEventsSourcesBacklogged: { unit: 'Count', points: [[iso(NOW - 5 * MIN), { average: 310, maximum: 420 }]] },
					Errors: { unit: 'Count', points: every(NOW - 5 * MIN, 5 * MIN, 12)
						.map((t, k) => [iso(t), { total: k % 3 ? 1 : 2, count: 1 }]) } } },
			'asa-web-clickstream': { jobState: 'Running', lastOutputEventTime: iso(NOW - 40e3),
				metrics: {
					OutputWatermarkDelaySeconds: { unit: 'Seconds', points: every(NOW - 5 * MIN, 5 * MIN, 12)
						.map((t, k) => [iso(t), { average: 3 + (k % 2), maximum: 6 + (k % 3), minimum: 1 }]) },
					InputEventsSourcesBacklogged: { unit: 'Count', points: [[iso(NOW - 5 * MIN), { average: 0, maximum: 0 }]] },
					Errors: { unit: 'Count', points: [[iso(NOW - 5 * MIN), { total: 0, count: 1 }]] } } },
		},
	};
	return plane;
}

// Write DIR/.controlplane/{plane,token}.json for the lake built at NOW.
export function writeControlPlane(root, NOW) {
	const dir = path.join(root, '.controlplane');
	fs.mkdirSync(dir, { recursive: true });
	const plane = controlPlane(NOW);
	fs.writeFileSync(path.join(dir, 'plane.json'), JSON.stringify(plane, null, 1) + '\n');
	fs.writeFileSync(path.join(dir, 'token.json'), JSON.stringify({
		accessToken: TOKEN, expiresOn: iso(NOW + DAY).replace('T', ' '),
		tokenType: 'Bearer', note: 'for the LOCAL control-plane stand-in only' }) + '\n');
	return plane;
}

// ---- command line ---------------------------------------------------------
if (process.argv[1] && fileURLToPath(import.meta.url) ===
    path.resolve(process.argv[1])) {
	const a = process.argv.slice(2);
	let lake = 'demo-lake', now = null;
	for (let k = 0; k < a.length; k++) {
		if (a[k] === '--lake' && k + 1 < a.length) lake = a[++k];
		else if (a[k] === '--now' && k + 1 < a.length) now = a[++k];
		else {
			console.error('usage: node demo/controlplane.mjs [--lake DIR] [--now ISO]');
			process.exit(2);
		}
	}
	// the lake's own "now" unless told otherwise
	if (now === null) {
		try {
			now = JSON.parse(fs.readFileSync(path.join(lake, '.lakewatch-demo'), 'utf8')).now;
		} catch {
			now = new Date().toISOString();
		}
	}
	const t = Date.parse(now);
	if (!Number.isFinite(t)) {
		console.error(`controlplane.mjs: cannot read "${now}" as an ISO time`);
		process.exit(2);
	}
	writeControlPlane(lake, Math.floor(t / 1000) * 1000);
}
