import type { FleetConfig } from '../config/types.js';
import { connectionRecords } from '../engine/container-marks.js';
import type { FleetEngine } from '../engine/fleet-engine.js';
import type { MigrateDeps } from '../migrate/execute.js';
import { migrationJournal } from '../migrate/journal.js';
import type { StateStore } from '../state/types.js';

/**
 * The migration executor's journal, lock (the plans' lock: one run per container, plan or migration),
 * audit log and ledger, from the state, on the engine's current clients: CLI and cockpit alike.
 */
export function migrateDeps(config: FleetConfig, state: StateStore, engine: FleetEngine): MigrateDeps {
  return {
    client: (h) => engine.connections.get(h)?.client ?? undefined,
    records: (h) => connectionRecords(engine.connections.get(h)),
    journal: migrationJournal(state),
    lock: state.locks,
    audit: state.audit,
    pools: config.pools,
    hosts: config.hosts.map((h) => h.name),
    callTimeoutMs: Math.max(10_000, config.engine.callTimeoutMs * 5),
    // The name keeps its address; the ledger notes where it runs now, and the source host's record goes (an
    // evacuation of that host, once dead, must not bring the container back from it).
    onMoved: async (plan) => {
      await state.ledger.update((current) => ({ next: current.map((r) => (r.name === plan.name ? { ...r, host: plan.to } : r)), result: undefined }));
      await state.records.remove(plan.from, plan.name);
    },
  };
}
