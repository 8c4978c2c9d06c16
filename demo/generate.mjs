#!/usr/bin/env node
// demo/generate.mjs - build the e-commerce demo lake that
// examples/ecommerce.json watches.
//
//   node demo/generate.mjs [--out DIR] [--now ISO] [--scale F] [--drift]
//                          [--seed N] [--quiet]
//
// --out    where the lake goes (default ./demo-lake); it is emptied first
// --now    pin "now" (file mtimes and partition dates are relative to it);
//          pass the same time as LAKEWATCH_NOW to lakewatch's testing
//          build (build/test/lakewatch; ./lakewatch reads the clock)
// --scale  multiply every file's row count (0.3 = a lake that lost rows,
//          for the `change` check on a second run)
// --drift  write silver.customers with a changed schema (loyalty_tier gone,
//          lifetime_value retyped decimal -> double), for schema drift
// --seed   change the pseudo-random data (default 42; same seed, same lake)
//
// Files are written by DuckDB (Parquet, CSV, JSON Lines) and avsc (Event
// Hubs Capture Avro, capture.mjs); Delta logs by delta.mjs; never by
// lakewatch, so the demo and the tests check lakewatch against independent
// writers. At the end powerbi.mjs derives the Power BI stand-in's workspace
// from the lake (DIR/.powerbi/), and controlplane.mjs the runs of the
// pipelines and jobs that wrote it (DIR/.controlplane/). The lake is
// deliberately broken in a few places so every status shows; see
// demo/README.md for which dataset shows what.

import zlib from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import { DeltaTable } from './delta.mjs';
import { writeHub } from './capture.mjs';
import { writeWorkspace } from './powerbi.mjs';
import { writeControlPlane } from './controlplane.mjs';

// ---- arguments ------------------------------------------------------------
function usage(msg) {
	if (msg)
		console.error(`generate.mjs: ${msg}`);
	console.error('usage: node demo/generate.mjs [--out DIR] [--now ISO] ' +
		'[--scale F] [--drift] [--seed N] [--quiet]');
	process.exit(2);
}

const opt = { out: 'demo-lake', now: null, scale: 1, drift: false, seed: 42,
	quiet: false };
{
	const a = process.argv.slice(2);
	for (let k = 0; k < a.length; k++) {
		const need = () => {
			if (k + 1 >= a.length)
				usage(`${a[k]} needs a value`);
			return a[++k];
		};
		switch (a[k]) {
		case '--out': opt.out = need(); break;
		case '--now': opt.now = need(); break;
		case '--scale': opt.scale = Number(need()); break;
		case '--seed': opt.seed = Number(need()); break;
		case '--drift': opt.drift = true; break;
		case '--quiet': opt.quiet = true; break;
		case '-h': case '--help': usage();
		default: usage(`unknown argument ${a[k]}`);
		}
	}
	if (!(opt.scale > 0) || opt.scale > 100)
		usage('--scale must be a number in (0, 100]');
	if (!Number.isInteger(opt.seed))
		usage('--seed must be an integer');
}

let NOW = Date.now();
if (opt.now !== null) {
	// Accept epoch seconds too, as LAKEWATCH_NOW does.
	NOW = /^\d+$/.test(opt.now) ? Number(opt.now) * 1000 : Date.parse(opt.now);
	if (!Number.isFinite(NOW))
		usage(`--now: cannot read "${opt.now}" as an ISO time`);
}
NOW = Math.floor(NOW / 1000) * 1000;
const MIN = 60e3, HOUR = 3600e3, DAY = 86400e3;
const TODAY = Math.floor(NOW / DAY) * DAY;	// UTC midnight
const THIS_HOUR = Math.floor(NOW / HOUR) * HOUR;

// ---- deterministic randomness (mulberry32) --------------------------------
let rs = (opt.seed >>> 0) ^ 0x9e3779b9;
function rnd() {
	rs = (rs + 0x6d2b79f5) >>> 0;
	let t = rs;
	t = Math.imul(t ^ (t >>> 15), t | 1);
	t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
	return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function uuid() {
	const h = () => Math.floor(rnd() * 65536).toString(16).padStart(4, '0');
	return `${h()}${h()}-${h()}-4${h().slice(1)}-a${h().slice(1)}-${h()}${h()}${h()}`;
}
let fileSeed = opt.seed * 7919;

// ---- time and partition helpers -------------------------------------------
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
const ymd = (ms) => iso(ms).slice(0, 10);
const sqlTs = (ms) => `TIMESTAMP '${iso(ms).slice(0, 19).replace('T', ' ')}'`;

// Daily partitions: the newest `days` days ending `skipLast` days before
// today. A finished day is written 40 minutes after it closes; today's
// partition has been written to 25 minutes ago (an intraday batch).
function daily(days, { skipLast = 0, missing = [], every = 1 } = {}) {
	const out = [];
	for (let d = days - 1; d >= 0; d--) {
		const ago = d * every + skipLast;
		if (missing.includes(ago))
			continue;
		const start = TODAY - ago * DAY;
		const end = start + every * DAY;
		out.push({ dir: `date=${ymd(start)}`, start, span: every * DAY,
			mtime: Math.min(end + 40 * MIN, NOW - 25 * MIN) });
	}
	return out;
}

// Hourly partitions date=.../hour=HH for the last `hours` hours, the current
// one included; `missing` lists hours-ago values that were never written.
function hourly(hours, { missing = [] } = {}) {
	const out = [];
	for (let h = hours - 1; h >= 0; h--) {
		if (missing.includes(h))
			continue;
		const start = THIS_HOUR - h * HOUR;
		const hh = String(new Date(start).getUTCHours()).padStart(2, '0');
		out.push({ dir: `date=${ymd(start)}/hour=${hh}`, start, span: HOUR,
			mtime: Math.min(start + HOUR + 5 * MIN, NOW - 3 * MIN) });
	}
	return out;
}

// One unpartitioned snapshot written `ago` ms before now.
const snapshot = (ago) => [{ dir: '', start: NOW - ago - DAY, span: DAY,
	mtime: NOW - ago }];

// ---- SQL helpers for column expressions (row index i, per-file seed S) ----
// R(n): a pseudo-random integer in [0, n) that depends on row and file.
const R = (S, n, salt = 0) => `(hash(i, ${S + salt * 131}) % ${n})::BIGINT`;
const pick = (S, list, salt) =>
	`(['${list.join("','")}'])[${R(S, list.length, salt)} + 1]`;
const tsIn = (S, p, salt = 9) =>
	`${sqlTs(p.start)} + to_seconds(${R(S, Math.max(1, Math.floor(
		Math.min(p.span, NOW - p.start) / 1000)), salt)})`;
const money = (S, lo, hi, salt) =>
	`((${lo * 100} + ${R(S, (hi - lo) * 100, salt)}) / 100.0)::DECIMAL(10,2)`;

const STORES = [3, 7, 12, 21];
const CATEGORIES = ['electronics', 'home', 'garden', 'toys', 'beauty',
	'sports', 'books', 'fashion', 'grocery', 'pets', 'auto', 'office'];
const SOURCES = ['organic', 'paid_search', 'social', 'email', 'affiliate',
	'direct', 'display', 'referral'];

// ---- the lake -------------------------------------------------------------
// Each dataset: path, format, partitions, files per partition, rows per
// file, the SELECT list (a function of the per-file seed S and the
// partition p), and optional "broken" touches. The comments say which
// status each deliberately broken one shows.
const datasets = [
	// --- bronze: Data Factory batches (CSV, JSON Lines) ---
	{ name: 'bronze.pos_purchases', path: 'bronze/onsite_store/pos_purchases',
	  format: 'csv', delim: ';', parts: daily(10), files: STORES.length,
	  fname: (p, k) => `pos_purchases_store${String(STORES[k]).padStart(2, '0')}_${p.dir.slice(5).replaceAll('-', '')}.csv`,
	  rows: 120,
	  cols: (S, p, k) => `'T' || ${STORES[k]} || '-' || ${S} || '-' || i AS transaction_id,
		${STORES[k]} AS store_id, 1 + ${R(S, 6, 1)} AS register_id,
		'SKU-' || lpad((${R(S, 5000, 2)})::VARCHAR, 5, '0') AS sku,
		1 + ${R(S, 4, 3)} AS quantity, ${money(S, 2, 250, 4)} AS unit_price,
		${pick(S, ['card', 'cash', 'mobile', 'gift_card'], 5)} AS payment_method,
		${tsIn(S, p)} AS purchased_at`,
	  // A copy Data Factory left behind mid-run: excluded by the config.
	  extra: (dir) => writeText(path.join(dir, `date=${ymd(TODAY)}`, 'tmp',
		'pos_purchases_store03.csv.partial'), 'transaction_id;store_id\n', NOW - 30 * MIN) },
	{ name: 'bronze.inventory_counts', path: 'bronze/onsite_store/inventory_counts',
	  format: 'csv', parts: daily(10), files: 1, rows: 200,
	  fname: (p) => `inventory_${p.dir.slice(5).replaceAll('-', '')}.csv`,
	  cols: (S, p) => `${pick(S, STORES, 1)}::INTEGER AS store_id,
		'SKU-' || lpad((${R(S, 5000, 2)})::VARCHAR, 5, '0') AS sku,
		${R(S, 300, 3)} AS on_hand, 10 + ${R(S, 40, 4)} AS reorder_point,
		${tsIn(S, p)} AS counted_at` },
	// WARN (files.empty): the newest day has a zero-byte export besides
	// the real one.
	{ name: 'bronze.customer_feedback', path: 'bronze/onsite_store/customer_feedback',
	  format: 'jsonl', parts: daily(10), files: 1, rows: 40,
	  fname: (p) => `feedback_${p.dir.slice(5).replaceAll('-', '')}.jsonl`,
	  cols: (S, p) => `'FB-' || ${S} || '-' || i AS feedback_id,
		${pick(S, STORES, 1)}::INTEGER AS store_id,
		100000 + ${R(S, 5000, 2)} AS customer_id, 1 + ${R(S, 5, 3)} AS rating,
		${pick(S, ['great staff', 'long queue', 'out of stock', 'clean store', 'easy returns'], 4)} AS comment,
		${pick(S, ['kiosk', 'receipt_qr', 'email'], 5)} AS channel,
		${tsIn(S, p)} AS submitted_at`,
	  extra: (dir) => writeText(path.join(dir, `date=${ymd(TODAY)}`,
		`feedback_${ymd(TODAY).replaceAll('-', '')}_retry.jsonl`), '', NOW - 20 * MIN) },
	// Website tracking streams: Event Hubs Capture Avro (written with avsc,
	// see capture.mjs), 15-minute windows over the last 26 hours. Capture
	// itself writes deflate; the page-views hub's partitions use snappy and
	// null so the demo holds every codec lakewatch reads.
	// add-to-cart partition 1 received nothing between 9 and 11 hours ago
	// (a tracker release broke one region's events): Capture still wrote
	// its windows, as empty files (a header and no blocks), so the hourly
	// partitions look complete; detail.avro.empty_files shows them.
	{ name: 'bronze.web_add_to_cart', kind: 'capture',
	  path: 'bronze/website_tracking/capture/contoso-web/add-to-cart',
	  partitions: 2, hours: 26, perWindow: 14,
	  codec: () => 'deflate',
	  empty: (part, hoursAgo) => part === 1 && hoursAgo >= 9 && hoursAgo < 11,
	  event: (ts, k) => ({ event_id: uuid(), session_id: `s-${Math.floor(rnd() * 900)}`,
		customer_id: rnd() < 0.33 ? null : 100000 + Math.floor(rnd() * 5000),
		product_id: `P${Math.floor(rnd() * 3000)}`,
		category: CATEGORIES[Math.floor(rnd() * CATEGORIES.length)],
		price: Math.round(300 + rnd() * 39700) / 100, quantity: 1 + (k % 3),
		device: ['ios', 'android', 'desktop', 'tablet'][k % 4], ts: iso(ts) }) },
	{ name: 'bronze.web_page_views', kind: 'capture',
	  path: 'bronze/website_tracking/capture/contoso-web/page-views',
	  partitions: 2, hours: 26, perWindow: 45,
	  codec: (part) => (part === 0 ? 'snappy' : 'null'),
	  empty: () => false,
	  event: (ts, k) => ({ event_id: uuid(), session_id: `s-${Math.floor(rnd() * 900)}`,
		page: ['/', '/search', '/product', '/cart', '/checkout'][k % 5],
		traffic_source: SOURCES[Math.floor(rnd() * SOURCES.length)],
		device: ['ios', 'android', 'desktop', 'tablet'][k % 4], ts: iso(ts) }) },
	{ name: 'bronze.web_category_conversion', path: 'bronze/website_tracking/category_conversion',
	  format: 'jsonl', parts: daily(10), files: 1, rows: CATEGORIES.length, fixedRows: true,
	  fname: (p) => `category_conversion_${p.dir.slice(5).replaceAll('-', '')}.jsonl`,
	  cols: (S, p) => `DATE '${ymd(p.start)}' AS day,
		(['${CATEGORIES.join("','")}'])[i + 1] AS category,
		800 + ${R(S, 4000, 1)} AS sessions, 60 + ${R(S, 600, 2)} AS add_to_cart,
		10 + ${R(S, 120, 3)} AS orders` },
	{ name: 'bronze.web_traffic_revenue', path: 'bronze/website_tracking/traffic_revenue',
	  format: 'jsonl', parts: daily(10), files: 1, rows: SOURCES.length, fixedRows: true,
	  fname: (p) => `traffic_revenue_${p.dir.slice(5).replaceAll('-', '')}.jsonl`,
	  cols: (S, p) => `DATE '${ymd(p.start)}' AS day,
		(['${SOURCES.join("','")}'])[i + 1] AS traffic_source,
		500 + ${R(S, 9000, 1)} AS sessions, 5 + ${R(S, 300, 2)} AS orders,
		${money(S, 100, 40000, 3)}::DOUBLE AS revenue` },
	{ name: 'bronze.online_customers', path: 'bronze/online_store/customers',
	  format: 'csv', parts: daily(10), files: 1, rows: 80,
	  fname: (p) => `customers_delta_${p.dir.slice(5).replaceAll('-', '')}.csv`,
	  cols: (S, p) => `100000 + ${R(S, 50000, 1)} AS customer_id,
		'user' || ${R(S, 99999, 2)} || '@example.com' AS email,
		${pick(S, ['Ana', 'Ben', 'Chen', 'Dara', 'Eli', 'Fatima', 'Gus'], 3)} AS first_name,
		${pick(S, ['Silva', 'Okafor', 'Novak', 'Kim', 'Haddad', 'Berg'], 4)} AS last_name,
		${pick(S, ['US', 'CA', 'GB', 'DE', 'FR', 'NL'], 5)} AS country,
		${tsIn(S, p)} AS signup_at,
		${pick(S, ['none', 'silver', 'gold', 'platinum'], 6)} AS loyalty_tier` },
	{ name: 'bronze.online_orders', path: 'bronze/online_store/orders',
	  format: 'csv', parts: daily(10), files: 2, rows: 150,
	  fname: (p, k) => `orders_${p.dir.slice(5).replaceAll('-', '')}_${k + 1}.csv`,
	  cols: (S, p) => `'O' || ${S} || lpad(i::VARCHAR, 4, '0') AS order_id,
		100000 + ${R(S, 50000, 1)} AS customer_id, ${tsIn(S, p)} AS order_ts,
		${pick(S, ['placed', 'paid', 'shipped', 'delivered', 'cancelled'], 2)} AS status,
		1 + ${R(S, 5, 3)} AS items, ${money(S, 5, 900, 4)} AS amount, 'USD' AS currency,
		${pick(S, ['standard', 'express', 'pickup'], 5)} AS shipping_method,
		lpad((${R(S, 99999, 6)})::VARCHAR, 5, '0') AS postal_code` },
	{ name: 'bronze.vendor_catalog', path: 'bronze/vendors/catalog',
	  format: 'csv', parts: daily(4, { every: 7 }), files: 1, rows: 300,
	  fname: (p) => `catalog_${p.dir.slice(5).replaceAll('-', '')}.csv`,
	  cols: (S) => `'V' || lpad((1 + ${R(S, 40, 1)})::VARCHAR, 3, '0') AS vendor_id,
		'SKU-' || lpad((${R(S, 5000, 2)})::VARCHAR, 5, '0') AS sku,
		${pick(S, CATEGORIES, 3)} || ' item ' || i AS description,
		${money(S, 1, 300, 4)} AS cost, 'USD' AS currency,
		2 + ${R(S, 20, 5)} AS lead_time_days` },
	// WARN (freshness): the dealers' feed stopped; its last file is 2-3
	// days old whatever the hour (warn 30h, fail 3d).
	{ name: 'bronze.dealer_shipments', path: 'bronze/vendors/dealer_shipments',
	  format: 'jsonl', parts: daily(8, { skipLast: 3 }), files: 1, rows: 70,
	  fname: (p) => `shipments_${p.dir.slice(5).replaceAll('-', '')}.jsonl`,
	  cols: (S, p) => `'SH' || ${S} || '-' || i AS shipment_id,
		'D' || lpad((1 + ${R(S, 25, 1)})::VARCHAR, 3, '0') AS dealer_id,
		'SKU-' || lpad((${R(S, 5000, 2)})::VARCHAR, 5, '0') AS sku,
		1 + ${R(S, 200, 3)} AS quantity, ${tsIn(S, p)} AS shipped_at,
		${pick(S, ['UPS', 'FedEx', 'DHL', 'USPS'], 4)} AS carrier` },
	{ name: 'bronze.store_locations', path: 'bronze/geo/store_locations',
	  format: 'csv', parts: snapshot(2 * DAY + 3 * HOUR), files: 1, rows: 24, fixedRows: true,
	  fname: () => 'store_locations.csv',
	  cols: (S) => `1 + i AS store_id, 'Store #' || (1 + i) AS name,
		(100 + ${R(S, 9000, 1)}) || ' Main St' AS address,
		${pick(S, ['Seattle', 'Austin', 'Denver', 'Boston', 'Chicago', 'Miami'], 2)} AS city,
		'US' AS country,
		(25 + ${R(S, 2300, 3)} / 100.0)::DOUBLE AS latitude,
		(-122 + ${R(S, 4800, 4)} / 100.0)::DOUBLE AS longitude` },

	// --- silver: cleaned Parquet written by Spark jobs ---
	{ name: 'silver.pos_purchases', path: 'silver/onsite_store/pos_purchases',
	  format: 'parquet', parts: daily(10), files: 2, rows: 240,
	  cols: (S, p) => `'T' || ${S} || '-' || i AS transaction_id,
		${pick(S, STORES, 1)}::INTEGER AS store_id,
		'SKU-' || lpad((${R(S, 5000, 2)})::VARCHAR, 5, '0') AS sku,
		(1 + ${R(S, 4, 3)})::INTEGER AS quantity,
		${money(S, 2, 900, 4)} AS total,
		${pick(S, ['card', 'cash', 'mobile', 'gift_card'], 5)} AS payment_method,
		${tsIn(S, p)} AS purchased_at` },
	{ name: 'silver.inventory', path: 'silver/onsite_store/inventory',
	  format: 'parquet', parts: snapshot(40 * MIN), files: 4, rows: 500,
	  cols: (S) => `${pick(S, STORES, 1)}::INTEGER AS store_id,
		'SKU-' || lpad((${R(S, 5000, 2)})::VARCHAR, 5, '0') AS sku,
		(${R(S, 300, 3)})::INTEGER AS on_hand, (10 + ${R(S, 40, 4)})::INTEGER AS reorder_point,
		${sqlTs(NOW - 50 * MIN)} AS as_of` },
	{ name: 'silver.customer_feedback', path: 'silver/onsite_store/customer_feedback',
	  format: 'parquet', parts: daily(10), files: 1, rows: 40,
	  cols: (S, p) => `'FB-' || ${S} || '-' || i AS feedback_id,
		${pick(S, STORES, 1)}::INTEGER AS store_id,
		(100000 + ${R(S, 5000, 2)})::BIGINT AS customer_id,
		(1 + ${R(S, 5, 3)})::INTEGER AS rating,
		((${R(S, 200, 4)} - 100) / 100.0)::DOUBLE AS sentiment,
		${tsIn(S, p)} AS submitted_at` },
	// Delta (delta.mjs): a streaming job appends one commit per hour,
	// checkpoints every 10 versions.
	// WARN (partitions): the job failed for two hours this morning.
	{ name: 'silver.web_events', path: 'silver/website_tracking/web_events',
	  format: 'delta', parts: hourly(48, { missing: [5, 6] }), files: 1, rows: 180,
	  delta: { op: 'STREAMING UPDATE', partitionColumns: [['date', 'date'], ['hour', 'integer']] },
	  cols: (S, p) => `'${uuid()}-' || i AS event_id,
		${pick(S, ['page_view', 'add_to_cart', 'checkout', 'purchase'], 1)} AS event_type,
		's-' || ${R(S, 900, 2)} AS session_id,
		CASE WHEN ${R(S, 3, 3)} = 0 THEN NULL ELSE (100000 + ${R(S, 5000, 4)})::BIGINT END AS customer_id,
		${pick(S, CATEGORIES, 5)} AS category, ${pick(S, SOURCES, 6)} AS traffic_source,
		${pick(S, ['ios', 'android', 'desktop', 'tablet'], 7)} AS device,
		${money(S, 0, 400, 8)} AS value, ${tsIn(S, p)} AS ts` },
	// --drift: loyalty_tier removed, lifetime_value retyped to double.
	{ name: 'silver.customers', path: 'silver/online_store/customers',
	  format: 'parquet', parts: snapshot(2 * HOUR), files: 3, rows: 700,
	  cols: (S) => `(100000 + ${S % 1000} * 1000 + i)::BIGINT AS customer_id,
		'user' || ${R(S, 99999, 2)} || '@example.com' AS email,
		${pick(S, ['US', 'CA', 'GB', 'DE', 'FR', 'NL'], 3)} AS country,
		${sqlTs(NOW - 400 * DAY)} + to_seconds(${R(S, 399 * 86400, 4)}) AS signup_at,
		${opt.drift ? '' : `${pick(S, ['none', 'silver', 'gold', 'platinum'], 5)} AS loyalty_tier,`}
		${opt.drift ? `${money(S, 0, 9000, 6)}::DOUBLE` : money(S, 0, 9000, 6)} AS lifetime_value` },
	// FAIL (schema): amount lands as DOUBLE, the contract says decimal(10,2).
	{ name: 'silver.orders', path: 'silver/online_store/orders',
	  format: 'parquet', parts: daily(10), files: 2, rows: 150,
	  cols: (S, p) => `'O' || ${S} || lpad(i::VARCHAR, 4, '0') AS order_id,
		(100000 + ${R(S, 50000, 1)})::BIGINT AS customer_id, ${tsIn(S, p)} AS order_ts,
		${pick(S, ['placed', 'paid', 'shipped', 'delivered', 'cancelled'], 2)} AS status,
		(1 + ${R(S, 5, 3)})::INTEGER AS items, ${money(S, 5, 900, 4)}::DOUBLE AS amount,
		'USD' AS currency, ${pick(S, ['standard', 'express', 'pickup'], 5)} AS shipping_method,
		lpad((${R(S, 99999, 6)})::VARCHAR, 5, '0') AS postal_code` },
	{ name: 'silver.vendors', path: 'silver/vendors/vendors',
	  format: 'parquet', parts: snapshot(5 * HOUR), files: 2, rows: 30,
	  cols: (S) => `'V' || lpad((1 + i + ${S % 2} * 30)::VARCHAR, 3, '0') AS vendor_id,
		${pick(S, ['vendor', 'dealer'], 1)} AS kind,
		${pick(S, ['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark'], 2)} || ' ' || i AS name,
		${pick(S, ['US', 'MX', 'CN', 'DE', 'VN'], 3)} AS country,
		(2 + ${R(S, 20, 4)})::INTEGER AS lead_time_days, (${R(S, 100, 5)} / 100.0)::DOUBLE AS on_time_rate` },
	// ERROR (readable): one of the two files is a truncated Parquet file.
	{ name: 'silver.store_locations', path: 'silver/geo/store_locations',
	  format: 'parquet', parts: snapshot(2 * DAY + 2 * HOUR), files: 2, rows: 12, fixedRows: true,
	  corrupt: 1,
	  cols: (S) => `(1 + i + ${S % 2} * 12)::INTEGER AS store_id, 'Store #' || (1 + i) AS name,
		${pick(S, ['Seattle', 'Austin', 'Denver', 'Boston', 'Chicago', 'Miami'], 2)} AS city,
		'US' AS country, (25 + ${R(S, 2300, 3)} / 100.0)::DOUBLE AS latitude,
		(-122 + ${R(S, 4800, 4)} / 100.0)::DOUBLE AS longitude,
		${pick(S, ['America/Los_Angeles', 'America/Chicago', 'America/New_York'], 5)} AS timezone` },

	// --- gold: aggregates for consumers and data sharing ---
	{ name: 'gold.sales_daily', path: 'gold/onsite_store/sales_daily',
	  format: 'parquet', parts: daily(10), files: 1, rows: 2 * STORES.length, fixedRows: true,
	  cols: (S, p) => `DATE '${ymd(p.start)}' AS date,
		([${STORES.join(',')}])[i % ${STORES.length} + 1]::INTEGER AS store_id,
		CASE WHEN i < ${STORES.length} THEN 'onsite' ELSE 'online' END AS channel,
		(200 + ${R(S, 600, 1)})::BIGINT AS orders, (300 + ${R(S, 900, 2)})::BIGINT AS units,
		((20000 + ${R(S, 80000, 3)}) + ${R(S, 100, 4)} / 100.0)::DECIMAL(12,2) AS revenue` },
	// FAIL (freshness): the snapshot job has not run for four days.
	{ name: 'gold.inventory_levels', path: 'gold/onsite_store/inventory_levels',
	  format: 'parquet', parts: snapshot(4 * DAY + 2 * HOUR), files: 1, rows: 400,
	  cols: (S) => `${pick(S, STORES, 1)}::INTEGER AS store_id,
		'SKU-' || lpad((${R(S, 5000, 2)})::VARCHAR, 5, '0') AS sku,
		(${R(S, 300, 3)})::INTEGER AS on_hand, (${R(S, 30, 4)})::DOUBLE AS days_of_cover,
		${R(S, 4, 5)} = 0 AS reorder` },
	// Delta: a daily WRITE per day; today's partition was then MERGEd
	// (its file removed and rewritten) after the checkpoint at version 10.
	{ name: 'gold.conversion_by_category', path: 'gold/website_tracking/conversion_by_category',
	  format: 'delta', parts: daily(10), files: 1, rows: CATEGORIES.length, fixedRows: true,
	  delta: { op: 'WRITE', partitionColumns: [['date', 'date']], last: 'MERGE' },
	  cols: (S, p) => `DATE '${ymd(p.start)}' AS date,
		(['${CATEGORIES.join("','")}'])[i + 1] AS category,
		(800 + ${R(S, 4000, 1)})::BIGINT AS sessions, (10 + ${R(S, 120, 2)})::BIGINT AS orders,
		(${R(S, 900, 3)} / 10000.0)::DOUBLE AS conversion_rate` },
	// Delta. FAIL (operations): after Power BI's last refresh someone ran
	// DELETE ... WHERE traffic_source = 'affiliate' by hand: every file was
	// removed and rewritten without those rows, so Power BI's "Traffic
	// Revenue" no longer matches (powerbi.web_revenue reconcile FAIL).
	{ name: 'gold.revenue_by_traffic_source', path: 'gold/website_tracking/revenue_by_traffic_source',
	  format: 'delta', parts: daily(10), files: 1, rows: SOURCES.length, fixedRows: true,
	  delta: { op: 'WRITE', partitionColumns: [['date', 'date']], last: 'DELETE',
		deleteWhere: "traffic_source = 'affiliate'" },
	  cols: (S, p) => `DATE '${ymd(p.start)}' AS date,
		(['${SOURCES.join("','")}'])[i + 1] AS traffic_source,
		(500 + ${R(S, 9000, 1)})::BIGINT AS sessions,
		((100 + ${R(S, 40000, 2)}) + ${R(S, 100, 3)} / 100.0)::DECIMAL(12,2) AS revenue` },
	// FAIL (row_count): an upstream join dropped almost every customer.
	{ name: 'gold.customer_360', path: 'gold/online_store/customer_360',
	  format: 'parquet', parts: snapshot(3 * HOUR), files: 1, rows: 14, fixedRows: true,
	  cols: (S) => `(100000 + i)::BIGINT AS customer_id,
		(${R(S, 60, 1)})::INTEGER AS orders_12m, ${money(S, 0, 9000, 2)} AS lifetime_value,
		${pick(S, ['new', 'active', 'lapsing', 'churned'], 3)} AS segment,
		(${R(S, 100, 4)} / 100.0)::DOUBLE AS churn_risk` },
	{ name: 'gold.order_fulfillment', path: 'gold/online_store/order_fulfillment',
	  format: 'parquet', parts: daily(10), files: 1, rows: 3, fixedRows: true,
	  cols: (S, p) => `DATE '${ymd(p.start)}' AS date,
		(['standard','express','pickup'])[i + 1] AS shipping_method,
		(100 + ${R(S, 500, 1)})::BIGINT AS orders, (${R(S, 30, 2)})::BIGINT AS late,
		(${R(S, 72, 3)} + 2)::DOUBLE AS avg_hours_to_ship` },
	{ name: 'gold.fraud_signals', path: 'gold/online_store/fraud_signals',
	  format: 'parquet', parts: snapshot(35 * MIN), files: 2, rows: 60,
	  cols: (S) => `'O' || ${S} || lpad(i::VARCHAR, 4, '0') AS order_id,
		(${R(S, 1000, 1)} / 1000.0)::DOUBLE AS score,
		${pick(S, ['velocity', 'geo_mismatch', 'card_testing', 'return_abuse'], 2)} AS reason,
		${sqlTs(NOW - 40 * MIN)} AS flagged_at` },
	// ERROR (observe): gold.vendor_scorecard's job was never deployed, so
	// its path does not exist. Nothing is written for it.
	{ name: 'gold.store_performance', path: 'gold/geo/store_performance',
	  format: 'parquet', parts: snapshot(6 * HOUR), files: 1, rows: 24, fixedRows: true,
	  cols: (S) => `(1 + i)::INTEGER AS store_id, ${pick(S, ['west', 'central', 'east'], 1)} AS region,
		((50000 + ${R(S, 200000, 2)}) + ${R(S, 100, 3)} / 100.0)::DECIMAL(12,2) AS revenue_30d,
		(${R(S, 500, 4)} / 100.0)::DOUBLE AS footfall_index` },
];

// ---- writing --------------------------------------------------------------
function setTime(file, ms) {
	const t = ms / 1000;
	fs.utimesSync(file, t, t);
}

function writeText(file, text, mtime) {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, text);
	setTime(file, mtime);
	stats.files++;
}

// Hadoop's checksum file: "crc\0", bytes per checksum, then a CRC-32 of
// each 512-byte chunk. Spark leaves one beside every file it writes.
// node's own CRC-32 (IEEE)
const crc32 = (buf) => zlib.crc32(buf);
function writeCrc(file, mtime) {
	const data = fs.readFileSync(file);
	const n = Math.ceil(data.length / 512);
	const out = Buffer.alloc(8 + 4 * n);
	out.write('crc\0', 0, 'latin1');
	out.writeInt32BE(512, 4);
	for (let k = 0; k < n; k++)
		out.writeUInt32BE(crc32(data.subarray(k * 512, (k + 1) * 512)), 8 + 4 * k);
	const crc = path.join(path.dirname(file), `.${path.basename(file)}.crc`);
	fs.writeFileSync(crc, out);
	setTime(crc, mtime);
	stats.files++;
}

const stats = { datasets: 0, files: 0, dataFiles: 0, rows: 0, bytes: 0 };
const quote = (s) => `'${s.replaceAll("'", "''")}'`;

// DuckDB's type names -> Spark's, for a Delta schemaString.
function sparkType(t) {
	const m = t.match(/^DECIMAL\((\d+),\s*(\d+)\)$/);
	if (m)
		return `decimal(${m[1]},${m[2]})`;
	const map = { VARCHAR: 'string', BIGINT: 'long', INTEGER: 'integer',
		DOUBLE: 'double', BOOLEAN: 'boolean', DATE: 'date',
		TIMESTAMP: 'timestamp', 'TIMESTAMP WITH TIME ZONE': 'timestamp',
		SMALLINT: 'short', FLOAT: 'float' };
	if (!map[t])
		throw new Error(`no Spark type for DuckDB ${t}`);
	return map[t];
}

// A Delta table (see delta.mjs): data files under their partition
// directories, one commit per partition written (ds.delta.op), a
// checkpoint every 10 versions, then the optional last operation.
async function writeDelta(con, ds, root) {
	const dir = path.join(root, ds.path);
	const pcols = ds.delta.partitionColumns.map(([n]) => n);
	const desc = await (await con.run(`DESCRIBE SELECT ${ds.cols(1, ds.parts[0], 0)}
		FROM range(1) t(i)`)).getRowObjects();
	const fields = desc.filter((r) => !pcols.includes(r.column_name))
		.map((r) => [r.column_name, sparkType(r.column_type)]);
	const dataCols = fields.map(([n]) => `"${n}"`).join(', ');
	for (const [n, t] of ds.delta.partitionColumns)
		fields.push([n, t]);
	const first = ds.parts[0];
	const tbl = new DeltaTable(dir, { id: uuid(), name: ds.name.split('.')[1],
		fields, partitionColumns: pcols,
		createdTime: first.mtime - 2 * DAY }, setTime);
	let ts = first.mtime - 2 * DAY;
	tbl.commit({ ts, operation: 'CREATE TABLE', parameters: {
		isManaged: 'true', partitionBy: pcols, properties: {} } });
	const pvals = (p) => {
		const kv = Object.fromEntries(p.dir.split('/').map((x) => x.split('=')));
		return Object.fromEntries(pcols.map((c) => [c,
			c === 'hour' ? String(Number(kv[c])) : kv[c]]));
	};
	const writeFile = async (p, k, sql, rowsHint) => {
		const rel = path.join(p.dir, `part-${String(k).padStart(5, '0')}-${uuid()}.c000.snappy.parquet`);
		const file = path.join(dir, rel);
		fs.mkdirSync(path.dirname(file), { recursive: true });
		await con.run(`COPY (${sql}) TO ${quote(file)} (FORMAT parquet, COMPRESSION snappy)`);
		const rows = rowsHint ?? Number((await (await con.run(
			`SELECT count(*) AS n FROM read_parquet(${quote(file)})`))
			.getRowObjects())[0].n);
		stats.files++;
		stats.dataFiles++;
		stats.bytes += fs.statSync(file).size;
		return { path: rel, file, size: fs.statSync(file).size, rows,
			partitionValues: pvals(p) };
	};
	const maybeCheckpoint = async () => {
		if (tbl.version > 0 && tbl.version % 10 === 0)
			await tbl.checkpoint(con, ts + 2000);
	};
	const byPart = new Map();
	for (const p of ds.parts) {
		const adds = [];
		for (let k = 0; k < ds.files; k++) {
			const S = ++fileSeed;
			const rows = ds.fixedRows ? ds.rows
				: Math.max(1, Math.round(ds.rows * opt.scale *
					(0.85 + 0.3 * rnd())));
			adds.push(await writeFile(p, k, `SELECT ${dataCols} FROM
				(SELECT ${ds.cols(S, p, k)} FROM range(${rows}) t(i))`, rows));
			stats.rows += rows;
		}
		ts = Math.max(ts + 1000, p.mtime);
		for (const a of adds)
			setTime(a.file, ts - 5000);
		const n = adds.reduce((x, a) => x + a.rows, 0);
		const bytes = adds.reduce((x, a) => x + a.size, 0);
		const streaming = ds.delta.op === 'STREAMING UPDATE';
		tbl.commit({ ts, operation: ds.delta.op, isBlindAppend: true,
			parameters: streaming ? { outputMode: 'Append',
				queryId: '5d1e3c0a-demo-web-events', epochId: String(tbl.version + 1) }
				: { mode: 'Append', partitionBy: pcols },
			metrics: streaming ? { numRemovedFiles: 0, numOutputRows: n,
				numOutputBytes: bytes, numAddedFiles: adds.length }
				: { numFiles: adds.length, numOutputRows: n,
					numOutputBytes: bytes },
			adds: adds.map((a) => ({ ...a, mtime: ts - 5000 })) });
		byPart.set(p, adds);
		await maybeCheckpoint();
	}
	if (ds.delta.last === 'MERGE') {
		// Late events for today: the newest partition's file is rewritten.
		const p = ds.parts[ds.parts.length - 1];
		const old = byPart.get(p);
		ts = Math.max(ts + 60e3, NOW - 10 * MIN);
		const S = ++fileSeed;
		const a = await writeFile(p, 0, `SELECT ${dataCols} FROM
			(SELECT ${ds.cols(S, p, 0)} FROM range(${ds.rows}) t(i))`, ds.rows);
		setTime(a.file, ts - 5000);
		tbl.commit({ ts, operation: 'MERGE', parameters: {
			predicate: ['(target.date = source.date) AND (target.category = source.category)'] },
			metrics: { numTargetRowsInserted: 0, numTargetRowsUpdated: a.rows,
				numTargetRowsDeleted: 0, numTargetFilesAdded: 1,
				numTargetFilesRemoved: old.length, numOutputRows: a.rows,
				numSourceRows: a.rows },
			removes: old.map((o) => o.path),
			adds: [{ ...a, mtime: ts - 5000 }] });
	} else if (ds.delta.last === 'DELETE') {
		ts = Math.max(ts + 60e3, NOW - 15 * MIN);
		const removes = [], adds = [];
		let before = 0, after = 0;
		for (const p of ds.parts) {
			for (const o of byPart.get(p)) {
				const a = await writeFile(p, 0, `SELECT * FROM
					read_parquet(${quote(o.file)}) WHERE NOT (${ds.delta.deleteWhere})`);
				setTime(a.file, ts - 5000);
				removes.push(o.path);
				adds.push({ ...a, mtime: ts - 5000 });
				before += o.rows;
				after += a.rows;
			}
		}
		stats.rows -= before - after;
		tbl.commit({ ts, operation: 'DELETE', parameters: {
			predicate: [ds.delta.deleteWhere] },
			metrics: { numRemovedFiles: removes.length,
				numAddedFiles: adds.length, numDeletedRows: before - after,
				numCopiedRows: after, numRemovedBytes: 0,
				executionTimeMs: 2311 },
			removes, adds });
	}
	stats.datasets++;
	return tbl;
}

// Event Hubs Capture (see capture.mjs): 15-minute windows per partition
// over the last ds.hours hours, each written when its window closed.
async function writeCapture(ds, root) {
	const W = 15 * MIN;
	const dir = path.join(root, ds.path);
	const [ns, hub] = ds.path.split('/').slice(-2);
	const base = path.dirname(path.dirname(dir));
	const windows = [];
	const last = Math.floor((NOW - W - 4000) / W) * W;	// newest closed
	for (let start = last - (ds.hours * 4 - 1) * W; start <= last; start += W) {
		for (let part = 0; part < ds.partitions; part++) {
			const hoursAgo = Math.floor((NOW - start) / HOUR);
			const n = ds.empty(part, hoursAgo) ? 0 :
				Math.max(1, Math.round(ds.perWindow * opt.scale *
					(0.6 + 0.8 * rnd())));
			const events = [];
			for (let k = 0; k < n; k++) {
				const ts = start + Math.floor((k + rnd()) * W / n);
				events.push({ ts, body: ds.event(ts, k) });
			}
			windows.push({ start: start + 7000, end: start + W,
				partition: part, events });
		}
	}
	const st = await writeHub(base, ns, hub, windows, ds.codec, setTime);
	stats.files += st.files;
	stats.dataFiles += st.files;
	stats.rows += st.rows;
	stats.bytes += st.bytes;
	stats.datasets++;
}

async function writeDataset(con, ds, root) {
	if (ds.kind === 'capture')
		return writeCapture(ds, root);
	if (ds.format === 'delta')
		return writeDelta(con, ds, root);
	const dir = path.join(root, ds.path);
	let newest = 0;
	for (const p of ds.parts) {
		const pdir = path.join(dir, p.dir);
		fs.mkdirSync(pdir, { recursive: true });
		// Spark gives every file of one write the same job uuid.
		const job = uuid();
		for (let k = 0; k < ds.files; k++) {
			const S = ++fileSeed;
			const rows = ds.fixedRows ? ds.rows
				: Math.max(1, Math.round(ds.rows * opt.scale *
					(0.85 + 0.3 * rnd())));
			const name = ds.format === 'parquet'
				? `part-${String(k).padStart(5, '0')}-${job}-c000.snappy.parquet`
				: ds.fname(p, k);
			const file = path.join(pdir, name);
			let fmt;
			if (ds.format === 'parquet')
				fmt = 'FORMAT parquet, COMPRESSION snappy';
			else if (ds.format === 'csv')
				fmt = `FORMAT csv, HEADER, DELIMITER '${ds.delim || ','}'`;
			else
				fmt = 'FORMAT json';
			await con.run(`COPY (SELECT ${ds.cols(S, p, k)} FROM range(${rows}) t(i))
				TO ${quote(file)} (${fmt})`);
			// A little spread, as real writers finish at different times.
			const mtime = p.mtime - k * 7000;
			if (ds.corrupt === k) {
				// Cut the file in half: the footer and closing magic go.
				const data = fs.readFileSync(file);
				fs.writeFileSync(file, data.subarray(0, data.length >> 1));
			} else {
				stats.rows += rows;
			}
			setTime(file, mtime);
			stats.files++;
			stats.dataFiles++;
			stats.bytes += fs.statSync(file).size;
			if (ds.format === 'parquet')
				writeCrc(file, mtime);
			newest = Math.max(newest, mtime);
		}
	}
	if (ds.format === 'parquet') {
		const ok = path.join(dir, '_SUCCESS');
		writeText(ok, '', newest + 2000);
		writeCrc(ok, newest + 2000);
	}
	if (ds.extra)
		ds.extra(dir);
	stats.datasets++;
}

async function main() {
	const root = path.resolve(opt.out);
	// Refuse to empty something that is not a lake we made.
	if (fs.existsSync(root)) {
		const entries = fs.readdirSync(root);
		if (entries.length && !entries.includes('.lakewatch-demo'))
			usage(`${root} exists and is not a demo lake; pick another --out`);
		fs.rmSync(root, { recursive: true, force: true });
	}
	fs.mkdirSync(root, { recursive: true });
	fs.writeFileSync(path.join(root, '.lakewatch-demo'),
		JSON.stringify({ now: iso(NOW), scale: opt.scale, drift: opt.drift,
			seed: opt.seed }) + '\n');

	const t0 = Date.now();
	const inst = await DuckDBInstance.create(':memory:');
	const con = await inst.connect();
	await con.run("SET TimeZone = 'UTC'");
	for (const ds of datasets)
		await writeDataset(con, ds, root);
	// The Power BI workspace the local stand-in serves, read back from
	// the lake just written (powerbi.mjs).
	await writeWorkspace(con, root, NOW);
	// The pipelines and jobs behind it, for the control-plane stand-in
	// (controlplane.mjs).
	writeControlPlane(root, NOW);
	con.closeSync?.();
	if (!opt.quiet)
		console.log(`demo lake: ${root} (now ${iso(NOW)}): ${stats.datasets} ` +
			`lake datasets (+ Power BI workspace), ${stats.files} files (${stats.dataFiles} data), ` +
			`${stats.rows} rows, ${stats.bytes} bytes in ${Date.now() - t0} ms`);
}

main().catch((e) => {
	console.error(`generate.mjs: ${e.message}`);
	process.exit(1);
});
