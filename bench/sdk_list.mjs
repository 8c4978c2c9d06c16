// sdk_list.mjs - the official SDK (@azure/storage-blob) listing a prefix,
// for bench/azure_parts.sh: flat (one stream of pages) or split at its
// folders, parallel at once (what lakewatch's split does,
// lakes/azure_lists.c).
//
//   node bench/sdk_list.mjs --endpoint URL --container C --prefix P
//                           --way flat|split [--parallel 16]
//
// URL is the account's blob endpoint (http://127.0.0.1:PORT/devstoreaccount1,
// Azurite's development account, or a stand-in that takes no auth). Prints
// one line: way, wall and CPU seconds, requests, response body bytes and
// blobs listed (bench/sdk.mjs counts them). The time is taken inside the
// process: Node's start and the SDK's loading are not in it.
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { measure, listFlat, listSplit } from "./sdk.mjs";

const a = process.argv.slice(2);
const opt = { parallel: 16, way: "flat", prefix: "" };
for (let i = 0; i < a.length; i++) opt[a[i].replace(/^--/, "")] = a[++i];
const KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const svc = new BlobServiceClient(opt.endpoint,
	new StorageSharedKeyCredential("devstoreaccount1", KEY));
const cont = svc.getContainerClient(opt.container);
const par = Number(opt.parallel);
const m = await measure(() => (opt.way === "split" ? listSplit(cont, opt.prefix, par)
	: listFlat(cont, opt.prefix)));
console.log(`${opt.way} ${(m.ms / 1000).toFixed(2)} ${(m.cpu / 1000).toFixed(2)} ` +
	`${m.requests} ${m.bytes} ${m.value.length}`);
