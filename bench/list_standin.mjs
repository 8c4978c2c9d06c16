// list_standin.mjs - a List Blobs stand-in for bench/azure_parts.sh: a
// container of synthetic blobs answered from memory after a fixed delay,
// so what a listing costs is its round trips (as on a distant service that
// scales its own work), not the per-blob work of Azurite's one Node
// process.
//
//   node bench/list_standin.mjs --parts P --per B --delay MS --port-file F
//
// Blobs parts/date=NNNNN/fNNNNNN.csv, P folders of B, 4 bytes each. Serves
// GET ...?comp=list with prefix, delimiter (only "/"), marker (an index)
// and maxresults as List Blobs does, in name order; anything else is 400.
// Only for benchmarks: no auth is checked.
import http from "node:http";
import fs from "node:fs";

const a = process.argv.slice(2);
const opt = { parts: 200, per: 1000, delay: 200 };
for (let i = 0; i < a.length; i++) opt[a[i].replace(/^--/, "")] = a[++i];
const names = [];
for (let d = 0; d < Number(opt.parts); d++)
	for (let f = 0; f < Number(opt.per); f++)
		names.push(`parts/date=${String(d).padStart(5, "0")}/f${String(f).padStart(6, "0")}.csv`);

function lowerBound(s) {	// first index whose name is >= s
	let lo = 0, hi = names.length;
	while (lo < hi) {
		const m = (lo + hi) >> 1;
		if (names[m] < s) lo = m + 1; else hi = m;
	}
	return lo;
}
const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
const props = "<Properties><Last-Modified>Wed, 04 Nov 2026 09:08:07 GMT" +
	"</Last-Modified><Etag>0x8D0001</Etag><Content-Length>4</Content-Length>" +
	"</Properties>";

function page(q) {
	const prefix = q.get("prefix") || "", delim = q.get("delimiter");
	const max = Math.min(Number(q.get("maxresults") || 5000), 5000);
	let i = q.get("marker") ? Number(q.get("marker")) : lowerBound(prefix);
	const out = [];
	let n = 0;
	while (i < names.length && names[i].startsWith(prefix) && n < max) {
		const rest = names[i].slice(prefix.length);
		const cut = delim ? rest.indexOf(delim) : -1;
		if (cut >= 0) {
			const p = prefix + rest.slice(0, cut + 1);
			out.push(`<BlobPrefix><Name>${esc(p)}</Name></BlobPrefix>`);
			i = lowerBound(p + "\uffff");
		} else {
			out.push(`<Blob><Name>${esc(names[i])}</Name>${props}</Blob>`);
			i++;
		}
		n++;
	}
	const more = i < names.length && names[i].startsWith(prefix);
	return `<?xml version="1.0" encoding="utf-8"?><EnumerationResults>` +
		`<Prefix>${esc(prefix)}</Prefix><Blobs>${out.join("")}</Blobs>` +
		`<NextMarker>${more ? i : ""}</NextMarker></EnumerationResults>`;
}

const srv = http.createServer((req, res) => {
	const q = new URL(req.url, "http://x").searchParams;
	const body = q.get("comp") === "list" ? page(q) : null;
	setTimeout(() => {
		if (!body) {
			res.writeHead(400);
			res.end();
			return;
		}
		res.writeHead(200, { "Content-Type": "application/xml",
			"Content-Length": Buffer.byteLength(body) });
		res.end(body);
	}, Number(opt.delay));
});
srv.listen(0, "127.0.0.1", () =>
	fs.writeFileSync(opt["port-file"], String(srv.address().port)));
