// echo_server.mjs - a stand-in that hands out tokens and echoes what it was
// sent, for the secrets test (issue 11): every secret kind, in every form
// an answer can carry it back in.
//
//   node echo_server.mjs --port-file F
//
// On 127.0.0.1 (a free port, written to F):
//   POST /{tenant}/oauth2/v2.0/token  client credentials: $ECHO_CC_TOKEN,
//        or $ECHO_PBI_CC_TOKEN for a Power BI scope
//   GET  /metadata/identity/oauth2/token?resource=R  IMDS: $ECHO_MI_TOKEN,
//        or $ECHO_PBI_MI_TOKEN for the Power BI resource
//   GET  /__form/N   the form the next answers echo in (below)
//   GET  /v1.0/myorg/groups/W/datasets  datasets pbitok, pbimi and pbicc,
//        no refreshes, no schedule
//   anything else: an error echoing the Authorization header, the query
//   string and the bearer token or SAS signature alone, in form N: 0 as
//   sent, 1 URL-encoded, 2 base64, 3 JSON-escaped (with "\/"), a dozen
//   times at shifting offsets. Blob requests get Azure's 403 XML error
//   (<Message>), Power BI's executeQueries a 400 DAX error (its detail).
import http from "node:http";
import fs from "node:fs";

const a = process.argv.slice(2);
const opt = {};
for (let i = 0; i < a.length; i++) opt[a[i].replace(/^--/, "")] = a[++i];
let form = 0;

const enc = [
	(s) => s,
	(s) => encodeURIComponent(s),
	(s) => Buffer.from(s).toString("base64"),
	(s) => JSON.stringify(s).slice(1, -1).replace(/\//g, "\\/"),
];
const xml = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
function json(res, code, obj) {
	res.writeHead(code, { "Content-Type": "application/json" });
	res.end(JSON.stringify(obj));
}
const isPbi = (s) => /powerbi|analysis\.windows\.net/i.test(s || "");

const srv = http.createServer((req, res) => {
	const u = new URL(req.url, "http://x");
	let body = "";
	req.on("data", (c) => (body += c));
	req.on("end", () => {
		if (u.pathname.startsWith("/__form/")) {
			form = Number(u.pathname.slice(8)) % enc.length;
			return res.end("ok");
		}
		if (req.method === "POST" && /\/oauth2\/v2\.0\/token$/.test(u.pathname)) {
			const f = new URLSearchParams(body);
			const t = isPbi(f.get("scope")) ? process.env.ECHO_PBI_CC_TOKEN : process.env.ECHO_CC_TOKEN;
			return json(res, 200, { token_type: "Bearer", expires_in: 3600, access_token: t });
		}
		if (u.pathname === "/metadata/identity/oauth2/token") {
			const t = isPbi(u.searchParams.get("resource")) ? process.env.ECHO_PBI_MI_TOKEN : process.env.ECHO_MI_TOKEN;
			return json(res, 200, { token_type: "Bearer", expires_in: "3600", access_token: t });
		}
		const auth = req.headers.authorization || "";
		const q = u.search.slice(1);
		const sig = /(?:^|&)sig=([^&]*)/.exec(q);
		const alone = auth.startsWith("Bearer ") ? auth.slice(7) : sig ? sig[1] : "";
		const e = enc[form];
		// the forms again and again, each time one character further on,
		// so that wherever lakewatch cuts a message a secret crosses it
		let text = `echo form ${form}:`;
		for (let i = 0; i < 12; i++)
			text += ` ${"-".repeat(i)} authorization ${e(auth)} query ${e(q)} alone ${e(alone)}`;
		const pbi = /^\/v1\.0\/myorg\/groups\/[^/]+\/datasets(\/([^/]+)\/(\w+))?$/.exec(u.pathname);
		if (pbi && !pbi[1])
			return json(res, 200, { value: ["pbitok", "pbimi", "pbicc"].map((n) => ({ id: `id-${n}`, name: n })) });
		if (pbi && pbi[3] === "refreshes")
			return json(res, 200, { value: [] });
		if (pbi && pbi[3] === "refreshSchedule")
			return json(res, 200, { enabled: false, days: [], times: [] });
		if (pbi)	// executeQueries: a DAX error, the way Power BI words one
			return json(res, 400, { error: { code: "DatasetExecuteQueriesError",
				"pbi.error": { details: [{ detail: { type: 1, value: text } }] } } });
		const x = `<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code><Message>${xml(text)}</Message></Error>`;
		res.writeHead(403, { "Content-Type": "application/xml", "x-ms-error-code": "AuthenticationFailed" });
		res.end(x);
	});
});
srv.listen(0, "127.0.0.1", () => fs.writeFileSync(opt["port-file"], String(srv.address().port)));
