import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLI, waitFor } from '../support/fleet.js';

// Issue 15's watch tests: a real `dockpit watch --json` as a child process (its JSON log read line by line),
// and a small webhook receiver the tests start and stop.

export interface WatchLine {
  time: string;
  event: string;
  [k: string]: unknown;
}

export interface WatchProc {
  child: ChildProcess;
  lines: WatchLine[];
  stderr(): string;
  /** Waits for a log line matching `match`; returns it. */
  line(match: (l: WatchLine) => boolean, timeoutMs?: number): Promise<WatchLine>;
  /** Sends `signal` and resolves to the exit code (null: killed by the signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `dockpit watch --json ARGS`; `prefix` runs it inside a jump host (nsenter …). */
export function startWatchProcess(args: string[], opts: { env?: NodeJS.ProcessEnv; prefix?: string[]; nodeArgs?: string[] } = {}): WatchProc {
  const prefix = opts.prefix ?? [];
  const argv = [...prefix.slice(1), 'node', ...(opts.nodeArgs ?? []), CLI, 'watch', '--json', ...args];
  const child = spawn(prefix[0] ?? argv.shift()!, argv, { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: WatchLine[] = [];
  let err = '';
  let buf = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const text = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(JSON.parse(text) as WatchLine); // every stdout line must be one JSON object
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    stderr: () => err,
    async line(match, timeoutMs = 20_000) {
      const { value } = await waitFor(() => lines.find(match), timeoutMs, 50, () => `watch log:\n${lines.map((l) => JSON.stringify(l)).join('\n')}\nstderr:\n${err}`);
      return value;
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface Receiver {
  port: number;
  /** Bodies received, parsed. */
  posts: Array<{ transitions: Array<{ kind: string; alert: { key: string; rule: string } }> }>;
  close(): Promise<void>;
  /** Listens again on the same port. */
  reopen(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1 (port 0: the system picks; reopen keeps it). */
export async function startReceiver(port = 0): Promise<Receiver> {
  const posts: Receiver['posts'] = [];
  let server: http.Server;
  const listen = (p: number) =>
    new Promise<number>((resolve) => {
      server = http.createServer((req, res) => {
        let body = '';
        req.setEncoding('utf8').on('data', (d: string) => (body += d));
        req.on('end', () => {
          posts.push(JSON.parse(body) as Receiver['posts'][number]);
          res.writeHead(200).end('ok');
        });
      });
      server.listen(p, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  const r: Receiver = {
    port: await listen(port),
    posts,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    reopen: async () => void (await listen(r.port)),
  };
  return r;
}

/** The value of one series of a Prometheus exposition (first match), or null. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | null {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return null;
}
