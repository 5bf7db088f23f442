// The cockpit's first lists, taken on a worker thread (issue 16): dist/dockpit-lists.cjs, its own small bundle
// (no dockerode), run by first-lists.ts. Each host's list is requested, parsed and mapped here while the main
// thread loads and draws the cockpit; only the mapped containers cross to it.
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { mapContainer } from './container-mapper.js';
import type { FirstListHost, FirstListResult, FirstListsInput } from './first-lists-types.js';

type RawContainer = Parameters<typeof mapContainer>[1];

/**
 * One HTTP/1.0 request on a socket of its own, written by hand rather than through node:http: the answer is
 * the body up to the engine's close (HTTP/1.0 has no chunks and no keep-alive), and the worker then loads
 * neither node:http nor its agent and parser. At 200 hollow hosts that was about 100 ms less of the worker's
 * CPU and its last list about 80 ms sooner. Anything unexpected (another status, a body cut short) fails
 * the host here, and its own connection, which speaks HTTP/1.1 through docker-modem, lists it instead.
 */
const REQUEST = 'GET /containers/json?all=1 HTTP/1.0\r\nHost: docker\r\n\r\n';

/** node:tls is loaded only for a fleet with https:// hosts: the worker's start is on the launch's path. */
let tls: Promise<typeof import('node:tls')> | null = null;

async function connect(ep: FirstListHost['endpoint']): Promise<net.Socket> {
  if (ep.kind === 'unix') return net.connect({ path: ep.socketPath });
  if (ep.kind === 'tcp') return net.connect({ host: ep.host, port: ep.port });
  // As node:https would: the name is checked against the certificate, and sent as SNI unless it is an address.
  return (await (tls ??= import('node:tls'))).connect({ host: ep.host, port: ep.port, ...(net.isIP(ep.host) === 0 && { servername: ep.host }), ...ep.agent });
}

/** The body of an HTTP/1.0 answer, or why there is none. */
function bodyOf(answer: Buffer): { body: string } | { error: string } {
  const eol = answer.indexOf('\r\n');
  const status = answer.toString('latin1', 0, eol < 0 ? Math.min(answer.length, 64) : eol);
  if (!/^HTTP\/1\.[01] 200 /.test(status)) return { error: status === '' ? 'no answer' : `HTTP ${status.slice(9) || status}` };
  const head = answer.indexOf('\r\n\r\n');
  if (head < 0) return { error: 'answer cut short' };
  const length = /\r\ncontent-length: *(\d+)/i.exec(answer.toString('latin1', 0, head));
  const start = head + 4;
  if (length && answer.length - start !== Number(length[1])) return { error: `answer cut short (${answer.length - start} of ${length[1]} bytes)` };
  return { body: answer.toString('utf8', start) };
}

async function listOnce(host: FirstListHost, input: FirstListsInput): Promise<FirstListResult> {
  const t0 = performance.now();
  const failed = (error: string): FirstListResult => ({ host: host.name, ok: false, error });
  let socket: net.Socket;
  try {
    socket = await connect(host.endpoint);
  } catch (err) {
    return failed((err as Error).message);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    // Not end(): an engine may take the half-close for a client gone and drop the answer. It closes the socket.
    socket.write(REQUEST);
    socket.setTimeout(input.timeoutMs, () => socket.destroy(new Error(`no answer in ${input.timeoutMs} ms`)));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err) => resolve(failed(err.message)));
    socket.on('end', () => {
      socket.destroy();
      const answer = bodyOf(Buffer.concat(chunks));
      if ('error' in answer) return resolve(failed(answer.error));
      try {
        const raw = JSON.parse(answer.body) as RawContainer[];
        const containers = raw.map((c) => mapContainer(host.name, c, input.labels));
        resolve({ host: host.name, ok: true, containers, latencyMs: Math.round((performance.now() - t0) * 10) / 10 });
      } catch (err) {
        resolve(failed((err as Error).message));
      }
    });
  });
}

function listAll(input: FirstListsInput): void {
  for (const host of input.hosts) void listOnce(host, input).then((result) => parentPort?.postMessage(result));
}

// Its input comes with it (a test's worker), or by message: the launcher starts it before the config is read,
// and may send the hosts the cockpit kept for that config at once; the cockpit sends the others.
if (workerData) listAll(workerData as FirstListsInput);
else parentPort?.on('message', listAll);
