import { createStore, type StoreApi } from 'zustand/vanilla';
import type { DomainEvent, DomainEventSink } from '../engine/types.js';
import { applyEvent, applyEvents } from './apply-event.js';
import { initialFleetState, type FleetState } from './state.js';

export type FleetStore = StoreApi<FleetState>;

/** A fresh store: one per process, one per test. */
export function createFleetStore(initial: FleetState = initialFleetState()): FleetStore {
  return createStore<FleetState>()(() => initial);
}

export interface CoalescerOptions {
  /** The most commits a second, however fast events arrive (engine-facts.md: React work is not throttled). */
  maxCommitsPerSecond?: number;
  /**
   * The most often figures of containers on screen alone commit, ms (stats samples the sampler read because
   * their rows are visible). At 10,000 containers samples arrive all the time, and committing them 30 times a
   * second redrew the cockpit 30 times a second while idle (issue 7). Any event that changes what an operator
   * must see commits at once and takes the queued figures with it.
   */
  telemetryIntervalMs?: number;
  /**
   * The most often background telemetry alone commits, ms; default ten times telemetryIntervalMs. Background:
   * samples of the rotation over containers not on screen (they move line and host sums, which change slowly),
   * a probe that found its host as it was (latency, last contact), and a re-list or ledger read that finds
   * what the store already holds. Each commit costs a React render and an Ink frame (about 10 ms at 10,000
   * containers): at 2 commits a second they were a third of the idle cockpit's main thread (issue 14).
   */
  backgroundIntervalMs?: number;
  /** Told after each commit how long it took (apply + subscribers, ms) and how many events it held: the benchmark's probe. */
  onCommit?: (ms: number, events: number) => void;
}

export interface Coalescer {
  sink: DomainEventSink;
  /** Applies what is queued now (headless commands and tests call this before reading). */
  flush(): void;
  stop(): void;
  /** How many commits reached the store. */
  readonly commits: number;
}

/** How soon an event must reach the store: at once, with the figures on screen, or in the background. */
type Pace = 'now' | 'figures' | 'background';

/** Events that usually repeat what the store holds (periodic re-lists and reads): checked against it. */
const REPEATING: ReadonlySet<DomainEvent['type']> = new Set(['host.listed', 'ledger.read', 'ledger.failed', 'pools.configured']);

function paceOf(event: DomainEvent, state: FleetState): Pace {
  if (event.type === 'stats.sampled') return event.background ? 'background' : 'figures';
  if (event.type === 'host.status') {
    const host = state.hosts[event.host];
    if (!host) return 'now';
    const patch = event.patch as Record<string, unknown>;
    const now = host as unknown as Record<string, unknown>;
    const probeOnly = Object.keys(patch).every((k) => k === 'latencyMs' || k === 'lastSeen' || patch[k] === now[k]);
    return probeOnly ? 'background' : 'now';
  }
  // Order is kept whatever the pace (the queue is applied in order); only when the commit comes changes.
  if (REPEATING.has(event.type)) return applyEvent(state, event) === state ? 'background' : 'now';
  return 'now';
}

/** Queues domain events and applies them to the store in batches, at most N commits a second. */
export function createCoalescer(store: FleetStore, options: CoalescerOptions = {}): Coalescer {
  // Rounded up: timers fire on whole milliseconds, and 33 ms would allow 31 commits a second.
  const interval = Math.ceil(1000 / (options.maxCommitsPerSecond ?? 30));
  const telemetryMs = options.telemetryIntervalMs ?? 500;
  const telemetryInterval = Math.max(interval, telemetryMs);
  const backgroundInterval = Math.max(telemetryInterval, options.backgroundIntervalMs ?? 10 * telemetryMs);
  const gap: Record<Pace, number> = { now: interval, figures: telemetryInterval, background: backgroundInterval };
  let queue: DomainEvent[] = [];
  let timer: NodeJS.Timeout | null = null;
  /** When the pending timer fires (performance.now()). */
  let due = Infinity;
  let lastCommit = -Infinity;
  let commits = 0;

  const flush = () => {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    due = Infinity;
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    const t0 = (lastCommit = performance.now());
    const prev = store.getState();
    const next = applyEvents(prev, batch);
    if (next !== prev) {
      commits++;
      store.setState(next, true);
      options.onCommit?.(performance.now() - t0, batch.length);
    }
  };

  const sink: DomainEventSink = (event) => {
    queue.push(event);
    const now = performance.now();
    // A commit is already due as soon as one may be: this event goes with it whatever its pace, so it is not
    // classified (in a storm that is nearly every event, and a repeating one would be applied twice).
    if (timer && due <= Math.max(now, lastCommit + interval)) return;
    const at = Math.max(now, lastCommit + gap[paceOf(event, store.getState())]);
    if (timer && due <= at) return;
    if (timer) clearTimeout(timer);
    due = at;
    timer = setTimeout(flush, at - now);
  };

  return {
    sink,
    flush,
    stop: () => {
      if (timer) clearTimeout(timer);
      timer = null;
      due = Infinity;
    },
    get commits() {
      return commits;
    },
  };
}
