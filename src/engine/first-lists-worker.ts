// The cockpit's first lists, taken on a worker thread (issue 16): dist/dockpit-lists.cjs, its own small bundle
// (no dockerode), run by first-lists.ts. Each host's list is requested, parsed and mapped here while the main
// thread loads and draws the cockpit; only the mapped containers cross to it.
import http from 'node:http';
import https from 'node:https';
import { parentPort, workerData } from 'node:worker_threads';
import { mapContainer } from './container-mapper.js';
import type { FirstListHost, FirstListResult, FirstListsInput } from './first-lists-types.js';

type RawContainer = Parameters<typeof mapContainer>[1];

const LIST_PATH = '/containers/json?all=1';

function request(host: FirstListHost, timeoutMs: number, onResponse: (res: http.IncomingMessage) => void): http.ClientRequest {
  const ep = host.endpoint;
  // Each its own connection, closed after the one request: the engine's connections are the main thread's.
  if (ep.kind === 'unix') return http.request({ socketPath: ep.socketPath, path: LIST_PATH, agent: false, timeout: timeoutMs }, onResponse);
  if (ep.kind === 'tcp') return http.request({ host: ep.host, port: ep.port, path: LIST_PATH, agent: false, timeout: timeoutMs }, onResponse);
  return https.request({ host: ep.host, port: ep.port, path: LIST_PATH, agent: new https.Agent(ep.agent), timeout: timeoutMs }, onResponse);
}

function listOnce(host: FirstListHost, input: FirstListsInput): Promise<FirstListResult> {
  const t0 = performance.now();
  const failed = (error: string): FirstListResult => ({ host: host.name, ok: false, error });
  return new Promise((resolve) => {
    const req = request(host, input.timeoutMs, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => resolve(failed(err.message)));
      res.on('end', () => {
        if (res.statusCode !== 200) return resolve(failed(`HTTP ${res.statusCode}`));
        try {
          const raw = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RawContainer[];
          const containers = raw.map((c) => mapContainer(host.name, c, input.labels));
          resolve({ host: host.name, ok: true, containers, latencyMs: Math.round((performance.now() - t0) * 10) / 10 });
        } catch (err) {
          resolve(failed((err as Error).message));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${input.timeoutMs} ms`)));
    req.on('error', (err) => resolve(failed(err.message)));
    req.end();
  });
}

const input = workerData as FirstListsInput;
for (const host of input.hosts) void listOnce(host, input).then((result) => parentPort?.postMessage(result));
