// obs.mjs - the first dataset's observation in a `lakewatch check -f json`
// report, without what differs between two polls of the same data (when,
// how long, bytes read), as one JSON line; then its Delta version and
// checkpoint version.
//
//   node obs.mjs REPORT.json      prints: JSON \t version \t checkpoint
import fs from "node:fs";

const r = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const d = r.datasets[0];
const o = structuredClone(d.observation || {});
for (const k of ["at", "bytes_read", "bytes_decompressed", "files_cached",
	"files_read"])
	delete o[k];
const dl = (o.detail && o.detail.delta) || {};
console.log([JSON.stringify({ status: d.status, o }), dl.version ?? "-",
	dl.checkpoint_version ?? "-"].join("\t"));
