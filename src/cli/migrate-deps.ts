import type { FleetConfig } from '../config/types.js';
import { fileAuditLog } from '../engine/audit-log.js';
import type { FleetEngine } from '../engine/fleet-engine.js';
import { inspectRecords } from '../engine/inspect-records.js';
import type { MigrateDeps } from '../migrate/execute.js';
import { migrationJournal } from '../migrate/journal.js';
import { fileContainerLock } from '../plans/lock.js';
import { fileLedger } from '../pool/file-ledger.js';

/**
 * The migration executor's journal, lock (the plans' lock: one run per container, plan or migration),
 * audit log and ledger, on the engine's current clients: CLI and cockpit alike.
 */
export function migrateDeps(config: FleetConfig, engine: FleetEngine): MigrateDeps {
  const ledger = fileLedger(config.stateDir);
  const records = inspectRecords(config.stateDir);
  return {
    client: (h) => engine.connections.get(h)?.client ?? undefined,
    journal: migrationJournal(config.stateDir),
    lock: fileContainerLock(config.stateDir),
    audit: fileAuditLog(config.stateDir),
    pools: config.pools,
    callTimeoutMs: Math.max(10_000, config.engine.callTimeoutMs * 5),
    // The name keeps its address; the ledger notes where it runs now, and the source host's record goes (an
    // evacuation of that host, once dead, must not bring the container back from it).
    onMoved: async (plan) => {
      await ledger.update((current) => ({ next: current.map((r) => (r.name === plan.name ? { ...r, host: plan.to } : r)), result: undefined }));
      await records.remove(plan.from, plan.name);
    },
  };
}
