// variants.mjs - broken and oddly named copies of golden Delta tables, for
// checking that a lake kind reports the same errors as the filesystem.
//
//   node variants.mjs GOLDEN-DIR OUT-DIR [CAPTURE-DIR]
//
// Writes OUT-DIR/<name>/ for each variant below and prints one
// "<group>\t<name>" line per table. The golden tables are only read.
// With CAPTURE-DIR (tests/fixtures/avro/make.mjs output) also writes
// CAPTURE-DIR/broken/: damaged copies of one of its Avro files.
import fs from "node:fs";
import path from "node:path";

const [golden, out, capture] = process.argv.slice(2);
if (!golden || !out) {
	console.error("usage: variants.mjs GOLDEN-DIR OUT-DIR");
	process.exit(2);
}
const v = (n) => String(n).padStart(20, "0");
const log = (t) => path.join(out, t, "_delta_log");

function copy(from, to) {
	fs.cpSync(path.join(golden, from), path.join(out, to), { recursive: true });
	// the golden files are read-only; their copies get edited
	for (const e of fs.readdirSync(path.join(out, to), { recursive: true }))
		fs.chmodSync(path.join(out, to, e), 0o755);
}
const put = (t, f, data) => fs.writeFileSync(path.join(log(t), f), data);
const rm = (t, f) => fs.rmSync(path.join(log(t), f), { force: true });
const cut = (t, f, n) => {
	const p = path.join(log(t), f);
	fs.writeFileSync(p, fs.readFileSync(p).subarray(0, n));
};
const tables = [];
function variant(group, name, base, edit) {
	copy(base, name);
	edit(name);
	tables.push(`${group}\t${name}`);
}

// "checkpoint": commits 0..14, a classic checkpoint at 10, _last_checkpoint
const CP = "checkpoint";
const lastcp = (t, s) => put(t, "_last_checkpoint", s);
variant("corrupt_last_checkpoint", "lastcp-truncated-json", CP,
	(t) => lastcp(t, '{"version": 10, "si'));
variant("corrupt_last_checkpoint", "lastcp-empty", CP, (t) => lastcp(t, ""));
variant("corrupt_last_checkpoint", "lastcp-binary", CP,
	(t) => lastcp(t, Buffer.from(Array.from({ length: 256 }, (_, i) => i))));
variant("corrupt_last_checkpoint", "lastcp-not-object", CP,
	(t) => lastcp(t, "[10]\n"));
variant("corrupt_last_checkpoint", "lastcp-ahead", CP,
	(t) => lastcp(t, '{"version":20,"size":3}'));
variant("corrupt_last_checkpoint", "lastcp-names-missing", CP,
	(t) => lastcp(t, '{"version":5,"size":3}'));
variant("corrupt_last_checkpoint", "lastcp-wrong-parts", CP,
	(t) => lastcp(t, '{"version":10,"size":3,"parts":3}'));
variant("corrupt_checkpoint", "cp-truncated", CP,
	(t) => cut(t, `${v(10)}.checkpoint.parquet`, 7000));
variant("corrupt_checkpoint", "cp-empty", CP,
	(t) => cut(t, `${v(10)}.checkpoint.parquet`, 0));
variant("corrupt_checkpoint", "cp-garbage-no-lastcp", CP, (t) => {
	rm(t, "_last_checkpoint");
	put(t, `${v(10)}.checkpoint.parquet`, "PAR1 this is not parquet PAR1");
});
variant("versions_not_contiguous", "gap-after-checkpoint", CP,
	(t) => rm(t, `${v(12)}.json`));
variant("versions_not_contiguous", "gap-before-checkpoint-no-lastcp", CP,
	(t) => {
		rm(t, "_last_checkpoint");
		rm(t, `${v(10)}.checkpoint.parquet`);
		rm(t, `${v(3)}.json`);
	});
variant("versions_not_contiguous", "gap-at-the-end", CP,
	(t) => fs.copyFileSync(path.join(log(t), `${v(14)}.json`),
		path.join(log(t), `${v(16)}.json`)));
variant("versions_not_contiguous", "gap-first-commit", CP, (t) => {
	rm(t, "_last_checkpoint");
	rm(t, `${v(10)}.checkpoint.parquet`);
	rm(t, `${v(0)}.json`);
});
variant("versions_not_contiguous", "only-checkpoint-and-after", CP, (t) => {
	for (let i = 0; i < 10; i++) rm(t, `${v(i)}.json`);
});
variant("corrupt_commit", "commit-truncated", CP,
	(t) => cut(t, `${v(14)}.json`, 200));
variant("corrupt_commit", "commit-empty", CP, (t) => cut(t, `${v(14)}.json`, 0));
variant("corrupt_commit", "commit-binary", CP,
	(t) => put(t, `${v(14)}.json`, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0,
		0x22, 0x3a, 0x31, 0x7d, 0x0a])));

// table roots whose names need escaping in a URL (not ending in '.':
// Azure refuses blob names that end with a dot)
const odd = [
	["special chars/a b+c%25d#e?f&g=h'i;j,k@l!m$n~o(p)[q]", "checkpoint"],
	["special chars/ünï cødé 表", "v2-checkpoint-json"],
	["special chars/%2F%20+%3A", "data-reader-escaped-chars"],
	["special chars/a%b/_2=bar+%2522", "basic-with-inserts-deletes-checkpoint"],
];
for (const [name, base] of odd)
	variant("special_names", name, base, () => {});

// big logs. A _delta_log/ of more than 5,000 blobs takes several List
// Blobs pages: "checkpoint" with its checkpoint moved to version 5190
// (no _last_checkpoint, so only a full listing finds it), its last four
// commits after it, and small commits 0..5189 before it.
{
	const t = "paged-log", N = 5190;
	copy(CP, t);
	rm(t, "_last_checkpoint");
	const cp = fs.readFileSync(path.join(log(t), `${v(10)}.checkpoint.parquet`));
	const tail = [11, 12, 13, 14].map((i) =>
		fs.readFileSync(path.join(log(t), `${v(i)}.json`)));
	for (const f of fs.readdirSync(log(t))) rm(t, f);
	const info = (i) => JSON.stringify({ commitInfo: { timestamp:
		1697495700000 + i, operation: "Manual Update" } }) + "\n";
	for (let i = 0; i < N; i++) put(t, `${v(i)}.json`, info(i));
	put(t, `${v(N)}.checkpoint.parquet`, cp);
	tail.forEach((b, i) => put(t, `${v(N + 1 + i)}.json`, b));
	tables.push(`large\t${t}`);
}
// one commit of several MB: 20,000 adds in partitions whose values need
// escaping, then 5,000 of them removed and 10 more added
{
	const t = "big-commit";
	fs.mkdirSync(log(t), { recursive: true });
	const schema = { type: "struct", fields: [
		{ name: "id", type: "long", nullable: true, metadata: {} },
		{ name: "p", type: "string", nullable: true, metadata: {} }] };
	const add = (i) => {
		const p = `v ${i % 37}/#%+é`;
		return JSON.stringify({ add: {
			path: `p=${encodeURIComponent(p)}/part-${String(i).padStart(5, "0")}.parquet`,
			partitionValues: { p }, size: 1000 + i,
			modificationTime: 1700000000000 + i, dataChange: true,
			stats: JSON.stringify({ numRecords: 1 + (i % 50) }) } });
	};
	const lines = [
		JSON.stringify({ commitInfo: { timestamp: 1700000000000,
			operation: "WRITE", operationMetrics: { numOutputRows: "0" } } }),
		JSON.stringify({ protocol: { minReaderVersion: 1, minWriterVersion: 2 } }),
		JSON.stringify({ metaData: { id: "big", format: { provider: "parquet",
			options: {} }, schemaString: JSON.stringify(schema),
			partitionColumns: ["p"], configuration: {} } })];
	for (let i = 0; i < 20000; i++) lines.push(add(i));
	put(t, `${v(0)}.json`, lines.join("\n") + "\n");
	const rmv = [JSON.stringify({ commitInfo: { timestamp: 1700000100000,
		operation: "DELETE" } })];
	for (let i = 0; i < 20000; i += 4)
		rmv.push(JSON.stringify({ remove: { path: JSON.parse(add(i)).add.path,
			deletionTimestamp: 1700000100000, dataChange: true } }));
	put(t, `${v(1)}.json`, rmv.join("\n") + "\n");
	const more = [JSON.stringify({ commitInfo: { timestamp: 1700000200000,
		operation: "WRITE" } })];
	for (let i = 20000; i < 20010; i++) more.push(add(i));
	put(t, `${v(2)}.json`, more.join("\n") + "\n");
	tables.push(`large\t${t}`);
}

console.log(tables.join("\n"));

if (capture) {
	// the largest deflate file: several blocks
	const exp = JSON.parse(fs.readFileSync(path.join(capture,
		"expected.json"), "utf8"));
	const src = exp.filter((e) => e.codec === "deflate" && !e.empty)
		.map((e) => path.join(capture, e.path))
		.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
	const good = fs.readFileSync(src);
	const dir = path.join(capture, "broken");
	fs.mkdirSync(dir, { recursive: true });
	const w = (n, b) => fs.writeFileSync(path.join(dir, n), b);
	w("zero-bytes.avro", Buffer.alloc(0));
	w("header-cut.avro", good.subarray(0, 40));
	w("block-cut.avro", good.subarray(0, good.length - 100));
	const badSync = Buffer.from(good);
	badSync[badSync.length - 1] ^= 0xff;
	w("bad-sync.avro", badSync);
	w("not-avro.avro", Buffer.from("Obj\x02 this is not an Avro file\n"));
	w("good.avro", good);
}
