// The cockpit's first lists, taken on a worker thread (issue 16): dist/dockpit-lists.cjs, its own small bundle
// (no dockerode), run by first-lists.ts. Each host's list is requested and read here while the main thread
// loads the cockpit; its body moves to the main thread, which parses and maps it (first-lists.ts). Parsing
// here and posting the mapped containers cost the worker about twice the CPU (JSON.parse, the garbage of the
// raw entries, the containers' serialisation) while the main thread, which then deserialised them, took about
// as long as it now takes to parse: at 200 hollow hosts the worker was what the first frame waited for.
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import type { FirstListAnswer, FirstListHost, FirstListsInput } from './first-lists-types.js';

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

/** The body of an HTTP/1.0 answer (a view of `answer`), or why there is none. */
function bodyOf(answer: Buffer<ArrayBuffer>): { body: Buffer<ArrayBuffer> } | { error: string } {
  const eol = answer.indexOf('\r\n');
  const status = answer.toString('latin1', 0, eol < 0 ? Math.min(answer.length, 64) : eol);
  if (!/^HTTP\/1\.[01] 200 /.test(status)) return { error: status === '' ? 'no answer' : `HTTP ${status.slice(9) || status}` };
  const head = answer.indexOf('\r\n\r\n');
  if (head < 0) return { error: 'answer cut short' };
  const length = /\r\ncontent-length: *(\d+)/i.exec(answer.toString('latin1', 0, head));
  const start = head + 4;
  if (length && answer.length - start !== Number(length[1])) return { error: `answer cut short (${answer.length - start} of ${length[1]} bytes)` };
  return { body: answer.subarray(start) };
}

async function listOnce(host: FirstListHost, input: FirstListsInput): Promise<FirstListAnswer> {
  const t0 = performance.now();
  const failed = (error: string): FirstListAnswer => ({ host: host.name, ok: false, error });
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
      const answer = bodyOf(joined(chunks));
      if ('error' in answer) return resolve(failed(answer.error));
      resolve({ host: host.name, ok: true, body: answer.body, latencyMs: Math.round((performance.now() - t0) * 10) / 10 });
    });
  });
}

/** The answer's bytes in memory of their own (Buffer.concat may take Node's shared pool), which can move to another thread. */
function joined(chunks: Buffer[]): Buffer<ArrayBuffer> {
  const answer = Buffer.from(new ArrayBuffer(chunks.reduce((n, c) => n + c.length, 0)));
  let at = 0;
  for (const c of chunks) at += c.copy(answer, at);
  return answer;
}

/** Posts an answer; its body's memory moves to the receiver. */
function post(answer: FirstListAnswer): void {
  parentPort?.postMessage(answer, answer.ok ? [answer.body.buffer] : []);
}

function listAll(input: FirstListsInput): void {
  for (const host of input.hosts) void listOnce(host, input).then(post);
}

// Its input comes with it (a test's worker), or by message: the launcher starts it before the config is read,
// and may send the hosts the cockpit kept for that config at once; the cockpit sends the others.
if (workerData) listAll(workerData as FirstListsInput);
else parentPort?.on('message', listAll);
