// upload.mjs - put test data into Azurite with the official SDK
// (@azure/storage-blob), an independent client: lakewatch only reads.
//
//   node upload.mjs --conn CS --container C --create
//   node upload.mjs --conn CS --container C --dir DIR [--prefix P] [--touch]
//       every file under DIR becomes blob P/relative/path; --touch then
//       sets each local file's mtime to its blob's Last-Modified, so the
//       local copy and the container agree exactly for lakewatch
//   node upload.mjs --conn CS --container C --tiny N --prefix P
//       N tiny blobs P/f00000.csv ... uploaded 64 at a time
//   node upload.mjs --conn CS --container C --sas [--perm rl]
//       print a container SAS token (1 hour)
//   node upload.mjs --conn CS --container C --count [--prefix P]
//       print how many blobs the SDK lists
import fs from "node:fs";
import path from "node:path";
import {
	BlobServiceClient, ContainerSASPermissions, StorageSharedKeyCredential,
	generateBlobSASQueryParameters,
} from "@azure/storage-blob";

const a = process.argv.slice(2);
const opt = { parallel: 64, prefix: "", perm: "rl" };
for (let i = 0; i < a.length; i++) {
	const k = a[i].replace(/^--/, "");
	if (["create", "touch", "sas", "count"].includes(k)) opt[k] = true;
	else opt[k] = a[++i];
}
const svc = BlobServiceClient.fromConnectionString(opt.conn);
const cont = svc.getContainerClient(opt.container);

async function pool(items, n, fn) {
	let next = 0;
	const run = async () => {
		while (next < items.length) {
			const i = next++;
			await fn(items[i], i);
		}
	};
	await Promise.all(Array.from({ length: Math.min(n, items.length) }, run));
}

function walk(dir, rel = "") {
	const out = [];
	for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
		const r = rel ? `${rel}/${e.name}` : e.name;
		if (e.isDirectory()) out.push(...walk(dir, r));
		else if (e.isFile()) out.push(r);
	}
	return out;
}

const blobName = (r) => (opt.prefix ? `${opt.prefix}/${r}` : r);

if (opt.create) {
	await cont.createIfNotExists();
}
if (opt.dir) {
	const files = walk(opt.dir);
	await pool(files, Number(opt.parallel), async (r) => {
		const data = fs.readFileSync(path.join(opt.dir, r));
		await cont.getBlockBlobClient(blobName(r)).upload(data, data.length);
	});
	if (opt.touch) {
		const byName = new Map();
		for await (const b of cont.listBlobsFlat({ prefix: opt.prefix ? `${opt.prefix}/` : "" }))
			byName.set(b.name, b.properties);
		for (const r of files) {
			const p = byName.get(blobName(r));
			if (!p) throw new Error(`uploaded blob ${blobName(r)} not listed`);
			const t = p.lastModified;
			fs.utimesSync(path.join(opt.dir, r), t, t);
		}
	}
	console.log(`uploaded ${files.length} files`);
}
if (opt.tiny) {
	const n = Number(opt.tiny);
	const names = Array.from({ length: n }, (_, i) => blobName(`f${String(i).padStart(5, "0")}.csv`));
	await pool(names, Number(opt.parallel), async (nm) => {
		await cont.getBlockBlobClient(nm).upload("a\n1\n", 4);
	});
	console.log(`uploaded ${n} tiny blobs`);
}
if (opt.sas) {
	const cs = Object.fromEntries(opt.conn.split(";").filter(Boolean).map((kv) => {
		const i = kv.indexOf("=");
		return [kv.slice(0, i), kv.slice(i + 1)];
	}));
	const cred = new StorageSharedKeyCredential(cs.AccountName, cs.AccountKey);
	const q = generateBlobSASQueryParameters({
		containerName: opt.container,
		permissions: ContainerSASPermissions.parse(opt.perm),
		startsOn: new Date(Date.now() - 5 * 60 * 1000),
		expiresOn: new Date(Date.now() + 3600 * 1000),
	}, cred).toString();
	console.log(q);
}
if (opt.count) {
	let n = 0;
	for await (const _ of cont.listBlobsFlat({ prefix: opt.prefix ? `${opt.prefix}/` : "" })) n++;
	console.log(n);
}
