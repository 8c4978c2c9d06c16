// token_server.mjs - a tiny local Microsoft Entra ID stand-in for tests.
//
//   node token_server.mjs --port-file F [--tenant T --client C --secret S]
//                         [--lifetime SECONDS]
//
// Serves, on 127.0.0.1 (a free port, written to F):
//   POST /{tenant}/oauth2/v2.0/token   client credentials (form body)
//   GET  /metadata/identity/oauth2/token?resource=..   IMDS (Metadata: true)
//   GET  /msi/token?resource=..   App Service (X-IDENTITY-HEADER)
//   GET  /stats   {"client_credentials": n, "imds": n, "appservice": n}
// Tenant "echo" answers every token request 400 with the form body it
// was sent, the client secret decoded (so that it crosses the 300th
// character of error_description), base64 and JSON-escaped, as some
// endpoints echo what they were sent.
// IMDS with client_id=hostile answers a token holding CR LF and an
// expires_in of 1e300, as a broken or hostile endpoint might.
// Tokens are JWT-shaped (unsigned) with the claims Azurite's basic OAuth
// checks: aud https://storage.azure.com, iss https://sts.windows.net/T/,
// nbf, exp. Wrong credentials get Entra's error shape (AADSTS codes).
import http from "node:http";
import fs from "node:fs";

const a = process.argv.slice(2);
const opt = { tenant: "t-0001", client: "c-0001", secret: "s3cret-value-for-tests",
	lifetime: "3600", identityHeader: "id-header-secret" };
for (let i = 0; i < a.length; i++) opt[a[i].replace(/^--/, "")] = a[++i];
const stats = { client_credentials: 0, imds: 0, appservice: 0, refused: 0 };

const b64u = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
function jwt(aud, sub) {
	const now = Math.floor(Date.now() / 1000);
	return `${b64u({ typ: "JWT", alg: "RS256" })}.${b64u({
		aud, iss: `https://sts.windows.net/${opt.tenant}/`, iat: now, nbf: now - 60,
		exp: now + Number(opt.lifetime), tid: opt.tenant, oid: sub, sub, ver: "1.0",
	})}.c2lnbmF0dXJl`;
}
function send(res, code, obj) {
	res.writeHead(code, { "Content-Type": "application/json" });
	res.end(JSON.stringify(obj));
}
const audOf = (r) => r.replace(/\/\.default$/, "").replace(/\/$/, "");

const srv = http.createServer((req, res) => {
	const u = new URL(req.url, "http://x");
	let body = "";
	req.on("data", (c) => (body += c));
	req.on("end", () => {
		if (u.pathname === "/stats") return send(res, 200, stats);
		if (req.method === "POST" && u.pathname === `/${opt.tenant}/oauth2/v2.0/token`) {
			const f = new URLSearchParams(body);
			if (f.get("grant_type") !== "client_credentials" || !f.get("scope"))
				return send(res, 400, { error: "invalid_request", error_description: "AADSTS900144: The request body must contain grant_type and scope." });
			if (f.get("client_id") !== opt.client || f.get("client_secret") !== opt.secret) {
				stats.refused++;
				return send(res, 401, { error: "invalid_client", error_description: `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.\r\nTrace ID: 1` });
			}
			stats.client_credentials++;
			return send(res, 200, { token_type: "Bearer", expires_in: Number(opt.lifetime), ext_expires_in: Number(opt.lifetime), access_token: jwt(audOf(f.get("scope")), opt.client) });
		}
		if (req.method === "POST" && u.pathname === "/echo/oauth2/v2.0/token") {
			const sec = new URLSearchParams(body).get("client_secret") || "";
			const lead = "AADSTS7000215: Invalid client secret provided: ";
			const d = lead + "x".repeat(290 - lead.length) + sec + " form body: " + body +
				" base64: " + Buffer.from(sec).toString("base64") +
				" json: " + JSON.stringify(sec).replace(/\//g, "\\/");
			return send(res, 400, { error: "invalid_client", error_description: d, echo: body });
		}
		if (req.method === "POST" && /\/oauth2\/v2\.0\/token$/.test(u.pathname))
			return send(res, 400, { error: "invalid_request", error_description: "AADSTS90002: Tenant not found." });
		if (req.method === "GET" && u.pathname === "/metadata/identity/oauth2/token") {
			if (req.headers["metadata"] !== "true" || !u.searchParams.get("resource"))
				return send(res, 400, { error: "invalid_request", error_description: "Required metadata header not specified" });
			stats.imds++;
			if (u.searchParams.get("client_id") === "hostile")
				return send(res, 200, { access_token: "eyJhostile\r\nX-Injected: 1", expires_in: 1e300, token_type: "Bearer" });
			const exp = Math.floor(Date.now() / 1000) + Number(opt.lifetime);
			return send(res, 200, { access_token: jwt(u.searchParams.get("resource"), "mi"), expires_in: String(opt.lifetime), expires_on: String(exp), resource: u.searchParams.get("resource"), token_type: "Bearer" });
		}
		if (req.method === "GET" && u.pathname === "/msi/token") {
			if (req.headers["x-identity-header"] !== opt.identityHeader)
				return send(res, 401, { error: { code: "Unauthorized", message: "bad identity header" } });
			stats.appservice++;
			const exp = Math.floor(Date.now() / 1000) + Number(opt.lifetime);
			return send(res, 200, { access_token: jwt(u.searchParams.get("resource"), "mi"), expires_on: exp, resource: u.searchParams.get("resource"), token_type: "Bearer" });
		}
		send(res, 404, { error: "not_found" });
	});
});
srv.listen(0, "127.0.0.1", () => fs.writeFileSync(opt["port-file"], String(srv.address().port)));
