import { Worker } from 'node:worker_threads';
import type { FleetConfig, HostSpec } from '../config/types.js';
import { tlsAgentOptions } from './tls-agent.js';
import type { FirstListHost, FirstListResult, FirstListsInput } from './first-lists-types.js';

/** The worker's bundle (scripts/build-options.mjs WORKER_BUNDLES), beside dist/dockpit.cjs, an asset of the executable; the launcher (scripts/launch.cjs) starts it. */
export const FIRST_LISTS_BUNDLE = 'dockpit-lists.cjs';

/**
 * From how many hosts the worker lists them: it costs a thread's start (about 50 ms of a core), which a few
 * hosts' lists on the main thread do not (on 3 hollow hosts the launch was no faster with it).
 */
export const FIRST_LISTS_MIN_HOSTS = 20;

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
  /** Hands each result to `onResult` on this thread, ok or not: those already in at once, the others as they come. One listener. */
  listen(onResult: (r: FirstListResult) => void): void;
  /** Ends the worker: no result comes after this. */
  stop(): void;
}

export interface FirstListsOptions {
  /** From how many hosts (FIRST_LISTS_MIN_HOSTS by default): below it, null. */
  minHosts?: number;
  /** The worker, started and waiting for its input: the launcher's (scripts/launch.cjs). Ended here if not needed. */
  worker?: Worker | null;
  /** Else the worker's code, to start it here (the tests pass dist/dockpit-lists.cjs). */
  source?: string;
}

/**
 * Lists the config's hosts once each on a worker thread (first-lists-worker.ts). Null when the fleet is smaller
 * than `minHosts`, there is no worker (no bundle) or no host can be listed there. The cockpit calls it as soon
 * as the config is read, before the engine's modules load (issue 16), and hands it to FleetEngine.
 */
export function startFirstLists(config: FleetConfig, options: FirstListsOptions): FirstLists | null {
  const hosts = config.hosts.map(workerHost).filter((h): h is FirstListHost => h !== null);
  if (config.hosts.length < (options.minHosts ?? FIRST_LISTS_MIN_HOSTS) || hosts.length === 0) {
    void options.worker?.terminate();
    return null;
  }
  const input: FirstListsInput = { hosts, labels: config.labels, timeoutMs: config.engine.callTimeoutMs };
  let worker: Worker;
  if (options.worker) {
    worker = options.worker;
    worker.postMessage(input);
  } else if (options.source !== undefined) {
    worker = new Worker(options.source, { eval: true, workerData: input });
    worker.unref();
  } else {
    return null; // no bundle (tsc's output, vitest): the hosts list on their own connections
  }
  const pending = new Set(hosts.map((h) => h.name));
  // Results that come before listen(): the worker starts before the engine that takes them exists.
  const early: FirstListResult[] = [];
  let deliver: (r: FirstListResult) => void = (r) => void early.push(r);
  let listed = 0;
  const settle = (r: FirstListResult) => {
    if (!pending.delete(r.host)) return;
    if (r.ok) listed++;
    deliver(r);
  };
  // A worker that fails or ends early fails the hosts it had not answered: they list on their own connections.
  const failRest = (error: string) => {
    for (const host of [...pending]) settle({ host, ok: false, error });
  };
  worker.on('message', (r: FirstListResult) => {
    settle(r);
    if (pending.size > 0) return;
    void worker.terminate();
    // A hidden switch for the test that runs the single executable on many hosts: that the worker ran there.
    if (process.env.DOCKPIT_FIRST_LISTS_REPORT === '1') process.stderr.write(`dockpit: first lists: ${listed} of ${config.hosts.length} hosts listed on a worker\n`);
  });
  worker.on('error', (err) => failRest(`first-list worker: ${err.message}`));
  worker.on('exit', () => failRest('first-list worker ended'));
  return {
    hosts: new Set(hosts.map((h) => h.name)),
    listen: (onResult) => {
      deliver = onResult;
      for (const r of early.splice(0)) onResult(r);
    },
    stop: () => {
      pending.clear();
      void worker.terminate();
    },
  };
}
