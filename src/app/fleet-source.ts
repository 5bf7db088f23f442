import type Docker from 'dockerode';
import type { FleetConfig } from '../config/types.js';
import type { FleetEngine } from '../engine/fleet-engine.js';
import { dockerodeMigrateHost } from '../migrate/dockerode-engine.js';
import type { MigrateEngine, MigrateHost } from '../migrate/engine-port.js';
import type { HostFacts } from '../pool/place.js';
import type { FleetStore } from '../store/fleet-store.js';
import { containerRows } from '../store/selectors.js';
import type { FleetState } from '../store/state.js';

// The fleet as the planners read it (placement, migration, evacuation): a store state and each connected
// host's engine client, taken together at one moment.

export interface FleetSource {
  state: FleetState;
  client(host: string): Docker | null;
  /** The host's engine through the migration port (issue 14, item 4): what the migration preflight asks; null when not connected. */
  host(name: string): MigrateHost | null;
}

/**
 * The store as it is now and the engine's current clients (a reconnected host has a new one). On the
 * migration port alone (the in-memory engine of the unit tests) there are no dockerode clients.
 */
export function fleetSource(store: FleetStore, engine: FleetEngine | MigrateEngine): FleetSource {
  if (!('connections' in engine)) return { state: store.getState(), client: () => null, host: (h) => engine.host(h) ?? null };
  const client = (h: string) => engine.connections.get(h)?.client ?? null;
  return {
    state: store.getState(),
    client,
    host: (h) => {
      const docker = client(h);
      return docker ? dockerodeMigrateHost(docker, h) : null;
    },
  };
}

/** Every configured host's state and containers, from the store (what fleet-wide checks read). */
export function fleetFacts(config: FleetConfig, state: FleetState): HostFacts[] {
  return config.hosts.map(({ name }) => {
    const h = state.hosts[name];
    return { name, state: h?.state ?? 'down', error: h?.error ?? null, containers: containerRows(state, { host: name }) };
  });
}
