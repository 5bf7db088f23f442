import type { FleetConfig } from '../config/types.js';
import { fileAuditLog } from '../engine/audit-log.js';
import type { FleetEngine } from '../engine/fleet-engine.js';
import type { ExecuteDeps } from '../plans/execute.js';
import { fileJournal } from '../plans/journal.js';
import { fileContainerLock } from '../plans/lock.js';
import { DEFAULT_GUARDS, type Guards } from '../plans/types.js';

/** The executor's file-based journal, lock and audit log, on the engine's current clients: CLI and cockpit alike. */
export function planDeps(config: FleetConfig, engine: FleetEngine, guards: Guards): ExecuteDeps {
  return {
    engine: { client: (h) => engine.connections.get(h)?.client ?? undefined },
    journal: fileJournal(config.stateDir),
    lock: fileContainerLock(config.stateDir),
    audit: fileAuditLog(config.stateDir),
    guards,
  };
}

/** A run's guards: its plan's, or the defaults when the plan has left the config since. */
export function guardsOfPlan(config: FleetConfig, plan: string | null): Guards {
  return config.plans.find((p) => p.name === plan)?.guards ?? DEFAULT_GUARDS;
}
