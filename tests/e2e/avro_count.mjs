// tests/e2e/avro_count.mjs - read every .avro file under a directory with
// avsc (independent of lakewatch) and print a JSON summary, so cases can
// compare lakewatch's Avro numbers with another reader:
//   node tests/e2e/avro_count.mjs DIR
//   -> {"files": N, "rows": N, "empty": N, "codecs": {"deflate": N}}
import avro from 'avsc';
import snappy from 'snappyjs';
import zlib from 'node:zlib';
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
if (!dir) {
	console.error('usage: node avro_count.mjs DIR');
	process.exit(2);
}
// Avro's snappy blocks end with a CRC-32 of the uncompressed bytes.
const codecs = {
	null: (b, cb) => cb(null, b),
	deflate: (b, cb) => zlib.inflateRaw(b, cb),
	snappy: (b, cb) => {
		try {
			cb(null, Buffer.from(snappy.uncompress(b.subarray(0, b.length - 4))));
		} catch (e) {
			cb(e);
		}
	},
};
const out = { files: 0, rows: 0, empty: 0, codecs: {} };
function one(file) {
	return new Promise((resolve, reject) => {
		let n = 0;
		avro.createFileDecoder(file, { codecs })
			.on('metadata', (type, codec) => {
				out.codecs[codec] = (out.codecs[codec] || 0) + 1;
			})
			.on('data', () => n++)
			.on('error', reject)
			.on('end', () => resolve(n));
	});
}
async function walk(d) {
	for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) =>
		a.name < b.name ? -1 : 1)) {
		const p = path.join(d, e.name);
		if (e.isDirectory())
			await walk(p);
		else if (e.name.endsWith('.avro')) {
			const n = await one(p);
			out.files++;
			out.rows += n;
			if (!n)
				out.empty++;
		}
	}
}
try {
	await walk(dir);
	console.log(JSON.stringify(out));
} catch (e) {
	console.error(`avro_count.mjs: ${e.message}`);
	process.exit(1);
}
