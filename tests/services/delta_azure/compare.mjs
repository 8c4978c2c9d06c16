// compare.mjs - do the fs and the azure reports say exactly the same about
// the same tables?
//
//   node compare.mjs FS.json AZ.json --group G [--group G2...]
//       [--strip-a S] [--strip-b S] [--min-ok N] [--min-error N]
//
// Datasets are picked by their description "GROUP: PATH" (config.mjs).
// Everything in a dataset is compared - status, observation (files, bytes,
// rows, times, partitions, schema, detail, file errors with their
// messages), the error when it could not be observed, and every check -
// except what observing cost: `seconds`, `observation.at` and
// `observation.bytes_read` (HTTP adds listing XML and headers). Strings
// given with --strip-a / --strip-b (each lake's root or endpoint) are
// replaced by "<lake>" in the messages of A / B first. --min-ok and
// --min-error guard against both sides failing the same way.
// Prints the differences and a summary; exit 1 on any difference.
import fs from "node:fs";

const a = process.argv.slice(2);
const files = [], groups = [], strip = { a: [], b: [] };
let minOk = 0, minErr = 0;
for (let i = 0; i < a.length; i++) {
	if (a[i] === "--group") groups.push(a[++i]);
	else if (a[i] === "--strip-a") strip.a.push(a[++i]);
	else if (a[i] === "--strip-b") strip.b.push(a[++i]);
	else if (a[i] === "--min-ok") minOk = Number(a[++i]);
	else if (a[i] === "--min-error") minErr = Number(a[++i]);
	else files.push(a[i]);
}
const [A, B] = files.map((f) => JSON.parse(fs.readFileSync(f, "utf8")));

function clean(x, strs) {
	if (typeof x === "string") {
		for (const s of strs) x = x.split(s).join("<lake>");
		return x;
	}
	if (Array.isArray(x)) return x.map((v) => clean(v, strs));
	if (x && typeof x === "object") {
		const o = {};
		for (const [k, v] of Object.entries(x)) o[k] = clean(v, strs);
		return o;
	}
	return x;
}
function pick(r, strs) {
	const m = new Map();
	for (const d of r.datasets) {
		const g = (d.description || "").split(": ")[0];
		if (groups.length && !groups.includes(g)) continue;
		const c = structuredClone(d);
		delete c.seconds;
		if (c.observation) {
			delete c.observation.at;
			delete c.observation.bytes_read;
		}
		m.set(d.name, clean(c, strs));
	}
	return m;
}
const da = pick(A, strip.a), db = pick(B, strip.b);

let diffs = 0;
function cmp(x, y, where) {
	if (JSON.stringify(x) === JSON.stringify(y)) return;
	if (x && y && typeof x === "object" && typeof y === "object") {
		for (const k of new Set([...Object.keys(x), ...Object.keys(y)]))
			cmp(x[k], y[k], `${where}.${k}`);
		return;
	}
	diffs++;
	if (diffs <= 30)
		console.log(`${where}: ${JSON.stringify(x)} != ${JSON.stringify(y)}`);
}
for (const name of new Set([...da.keys(), ...db.keys()]))
	cmp(da.get(name), db.get(name),
		`${name} (${(da.get(name) || db.get(name)).description})`);

const all = [...da.values()];
const ok = all.filter((d) => d.observation && d.observation.ok);
const errs = all.length - ok.length;
const fileErrs = ok.reduce((s, d) => s + d.observation.file_errors.length, 0);
let bad = diffs > 0;
if (!all.length) { console.log("no datasets in these groups"); bad = true; }
if (ok.length < minOk) {
	console.log(`only ${ok.length} datasets observed (expected ${minOk}+)`);
	bad = true;
}
if (errs < minErr) {
	console.log(`only ${errs} datasets in error (expected ${minErr}+)`);
	bad = true;
}
console.log(`${diffs ? `${diffs} differences` : "agree"}: ${all.length} ` +
	`datasets, ${ok.length} observed (${ok.reduce((s, d) =>
		s + d.observation.files, 0)} files, ${fileErrs} file errors), ` +
	`${errs} errors`);
process.exit(bad ? 1 : 0);
