import { loadConfigFile } from '../../src/config/load-config.js';
import type { FleetConfig } from '../../src/config/types.js';
import { FleetEngine } from '../../src/engine/fleet-engine.js';
import type { DomainEventSink } from '../../src/engine/types.js';
import { createCoalescer, createFleetStore, type FleetStore } from '../../src/store/fleet-store.js';
import { containerRows } from '../../src/store/selectors.js';
import { FLEET_CONFIG } from './fleet.js';

export interface Watch {
  config: FleetConfig;
  store: FleetStore;
  engine: FleetEngine;
  /** Feeds a domain event through the same coalescer as the engine's. */
  sink: DomainEventSink;
  stop(): Promise<void>;
  names(host: string): string[];
}

/** dockpit's engine and store, in process, on the test fleet (or on the hosts of another config file). */
export function watchFleet(tune: Partial<FleetConfig['engine']> = {}, configPath: string = FLEET_CONFIG): Watch {
  const loaded = loadConfigFile(configPath);
  const config = { ...loaded, engine: { ...loaded.engine, ...tune } };
  const store = createFleetStore();
  const coalescer = createCoalescer(store);
  const engine = new FleetEngine(config, coalescer.sink);
  engine.start();
  return {
    config,
    store,
    engine,
    sink: coalescer.sink,
    async stop() {
      await engine.stop();
      coalescer.stop();
    },
    names(host: string) {
      return containerRows(store.getState(), { host }).map((c) => c.name);
    },
  };
}
