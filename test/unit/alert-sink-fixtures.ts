// Alerts and a local HTTP receiver for the sinks' unit tests: a receiver that answers, fails, hangs or is gone.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Alert, AlertTransition, RuleKey, Severity } from '../../src/alerts/types.js';

export function alert(n: number, over: Partial<Alert> = {}, labels: Record<string, string> = {}): Alert {
  const rule: RuleKey = over.rule ?? 'restartLoop';
  const severity: Severity = (labels.severity as Severity | undefined) ?? 'critical';
  return {
    key: `${rule}/h1/web-${n}`,
    rule,
    labels: { alertname: rule, severity, host: 'h1', container: `web-${n}`, bizline: 'shop', tier: '1', ...labels },
    summary: `h1/web-${n}: restarted 4 times in 2 min`,
    state: 'firing',
    since: 1_700_000_000_000,
    firingSince: 1_700_000_010_000,
    resolvedAt: null,
    ackedUntil: null,
    ackedBy: null,
    ...over,
  };
}

export function firing(n: number): AlertTransition {
  return { kind: 'firing', alert: alert(n) };
}

export function resolved(n: number, at = 1_700_000_060_000): AlertTransition {
  return { kind: 'resolved', alert: alert(n, { state: 'resolved', resolvedAt: at }) };
}

export type ReceiverMode = 'ok' | 'fail' | 'hang';

export interface Receiver {
  url: string;
  /** Bodies of the requests answered 2xx, parsed, in order. */
  bodies: unknown[];
  paths: string[];
  /** Requests seen in any mode. */
  requests: number;
  mode: ReceiverMode;
  /** What an ok answer's body is (JSON). */
  answer: unknown;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const hung: http.ServerResponse[] = [];
  const r: Receiver = {
    url: '',
    bodies: [],
    paths: [],
    requests: 0,
    mode: 'ok',
    answer: {},
    close: async () => {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      r.requests++;
      if (r.mode === 'hang') {
        hung.push(res);
        return;
      }
      if (r.mode === 'fail') {
        res.writeHead(503).end('down for maintenance');
        return;
      }
      r.bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      r.paths.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(r.answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return r;
}

export async function until(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
