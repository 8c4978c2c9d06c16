// sdk.mjs - what the official SDK (@azure/storage-blob) does for the Azure
// benchmarks, counted as lakewatch's --stats counts: requests sent and
// response body bytes received, with wall and CPU time.
//
//   import { measure, listFlat, listSplit, readTails } from "./sdk.mjs";
//
// Counting wraps node:http (the SDK's Node client calls http.request and
// the response parser pushes each body chunk into its IncomingMessage), so
// it counts every HTTP request this process sends, retries included, and
// every body byte it receives, listing XML included; headers are not
// counted (nor are they in lakewatch's bytes_in).
import http from "node:http";

const count = { requests: 0, bytes: 0 };
const request = http.request;
http.request = function (...args) {
	count.requests++;
	return request.apply(this, args);
};
const push = http.IncomingMessage.prototype.push;
http.IncomingMessage.prototype.push = function (chunk, enc) {
	if (chunk)
		count.bytes += chunk.length;
	return push.call(this, chunk, enc);
};

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

// fn() timed: {ms, cpu (ms of this process), requests, bytes, value}.
export async function measure(fn) {
	const r0 = count.requests, b0 = count.bytes, c0 = process.cpuUsage();
	const t0 = nowMs();
	const value = await fn();
	const ms = nowMs() - t0, c = process.cpuUsage(c0);
	return { ms, cpu: (c.user + c.system) / 1000, requests: count.requests - r0,
		bytes: count.bytes - b0, value };
}

// fn(0..n-1) with at most par at once.
export async function pool(n, par, fn) {
	let next = 0;
	await Promise.all(Array.from({ length: Math.min(par, n) }, async () => {
		while (next < n) await fn(next++);
	}));
}

// Every blob under prefix, one stream of pages: [{name, size}].
export async function listFlat(cont, prefix) {
	const out = [];
	for await (const b of cont.listBlobsFlat({ prefix }))
		out.push({ name: b.name, size: b.properties.contentLength });
	return out;
}

// As lakewatch's split listing (lakes/azure_lists.c): one listing with
// delimiter "/" gives the files directly under prefix and its folders,
// then each folder is listed flat, par at once; in name order.
export async function listSplit(cont, prefix, par) {
	const out = [], dirs = [];
	for await (const it of cont.listBlobsByHierarchy("/", { prefix })) {
		if (it.kind === "prefix") dirs.push(it.name);
		else out.push({ name: it.name, size: it.properties.contentLength });
	}
	const parts = new Array(dirs.length);
	await pool(dirs.length, par, async (i) => { parts[i] = await listFlat(cont, dirs[i]); });
	for (const p of parts) out.push(...p);
	return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function range(cont, name, off, len) {
	const r = await cont.getBlobClient(name).download(off, len);
	const bufs = [];
	for await (const c of r.readableStreamBody) bufs.push(c);
	return Buffer.concat(bufs);
}

// What lakewatch reads of each Parquet file (formats/parquet_tail.c,
// lakes/azure_prefetch.c): the last `tail` bytes (the whole file when it
// is smaller), and only when the footer does not fit in them a second
// read of footer + 8 bytes; par files at once. Returns the second reads.
export async function readTails(cont, files, par, tail = 65536) {
	let second = 0;
	await pool(files.length, par, async (i) => {
		const { name, size } = files[i];
		if (size <= 0) return;
		const off = size > tail ? size - tail : 0;
		const b = await range(cont, name, off, size - off);
		if (b.length !== size - off || b.toString("latin1", b.length - 4) !== "PAR1")
			throw new Error(`${name}: ${b.length} bytes at ${off}, not a Parquet tail`);
		const flen = b.readUInt32LE(b.length - 8);
		if (flen + 8 > b.length) {
			second++;
			await range(cont, name, size - flen - 8, flen + 8);
		}
	});
	return second;
}
