// A local stand-in for the Azure control plane lakewatch's run sources
// read, and its Entra ID token endpoint, for tests and the demo. It
// follows the published contracts (Azure REST API specs: Data Factory
// 2018-06-01 queryPipelineRuns and queryActivityruns, Synapse artifacts
// 2020-12-01 the same, Stream Analytics 2020-03-01 streamingjobs GET,
// Azure Monitor 2018-01-01 metrics; the Databricks Jobs API 2.1
// runs/list and jobs/get; the v2.0 client-credentials token endpoint)
// for the parts lakewatch uses. Nothing real is contacted. Loopback only.
//
//   node controlplane.mjs --plane FILE | --scenario NAME
//                         [--port N] [--port-file F] [--log F]
//
// Paths: ARM under /subscriptions/..., a Synapse workspace under
// /synapse/{workspace}, a Databricks workspace under /databricks, tokens
// at /{tenant}/oauth2/v2.0/token. The plane file describes pipelines, jobs,
// stream jobs, namespaces and the faults to play; times like "now-2h" are
// relative to the request (see tests/services/pipelines/scenarios/*.json).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
const planeFile = args.plane ||
  path.join(here, 'pipelines', 'scenarios', `${args.scenario || 'basic'}.json`);
const plane = JSON.parse(fs.readFileSync(planeFile, 'utf8'));
const fault = plane.faults || {};
const SCOPES = {
  arm: 'https://management.azure.com/.default',
  synapse: 'https://dev.azuresynapse.net/.default',
  databricks: '2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default',
};

let issued = 0, apiCalls = 0, tokenCalls = 0, limited = 0;
const valid = new Map();	// token -> scope

function log(entry) {
  if (args.log) fs.appendFileSync(args.log, JSON.stringify(entry) + '\n');
}

function relMs(v) {
  // "now-2h30m" -> epoch ms; a number or an ISO string as it is
  if (typeof v === 'number') return v;
  if (typeof v !== 'string' || !v.startsWith('now')) return Date.parse(v);
  let t = Date.now();
  const m = v.slice(3).match(/^([+-])((?:\d+[smhd])+)$/);
  if (m) {
    let secs = 0;
    for (const [, n, u] of m[2].matchAll(/(\d+)([smhd])/g))
      secs += Number(n) * { s: 1, m: 60, h: 3600, d: 86400 }[u];
    t += (m[1] === '-' ? -1 : 1) * secs * 1000;
  }
  return t;
}
const iso = (v) => (v == null ? undefined : new Date(relMs(v)).toISOString());

function send(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8',
    'x-ms-request-id': `req-${apiCalls}`, ...headers });
  res.end(text);
}
const armError = (code, message) => ({ error: { code, message } });

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
  const scope = form.get('scope');
  const ok = form.get('grant_type') === 'client_credentials' &&
    form.get('client_id') === plane.client_id &&
    form.get('client_secret') === plane.client_secret &&
    Object.values(SCOPES).includes(scope);
  log({ kind: 'token', ok, scope });
  if (!ok)
    return send(res, 401, { error: 'invalid_client',
      error_description: 'AADSTS7000215: Invalid client secret provided.' });
  const t = `cp-token-${++issued}-${Math.random().toString(36).slice(2)}`;
  valid.set(t, scope);
  send(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: t });
}

// ---- pages: an offset in an opaque token ----
const pageSize = () => fault.page_size || 100;
const tokenOf = (off) => Buffer.from(JSON.stringify({ off, r: 'RID:~x' })).toString('base64');
function offsetOf(tok) {
  try { return JSON.parse(Buffer.from(tok, 'base64').toString()).off || 0; } catch { return -1; }
}

// ---- Data Factory and Synapse ----
function pipelineRun(name, r) {
  const start = r.runStart && relMs(r.runStart), end = r.runEnd && relMs(r.runEnd);
  return { runId: r.runId, runGroupId: r.runId, isLatest: true, pipelineName: name,
    parameters: {}, invokedBy: { name: 'Daily', invokedByType: 'ScheduleTrigger' },
    runStart: iso(r.runStart), runEnd: iso(r.runEnd),
    durationInMs: start && end ? end - start : undefined,
    lastUpdated: iso(r.runEnd || r.runStart || 'now'), status: r.status, message: r.message || '' };
}

function queryRuns(res, pipelines, body) {
  let q;
  try { q = JSON.parse(body); } catch { q = null; }
  if (!q || !q.lastUpdatedAfter || !q.lastUpdatedBefore)
    return send(res, 400, armError('InvalidRunFilter', 'lastUpdatedAfter and lastUpdatedBefore are required.'));
  const after = Date.parse(q.lastUpdatedAfter), before = Date.parse(q.lastUpdatedBefore);
  const names = (q.filters || []).filter((f) => f.operand === 'PipelineName' && f.operator === 'Equals')
    .flatMap((f) => f.values);
  let runs = Object.entries(pipelines).filter(([n]) => !names.length || names.includes(n))
    .flatMap(([n, rs]) => rs.map((r) => pipelineRun(n, r)))
    .filter((r) => { const t = Date.parse(r.lastUpdated); return t >= after && t <= before; });
  const desc = (q.orderBy || []).some((o) => o.orderBy === 'RunStart' && o.order === 'DESC');
  runs.sort((a, b) => (Date.parse(a.runStart || 0) - Date.parse(b.runStart || 0)) * (desc ? -1 : 1));
  const off = q.continuationToken ? offsetOf(q.continuationToken) : 0;
  if (off < 0) return send(res, 400, armError('InvalidContinuationToken', 'The continuation token is not valid.'));
  const page = runs.slice(off, off + pageSize());
  const out = { value: page };
  if (off + pageSize() < runs.length) out.continuationToken = tokenOf(off + pageSize());
  log({ kind: 'runs', offset: off, n: page.length });
  send(res, 200, out);
}

function queryActivities(res, pipelines, runId) {
  const r = Object.values(pipelines).flat().find((x) => x.runId === runId);
  if (!r) return send(res, 404, armError('EntityNotFound', `Pipeline run ${runId} does not exist.`));
  send(res, 200, { value: (r.activities || []).map((a, i) => ({ activityName: a.activityName,
    activityType: a.activityType || 'Copy', activityRunId: `${runId}-a${i}`, pipelineName: 'p',
    pipelineRunId: runId, status: a.status, activityRunStart: iso(r.runStart), activityRunEnd: iso(r.runEnd),
    error: a.error || { errorCode: '', message: '', failureType: '', target: a.activityName } })) });
}

function forbidden(res, action, scope) {
  send(res, 403, armError('AuthorizationFailed', `The client '${plane.client_id}' with object id ` +
    `'00000000-0000-0000-0000-00000000abcd' does not have authorization to perform action '${action}' over scope ` +
    `'${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`));
}

function factory(req, res, url, body, rest) {
  // rest: [factoryName, ...] after .../providers/Microsoft.DataFactory/factories/
  const f = (plane.factories || {})[rest[0]];
  if (!f) return send(res, 404, armError('ResourceNotFound', `The Resource 'Microsoft.DataFactory/factories/${rest[0]}' was not found.`));
  if (url.searchParams.get('api-version') !== '2018-06-01')
    return send(res, 400, armError('InvalidApiVersionParameter', 'The api-version is invalid.'));
  if (rest[1] === 'queryPipelineRuns' && req.method === 'POST') {
    if (f.forbidden) return forbidden(res, 'Microsoft.DataFactory/factories/queryPipelineRuns/action', url.pathname.replace(/\/queryPipelineRuns$/, ''));
    return queryRuns(res, f.pipelines || {}, body);
  }
  if (rest[1] === 'pipelineruns' && rest[3] === 'queryActivityruns' && req.method === 'POST')
    return queryActivities(res, f.pipelines || {}, decodeURIComponent(rest[2]));
  send(res, 404, armError('NotFound', 'No such API'));
}

// ---- Stream Analytics and Azure Monitor ----
function metricsAnswer(res, url, resource, metrics) {
  if (url.searchParams.get('api-version') !== '2018-01-01')
    return send(res, 400, armError('InvalidApiVersionParameter', 'The api-version is invalid.'));
  const names = (url.searchParams.get('metricnames') || '').split(',').filter(Boolean);
  const [from, to] = (url.searchParams.get('timespan') || '').split('/').map((s) => Date.parse(s));
  if (!names.length || !(from <= to)) return send(res, 400, armError('BadRequest', 'metricnames and a timespan are required.'));
  const aggs = (url.searchParams.get('aggregation') || 'Average').toLowerCase().split(',');
  const value = names.map((n) => {
    const m = metrics[n];
    const base = { id: `${resource}/providers/Microsoft.Insights/metrics/${n}`, type: 'Microsoft.Insights/metrics',
      name: { value: n, localizedValue: n }, displayDescription: n, unit: m?.unit || 'Count' };
    if (!m || m.error) return { ...base, errorCode: m?.error ? m.error.split(':')[0] : 'MetricNotFound',
      errorMessage: m?.error ? m.error.split(':').slice(1).join(':').trim() : `Metric ${n} is not supported`, timeseries: [] };
    const data = (m.points || []).map(([t, v]) => ({ timeStamp: iso(t),
      ...Object.fromEntries(Object.entries(v).filter(([k]) => aggs.includes(k))) }))
      .filter((p) => { const t = Date.parse(p.timeStamp); return t >= from && t <= to; });
    return { ...base, errorCode: 'Success', timeseries: [{ metadatavalues: [], data }] };
  });
  send(res, 200, { cost: 0, timespan: url.searchParams.get('timespan'), interval: url.searchParams.get('interval'),
    value, namespace: 'x', resourceregion: 'westeurope' });
}

function streamJob(req, res, url, rest, prefix) {
  const job = (plane.stream_jobs || {})[decodeURIComponent(rest[0])];
  if (!job) return send(res, 404, armError('ResourceNotFound', `The Resource 'Microsoft.StreamAnalytics/streamingjobs/${rest[0]}' was not found.`));
  if (rest[1] === 'providers' && rest[2] === 'microsoft.insights' && rest[3] === 'metrics') {
    if (job.forbid_metrics) return forbidden(res, 'microsoft.insights/metrics/read', `${prefix}/${rest[0]}`);
    return metricsAnswer(res, url, `${prefix}/${rest[0]}`, job.metrics || {});
  }
  if (rest.length !== 1 || url.searchParams.get('api-version') !== '2020-03-01')
    return send(res, 400, armError('InvalidApiVersionParameter', 'The api-version is invalid.'));
  send(res, 200, { id: `${prefix}/${rest[0]}`, name: rest[0], type: 'Microsoft.StreamAnalytics/streamingjobs',
    location: 'West Europe', properties: { sku: { name: 'Standard' }, jobId: 'x', provisioningState: 'Succeeded',
      jobState: job.jobState, jobType: 'Cloud', outputStartMode: 'JobStartTime',
      ...(job.lastOutputEventTime ? { lastOutputEventTime: iso(job.lastOutputEventTime) } : {}),
      eventsOutOfOrderPolicy: 'Adjust', outputErrorPolicy: 'Stop', compatibilityLevel: '1.2' } });
}

function arm(req, res, url, body) {
  const p = url.pathname.split('/').filter(Boolean);
  // subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}/...
  if (p[0] !== 'subscriptions' || p[1] !== plane.subscription || p[2] !== 'resourceGroups')
    return send(res, 404, armError('SubscriptionNotFound', `The subscription '${p[1]}' could not be found.`));
  // plane.resource_groups: more groups of the subscription, each with its
  // own namespaces (Event Hubs kept apart from the lakehouse's group)
  const group = p[3] === plane.resource_group ? plane : (plane.resource_groups || {})[p[3]];
  if (!group)
    return send(res, 404, armError('ResourceGroupNotFound', `Resource group '${p[3]}' could not be found.`));
  const prefix = '/' + p.slice(0, 7).join('/');
  const ns = (p[5] || '').toLowerCase();
  if (ns === 'microsoft.datafactory' && p[6] === 'factories' && group === plane) return factory(req, res, url, body, p.slice(7));
  if (ns === 'microsoft.streamanalytics' && p[6] === 'streamingjobs' && group === plane) return streamJob(req, res, url, p.slice(7), prefix);
  if (ns === 'microsoft.eventhub' && p[6] === 'namespaces') {
    const n = (group.namespaces || {})[p[7]];
    if (!n) return send(res, 404, armError('ResourceNotFound', `The Resource 'Microsoft.EventHub/namespaces/${p[7]}' was not found.`));
    return metricsAnswer(res, url, `${prefix}/${p[7]}`, n.metrics || {});
  }
  send(res, 404, armError('NotFound', 'No such API'));
}

// ---- Synapse: {endpoint}/queryPipelineRuns, /pipelines/{p}/pipelineruns/{id}/queryActivityruns ----
function synapse(req, res, url, body) {
  const p = url.pathname.split('/').filter(Boolean);	// synapse, ws, ...
  const ws = (plane.synapse || {})[p[1]];
  if (!ws) return send(res, 404, { code: 'WorkspaceNotFound', message: `Workspace ${p[1]} not found` });
  if (url.searchParams.get('api-version') !== '2020-12-01')
    return send(res, 400, { code: 'InvalidApiVersion', message: 'The api-version is invalid.' });
  if (p[2] === 'queryPipelineRuns' && req.method === 'POST') {
    if (ws.forbidden) return send(res, 403, { error: { code: 'Unauthorized', message:
      `The principal '${plane.client_id}' does not have the required Synapse RBAC permission to perform this action. Required permission: Microsoft.Synapse/workspaces/pipelines/viewOutputs/action.` } });
    return queryRuns(res, ws.pipelines || {}, body);
  }
  if (p[2] === 'pipelines' && p[4] === 'pipelineruns' && p[6] === 'queryActivityruns' && req.method === 'POST')
    return queryActivities(res, ws.pipelines || {}, decodeURIComponent(p[5]));
  send(res, 404, { code: 'NotFound', message: 'No such API' });
}

// ---- Databricks Jobs API 2.1 jobs/get: the job's settings (its name) ----
function databricksJob(req, res, url) {
  const id = url.searchParams.get('job_id');
  const job = (plane.jobs || {})[id];
  if (!job) return send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: `Job ${id} does not exist.` });
  if (job.forbidden) return send(res, 403, { error_code: 'PERMISSION_DENIED', message: `User does not have permission View on job ${id}.` });
  log({ kind: 'jobget', job: id });
  send(res, 200, { job_id: Number(id), creator_user_name: 'someone@contoso.com', created_time: 1700000000000,
    settings: { name: job.name || 'Untitled', max_concurrent_runs: 1, format: 'MULTI_TASK' } });
}

// ---- Databricks Jobs API 2.1 runs/list ----
function databricks(req, res, url) {
  if (url.pathname === '/databricks/api/2.1/jobs/get' && req.method === 'GET') return databricksJob(req, res, url);
  if (url.pathname !== '/databricks/api/2.1/jobs/runs/list' || req.method !== 'GET')
    return send(res, 404, { error_code: 'ENDPOINT_NOT_FOUND', message: `No API found for '${req.method} ${url.pathname}'` });
  const id = url.searchParams.get('job_id');
  const job = (plane.jobs || {})[id];
  if (!job) return send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: `Job ${id} does not exist.` });
  if (job.forbidden) return send(res, 403, { error_code: 'PERMISSION_DENIED', message: `User does not have permission View on job ${id}.` });
  const from = Number(url.searchParams.get('start_time_from') || 0);
  const limit = Math.min(Number(url.searchParams.get('limit') || 25), fault.page_size || 25);
  const expand = url.searchParams.get('expand_tasks') === 'true';
  const runs = (job.runs || []).map((r) => ({ job_id: Number(id), run_id: r.run_id, run_name: job.name || `job ${id}`,
    state: r.state, start_time: relMs(r.start_time), end_time: r.end_time ? relMs(r.end_time) : 0,
    setup_duration: 0, cleanup_duration: 0,
    execution_duration: r.end_time ? relMs(r.end_time) - relMs(r.start_time) : 0,
    ...(expand && r.tasks ? { tasks: r.tasks } : {}), run_type: 'JOB_RUN', trigger: 'PERIODIC' }))
    .filter((r) => r.start_time >= from).sort((a, b) => b.start_time - a.start_time);
  const tok = url.searchParams.get('page_token');
  const off = tok ? offsetOf(tok) : 0;
  if (off < 0) return send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid page token' });
  const page = runs.slice(off, off + limit);
  const more = off + limit < runs.length;
  log({ kind: 'jobruns', offset: off, n: page.length });
  const out = { has_more: more };
  if (page.length) out.runs = page;
  if (more) out.next_page_token = tokenOf(off + limit);
  if (off) out.prev_page_token = tokenOf(Math.max(0, off - limit));
  send(res, 200, out);
}

function scopeFor(pathname) {
  if (pathname.startsWith('/synapse/')) return SCOPES.synapse;
  if (pathname.startsWith('/databricks/')) return SCOPES.databricks;
  return SCOPES.arm;
}

async function api(req, res, url, body) {
  apiCalls++;
  const auth = req.headers.authorization || '';
  const tok = auth.startsWith('Bearer ') ? auth.slice(7) : '';
  // Tokens "expire" after a number of API calls, to test re-acquisition.
  if (fault.expire_token_after && apiCalls % fault.expire_token_after === 0) valid.delete(tok);
  const want = scopeFor(url.pathname);
  // plane.tokens: fixed bearer tokens good for every scope (the demo's,
  // read from a token file as `az account get-access-token` writes it)
  const okToken = valid.get(tok) === want ||
    (want === SCOPES.databricks && plane.pat && tok === plane.pat) ||
    (tok !== '' && (plane.tokens || []).includes(tok));
  log({ kind: 'api', method: req.method, path: url.pathname, search: url.search, token_ok: okToken });
  if (!okToken) {
    if (url.pathname.startsWith('/databricks/'))
      return send(res, 401, { error_code: 'UNAUTHENTICATED', message: 'Invalid access token.' });
    return send(res, 401, armError(valid.has(tok) ? 'InvalidAuthenticationTokenAudience' : 'ExpiredAuthenticationToken',
      valid.has(tok) ? 'The access token has been obtained for wrong audience or resource.' :
        'The access token expiry UTC time is earlier than current UTC time.'),
    { 'WWW-Authenticate': 'Bearer authorization_uri="https://login.windows.net/", error="invalid_token"' });
  }
  if (fault.rate_limit_first && limited < fault.rate_limit_first) {
    limited++;
    return send(res, 429, armError('TooManyRequests', 'The request is being throttled.'), { 'Retry-After': '1' });
  }
  for (const re of fault.malformed || [])
    if (new RegExp(re).test(url.pathname)) return send(res, 200, '{"value": [ {"runId": "trunc');
  if (url.pathname.startsWith('/subscriptions/')) return arm(req, res, url, body);
  if (url.pathname.startsWith('/synapse/')) return synapse(req, res, url, body);
  if (url.pathname.startsWith('/databricks/')) return databricks(req, res, url);
  send(res, 404, armError('NotFound', url.pathname));
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const body = await readBody(req);
  try {
    if (req.method === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(url.pathname)) return token(req, res, body);
    if (url.pathname === '/_stats') return send(res, 200, { apiCalls, tokenCalls, issued, limited });
    return await api(req, res, url, body);
  } catch (e) {
    send(res, 500, armError('InternalServerError', String(e)));
  }
});

server.listen(Number(args.port || 0), '127.0.0.1', () => {
  const port = server.address().port;
  if (args['port-file']) fs.writeFileSync(args['port-file'], String(port));
  else console.log(port);
});
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => server.close(() => process.exit(0)));
