import { createStore, type StoreApi } from 'zustand/vanilla';
import type { DomainEvent, DomainEventSink } from '../engine/types.js';
import { applyEvents } from './apply-event.js';
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
   * The most often a batch of telemetry alone commits, ms: samples and probes that found a host as it was
   * (latency, last seen). At 10,000 containers they arrive all the time, and committing them 30 times a
   * second redrew the cockpit 30 times a second while idle (issue 7). Any other event commits at once and
   * takes the queued telemetry with it.
   */
  telemetryIntervalMs?: number;
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

/** Live figures, and a probe's word that changes nothing but the host's latency and last contact. */
function isTelemetry(event: DomainEvent, state: FleetState): boolean {
  if (event.type === 'stats.sampled') return true;
  if (event.type !== 'host.status') return false;
  const host = state.hosts[event.host];
  if (!host) return false;
  const patch = event.patch as Record<string, unknown>;
  const now = host as unknown as Record<string, unknown>;
  return Object.keys(patch).every((k) => k === 'latencyMs' || k === 'lastSeen' || patch[k] === now[k]);
}

/** Queues domain events and applies them to the store in batches, at most N commits a second. */
export function createCoalescer(store: FleetStore, options: CoalescerOptions = {}): Coalescer {
  // Rounded up: timers fire on whole milliseconds, and 33 ms would allow 31 commits a second.
  const interval = Math.ceil(1000 / (options.maxCommitsPerSecond ?? 30));
  const telemetryInterval = Math.max(interval, options.telemetryIntervalMs ?? 500);
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
    const at = Math.max(now, lastCommit + (isTelemetry(event, store.getState()) ? telemetryInterval : interval));
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
