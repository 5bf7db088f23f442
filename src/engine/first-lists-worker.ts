// The cockpit's first lists, taken on a worker thread (issue 16): dist/dockpit-lists.cjs, its own small bundle
// (no dockerode), run by first-lists.ts. Each host's list is requested, parsed and mapped here while the main
// thread loads and draws the cockpit; only the mapped containers cross to it.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { mapContainer } from './container-mapper.js';
import type { FirstListHost, FirstListResult, FirstListsInput } from './first-lists-types.js';

type RawContainer = Parameters<typeof mapContainer>[1];

const LIST_PATH = '/containers/json?all=1';

/** node:https (and TLS with it) is loaded only for a fleet with https:// hosts: the worker's start is on the launch's path. */
let https: Promise<typeof import('node:https')> | null = null;

/** The list request, not yet sent. Each on a connection of its own, closed after it: the engine's connections are the main thread's. */
async function listRequest(host: FirstListHost, timeoutMs: number): Promise<http.ClientRequest> {
  const ep = host.endpoint;
  if (ep.kind === 'unix') return http.request({ socketPath: ep.socketPath, path: LIST_PATH, agent: false, timeout: timeoutMs });
  if (ep.kind === 'tcp') return http.request({ host: ep.host, port: ep.port, path: LIST_PATH, agent: false, timeout: timeoutMs });
  const tls = await (https ??= import('node:https'));
  return tls.request({ host: ep.host, port: ep.port, path: LIST_PATH, agent: new tls.Agent(ep.agent), timeout: timeoutMs });
}

async function listOnce(host: FirstListHost, input: FirstListsInput): Promise<FirstListResult> {
  const t0 = performance.now();
  const req = await listRequest(host, input.timeoutMs);
  const failed = (error: string): FirstListResult => ({ host: host.name, ok: false, error });
  return new Promise((resolve) => {
    req.on('response', (res: http.IncomingMessage) => {
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
