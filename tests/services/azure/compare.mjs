// compare.mjs - do two `lakewatch check --format json` reports agree?
//
//   node compare.mjs A.json B.json
//
// Per dataset: status, what was observed (files, bytes, rows, times,
// partitions, schema, detail, the number of file errors) and each check's
// status, measurement and value. Messages of datasets that could not be
// observed name their lake ("no such directory" / "no blobs under"), so
// only their status is compared. Prints the differences; exit 1 if any.
import fs from "node:fs";

const [a, b] = process.argv.slice(2).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
function norm(r) {
	const out = { status: r.status, counts: r.counts, datasets: {} };
	for (const d of r.datasets) {
		const o = d.observation || {};
		out.datasets[d.name] = {
			status: d.status,
			observation: o.ok ? {
				files: o.files, empty_files: o.empty_files, bytes: o.bytes, rows: o.rows,
				newest: o.newest, oldest: o.oldest, partitions: o.partitions,
				newest_partition: o.newest_partition, schema: o.schema, detail: o.detail,
				file_errors: (o.file_errors || []).length,
			} : { ok: false },
			checks: (d.checks || []).map((c) => ({ check: c.check, status: c.status,
				measured: o.ok ? c.measured : undefined, value: o.ok ? c.value : undefined })),
		};
	}
	return out;
}
const A = norm(a), B = norm(b);
let diffs = 0;
function cmp(x, y, where) {
	if (JSON.stringify(x) === JSON.stringify(y)) return;
	if (x && y && typeof x === "object" && typeof y === "object") {
		for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) cmp(x[k], y[k], `${where}.${k}`);
		return;
	}
	diffs++;
	if (diffs <= 30) console.log(`${where}: ${JSON.stringify(x)} != ${JSON.stringify(y)}`);
}
cmp(A, B, "report");
const n = Object.keys(A.datasets).length;
console.log(diffs ? `${diffs} differences` : `agree: ${n} datasets, status ${A.status}, ` +
	`${Object.values(A.datasets).reduce((s, d) => s + (d.observation.files || 0), 0)} files`);
process.exit(diffs ? 1 : 0);
