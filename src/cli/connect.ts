import type { FleetConfig } from '../config/types.js';
import { FleetEngine } from '../engine/fleet-engine.js';
import { createCoalescer, createFleetStore, type FleetStore } from '../store/fleet-store.js';

export interface Connected {
  store: FleetStore;
  engine: FleetEngine;
  /** Applies what the engine has emitted so far to the store. */
  flush(): void;
  close(): Promise<void>;
}

/** Connects every host once (each bounded by its own deadlines) and waits until each is listed or failed. */
export async function connectFleet(config: FleetConfig): Promise<Connected> {
  const store = createFleetStore();
  const coalescer = createCoalescer(store);
  const engine = new FleetEngine(config, coalescer.sink);
  engine.start();
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
