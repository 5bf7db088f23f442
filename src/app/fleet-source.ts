import type Docker from 'dockerode';
import type { FleetConfig } from '../config/types.js';
import type { FleetEngine } from '../engine/fleet-engine.js';
import type { HostFacts } from '../pool/place.js';
import type { FleetStore } from '../store/fleet-store.js';
import { containerRows } from '../store/selectors.js';
import type { FleetState } from '../store/state.js';

// The fleet as the planners read it (placement, migration, evacuation): a store state and each connected
// host's engine client, taken together at one moment.

export interface FleetSource {
  state: FleetState;
  client(host: string): Docker | null;
}

/** The store as it is now and the engine's current clients (a reconnected host has a new one). */
export function fleetSource(store: FleetStore, engine: FleetEngine): FleetSource {
  return { state: store.getState(), client: (h) => engine.connections.get(h)?.client ?? null };
}

/** Every configured host's state and containers, from the store (what fleet-wide checks read). */
export function fleetFacts(config: FleetConfig, state: FleetState): HostFacts[] {
  return config.hosts.map(({ name }) => {
    const h = state.hosts[name];
    return { name, state: h?.state ?? 'down', error: h?.error ?? null, containers: containerRows(state, { host: name }) };
  });
}
