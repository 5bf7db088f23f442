import { setMaxListeners } from 'node:events';
import { inspectContainer } from '../engine/container-actions.js';
import type { ContainerInspect } from '../engine/container-inspect.js';
import { withDeadline } from '../engine/deadline.js';
import { DockpitError, toDockpitError } from '../engine/errors.js';
import type { FleetEngine } from '../engine/fleet-engine.js';
import type { ContainerEventRecord } from '../engine/types.js';
import type { InspectRecords } from '../state/types.js';
import type { FleetStore } from '../store/fleet-store.js';
import type { FleetState, HostContainers } from '../store/state.js';

// Keeps the inspect records fresh while the cockpit runs, so a migration off a host whose engine has died
// starts from that container's latest configuration. A container is inspected when it appears or is renamed
// (or the engine reports an `update`: limits change with no state change); a change of whether it runs only
// once it has held for stateSettleMs (a restart storm is all die/start and changes no configuration: issue 7
// measured the recorder taking the cockpit past a core in a 1,000 events/s storm). A record
// goes only when the engine reports the container destroyed: one that vanishes with its host is kept (the
// last one of a dead host's containers is the point), one removed on purpose must not come back.

export interface RecorderOptions {
  /** Changes seen within this window cost one inspect per container (an event storm is not an inspect storm). */
  debounceMs?: number;
  /**
   * A change of running state alone waits this long, and is recorded only if it still holds then: a restart
   * storm (die, start) changes no configuration, and only whether a container runs matters to a migration.
   */
  stateSettleMs?: number;
  /** Inspects a second across the whole fleet: the first pass over 10,000 containers must not load the engines. */
  maxPerSecond?: number;
  /** Inspects in flight per host. */
  perHost?: number;
  callTimeoutMs?: number;
  /** Delay before retrying after a failed inspect (the host may be going down). */
  retryMs?: number;
  /** A record that could not be written (the jump host's disk, not the engine). */
  onError?: (host: string, err: DockpitError) => void;
}

/** What the recorder asks of the engines (issue 14: the app services run on a port, the unit tests on memory). */
export interface RecorderEngine {
  /** Whether the host has a connection now: a host without one pauses its queue. */
  connected(host: string): boolean;
  /** The container's whole inspect body; throws a coded error (NOT_FOUND: removed since). */
  inspect(host: string, id: string, signal: AbortSignal): Promise<ContainerInspect>;
}

/** The recorder's port on the fleet engine's current connections (a reconnected host has a new client). */
export function recorderEngine(engine: FleetEngine): RecorderEngine {
  const clientOf = (host: string) => engine.connections.get(host)?.client ?? null;
  return {
    connected: (host) => clientOf(host) !== null,
    inspect(host, id, signal) {
      const docker = clientOf(host);
      if (!docker) throw new DockpitError('UNREACHABLE', `${host}: not connected`);
      return inspectContainer(docker, id, signal);
    },
  };
}

export interface InspectRecorder {
  stop(): Promise<void>;
  /** Resolves once nothing is queued, waiting or in flight, except on hosts with no connection (paused). */
  idle(): Promise<void>;
}

/** Engine actions that change a container's configuration without changing its state or name. */
const CONFIG_ACTIONS: ReadonlySet<string> = new Set(['update']);

interface HostQueue {
  /** Ids to inspect at the next batch. */
  pending: Set<string>;
  timer: NodeJS.Timeout | null;
  running: Promise<void> | null;
  /** id → name last queued for: a new id or a rename is recorded soon. */
  seen: Map<string, string>;
  /** id → whether it ran when last queued: a change of that alone goes to `settling`. */
  ran: Map<string, boolean>;
  /** id → when its running state changed; recorded after stateSettleMs if it still differs. */
  settling: Map<string, number>;
  hc: HostContainers | null;
  /** The last batch had inspects fail: the next waits `retryMs`. */
  failed: boolean;
  /** Ids seen for the first time since the recorder started: a record of that id may already be on disk. */
  firstSight: Set<string>;
}

export function startInspectRecorder(
  fleet: FleetEngine | RecorderEngine,
  store: FleetStore,
  records: Pick<InspectRecords, 'save' | 'remove'> & Partial<Pick<InspectRecords, 'load'>>,
  opts: RecorderOptions = {},
): InspectRecorder {
  const debounceMs = opts.debounceMs ?? 250;
  const stateSettleMs = opts.stateSettleMs ?? 15_000;
  const budget = rateLimit(opts.maxPerSecond ?? 20);
  const perHost = Math.max(1, opts.perHost ?? 2);
  const callTimeoutMs = opts.callTimeoutMs ?? 3000;
  const retryMs = opts.retryMs ?? 2000;
  const stopping = new AbortController();
  // Every host's batch waits on it for its turn in the shared budget (rateLimit: one listener per waiter, gone
  // when its wait ends): at 200 hosts more than Node's 10, whose leak warning was written over the cockpit.
  setMaxListeners(0, stopping.signal);
  const queues = new Map<string, HostQueue>();
  let idleWaiters: Array<() => void> = [];
  // Timeline events newer than this (per host, engine clock) have not been looked at yet.
  const watermark = new Map<string, number>();
  let timeline: FleetState['timeline'] | null = null;

  const queueOf = (host: string): HostQueue => {
    let q = queues.get(host);
    if (!q) queues.set(host, (q = { pending: new Set(), timer: null, running: null, seen: new Map(), ran: new Map(), settling: new Map(), hc: null, failed: false, firstSight: new Set() }));
    return q;
  };
  const engine = 'connections' in fleet ? recorderEngine(fleet) : fleet;
  const connected = (host: string) => engine.connected(host);

  const isIdle = () =>
    stopping.signal.aborted ||
    [...queues.entries()].every(([host, q]) => !q.timer && !q.running && ((q.pending.size === 0 && q.settling.size === 0) || !connected(host)));
  const checkIdle = () => {
    if (!isIdle()) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  };

  const schedule = (host: string, q: HostQueue, delay: number) => {
    if (stopping.signal.aborted || q.timer || q.running || q.pending.size === 0 || !connected(host)) return;
    q.timer = setTimeout(() => {
      q.timer = null;
      q.running = runBatch(host, q).finally(() => {
        q.running = null;
        schedule(host, q, q.failed ? retryMs : debounceMs);
        q.failed = false;
        checkIdle();
      });
    }, delay);
  };

  /** One batch: what was pending when the timer fired, `perHost` at a time. */
  async function runBatch(host: string, q: HostQueue): Promise<void> {
    if (!connected(host)) return; // went down meanwhile: the ids stay pending until it is back
    const batch = [...q.pending];
    q.pending.clear();
    const worker = async () => {
      for (let id = batch.shift(); id !== undefined && !stopping.signal.aborted; id = batch.shift()) {
        const listed = q.hc?.byId[id];
        if (!listed) continue; // removed since: its last record stays as it is
        // A container recorded by an earlier dockpit (same id, same name) needs no inspect at start: a
        // restarted cockpit's first pass costs a file read each, not an inspect and a durable write. Paced
        // like the inspects: 10,000 records read at once held some 120 MB more memory (issue 7's bench).
        await budget(stopping.signal);
        if (q.firstSight.delete(id) && records.load) {
          const rec = await records.load(host, listed.name).catch(() => null);
          const ranThen = (rec?.inspect as { State?: { Running?: boolean } } | undefined)?.State?.Running === true;
          if (rec?.id === id && ranThen === isRunning(listed.state)) continue;
        }
        let inspect: ContainerInspect;
        try {
          inspect = await withDeadline(callTimeoutMs, (signal) => engine.inspect(host, id, signal), stopping.signal);
        } catch (err) {
          // 404: removed before we looked. Anything else is the host's trouble, which its connection shows;
          // retry once things settle (a host that goes down pauses its queue).
          if (toDockpitError(err).code !== 'NOT_FOUND' && !stopping.signal.aborted) {
            q.pending.add(id);
            q.failed = true;
          }
          continue;
        }
        try {
          await records.save(host, inspect);
        } catch (err) {
          opts.onError?.(host, toDockpitError(err, `inspect record of ${inspect.Name.replace(/^\//, '')}`));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(perHost, batch.length) }, worker));
  }

  /**
   * Containers that appeared or were renamed: queued. A change of running state alone: settling (see
   * stateSettleMs). Removed ones: dropped.
   */
  const diffHost = (host: string, hc: HostContainers | undefined) => {
    const q = queueOf(host);
    if (q.hc === (hc ?? null)) return;
    q.hc = hc ?? null;
    const byId = hc?.byId ?? {};
    for (const id of q.seen.keys()) {
      if (!byId[id]) {
        q.seen.delete(id);
        q.ran.delete(id);
        q.settling.delete(id);
        q.pending.delete(id);
      }
    }
    const now = Date.now();
    for (const [id, c] of Object.entries(byId)) {
      const ran = isRunning(c.state);
      if (q.seen.get(id) !== c.name) {
        if (!q.seen.has(id)) q.firstSight.add(id);
        else q.firstSight.delete(id); // renamed while watched: inspect it whatever is on disk
        q.seen.set(id, c.name);
        q.ran.set(id, ran);
        q.settling.delete(id);
        q.pending.add(id);
      } else if (q.ran.get(id) !== ran) {
        if (!q.settling.has(id)) q.settling.set(id, now);
      } else {
        q.settling.delete(id); // back as recorded (a restart): nothing to write
      }
    }
  };

  /** Settled running-state changes become inspects. */
  const settle = () => {
    const now = Date.now();
    for (const [host, q] of queues) {
      for (const [id, since] of q.settling) {
        if (now - since < stateSettleMs) continue;
        q.settling.delete(id);
        const c = q.hc?.byId[id];
        if (!c) continue;
        q.ran.set(id, isRunning(c.state));
        q.pending.add(id);
      }
      schedule(host, q, debounceMs);
    }
    checkIdle();
  };
  const settler = setInterval(settle, Math.max(50, Math.min(stateSettleMs, 5000)));
  settler.unref();

  /** Configuration events (docker update) newer than their host's watermark mark their container. */
  const scanTimeline = (hostOrder: readonly string[], events: readonly ContainerEventRecord[], mark: boolean) => {
    if (events === timeline) return;
    timeline = events;
    // Events arrive in time order per host but interleave across hosts (and backfills arrive late): scan
    // back to the oldest watermark. At most TIMELINE_LIMIT entries, and only when the timeline changed.
    const low = Math.min(...hostOrder.map((h) => watermark.get(h) ?? 0));
    const newest = new Map<string, number>();
    for (let i = events.length - 1; i >= 0 && events[i]!.timeNano > low; i--) {
      const e = events[i]!;
      if (e.timeNano <= (watermark.get(e.host) ?? 0)) continue;
      newest.set(e.host, Math.max(newest.get(e.host) ?? 0, e.timeNano));
      const q = queues.get(e.host);
      if (mark && CONFIG_ACTIONS.has(e.action) && q?.hc?.byId[e.id]) q.pending.add(e.id);
      if (mark && e.action === 'destroy' && e.name) {
        records.remove(e.host, e.name).catch((err: unknown) => opts.onError?.(e.host, toDockpitError(err, `inspect record of ${e.name}`)));
      }
    }
    for (const [h, t] of newest) watermark.set(h, t);
  };

  const onState = (state: FleetState, first: boolean) => {
    if (stopping.signal.aborted) return;
    for (const host of state.hostOrder) diffHost(host, state.containers[host]);
    // At start every container is inspected anyway: old events only set the watermarks.
    scanTimeline(state.hostOrder, state.timeline, !first);
    for (const [host, q] of queues) schedule(host, q, debounceMs);
    checkIdle();
  };

  // The subscriber only marks and sets timers: the store's commit never waits on an inspect.
  const unsubscribe = store.subscribe((state) => onState(state, false));
  onState(store.getState(), true);

  return {
    async stop() {
      stopping.abort();
      clearInterval(settler);
      unsubscribe();
      for (const q of queues.values()) {
        if (q.timer) clearTimeout(q.timer);
        q.timer = null;
      }
      await Promise.all([...queues.values()].map((q) => q.running));
      checkIdle();
    },
    idle() {
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        checkIdle();
      });
    },
  };
}

/** Whether a migration would start it: the part of a container's state a record must keep right. */
function isRunning(state: string): boolean {
  return state === 'running' || state === 'paused' || state === 'restarting';
}

/**
 * A fleet-wide pace: resolves each caller in turn, at most `perSecond` a second (never rejects; an abort
 * lets the rest through at once so that stop() is quick).
 */
function rateLimit(perSecond: number): (signal: AbortSignal) => Promise<void> {
  const gap = 1000 / Math.max(1, perSecond);
  let next = 0;
  return (signal) => {
    const now = Date.now();
    const at = Math.max(now, next);
    next = at + gap;
    if (at === now || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const onAbort = () => {
        clearTimeout(t);
        resolve();
      };
      const t = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, at - now);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  };
}
