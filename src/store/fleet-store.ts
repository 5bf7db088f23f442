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
}

export interface Coalescer {
  sink: DomainEventSink;
  /** Applies what is queued now (headless commands and tests call this before reading). */
  flush(): void;
  stop(): void;
  /** How many commits reached the store. */
  readonly commits: number;
}

/** Queues domain events and applies them to the store in batches, at most N commits a second. */
export function createCoalescer(store: FleetStore, options: CoalescerOptions = {}): Coalescer {
  // Rounded up: timers fire on whole milliseconds, and 33 ms would allow 31 commits a second.
  const interval = Math.ceil(1000 / (options.maxCommitsPerSecond ?? 30));
  let queue: DomainEvent[] = [];
  let timer: NodeJS.Timeout | null = null;
  let lastCommit = -Infinity;
  let commits = 0;

  const flush = () => {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    lastCommit = performance.now();
    const prev = store.getState();
    const next = applyEvents(prev, batch);
    if (next !== prev) {
      commits++;
      store.setState(next, true);
    }
  };

  const sink: DomainEventSink = (event) => {
    queue.push(event);
    if (timer) return;
    const wait = Math.max(0, lastCommit + interval - performance.now());
    timer = setTimeout(flush, wait);
  };

  return {
    sink,
    flush,
    stop: () => {
      if (timer) clearTimeout(timer);
      timer = null;
    },
    get commits() {
      return commits;
    },
  };
}
