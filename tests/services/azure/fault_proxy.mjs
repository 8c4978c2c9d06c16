// fault_proxy.mjs - a proxy in front of Azurite that misbehaves on demand.
//
//   node fault_proxy.mjs --target http://127.0.0.1:PORT --port-file F
//
// The mode is set with GET /__mode/NAME[?n=N] and read back (with counts)
// from GET /__stats; every other request is forwarded. Modes:
//   pass        forward untouched
//   503         the next N answers are 503 Server Busy, then pass
//   429         the next N answers are 429 with Retry-After: 1, then pass
//   slow        hold every answer for N ms before sending it
//   truncate    the next N blob reads send half the body and hang up
//   always503   every answer is 503
//   loopmarker  every List Blobs page is empty and says NextMarker lw-loop
//               (a service that would page for ever)
//   emptybody   every blob read answers 200 with an empty body
//   longbody    every blob read answers its body and 1,000 bytes more
//               (Content-Length saying so)
//   read503     every blob read is 503 (listings pass)
//   bigerror    every answer is a 500 whose body is N MiB (streamed)
//   biglist     every List Blobs page is N MiB (a start, then padding)
//   dropconn    answer, then close the connection without saying so (no
//               "Connection: close"): a client that keeps connections finds
//               each one dead and has to open another
// Stats: {"requests", "faults", "connections" (TCP connections that carried
// a request since the mode was set), "times": [ms since mode set, ...]}.
import http from "node:http";
import fs from "node:fs";

const a = process.argv.slice(2);
const opt = {};
for (let i = 0; i < a.length; i++) opt[a[i].replace(/^--/, "")] = a[++i];
const target = new URL(opt.target);
let mode = "pass", left = 0, since = Date.now();
let stats = { requests: 0, faults: 0, connections: 0, times: [] };
let epoch = 0;	// a connection is counted once per mode

function azError(res, code, name, extra = {}) {
	const body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${name}</Code><Message>injected by fault_proxy</Message></Error>`;
	res.writeHead(code, { "Content-Type": "application/xml", "x-ms-error-code": name, "Content-Length": Buffer.byteLength(body), ...extra });
	res.end(body);
}

const srv = http.createServer((req, res) => {
	const u = new URL(req.url, "http://x");
	if (u.pathname.startsWith("/__mode/")) {
		mode = u.pathname.slice(8);
		left = Number(u.searchParams.get("n") || 1);
		since = Date.now();
		stats = { requests: 0, faults: 0, connections: 0, times: [] };
		epoch++;
		res.end("ok");
		return;
	}
	if (u.pathname === "/__stats") {
		res.writeHead(200, { "Content-Type": "application/json" });
		res.end(JSON.stringify({ mode, ...stats }));
		return;
	}
	stats.requests++;
	stats.times.push(Date.now() - since);
	if (req.socket.lwEpoch !== epoch) {
		req.socket.lwEpoch = epoch;
		stats.connections++;
	}
	if (mode === "always503" || (mode === "503" && left > 0)) {
		left--;
		stats.faults++;
		return azError(res, 503, "ServerBusy");
	}
	if (mode === "loopmarker" && u.searchParams.get("comp") === "list") {
		stats.faults++;
		const body = '<?xml version="1.0" encoding="utf-8"?><EnumerationResults><Blobs/><NextMarker>lw-loop</NextMarker></EnumerationResults>';
		res.writeHead(200, { "Content-Type": "application/xml", "Content-Length": Buffer.byteLength(body) });
		res.end(body);
		return;
	}
	if (mode === "read503" && req.method === "GET" && !u.searchParams.has("comp")) {
		stats.faults++;
		return azError(res, 503, "ServerBusy");
	}
	if (mode === "429" && left > 0) {
		left--;
		stats.faults++;
		return azError(res, 429, "TooManyRequests", { "Retry-After": "1" });
	}
	const isRead = req.method === "GET" && !u.searchParams.has("comp");
	if (mode === "bigerror" || (mode === "biglist" && u.searchParams.get("comp") === "list")) {
		stats.faults++;
		const big = mode === "bigerror";
		const mib = Buffer.alloc(1 << 20, big ? "x" : " ");
		res.writeHead(big ? 500 : 200, { "Content-Type": "application/xml", "Content-Length": String(left * (1 << 20) + (big ? 0 : 60)) });
		if (!big) res.write('<?xml version="1.0" encoding="utf-8"?><EnumerationResults>');
		let sent = 0;
		const more = () => {
			while (sent < left) {
				sent++;
				if (!res.write(mib)) return res.once("drain", more);
			}
			res.end(big ? "" : "</EnumerationResults>");
		};
		res.on("error", () => {});
		more();
		return;
	}
	const up = http.request({
		host: target.hostname, port: target.port, method: req.method,
		path: req.url, headers: { ...req.headers, host: target.host },
	}, (ur) => {
		const chunks = [];
		ur.on("data", (c) => chunks.push(c));
		ur.on("end", () => {
			const body = Buffer.concat(chunks);
			const go = () => {
				if (mode === "truncate" && left > 0 && isRead && body.length > 1) {
					left--;
					stats.faults++;
					const h = { ...ur.headers, "content-length": String(body.length) };
					res.writeHead(ur.statusCode, h);
					res.write(body.subarray(0, body.length >> 1));
					setTimeout(() => res.socket.destroy(), 20);
					return;
				}
				if ((mode === "emptybody" || mode === "longbody") && isRead && ur.statusCode < 300) {
					stats.faults++;
					const b = mode === "emptybody" ? Buffer.alloc(0) : Buffer.concat([body, Buffer.alloc(1000, "9\n")]);
					res.writeHead(ur.statusCode, { ...ur.headers, "content-length": String(b.length) });
					res.end(b);
					return;
				}
				const sock = res.socket;	// detached at "finish"
				res.writeHead(ur.statusCode, ur.headers);
				res.end(body);
				if (mode === "dropconn") {
					stats.faults++;
					res.once("finish", () => sock && sock.destroy());
				}
			};
			if (mode === "slow") {
				stats.faults++;
				setTimeout(go, left);
			} else go();
		});
	});
	// Azurite gone: hang up too, as the real service's outage would look
	up.on("error", () => res.socket && res.socket.destroy());
	req.pipe(up);
});
srv.keepAliveTimeout = 5000;
srv.listen(0, "127.0.0.1", () => fs.writeFileSync(opt["port-file"], String(srv.address().port)));
