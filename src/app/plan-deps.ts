import type { FleetConfig } from '../config/types.js';
import { connectionRecords } from '../engine/container-marks.js';
import { exactUpdateClient } from '../engine/container-update.js';
import type { FleetEngine } from '../engine/fleet-engine.js';
import type { ExecuteDeps, PlanEngine } from '../plans/execute.js';
import { planJournal } from '../plans/journal.js';
import { DEFAULT_GUARDS, type Guards } from '../plans/types.js';
import type { StateStore } from '../state/types.js';

/**
 * The executor's journal, lock and audit log from the state, on the engine's current clients: CLI and cockpit
 * alike. On a PlanEngine as given (the in-memory engine of the app services' unit tests, issue 14).
 */
export function planDeps(state: StateStore, engine: FleetEngine | PlanEngine, guards: Guards): ExecuteDeps {
  return {
    engine: 'connections' in engine ? fleetPlanEngine(engine) : engine,
    journal: planJournal(state),
    lock: state.locks,
    audit: state.audit,
    guards,
  };
}

/** The plans executor's port on the fleet engine's current connections (a reconnected host has a new client). */
function fleetPlanEngine(engine: FleetEngine): PlanEngine {
  return {
    client: (h) => {
      // Updates with exact integers: "no memory limit" is a value JSON.stringify would round (container-update.ts).
      const docker = engine.connections.get(h)?.client;
      return docker ? exactUpdateClient(docker) : undefined;
    },
    cpus: (h) => engine.connections.get(h)?.cpus ?? null,
    records: (h) => connectionRecords(engine.connections.get(h)),
  };
}

/** A run's guards: its plan's, or the defaults when the plan has left the config since. */
export function guardsOfPlan(config: FleetConfig, plan: string | null): Guards {
  return config.plans.find((p) => p.name === plan)?.guards ?? DEFAULT_GUARDS;
}
