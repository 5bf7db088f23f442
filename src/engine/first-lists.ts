import { Worker } from 'node:worker_threads';
import type { FleetConfig, HostSpec } from '../config/types.js';
import { mapContainer, type LabelKeys } from './container-mapper.js';
import { tlsAgentOptions } from './tls-agent.js';
import type { FirstListAnswer, FirstListHost, FirstListResult, FirstListsInput } from './first-lists-types.js';

type RawContainer = Parameters<typeof mapContainer>[1];

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
  /** What it was given to list (the cockpit keeps part of it for the next launch: keptListsInput). */
  input: FirstListsInput;
  /** Hands each result to `onResult` on this thread, ok or not: those already in at once, the others as they come. One listener. */
  listen(onResult: (r: FirstListResult) => void): void;
  /** Ends the worker: no result comes after this. */
  stop(): void;
}

/** The first-lists worker as the launcher (scripts/launch.cjs, startListsWorker) hands it over. */
export interface LaunchedLists {
  worker: Worker;
  /** What it was sent already: the hosts the cockpit kept for this config's text (config-cache.ts), or null. */
  sent: FirstListsInput | null;
  /** The answers it has posted so far, which the launcher kept; from then on they are the caller's to take. */
  early(): FirstListAnswer[];
}

export interface FirstListsOptions {
  /** From how many hosts (FIRST_LISTS_MIN_HOSTS by default): below it, null. */
  minHosts?: number;
  /** The worker the launcher started (scripts/launch.cjs). Ended here if not needed. */
  launched?: LaunchedLists | null;
  /** Else the worker's code, to start it here (the tests pass dist/dockpit-lists.cjs). */
  source?: string;
}

/** The worker's input for a config: its hosts but the SSH ones. */
export function firstListsInput(config: FleetConfig): FirstListsInput {
  const hosts = config.hosts.map(workerHost).filter((h): h is FirstListHost => h !== null);
  return { hosts, labels: config.labels, timeoutMs: config.engine.callTimeoutMs };
}

/**
 * What of the input the config cache keeps for the launcher (config-cache.ts): the unix and tcp hosts. Not the
 * TLS ones: their agent options hold our client key, which is not copied into another file.
 */
export function keptListsInput(input: FirstListsInput): FirstListsInput {
  return { ...input, hosts: input.hosts.filter((h) => h.endpoint.kind !== 'tls') };
}

/** The hosts of `input` the worker has not been sent already, as they are now. */
function unsent(input: FirstListsInput, sent: FirstListsInput | null | undefined): FirstListHost[] {
  if (!sent || sent.timeoutMs !== input.timeoutMs || JSON.stringify(sent.labels) !== JSON.stringify(input.labels)) return input.hosts;
  const already = new Set(sent.hosts.map((h) => JSON.stringify(h)));
  return input.hosts.filter((h) => !already.has(JSON.stringify(h)));
}

/**
 * A worker's answer as the cockpit takes it: its body parsed and mapped on this thread (first-lists-worker.ts
 * says why). A body that is not a list fails the host, which then lists on its own connection.
 */
function resultOf(a: FirstListAnswer, labels: LabelKeys): FirstListResult {
  if (!a.ok) return a;
  try {
    const raw = JSON.parse(Buffer.from(a.body.buffer, a.body.byteOffset, a.body.byteLength).toString('utf8')) as RawContainer[];
    if (!Array.isArray(raw)) return { host: a.host, ok: false, error: 'the list is not an array' };
    return { host: a.host, ok: true, containers: raw.map((c) => mapContainer(a.host, c, labels)), latencyMs: a.latencyMs };
  } catch (err) {
    return { host: a.host, ok: false, error: (err as Error).message };
  }
}

/**
 * Lists the config's hosts once each on a worker thread (first-lists-worker.ts). Null when the fleet is smaller
 * than `minHosts`, there is no worker (no bundle) or no host can be listed there. The cockpit calls it as soon
 * as the config is read, before the engine's modules load (issue 16), and hands it to FleetEngine.
 */
export function startFirstLists(config: FleetConfig, options: FirstListsOptions): FirstLists | null {
  const input = firstListsInput(config);
  const hosts = input.hosts;
  const launched = options.launched;
  if (config.hosts.length < (options.minHosts ?? FIRST_LISTS_MIN_HOSTS) || hosts.length === 0 || launched?.worker.threadId === -1) {
    void launched?.worker.terminate();
    return null; // too few hosts, or none the worker can list, or the launcher's worker has ended
  }
  let worker: Worker;
  if (launched) {
    worker = launched.worker;
    const rest = unsent(input, launched.sent);
    if (rest.length > 0) worker.postMessage({ ...input, hosts: rest });
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
  const settle = (a: FirstListAnswer) => {
    if (!pending.delete(a.host)) return;
    const r = resultOf(a, input.labels);
    if (r.ok) listed++;
    deliver(r);
  };
  // A worker that fails or ends early fails the hosts it had not answered: they list on their own connections.
  const failRest = (error: string) => {
    for (const host of [...pending]) settle({ host, ok: false, error });
  };
  worker.on('message', (a: FirstListAnswer) => {
    settle(a);
    if (pending.size > 0) return;
    void worker.terminate();
    // A hidden switch for the test that runs the single executable on many hosts: that the worker ran there.
    if (process.env.DOCKPIT_FIRST_LISTS_REPORT === '1') process.stderr.write(`dockpit: first lists: ${listed} of ${config.hosts.length} hosts listed on a worker, ${launched?.sent?.hosts.length ?? 0} asked before the config was read\n`);
  });
  worker.on('error', (err) => failRest(`first-list worker: ${err.message}`));
  worker.on('exit', () => failRest('first-list worker ended'));
  // Those the launcher kept, now that this listens (in one synchronous stretch: none is lost between).
  for (const r of launched?.early() ?? []) worker.emit('message', r);
  return {
    hosts: new Set(hosts.map((h) => h.name)),
    input,
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
