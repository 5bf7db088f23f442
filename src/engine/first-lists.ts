import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { HostSpec } from '../config/types.js';
import type { LabelKeys } from './container-mapper.js';
import { tlsAgentOptions } from './tls-agent.js';
import type { FirstListHost, FirstListResult } from './first-lists-types.js';

/** The worker's bundle (scripts/build-options.mjs WORKER_BUNDLES), beside dist/dockpit.cjs; the executable carries it. */
export const FIRST_LISTS_BUNDLE = 'dockpit-lists.cjs';

/**
 * From how many hosts the worker lists them: it costs a thread's start (about 50 ms of a core), which a few
 * hosts' lists on the main thread do not (on 3 hollow hosts the launch was no faster with it).
 */
export const FIRST_LISTS_MIN_HOSTS = 20;

/**
 * The worker's source: an asset of the single executable, or the file beside the running bundle. Null where
 * there is none (tsc's output and vitest run no bundle): the hosts then list on their own connections.
 */
export function firstListsSource(): string | null {
  // The launcher runs the bundle as CommonJS: __filename is dist/dockpit.cjs, or the executable.
  if (typeof __filename !== 'string') return null;
  try {
    const sea = createRequire(__filename)('node:sea') as { isSea(): boolean; getAsset(name: string): ArrayBuffer };
    if (sea.isSea()) return Buffer.from(sea.getAsset(FIRST_LISTS_BUNDLE)).toString('latin1');
  } catch {
    // a Node without node:sea, or an executable built without the asset: the file, else none
  }
  try {
    return fs.readFileSync(path.join(path.dirname(__filename), FIRST_LISTS_BUNDLE), 'latin1');
  } catch {
    return null;
  }
}

function workerHost(spec: HostSpec): FirstListHost | null {
  const ep = spec.endpoint;
  switch (ep.kind) {
    case 'unix':
      return { name: spec.name, endpoint: { kind: 'unix', socketPath: ep.socketPath } };
    case 'tcp':
      return { name: spec.name, endpoint: { kind: 'tcp', host: ep.host, port: ep.port } };
    case 'tls':
      // The same trust as the host's connection (docker-client.ts): only its CA, our certificate.
      return { name: spec.name, endpoint: { kind: 'tls', host: ep.host, port: ep.port, agent: tlsAgentOptions(ep) } };
    case 'ssh':
      return null; // its handshake is its tunnel's, kept for every later call: it lists there
  }
}

export interface FirstLists {
  /** The hosts the worker lists; the others list on their own connections at once. */
  hosts: ReadonlySet<string>;
  /** Ends the worker: no result comes after this. */
  stop(): void;
}

export interface FirstListsOptions {
  labels: LabelKeys;
  timeoutMs: number;
  /** The worker's code (tests pass dist's); by default firstListsSource(). */
  source?: string | null;
}

/**
 * Lists `specs`' hosts once each on a worker thread (first-lists-worker.ts) and hands each result to `onResult`
 * on this thread, ok or not. Null when the worker cannot run here (no bundle) or no host can be listed there.
 */
export function startFirstLists(specs: readonly HostSpec[], options: FirstListsOptions, onResult: (r: FirstListResult) => void): FirstLists | null {
  const hosts = specs.map(workerHost).filter((h): h is FirstListHost => h !== null);
  if (hosts.length === 0) return null;
  const source = options.source === undefined ? firstListsSource() : options.source;
  if (source === null) return null;
  const pending = new Set(hosts.map((h) => h.name));
  let listed = 0;
  const worker = new Worker(source, { eval: true, workerData: { hosts, labels: options.labels, timeoutMs: options.timeoutMs } });
  worker.unref();
  // A worker that fails or ends early fails the hosts it had not answered: they list on their own connections.
  const failRest = (error: string) => {
    for (const host of [...pending]) {
      pending.delete(host);
      onResult({ host, ok: false, error });
    }
  };
  worker.on('message', (r: FirstListResult) => {
    if (!pending.delete(r.host)) return;
    if (r.ok) listed++;
    onResult(r);
    if (pending.size > 0) return;
    void worker.terminate();
    // A hidden switch for the test that runs the single executable on many hosts: that the worker ran there.
    if (process.env.DOCKPIT_FIRST_LISTS_REPORT === '1') process.stderr.write(`dockpit: first lists: ${listed} of ${specs.length} hosts listed on a worker\n`);
  });
  worker.on('error', (err) => failRest(`first-list worker: ${err.message}`));
  worker.on('exit', () => failRest('first-list worker ended'));
  return {
    hosts: new Set(hosts.map((h) => h.name)),
    stop: () => {
      pending.clear();
      void worker.terminate();
    },
  };
}
