import type { FleetConfig } from '../config/types.js';
import { toDockpitError } from '../engine/errors.js';
import type { FleetEngine } from '../engine/fleet-engine.js';
import type { DomainEventSink } from '../engine/types.js';
import { evacuationProblems, type EvacuationPlan } from '../migrate/evacuate-plan.js';
import type { MigrateEngine } from '../migrate/engine-port.js';
import { executeMigration } from '../migrate/execute.js';
import { migrationState, type MigrationRecord } from '../migrate/journal.js';
import { noSourceReason, preflight } from '../migrate/preflight.js';
import { DEFAULT_MOVE_OPTIONS, type MoveOptions, type MovePlan } from '../migrate/types.js';
import { freeMemory } from '../pool/place.js';
import { newRunId } from '../state/run-id.js';
import type { StateStore } from '../state/types.js';
import type { FleetStore } from '../store/fleet-store.js';
import { endedMoveRun, isMoveRunning, moveRunWithView, startedMoveRun, type MoveRun } from '../store/own-runs.js';
import type { MigrateActions, MoveChoices, MoveTarget } from './ports.js';
import { migrateDeps } from './migrate-deps.js';
import { assertUnclaimed, RunClaimedError } from './run-claims.js';
import { fleetFacts, fleetSource } from './fleet-source.js';
import { locateSource, moveFacts, planEvacuationOn, targetFacts } from './migrate-facts.js';

// The cockpit's migrations (issue 6, items 1 and 5): the same facts, preflight, planner and journaled
// executor as `dockpit migrate` / `evacuate`, on the live fleet. Progress comes from the journal's records
// as they are written (onRecord), folded by migrationState (the journal is the truth), and reaches the
// screens as store data: a `run.move` event per record, into the coalescer, which makes one commit of a
// burst (issue 14).

/** Evacuation moves at once: the CLI's default (--parallel). */
const PARALLEL = 4;

export interface CockpitMigrations {
  actions: MigrateActions;
  /**
   * At quit: cancels what has not begun and waits for the moves under way (they finish or roll back), so
   * that no move is left half done by the cockpit's exit. Resolves to the run it waited for, if any.
   */
  drain(onWait: (runId: string) => void): Promise<{ runId: string; status: string } | null>;
}

function optionsOf(config: FleetConfig, c: MoveChoices): MoveOptions {
  return { ...DEFAULT_MOVE_OPTIONS, leaveData: c.leaveData, fenced: c.fenced, registry: config.registry ?? null };
}

/** Same containers to the same hosts: what the operator confirmed is what would run. */
function sameAssignment(a: EvacuationPlan, b: EvacuationPlan): boolean {
  const of = (p: EvacuationPlan) => p.moves.map((m) => `${m.name}→${m.to}`).sort().join(',');
  return of(a) === of(b) && a.unplaced.length === b.unplaced.length;
}

export interface MigrationServiceDeps {
  config: FleetConfig;
  state: StateStore;
  /** The fleet engine, or the migration port alone (the memory engine of the unit tests). */
  engine: FleetEngine | MigrateEngine;
  store: FleetStore;
  /** The coalescer's sink: each change of the run goes there as a `run.move` event. */
  emit: DomainEventSink;
  /** Told each run id this process starts, before its first record (the team watcher tells its own runs apart). */
  onRun?: (runId: string) => void;
}

export function cockpitMigrations({ config, state, engine, store, emit, onRun = () => undefined }: MigrationServiceDeps): CockpitMigrations {
  const fleet = () => fleetSource(store, engine);
  let run: MoveRun | null = null;
  let current: { runId: string; controller: AbortController; done: Promise<string> } | null = null;
  const set = (next: MoveRun): MoveRun => {
    run = next;
    emit({ type: 'run.move', run: next });
    return next;
  };
  const end = (e: Parameters<typeof endedMoveRun>[2]) => set(endedMoveRun(run!, Date.now(), e));

  /** Runs the moves through the executor, each journal record reported to the store; the end is read back from the journal. */
  const execute = async (what: 'migrate' | 'evacuate', host: string | null, moves: MovePlan[]): Promise<MoveRun> => {
    const deps = migrateDeps(config, state, engine);
    // Issue 13: a container an unfinished run claims is not moved (the refusal `migrate` and `evacuate` give).
    try {
      await assertUnclaimed(state, moves.map((m) => ({ name: m.name, id: m.sourceId })), { action: `${what}.start` });
    } catch (e) {
      if (e instanceof RunClaimedError) return end({ refused: e.message });
      throw e;
    }
    const runId = newRunId();
    onRun(runId);
    const records: MigrationRecord[] = [];
    const onRecord = (r: MigrationRecord) => {
      records.push(r);
      set(moveRunWithView(run!, migrationState(records)));
    };
    // The cockpit's own cancel (c) and the drain at quit both abort through this controller.
    const controller = new AbortController();
    const work = executeMigration({ ...deps, signal: controller.signal, onRecord }, { runId, what, host, moves, parallel: PARALLEL });
    current = { runId, controller, done: work.then((r) => r.status, (err: unknown) => `stopped: ${toDockpitError(err).toString()}`) };
    try {
      const result = await work;
      if (result.status === 'refused') return end({ refused: result.error ?? 'refused' });
      return end({ view: migrationState(await deps.journal.read(runId)) });
    } catch (err) {
      // Not a failed move (those are in the journal): the executor itself stopped, e.g. the journal's disk.
      return end({ error: `${toDockpitError(err).toString()} (where each move stands: dockpit migration status ${runId})` });
    } finally {
      current = null;
    }
  };

  /** One run at a time: started in the store at once, refused (nothing changed) when `plan` says so. */
  const start = async (what: 'migrate' | 'evacuate', subject: string, plan: () => Promise<{ refused: string } | { host: string | null; moves: MovePlan[] }>): Promise<MoveRun> => {
    if (run && isMoveRunning(run)) throw new Error('a migration is running: wait for its end (M shows it)');
    set(startedMoveRun(what, subject, Date.now()));
    try {
      const p = await plan();
      if ('refused' in p) return end(p);
      return await execute(what, p.host, p.moves);
    } catch (err) {
      return end({ refused: toDockpitError(err).toString() });
    }
  };

  const actions: MigrateActions = {
    parallel: PARALLEL,
    targets: async (host, name) => {
      const f = fleet();
      const source = await locateSource(config, state.records, f, name, host);
      const c = Object.values(f.state.containers[host]?.byId ?? {}).find((x) => x.name === name);
      const line = c?.bizline ?? null;
      const memory = source.inspect?.HostConfig['Memory'];
      const base = { name, from: host, fromState: source.state, line, memoryBytes: typeof memory === 'number' ? memory : 0 };
      // Nothing to move: no target needs asking.
      if (!source.inspect) return { ...base, refusal: noSourceReason(name, source), targets: [] };
      const others = config.hosts.map((h) => h.name).filter((h) => h !== host);
      const all = fleetFacts(config, f.state);
      const allowed = line !== null ? config.lines[line]?.hosts : undefined;
      const targets = await Promise.all(
        others.map(async (to): Promise<MoveTarget> => {
          const t = await targetFacts(config, f, to, source.inspect);
          const pf = preflight({ name, source, target: t, fleet: all }, config.pools, optionsOf(config, { leaveData: false, fenced: false }));
          return {
            host: to,
            state: t.state,
            error: t.error,
            freeBytes: freeMemory(t),
            containers: t.containers.length,
            ofLine: line === null ? 0 : t.containers.filter((x) => x.bizline === line).length,
            lineAllows: allowed && allowed.length > 0 ? allowed.includes(to) : null,
            blockers: pf.ok ? pf.plan.blockers : [pf.blocker],
          };
        }),
      );
      return { ...base, refusal: null, targets };
    },
    preview: async (host, name, to, choices) => {
      return preflight(await moveFacts(config, state.records, fleet(), name, to, host), config.pools, optionsOf(config, choices));
    },
    migrate: (host, name, to, choices) =>
      start('migrate', `${name} ${host} → ${to}`, async () => {
        // The fleet may have changed since the preview: plan again, and a blocker now still refuses.
        const pf = await actions.preview(host, name, to, choices);
        if (!pf.ok) return { refused: pf.blocker.message };
        if (pf.plan.blockers.length > 0) return { refused: pf.plan.blockers.map((b) => b.message).join('; ') };
        return { host: null, moves: [pf.plan] };
      }),
    evacuationPreview: async (host, choices) => {
      return planEvacuationOn(config, state.records, fleet(), host, [], optionsOf(config, choices));
    },
    evacuate: (confirmed, choices) =>
      start('evacuate', confirmed.host, async () => {
        const now = await actions.evacuationPreview(confirmed.host, choices);
        const problems = evacuationProblems(now);
        if (problems.length > 0) return { refused: problems.join('; ') };
        if (!sameAssignment(confirmed, now)) return { refused: 'the fleet changed since the preview (containers or targets differ): look at the new preview and confirm again' };
        if (now.moves.length === 0) return { refused: `${confirmed.host} has no containers: nothing to do` };
        return { host: confirmed.host, moves: now.moves };
      }),
    cancel: () => {
      if (!current || !run?.cancellable || !isMoveRunning(run)) return false;
      current.controller.abort();
      set({ ...run, cancellable: false });
      return true;
    },
  };

  return {
    actions,
    drain: async (onWait) => {
      const c = current;
      if (!c) return null;
      onWait(c.runId);
      c.controller.abort();
      return { runId: c.runId, status: await c.done };
    },
  };
}
