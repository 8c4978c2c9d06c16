// A local stand-in for the Power BI REST API and its Entra ID token
// endpoint, for tests and the demo. It follows Microsoft's published
// contract (Power BI REST API reference: Get Datasets In Group, Get Refresh
// History In Group, Get Refresh Schedule In Group, Get Datasources In
// Group, Execute Queries In Group; the v2.0 client-credentials token endpoint) for the parts
// lakewatch uses. No real Power BI is contacted. Loopback only.
//
//   node server.mjs --workspace FILE | --scenario NAME
//                   [--port N] [--port-file F] [--log F]
//
// The workspace file describes datasets, refreshes ("startTime": "now-2h"
// is relative to the time of the request), schedules, tables and the
// faults to play (see scenarios/*.json).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const wsFile = args.workspace || path.join(here, 'scenarios', `${args.scenario || 'basic'}.json`);
const ws = JSON.parse(fs.readFileSync(wsFile, 'utf8'));
const fault = ws.faults || {};
const logFile = args.log;
const API = '/v1.0/myorg';
const SCOPE = 'https://analysis.windows.net/powerbi/api/.default';

let issued = 0;
const valid = new Set();
let apiCalls = 0, queries = 0, tokenCalls = 0;

function log(entry) {
  if (logFile) fs.appendFileSync(logFile, JSON.stringify(entry) + '\n');
}

function rel(v) {
  // "now-2h30m" -> ISO time; anything else as is
  if (typeof v !== 'string' || !v.startsWith('now')) return v;
  let t = Date.now();
  const m = v.slice(3).match(/^([+-])((?:\d+[smhd])+)$/);
  if (m) {
    let secs = 0;
    for (const [, n, u] of m[2].matchAll(/(\d+)([smhd])/g))
      secs += Number(n) * { s: 1, m: 60, h: 3600, d: 86400 }[u];
    t += (m[1] === '-' ? -1 : 1) * secs * 1000;
  }
  return new Date(t).toISOString();
}

function send(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8',
    'RequestId': `req-${apiCalls}`, ...headers });
  res.end(text);
}

function pbiError(code, message) {
  return { error: { code, message } };
}

function daxError(detail) {
  return { error: { code: 'DatasetExecuteQueriesError', 'pbi.error': {
    code: 'DatasetExecuteQueriesError', parameters: {},
    details: [{ code: 'DetailsMessage', detail: { type: 1, value: detail } },
              { code: 'AnalysisServicesErrorCode', detail: { type: 1, value: '3238002695' } }] } } };
}

function readBody(req) {
  return new Promise((resolve) => {
    let b = '';
    req.on('data', (c) => { b += c; });
    req.on('end', () => resolve(b));
  });
}

function token(req, res, body) {
  tokenCalls++;
  const form = new URLSearchParams(body);
  const ok = form.get('grant_type') === 'client_credentials' &&
    form.get('client_id') === ws.client_id &&
    form.get('client_secret') === ws.client_secret &&
    form.get('scope') === SCOPE;
  log({ kind: 'token', ok });
  if (!ok)
    return send(res, 401, { error: 'invalid_client',
      error_description: 'AADSTS7000215: Invalid client secret provided.' });
  const t = `pbi-token-${++issued}-${Math.random().toString(36).slice(2)}`;
  valid.add(t);
  send(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: t });
}

function dataset(id) {
  return (ws.datasets || []).find((d) => d.id === id);
}

function runDax(ds, q) {
  let m;
  const table = (name) => (ds.tables || {})[name];
  if ((m = q.match(/^EVALUATE ROW\("n", COUNTROWS\('((?:[^']|'')+)'\)\)$/))) {
    const t = table(m[1].replace(/''/g, "'"));
    if (!t) return { status: 400, body: daxError(`Query (1, 24) Cannot find table '${m[1]}'.`) };
    if (t.error_in_200) return { status: 200, body: { results: [{ tables: [{ error: { code: 'DaxError', message: t.error_in_200 } }] }] } };
    return { rows: [{ '[n]': t.rows }] };
  }
  if ((m = q.match(/^EVALUATE ROW\("t", MAX\('((?:[^']|'')+)'\[((?:[^\]]|\]\])+)\]\)\)$/))) {
    const t = table(m[1].replace(/''/g, "'"));
    const col = m[2].replace(/]]/g, ']');
    if (!t || !(t.max || {})[col]) return { status: 400, body: daxError(`Query (1, 20) Column '${col}' in table '${m[1]}' cannot be found or may not be used in this expression.`) };
    return { rows: [{ '[t]': rel(t.max[col]) }] };
  }
  if ((m = q.match(/^EVALUATE FILTER\(INFO\.VIEW\.COLUMNS\(\), \[Table\] = "((?:[^"]|"")*)"\)$/))) {
    if (ds.info_functions === false) return { status: 400, body: daxError('INFO functions are not supported in this context.') };
    const name = m[1].replace(/""/g, '"');
    const t = table(name);
    return { rows: (t ? t.columns || [] : []).map((c) => ({ '[Table]': name, '[Name]': c.name, '[DataType]': c.type })) };
  }
  if ((m = q.match(/^EVALUATE FILTER\(COLUMNSTATISTICS\(\), \[Table Name\] = "((?:[^"]|"")*)"\)$/))) {
    const name = m[1].replace(/""/g, '"');
    const t = table(name);
    const sample = { String: 'zz', Int64: 42, Double: 4.5, DateTime: '2026-11-20T00:00:00', Boolean: true, Decimal: 1.5 };
    return { rows: (t ? t.columns || [] : []).map((c) => ({ '[Table Name]': name, '[Column Name]': c.name,
      '[Min]': sample[c.type] ?? null, '[Max]': sample[c.type] ?? null, '[Cardinality]': 1, '[Max Length]': 2 })) };
  }
  return { status: 400, body: daxError(`Query (1, 1) The syntax for '${q.slice(0, 20)}' is incorrect.`) };
}

// Get Datasources In Group. A dataset's "datasources" are served as
// written (the service's shape: datasourceType, connectionDetails,
// datasourceId, gatewayId); none: an empty list, as for a push dataset.
// "datasources_fault" plays a refusal: 401 (also after a fresh token), 403,
// 404, 500, or "in200" (an error inside a 200 answer).
function datasources(res, ds) {
  const f = ds.datasources_fault;
  if (f === 401)
    return send(res, 401, pbiError('PowerBINotAuthorizedException', 'Unauthorized'));
  if (f === 403)
    return send(res, 403, pbiError('PowerBINotAuthorizedException',
      'The caller does not have permission to read the datasources of this dataset'));
  if (f === 404)
    return send(res, 404, pbiError('ItemNotFound', `Dataset ${ds.id} datasources are not found`));
  if (f === 500)
    return send(res, 500, pbiError('InternalServerError', 'Something went wrong'));
  if (f === 'in200')
    return send(res, 200, pbiError('DatasourcesNotAvailable', 'Datasources of this dataset cannot be read now'));
  send(res, 200, { '@odata.context': `http://localhost${API}/groups/${ws.workspace}/$metadata#datasources`,
    value: ds.datasources || [] });
}

async function api(req, res, url, body) {
  apiCalls++;
  const auth = req.headers.authorization || '';
  const tok = auth.startsWith('Bearer ') ? auth.slice(7) : '';
  // Tokens "expire" after a number of API calls, to test re-acquisition.
  if (fault.expire_token_after && apiCalls % fault.expire_token_after === 0) valid.delete(tok);
  const okToken = valid.has(tok) || (ws.static_token && tok === ws.static_token);
  log({ kind: 'api', method: req.method, path: url.pathname, search: url.search, token_ok: okToken });
  if (!okToken)
    return send(res, 401, pbiError('TokenExpired', 'Access token has expired, resubmit with a new access token'),
      { 'WWW-Authenticate': 'Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"' });
  for (const [re, ms] of Object.entries(fault.slow_ms || {}))
    if (new RegExp(re).test(url.pathname)) await new Promise((r) => setTimeout(r, ms));
  for (const re of fault.malformed || [])
    if (new RegExp(re).test(url.pathname)) return send(res, 200, '{"value": [ {"id": "truncated');
  const parts = url.pathname.slice(API.length).split('/').filter(Boolean);
  if (parts[0] !== 'groups' || parts[1] !== ws.workspace)
    return send(res, 404, pbiError('PowerBIEntityNotFound', 'PowerBIEntityNotFound'));
  if (parts.length === 3 && parts[2] === 'datasets' && req.method === 'GET')
    return send(res, 200, { '@odata.context': `http://localhost${API}/groups/${ws.workspace}/$metadata#datasets`,
      value: (ws.datasets || []).filter((d) => !d.deleted).map((d) => ({ id: d.id, name: d.name,
        addRowsAPIEnabled: !!d.push, configuredBy: 'someone@contoso.com', isRefreshable: !d.push,
        isEffectiveIdentityRequired: false, isEffectiveIdentityRolesRequired: false, isOnPremGatewayRequired: false })) });
  const ds = parts[2] === 'datasets' ? dataset(parts[3]) : null;
  if (!ds || ds.deleted)
    return send(res, 404, pbiError('ItemNotFound', `Dataset ${parts[3]} is not found! please verify datasetId is correct and user have sufficient permissions.`));
  if (parts[4] === 'refreshes' && req.method === 'GET') {
    const top = Number(url.searchParams.get('$top') || 1000);
    return send(res, 200, { '@odata.context': `http://localhost${API}/groups/${ws.workspace}/$metadata#refreshes`,
      value: (ds.refreshes || []).slice(0, top).map((r) => ({ ...r, startTime: rel(r.startTime),
        ...(r.endTime ? { endTime: rel(r.endTime) } : {}) })) });
  }
  if (parts[4] === 'refreshSchedule' && req.method === 'GET') {
    if (!ds.schedule) return send(res, 404, pbiError('ItemNotFound', 'Refresh schedule is not found'));
    return send(res, 200, { '@odata.context': `http://localhost${API}/groups/${ws.workspace}/$metadata#refreshSchedule`, ...ds.schedule });
  }
  if (parts[4] === 'datasources' && req.method === 'GET') return datasources(res, ds);
  if (parts[4] === 'executeQueries' && req.method === 'POST') {
    queries++;
    if (fault.rate_limit_first && queries <= fault.rate_limit_first)
      return send(res, 429, pbiError('TooManyRequests', 'Too many requests'), { 'Retry-After': '1' });
    let q;
    try { q = JSON.parse(body).queries; } catch { q = null; }
    if (!Array.isArray(q) || q.length !== 1 || typeof q[0].query !== 'string')
      return send(res, 400, pbiError('InvalidRequest', 'Exactly one query per call is supported.'));
    const r = runDax(ds, q[0].query.trim());
    if (r.status) return send(res, r.status, r.body);
    return send(res, 200, { results: [{ tables: [{ rows: r.rows }] }] });
  }
  send(res, 404, pbiError('NotFound', 'No such API'));
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const body = await readBody(req);
  try {
    if (req.method === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(url.pathname)) return token(req, res, body);
    if (url.pathname === '/_stats') return send(res, 200, { apiCalls, queries, tokenCalls, issued });
    if (url.pathname.startsWith(API)) return await api(req, res, url, body);
    send(res, 404, pbiError('NotFound', url.pathname));
  } catch (e) {
    send(res, 500, pbiError('InternalError', String(e)));
  }
});

server.listen(Number(args.port || 0), '127.0.0.1', () => {
  const port = server.address().port;
  if (args['port-file']) fs.writeFileSync(args['port-file'], String(port));
  else console.log(port);
});
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => server.close(() => process.exit(0)));
