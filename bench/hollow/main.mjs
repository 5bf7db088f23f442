// The hollow fleet process: N hollow Docker engines on loopback ports, and a control channel.
// Runs apart from dockpit so that its CPU is never counted as dockpit's.
//
//   node bench/hollow/main.mjs --hosts 200 --per-host 50 [--probes 10] [--seed 7]
//
// Prints one JSON line when every engine listens: { control, hosts: [{ name, port }] }. Control (HTTP on
// 127.0.0.1:control): POST /rate?eps=N (the storm's total rate), POST /probe?host=NAME (renames the host's
// probe container; answers { name, at } with `at` the event's time in epoch ms), GET /truth (every
// container's name and state per host, and the events each host emitted), GET /requests (requests served,
// by kind), POST /quit.
import http from 'node:http';
import { parseArgs } from 'node:util';
import { HollowHost } from './hollow-host.mjs';
import { requestCounts, serveHost } from './http-api.mjs';
import { populate } from './population.mjs';
import { Storm } from './storm.mjs';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '200' },
    'per-host': { type: 'string', default: '50' },
    probes: { type: 'string', default: '10' },
    seed: { type: 'string', default: '7' },
  },
});
const hostCount = Number(values.hosts);
const perHost = Number(values['per-host']);
const probeCount = Math.min(hostCount, Number(values.probes));

const hosts = [];
const servers = [];
for (let i = 0; i < hostCount; i++) {
  const { host, containers } = populate(i, perHost, { probe: i < probeCount });
  const h = new HollowHost(host, containers);
  hosts.push(h);
  servers.push({ name: host, ...(await serveHost(h)) });
}
const byName = new Map(hosts.map((h) => [h.name, h]));
const storm = new Storm(hosts, Number(values.seed));
const probeSeq = new Map();

function reply(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const control = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://control');
  try {
    if (req.method === 'POST' && url.pathname === '/rate') {
      storm.setRate(Number(url.searchParams.get('eps') ?? 0));
      return reply(res, 200, { rate: storm.rate });
    }
    if (req.method === 'POST' && url.pathname === '/probe') {
      const host = byName.get(url.searchParams.get('host') ?? '');
      const probe = host && [...host.byId.values()].find((c) => c.name.startsWith('probe-'));
      if (!probe) return reply(res, 404, { message: 'no probe on that host' });
      const seq = (probeSeq.get(host.name) ?? 0) + 1;
      probeSeq.set(host.name, seq);
      const name = `probe-${host.name}-${seq}`;
      const timeNano = host.rename(probe, name);
      return reply(res, 200, { name, at: timeNano / 1e6 });
    }
    if (req.method === 'GET' && url.pathname === '/truth') {
      const out = { emitted: storm.emitted, hosts: {} };
      for (const h of hosts) out.hosts[h.name] = { emitted: h.emitted, containers: h.truth() };
      return reply(res, 200, out);
    }
    if (req.method === 'GET' && url.pathname === '/requests') return reply(res, 200, requestCounts);
    if (req.method === 'POST' && url.pathname === '/quit') {
      reply(res, 200, { bye: true });
      setImmediate(() => process.exit(0));
      return;
    }
    reply(res, 404, { message: 'unknown control request' });
  } catch (err) {
    reply(res, 500, { message: err.message });
  }
});
control.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ control: control.address().port, hosts: servers.map(({ name, port }) => ({ name, port })) })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
