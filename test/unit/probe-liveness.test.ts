import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LABELS, type EngineTuning } from '../../src/config/types.js';
import { HostConnection } from '../../src/engine/host-connection.js';
import type { DomainEvent } from '../../src/engine/types.js';

// Issue 14: a host whose stats reads answer is not probed as well (probes were a third of the idle cockpit's
// requests at 200 hosts); the liveness fact holds all the same: a host whose container calls hang shows
// degraded within a probe interval (plus the call's deadline) of its last answer.

/** The few engine calls a connection makes, over HTTP; container lists can be made to hang. */
function fakeEngine() {
  const s = { probes: 0, hang: false, server: null as http.Server | null, port: 0 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://engine');
    const path = url.pathname.replace(/^\/v\d+\.\d+/, '');
    const json = (body: unknown) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path === '/version') return json({ Version: '20.10.24', ApiVersion: '1.41' });
    if (path === '/info') return json({ NCPU: 2, SystemTime: new Date().toISOString(), LiveRestoreEnabled: false });
    if (path === '/events') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (url.searchParams.has('until')) res.end();
      else res.flushHeaders();
      return;
    }
    if (path === '/containers/json') {
      if (url.searchParams.get('limit') === '1') s.probes++;
      if (s.hang) return; // never answers: the client's deadline ends it
      return json([]);
    }
    res.writeHead(404).end();
  });
  s.server = server;
  return new Promise<typeof s>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      s.port = (server.address() as AddressInfo).port;
      resolve(s);
    }),
  );
}

const tuning: EngineTuning = { callTimeoutMs: 300, connectTimeoutMs: 300, probeIntervalMs: 400, slowThresholdMs: 1000, resyncIntervalMs: 60_000, statsPerSecond: 20 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function connect() {
  const engine = await fakeEngine();
  const events: DomainEvent[] = [];
  const conn = new HostConnection({
    spec: { name: 'h1', url: `tcp://127.0.0.1:${engine.port}`, transport: 'tcp', endpoint: { kind: 'tcp', host: '127.0.0.1', port: engine.port }, labels: {} },
    labels: DEFAULT_LABELS,
    tuning,
    emit: (e) => events.push(e),
  });
  conn.start();
  cleanup.push(() => {
    engine.server!.closeAllConnections();
    engine.server!.close();
  });
  cleanup.push(() => conn.stop());
  await conn.settled;
  return { engine, events, conn };
}

function firstDegraded(events: DomainEvent[]): boolean {
  return events.some((e) => e.type === 'host.status' && e.patch.state === 'degraded');
}

describe('HostConnection probe and other answers', () => {
  it('a host whose other calls answer is not probed; when they stop and lists hang, it is degraded within an interval of the last answer', async () => {
    const { engine, events, conn } = await connect();
    const proving = setInterval(() => conn.noteAnswer(5), 100);
    await sleep(1500);
    clearInterval(proving);
    expect(engine.probes).toBe(0);
    const lastAnswer = performance.now();
    engine.hang = true;
    let degradedAfter = Infinity;
    for (let t = 0; t < 3000 && !firstDegraded(events); t += 20) await sleep(20);
    if (firstDegraded(events)) degradedAfter = performance.now() - lastAnswer;
    expect(engine.probes).toBeGreaterThan(0);
    // One interval from the last answer, then the probe's deadline; a margin for timers on a loaded machine.
    expect(degradedAfter).toBeLessThanOrEqual(tuning.probeIntervalMs + tuning.callTimeoutMs + 250);
  });

  it('a slow answer proves nothing: the host is probed every interval', async () => {
    const { engine, conn } = await connect();
    const slow = setInterval(() => conn.noteAnswer(tuning.slowThresholdMs + 1), 100);
    cleanup.push(() => clearInterval(slow));
    await sleep(1500);
    // The first probe at a random phase within an interval, then one an interval: at least 3 in 1.5 s.
    expect(engine.probes).toBeGreaterThanOrEqual(3);
  });
});
