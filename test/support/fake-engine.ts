import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_LABELS, type EngineTuning } from '../../src/config/types.js';
import { HostConnection } from '../../src/engine/host-connection.js';
import type { DomainEvent } from '../../src/engine/types.js';

/**
 * The few engine calls a HostConnection makes, over HTTP, for unit tests of its logic (the integration tests
 * use the real fleet). Container lists answer with `list(n)` (n counts full lists from 0) and can be made to
 * hang; the events stream stays open and silent.
 */
export interface FakeEngine {
  probes: number;
  lists: number;
  hang: boolean;
  port: number;
  close(): void;
}

export function fakeEngine(list: (n: number) => unknown[] = () => []): Promise<FakeEngine> {
  const s: FakeEngine = { probes: 0, lists: 0, hang: false, port: 0, close: () => undefined };
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
      const probe = url.searchParams.get('limit') === '1';
      if (probe) s.probes++;
      if (s.hang) return; // never answers: the client's deadline ends it
      return json(probe ? [] : list(s.lists++));
    }
    res.writeHead(404).end();
  });
  s.close = () => {
    server.closeAllConnections();
    server.close();
  };
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      s.port = (server.address() as AddressInfo).port;
      resolve(s);
    }),
  );
}

/** A HostConnection to a fake engine, started and settled; `stop` ends both. */
export async function connectToFake(engine: FakeEngine, tuning: EngineTuning): Promise<{ conn: HostConnection; events: DomainEvent[]; stop: () => Promise<void> }> {
  const events: DomainEvent[] = [];
  const conn = new HostConnection({
    spec: { name: 'h1', url: `tcp://127.0.0.1:${engine.port}`, transport: 'tcp', endpoint: { kind: 'tcp', host: '127.0.0.1', port: engine.port }, labels: {} },
    labels: DEFAULT_LABELS,
    tuning,
    emit: (e) => events.push(e),
  });
  conn.start();
  await conn.settled;
  return { conn, events, stop: () => conn.stop() };
}
