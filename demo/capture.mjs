// demo/capture.mjs - Event Hubs Capture files for the demo lake, written
// with the npm package avsc (an Avro writer independent of lakewatch).
//
// Capture writes one Avro object container file per event hub partition
// per time window, at
//   {namespace}/{eventhub}/{partition}/{YYYY}/{MM}/{DD}/{hh}/{mm}/{ss}.avro
// with its fixed EventData schema; the event itself is the Body (bytes,
// here JSON). When no event arrives in a window Capture still writes a
// file: a header and no blocks (an "empty window").
import avro from 'avsc';
import snappy from 'snappyjs';
import zlib from 'node:zlib';
import fs from 'node:fs';
import path from 'node:path';

// The schema Event Hubs Capture writes (Azure docs, "Capture Event Hubs
// data in Azure Storage": the Avro schema of captured events).
export const CAPTURE_SCHEMA = {
	type: 'record', name: 'EventData',
	namespace: 'Microsoft.ServiceBus.Messaging',
	fields: [
		{ name: 'SequenceNumber', type: 'long' },
		{ name: 'Offset', type: 'string' },
		{ name: 'EnqueuedTimeUtc', type: 'string' },
		{ name: 'SystemProperties', type: { type: 'map',
			values: ['long', 'double', 'string', 'bytes'] } },
		{ name: 'Properties', type: { type: 'map',
			values: ['long', 'double', 'string', 'bytes', 'null'] } },
		{ name: 'Body', type: ['null', 'bytes'] },
	],
};
const TYPE = avro.Type.forSchema(CAPTURE_SCHEMA);

// CRC-32 (IEEE), for the snappy codec's trailer.
// node's own CRC-32 (IEEE)
const crc32 = (buf) => zlib.crc32(buf);

// Avro's snappy codec: the compressed block, then the CRC-32 of the
// uncompressed data, 4 bytes big-endian (Avro specification, "snappy").
const CODECS = {
	null: (buf, cb) => cb(null, buf),
	deflate: (buf, cb) => zlib.deflateRaw(buf, cb),
	snappy: (buf, cb) => {
		try {
			const z = Buffer.from(snappy.compress(buf));
			const out = Buffer.alloc(z.length + 4);
			z.copy(out);
			out.writeUInt32BE(crc32(buf), z.length);
			cb(null, out);
		} catch (e) {
			cb(e);
		}
	},
};

// The bytes of one container file holding `records` (may be empty: the
// header alone, as Capture writes for a window without events).
export function encode(records, codec, blockSize = 4096) {
	return new Promise((resolve, reject) => {
		const enc = new avro.streams.BlockEncoder(TYPE, {
			codec, codecs: CODECS, blockSize, writeHeader: 'always',
			schema: CAPTURE_SCHEMA });
		const chunks = [];
		enc.on('data', (c) => chunks.push(c));
		enc.on('error', reject);
		enc.on('end', () => resolve(Buffer.concat(chunks)));
		for (const r of records)
			enc.write(r);
		enc.end();
	});
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

// Capture's path of the window starting at ms (UTC), `sec` seconds into
// the minute (Capture names a file by its window's start second).
export function capturePath(ns, hub, partition, ms) {
	const d = new Date(ms);
	return path.join(ns, hub, String(partition), String(d.getUTCFullYear()),
		pad(d.getUTCMonth() + 1), pad(d.getUTCDate()),
		pad(d.getUTCHours()), pad(d.getUTCMinutes()),
		`${pad(d.getUTCSeconds())}.avro`);
}

// Write one event hub's capture under dir:
//   windows: [{start, end, partition, events: [{ts, body}]}]
// Each file's mtime is when Capture closed its window. Returns
// {files, rows, bytes, empty, newestEvent}.
export async function writeHub(dir, ns, hub, windows, codecOf, setTime) {
	const st = { files: 0, rows: 0, bytes: 0, empty: 0, newestEvent: 0 };
	const seq = new Map();
	for (const w of windows) {
		let n = seq.get(w.partition) || 0;
		const recs = w.events.map((e) => {
			const body = Buffer.from(JSON.stringify(e.body));
			const r = {
				SequenceNumber: n, Offset: String(n * 512),
				EnqueuedTimeUtc: new Date(e.ts).toUTCString()
					.replace('GMT', '').trim(),
				SystemProperties: { 'x-opt-enqueued-time': { long: e.ts } },
				Properties: { 'content-type': { string: 'application/json' } },
				Body: body,
			};
			n++;
			st.newestEvent = Math.max(st.newestEvent, e.ts);
			return r;
		});
		seq.set(w.partition, n);
		const data = await encode(recs, codecOf(w.partition));
		const file = path.join(dir, capturePath(ns, hub, w.partition,
			w.start));
		fs.mkdirSync(path.dirname(file), { recursive: true });
		fs.writeFileSync(file, data);
		setTime(file, w.end + 4000);
		st.files++;
		st.rows += recs.length;
		st.bytes += data.length;
		if (!recs.length)
			st.empty++;
	}
	return st;
}
