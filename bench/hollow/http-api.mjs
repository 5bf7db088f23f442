// The part of the Engine API dockpit uses, served by node:http over a hollow host. Paths may carry a
// version prefix (/v1.41/...), as clients send it. Query parameters dockpit never sends are ignored.
import http from 'node:http';
import os from 'node:os';
import { HostError, nowSeconds } from './hollow-host.mjs';
import { API_VERSION, ENGINE_VERSION, infoBody, inspectBody, statsBody, versionBody } from './shapes.mjs';

const NCPU = os.cpus().length;
const COMMON_HEADERS = {
  'Api-Version': API_VERSION,
  'Docker-Experimental': 'false',
  Ostype: 'linux',
  Server: `Docker/${ENGINE_VERSION} (linux)`,
};

function sendJson(res, status, body) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { ...COMMON_HEADERS, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendEmpty(res, status) {
  res.writeHead(status, COMMON_HEADERS);
  res.end();
}

function sendError(res, err) {
  const status = err instanceof HostError ? err.statusCode : 500;
  sendJson(res, status, { message: err instanceof Error ? err.message : String(err) });
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The engine's `filters` query: JSON of name → values (old clients send name → {value: true}). */
function parseFilters(raw) {
  if (!raw) return {};
  const parsed = JSON.parse(raw);
  const out = {};
  for (const [k, v] of Object.entries(parsed)) out[k] = Array.isArray(v) ? v : Object.keys(v);
  return out;
}

function eventMatches(ev, filters) {
  if (filters.type && !filters.type.includes(ev.Type)) return false;
  if (filters.event && !filters.event.includes(ev.Action)) return false;
  if (filters.container && !filters.container.some((x) => ev.Actor.ID.startsWith(x) || ev.Actor.Attributes.name === x)) return false;
  if (filters.label) {
    for (const l of filters.label) {
      const [k, v] = l.split('=', 2);
      if (!(k in ev.Actor.Attributes) || (v !== undefined && ev.Actor.Attributes[k] !== v)) return false;
    }
  }
  return true;
}

/**
 * `GET /events`: the buffered events since `since`, then live ones; with `until`, the stream ends there.
 * Headers go out at once (a client waits for them before it lists: dockpit subscribes, then lists).
 */
function serveEvents(host, url, req, res) {
  const filters = parseFilters(url.searchParams.get('filters'));
  const since = url.searchParams.has('since') ? Number(url.searchParams.get('since')) : null;
  const until = url.searchParams.has('until') ? Number(url.searchParams.get('until')) : null;
  res.writeHead(200, { ...COMMON_HEADERS, 'Content-Type': 'application/json' });
  res.flushHeaders();
  const inWindow = (ev) => (since === null || ev.timeNano / 1e9 >= since) && (until === null || ev.timeNano / 1e9 <= until);
  if (since !== null) {
    for (const r of host.recent) if (inWindow(r.ev) && eventMatches(r.ev, filters)) res.write(r.line);
  }
  if (until !== null && until <= nowSeconds()) {
    res.end();
    return;
  }
  const sub = {
    offer(record) {
      if (until !== null && record.ev.timeNano / 1e9 > until) return;
      if (eventMatches(record.ev, filters)) res.write(record.line);
    },
  };
  host.subscribers.add(sub);
  let endTimer = null;
  if (until !== null) endTimer = setTimeout(() => res.end(), Math.max(0, until * 1000 - nowSeconds() * 1000));
  const close = () => {
    host.subscribers.delete(sub);
    if (endTimer) clearTimeout(endTimer);
  };
  res.on('close', close);
  req.on('close', close);
}

/** `GET /containers/{id}/stats`: one read with `stream=false`, else one a second until the client goes. */
function serveStats(host, c, url, res) {
  const stream = !['0', 'false'].includes(url.searchParams.get('stream') ?? 'true');
  if (!stream) return sendJson(res, 200, statsBody(c, nowSeconds(), NCPU));
  res.writeHead(200, { ...COMMON_HEADERS, 'Content-Type': 'application/json' });
  const tick = () => res.write(`${JSON.stringify(statsBody(c, nowSeconds(), NCPU))}\n`);
  tick();
  const timer = setInterval(tick, 1000);
  res.on('close', () => clearInterval(timer));
}

const ACTIONS = new Set(['start', 'stop', 'restart', 'kill', 'pause', 'unpause', 'update', 'rename']);

/** Requests served, by kind, across every host of this process: what a client costs the engines. */
export const requestCounts = {};

function kindOf(method, path) {
  const m = /^\/containers\/[^/]+\/([a-z]+)$/.exec(path);
  return m ? `${method} /containers/{id}/${m[1]}` : `${method} ${path}`;
}

async function route(host, req, res) {
  const url = new URL(req.url ?? '/', 'http://hollow');
  const path = url.pathname.replace(/^\/v\d+\.\d+(?=\/)/, '');
  const method = req.method ?? 'GET';
  const kind = kindOf(method, path);
  requestCounts[kind] = (requestCounts[kind] ?? 0) + 1;
  if (path === '/_ping' && (method === 'GET' || method === 'HEAD')) {
    res.writeHead(200, { ...COMMON_HEADERS, 'Cache-Control': 'no-cache, no-store, must-revalidate', Pragma: 'no-cache',
      'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 2 });
    return res.end(method === 'HEAD' ? undefined : 'OK');
  }
  if (method === 'GET' && path === '/version') return sendJson(res, 200, versionBody());
  if (method === 'GET' && path === '/info') {
    return sendJson(res, 200, infoBody({ name: host.name, counts: host.counts(), listeners: host.subscribers.size, nowSeconds: nowSeconds(), ncpu: NCPU }));
  }
  if (method === 'GET' && path === '/events') return serveEvents(host, url, req, res);
  if (method === 'GET' && path === '/containers/json') {
    const all = ['1', 'true'].includes(url.searchParams.get('all') ?? '');
    const limit = url.searchParams.has('limit') ? Number(url.searchParams.get('limit')) : undefined;
    return sendJson(res, 200, host.listJson({ all, limit }));
  }
  const m = /^\/containers\/([^/]+)\/([a-z]+)$/.exec(path);
  if (m) {
    const [, ref, verb] = m;
    const c = host.find(decodeURIComponent(ref));
    if (method === 'GET' && verb === 'json') return sendJson(res, 200, inspectBody(c));
    if (method === 'GET' && verb === 'stats') return serveStats(host, c, url, res);
    if (method === 'POST' && ACTIONS.has(verb)) {
      if (verb === 'update') {
        const raw = await readBody(req);
        let body;
        try {
          body = raw ? JSON.parse(raw) : {};
        } catch {
          throw new HostError(400, 'invalid JSON');
        }
        return sendJson(res, 200, host.update(c, body));
      }
      if (verb === 'rename') {
        host.rename(c, url.searchParams.get('name') ?? '');
        return sendEmpty(res, 204);
      }
      if (verb === 'kill') return sendEmpty(res, host.kill(c, url.searchParams.get('signal') ?? '9'));
      return sendEmpty(res, host[verb](c));
    }
  }
  throw new HostError(404, 'page not found');
}

/** An HTTP server for one hollow host, listening on loopback. */
export function serveHost(host, port = 0) {
  const server = http.createServer((req, res) => {
    route(host, req, res).catch((err) => {
      if (!res.headersSent) sendError(res, err);
      else res.destroy();
    });
  });
  // Hundreds of hosts in one process, each with a handful of sockets: no per-socket timeout games.
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ server, port: server.address().port }));
  });
}
