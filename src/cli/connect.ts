import type { FleetConfig } from '../config/types.js';
import type { FirstLists } from '../engine/first-lists.js';
import { FleetEngine } from '../engine/fleet-engine.js';
import type { DomainEvent, DomainEventSink } from '../engine/types.js';
import { createCoalescer, createFleetStore, type Coalescer, type CoalescerOptions, type FleetStore } from '../store/fleet-store.js';
import { initialFleetState } from '../store/state.js';

export interface Connected {
  store: FleetStore;
  engine: FleetEngine;
  /** Applies what the engine has emitted so far to the store. */
  flush(): void;
  close(): Promise<void>;
}

export interface StartedFleet {
  store: FleetStore;
  coalescer: Coalescer;
  engine: FleetEngine;
  /** The coalescer's sink, with the listeners in front: what the app services emit to (issue 15). */
  emit: DomainEventSink;
  /** Sees every event the engine and the services emit, before the store does (issue 15: the alerts' rules); returns the unsubscribe. */
  listen(listener: (event: DomainEvent) => void): () => void;
}

export interface StartFleetOptions {
  onCommit?: CoalescerOptions['onCommit'];
  /**
   * The hosts' lists before their version and info (the cockpit's launch: FleetEngineOptions.listsFirst).
   */
  listsFirst?: boolean;
  /** With listsFirst: the first lists' worker, started before the engine's modules loaded (cli.ts). */
  firstLists?: FirstLists | null;
}

/**
 * A store and an engine whose hosts are connecting. No React here: the cockpit starts this before it loads
 * Ink and its views, so that the hosts are contacted while those modules load (issue 7: loading them took
 * 0.5–1 s of the launch of a 200-host fleet).
 */
export function startFleet(config: FleetConfig, options: StartFleetOptions = {}): StartedFleet {
  const lineTiers = Object.fromEntries(Object.values(config.lines).map((l) => [l.name, l.tier]));
  const store = createFleetStore({ ...initialFleetState(), lineTiers });
  const coalescer = createCoalescer(store, options.onCommit ? { onCommit: options.onCommit } : {});
  const listeners = new Set<(event: DomainEvent) => void>();
  const emit: DomainEventSink = (event) => {
    for (const l of listeners) l(event);
    coalescer.sink(event);
  };
  const engine = new FleetEngine(config, emit, { listsFirst: options.listsFirst ?? false, firstLists: options.firstLists ?? null });
  engine.start();
  return {
    store,
    coalescer,
    engine,
    emit,
    listen: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

/** Connects every host once (each bounded by its own deadlines) and waits until each is listed or failed. */
export async function connectFleet(config: FleetConfig): Promise<Connected> {
  const { store, coalescer, engine } = startFleet(config);
  await engine.settled();
  coalescer.flush();
  return {
    store,
    engine,
    flush: () => coalescer.flush(),
    close: async () => {
      await engine.stop();
      coalescer.flush();
      coalescer.stop();
    },
  };
}
