import type { FleetConfig } from '../config/types.js';
import { connectionRecords } from '../engine/container-marks.js';
import { DockpitError, toDockpitError } from '../engine/errors.js';
import type { FleetEngine } from '../engine/fleet-engine.js';
import { dockerodeMigrateEngine } from '../migrate/dockerode-engine.js';
import type { MigrateEngine } from '../migrate/engine-port.js';
import type { MigrateDeps } from '../migrate/execute.js';
import { migrationJournal } from '../migrate/journal.js';
import type { StateStore } from '../state/types.js';

/**
 * The migration executor's journal, lock (the plans' lock: one run per container, plan or migration),
 * audit log and ledger, from the state, on the engine's current clients: CLI and cockpit alike.
 */
export function migrateDeps(config: FleetConfig, state: StateStore, engine: FleetEngine | MigrateEngine): MigrateDeps {
  return {
    engine: 'connections' in engine ? fleetMigrateEngine(engine) : engine,
    journal: migrationJournal(state),
    lock: state.locks,
    audit: state.audit,
    pools: config.pools,
    hosts: config.hosts.map((h) => h.name),
    records: state.records,
    callTimeoutMs: Math.max(10_000, config.engine.callTimeoutMs * 5),
    // The name keeps its address; the ledger notes where it runs now, and the source host's record goes (an
    // evacuation of that host, once dead, must not bring the container back from it).
    // Each is tried even when the other fails (issue 14, item 5), and a failure is thrown, naming which.
    onMoved: async (plan) => {
      const failed: string[] = [];
      await state.ledger
        .update((current) => ({ next: current.map((r) => (r.name === plan.name ? { ...r, host: plan.to } : r)), result: undefined }))
        .catch((err: unknown) => failed.push(`ledger: ${toDockpitError(err).toString()}`));
      await state.records.remove(plan.from, plan.name).catch((err: unknown) => failed.push(`record of ${plan.name} on ${plan.from}: ${toDockpitError(err).toString()}`));
      if (failed.length > 0) throw new DockpitError('STATE', failed.join('; '));
    },
  };
}

/** The migration port on the fleet engine's current connections (a reconnected host has a new client). */
export function fleetMigrateEngine(engine: FleetEngine): MigrateEngine {
  return dockerodeMigrateEngine(
    (h) => engine.connections.get(h)?.client ?? undefined,
    (h) => connectionRecords(engine.connections.get(h)),
  );
}
