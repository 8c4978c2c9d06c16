// notify_standins.mjs - local stand-ins for the PagerDuty Events API v2,
// a Microsoft Teams Workflows webhook and a Slack incoming webhook. Each
// checks a payload against the published contract (required fields, types,
// sizes) and answers as the service does:
//   pagerduty  POST /v2/enqueue   202 {"status":"success","message":"Event
//              processed","dedup_key":...}; 400 {"status":"invalid event",
//              "message":"Event object is invalid","errors":[...]}
//   teams      POST /workflows/*  202 (empty); 400 {"error":{"code":
//              "InvalidRequestContent","message":...}}
//   slack      POST /services/*   200 "ok"; 400 "invalid_payload" |
//              "no_text" | "invalid_blocks"
// and all three 429 (with Retry-After) when told: POST /_next {"status":
// 429, "retry_after": 2} answers the next request so. Every request is
// recorded, one JSON line in --log: {kind, path, status, errors, body}.
//
// node notify_standins.mjs --kind pagerduty|teams|slack --port 0
//      --port-file FILE --log FILE
import http from "node:http";
import fs from "node:fs";

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
	if (a.startsWith("--")) acc.push([a.slice(2), all[i + 1]]);
	return acc;
}, []));
const kind = args.kind;
const MAX_BODY = { pagerduty: 512 * 1024, teams: 28 * 1024, slack: 1024 * 1024 }[kind];
if (!MAX_BODY) {
	console.error("notify_standins: --kind pagerduty|teams|slack");
	process.exit(2);
}
let next = null;	// a forced answer for the next request

const isStr = (v) => typeof v === "string";
// Slack counts characters, not bytes
const chars = (s) => [...s].length;

function pagerduty(ev) {
	const e = [];
	if (typeof ev !== "object" || ev === null || Array.isArray(ev)) return ["Event object must be an object"];
	if (!isStr(ev.routing_key) || ev.routing_key.length !== 32)
		e.push("Length of 'routing_key' is incorrect (should be 32 characters)");
	if (!["trigger", "acknowledge", "resolve"].includes(ev.event_action))
		e.push("'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve')");
	if ("dedup_key" in ev && (!isStr(ev.dedup_key) || ev.dedup_key.length > 255))
		e.push("'dedup_key' must be a string of at most 255 characters");
	if (ev.event_action !== "trigger") {
		if (!isStr(ev.dedup_key) || !ev.dedup_key) e.push("'dedup_key' is missing or blank");
		return e;
	}
	const p = ev.payload;
	if (typeof p !== "object" || p === null) return [...e, "'payload' is missing or not an object"];
	if (!isStr(p.summary) || !p.summary) e.push("'payload.summary' is missing or blank");
	else if (chars(p.summary) > 1024) e.push("'payload.summary' is longer than 1024 characters");
	if (!isStr(p.source) || !p.source) e.push("'payload.source' is missing or blank");
	if (!["critical", "error", "warning", "info"].includes(p.severity))
		e.push("'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')");
	if ("timestamp" in p && (!isStr(p.timestamp) || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)$/.test(p.timestamp)))
		e.push("'payload.timestamp' is not a valid ISO 8601 timestamp");
	for (const k of ["component", "group", "class"])
		if (k in p && !isStr(p[k])) e.push(`'payload.${k}' must be a string`);
	if ("custom_details" in p && (typeof p.custom_details !== "object" || p.custom_details === null))
		e.push("'payload.custom_details' must be an object");
	return e;
}

const CARD_ELEMENTS = new Set(["TextBlock", "FactSet", "Container", "ColumnSet", "Image", "RichTextBlock", "ActionSet"]);
function cardElements(items, where, e) {
	if (!Array.isArray(items)) return e.push(`${where} must be an array`);
	items.forEach((it, i) => {
		const w = `${where}[${i}]`;
		if (!it || !CARD_ELEMENTS.has(it.type)) return e.push(`${w}: unknown element type ${JSON.stringify(it && it.type)}`);
		if (it.type === "TextBlock" && !isStr(it.text)) e.push(`${w}: TextBlock needs a string text`);
		if (it.type === "FactSet") {
			if (!Array.isArray(it.facts)) return e.push(`${w}: FactSet needs facts`);
			it.facts.forEach((f, j) => {
				if (!f || !isStr(f.title) || !isStr(f.value)) e.push(`${w}.facts[${j}]: title and value must be strings`);
			});
		}
		if (it.type === "Container") cardElements(it.items, `${w}.items`, e);
	});
}
function teams(msg) {
	const e = [];
	if (!msg || msg.type !== "message") e.push("'type' must be \"message\"");
	if (!msg || !Array.isArray(msg.attachments) || msg.attachments.length === 0)
		return [...e, "'attachments' must be a non-empty array"];
	msg.attachments.forEach((a, i) => {
		if (!a || a.contentType !== "application/vnd.microsoft.card.adaptive")
			return e.push(`attachments[${i}].contentType must be application/vnd.microsoft.card.adaptive`);
		const c = a.content;
		if (!c || c.type !== "AdaptiveCard") return e.push(`attachments[${i}].content.type must be AdaptiveCard`);
		if (!isStr(c.version) || !/^1\.[0-6]$/.test(c.version)) e.push(`attachments[${i}].content.version must be 1.0 to 1.6`);
		cardElements(c.body, `attachments[${i}].content.body`, e);
	});
	return e;
}

function slackText(t, max, where, e, types = ["plain_text", "mrkdwn"]) {
	if (!t || !types.includes(t.type) || !isStr(t.text)) return e.push(`${where} must be a text object (${types.join("|")})`);
	if (t.text.length === 0) e.push(`${where}.text must not be empty`);
	if (chars(t.text) > max) e.push(`${where}.text is longer than ${max} characters`);
}
// [status, answer, errors]
function slack(msg) {
	if (!msg || typeof msg !== "object") return [400, "invalid_payload", ["not a JSON object"]];
	const e = [];
	if (!("text" in msg) && !("blocks" in msg)) return [400, "no_text", ["neither text nor blocks"]];
	if ("text" in msg && (!isStr(msg.text) || chars(msg.text) > 40000)) e.push("text must be a string of at most 40000 characters");
	if ("blocks" in msg) {
		if (!Array.isArray(msg.blocks)) return [400, "invalid_blocks", ["blocks must be an array"]];
		if (msg.blocks.length > 50) e.push("more than 50 blocks");
		msg.blocks.forEach((b, i) => {
			const w = `blocks[${i}]`;
			if (!b) return e.push(`${w} is null`);
			if (b.type === "header") slackText(b.text, 150, `${w}.text`, e, ["plain_text"]);
			else if (b.type === "section") {
				if (!b.text && !b.fields) e.push(`${w} needs text or fields`);
				if (b.text) slackText(b.text, 3000, `${w}.text`, e);
				if (b.fields && (!Array.isArray(b.fields) || b.fields.length > 10)) e.push(`${w}.fields: at most 10`);
			} else if (b.type === "context") {
				if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10)
					e.push(`${w}.elements: 1 to 10`);
				else b.elements.forEach((x, j) => slackText(x, 3000, `${w}.elements[${j}]`, e));
			} else if (b.type !== "divider") e.push(`${w}: unknown block type ${JSON.stringify(b.type)}`);
		});
	}
	return e.length ? [400, "invalid_blocks", e] : [200, "ok", []];
}

function answer(body) {	// [status, headers, text, errors]
	let msg;
	try { msg = JSON.parse(body); } catch {
		if (kind === "slack") return [400, {}, "invalid_payload", ["malformed JSON"]];
		if (kind === "teams") return [400, {}, JSON.stringify({ error: { code: "InvalidRequestContent", message: "malformed JSON" } }), ["malformed JSON"]];
		return [400, {}, JSON.stringify({ status: "invalid event", message: "Event object is invalid", errors: ["Malformed JSON"] }), ["malformed JSON"]];
	}
	if (kind === "pagerduty") {
		const e = pagerduty(msg);
		if (e.length) return [400, {}, JSON.stringify({ status: "invalid event", message: "Event object is invalid", errors: e }), e, msg];
		return [202, {}, JSON.stringify({ status: "success", message: "Event processed", dedup_key: msg.dedup_key || "generated-0001" }), [], msg];
	}
	if (kind === "teams") {
		const e = teams(msg);
		if (e.length) return [400, {}, JSON.stringify({ error: { code: "InvalidRequestContent", message: e.join("; ") } }), e, msg];
		return [202, {}, "", [], msg];
	}
	const [st, text, e] = slack(msg);
	return [st, {}, text, e, msg];
}

const wantPath = { pagerduty: (p) => p === "/v2/enqueue", teams: (p) => p.startsWith("/workflows/"), slack: (p) => p.startsWith("/services/") }[kind];

const server = http.createServer((req, res) => {
	const chunks = [];
	let size = 0;
	req.on("data", (c) => { size += c.length; if (size <= MAX_BODY + 1) chunks.push(c); });
	req.on("end", () => {
		const body = Buffer.concat(chunks).toString("utf8");
		const path = req.url.split("?")[0];
		if (req.method === "POST" && path === "/_next") {
			next = JSON.parse(body || "{}");
			res.writeHead(204).end();
			return;
		}
		let status, headers = {}, text, errors = [], parsed = null;
		if (req.method !== "POST" || !wantPath(path)) {
			[status, text, errors] = [404, kind === "slack" ? "no_service" : "not found", [`no such endpoint: ${req.method} ${path}`]];
		} else if (next) {
			status = next.status || 429;
			if (next.retry_after !== undefined) headers["Retry-After"] = String(next.retry_after);
			text = kind === "slack" ? "rate_limited" : JSON.stringify({ status: "throttle event", message: "Requests for this service are arriving too quickly. Please retry later." });
			errors = [`forced ${status}`];
			next = null;
		} else if (size > MAX_BODY) {
			[status, text, errors] = [kind === "pagerduty" ? 400 : 413, "request too large", [`body of ${size} bytes is over ${MAX_BODY}`]];
		} else if (!/application\/json/.test(req.headers["content-type"] || "")) {
			[status, text, errors] = [400, kind === "slack" ? "invalid_payload" : "content type must be application/json", ["content-type"]];
		} else {
			[status, headers, text, errors, parsed] = answer(body);
		}
		if (args.log)
			fs.appendFileSync(args.log, JSON.stringify({ kind, path, status, errors, size, body: parsed }) + "\n");
		res.writeHead(status, { "Content-Type": kind === "slack" ? "text/plain" : "application/json", ...headers });
		res.end(text);
	});
});
server.listen(Number(args.port || 0), "127.0.0.1", () => {
	if (args["port-file"]) fs.writeFileSync(args["port-file"], String(server.address().port));
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
