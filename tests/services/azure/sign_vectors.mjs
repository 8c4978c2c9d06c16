// sign_vectors.mjs - requests signed by the official SDK, for the unit test
// of lakewatch's own Shared Key signer (tests/unit/test_azure_auth.c).
//
// The SDK's pipeline signs each request with StorageSharedKeyCredential;
// a capturing HTTP client records method, URL and every header (the
// Authorization among them) and then fails the request, so nothing is
// sent anywhere. Prints a JSON array of
//   {"account", "key", "method", "url", "headers": {name: value}}.
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";

const captured = [];
const accounts = [
	["devstoreaccount1",
	 "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
	 "http://127.0.0.1:10000/devstoreaccount1"],
	["myaccount", Buffer.from("a key of thirty-two bytes, really").toString("base64"),
	 "https://myaccount.blob.core.windows.net"],
];

for (const [account, key, url] of accounts) {
	const cred = new StorageSharedKeyCredential(account, key);
	const httpClient = {
		async sendRequest(req) {
			const headers = {};
			const h = req.headers;
			if (typeof h.headersArray === "function")
				for (const { name, value } of h.headersArray()) headers[name] = value;
			else
				for (const [k, v] of h) headers[k] = v;
			captured.push({ account, key, method: req.method, url: req.url, headers });
			throw new Error("captured");
		},
	};
	const svc = new BlobServiceClient(url, cred, { httpClient, retryOptions: { maxTries: 1 } });
	const cont = svc.getContainerClient("lake");
	const tries = [
		() => cont.listBlobsFlat({ prefix: "gold/sales daily/", includeMetadata: true })
			.byPage({ maxPageSize: 5000 }).next(),
		() => cont.listBlobsFlat({ prefix: "bronze/" })
			.byPage({ maxPageSize: 5000, continuationToken: "2!96!MDAwMDQ0IWJy" }).next(),
		() => cont.getBlobClient("silver/päth with space/part-0.parquet").download(1000, 65536),
		() => cont.getBlobClient("a+b=c&d.csv").download(0),
		() => cont.getBlobClient("x.json").getProperties(),
	];
	for (const t of tries) {
		try { await t(); } catch (e) { /* expected: captured */ }
	}
}
process.stdout.write(JSON.stringify(captured));
