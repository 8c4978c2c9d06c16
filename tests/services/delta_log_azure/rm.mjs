// rm.mjs - delete a blob, or every blob under a prefix, with the official
// SDK (@azure/storage-blob).
//
//   node rm.mjs CONNECTION_STRING CONTAINER BLOB
//   node rm.mjs CONNECTION_STRING CONTAINER PREFIX/     (ends with '/')
import { BlobServiceClient } from "@azure/storage-blob";

const [cs, container, name] = process.argv.slice(2);
const cont = BlobServiceClient.fromConnectionString(cs)
	.getContainerClient(container);
const names = [];
if (name.endsWith("/"))
	for await (const b of cont.listBlobsFlat({ prefix: name }))
		names.push(b.name);
else
	names.push(name);
for (let i = 0; i < names.length; i += 32)
	await Promise.all(names.slice(i, i + 32).map((n) =>
		cont.getBlockBlobClient(n).deleteIfExists()));
