import { UsageError } from '../config/config-error.js';
import type { FleetConfig } from '../config/types.js';
import { hostIsUp } from '../engine/host-up.js';
import type { FleetEngine } from '../engine/fleet-engine.js';
import { executePlan, type ExecuteDeps, type RunResult } from '../plans/execute.js';
import { checkRunId, newRunId, planJournal, runState, type RunView } from '../plans/journal.js';
import { feasibleActions, planPreview } from '../plans/plan.js';
import type { Plan, PlannedAction, PlanPreview } from '../plans/types.js';
import type { StateStore } from '../state/types.js';
import type { FleetStore } from '../store/fleet-store.js';
import { followMoves } from './follow-moves.js';
import { lastSeenOf } from './last-seen.js';
import { guardsOfPlan, planDeps } from './plan-deps.js';
import { assertUnclaimed, RunClaimedError, statusShower } from './run-claims.js';

// Issue 14: the plan runs the headless commands start, resume and list (`dockpit plan apply | resume |
// restore | status | runs`, and `evacuate --plan`), around the journaled executor (src/plans/execute.ts).

export interface LiveFleet {
  store: FleetStore;
  engine: FleetEngine;
}

/** What `plan apply` knows before it asks for a confirmation: a refusal (nothing changed), or what will run. */
export type ApplyStart =
  | { ok: false; result: RunResult }
  | { ok: true; preview: PlanPreview; feasible: PlannedAction[]; refusedNote: string | null };

/** The plan's preview from the fleet now, its guards and the runs' claims: refused before any change, or ready. */
export async function prepareApply(config: FleetConfig, state: StateStore, fleet: LiveFleet, plan: Plan): Promise<ApplyStart> {
  // Issue 13: a host that does not answer counts with what it had when last seen (its inspect records).
  const now = fleet.store.getState();
  const preview = planPreview(plan, now, await lastSeenOf(now, state.records, config.labels));
  const refused = (error: string): ApplyStart => ({ ok: false, result: { runId: '', status: 'refused', actions: [], error } });
  if (preview.refusal !== null) {
    // Refused before any change: no run, no lock, nothing journaled but the audit entry.
    await state.audit.append({ action: 'plan.apply', targets: [plan.name], details: { refusal: preview.refusal }, outcome: 'refused', error: preview.refusal });
    return refused(`plan ${plan.name} refused: ${preview.refusal}`);
  }
  const feasible = feasibleActions(preview);
  // Issue 13: an unfinished run that claims one of the containers refuses the plan, naming itself.
  try {
    await assertUnclaimed(state, feasible.map((a) => ({ name: a.name, id: a.id })), { action: 'plan.apply' });
  } catch (e) {
    if (!(e instanceof RunClaimedError)) throw e;
    return refused(e.message);
  }
  // Issue 12: a plan with refused actions runs its feasible ones only, and says so before it starts.
  const refusedNote = preview.counts.refused > 0
    ? `${preview.counts.refused} of ${preview.actions.length} actions are refused (listed with why): only the ${feasible.length} others will run, and the run will end partial`
    : null;
  return { ok: true, preview, feasible, refusedNote };
}

/** Runs a prepared plan as a new journaled run; the signal cancels what has not started. */
export function applyPrepared(state: StateStore, fleet: LiveFleet, plan: Plan, preview: PlanPreview, signal?: AbortSignal): Promise<RunResult> {
  return executePlan({
    ...planDeps(state, fleet.engine, plan.guards),
    ...(signal && { signal }),
    runId: newRunId(),
    plan: plan.name,
    actions: preview.actions,
    unseen: preview.unseen.map((u) => u.host),
  });
}

/**
 * `evacuate --plan`: the degradation plan applied first, to make room. Resolves to why it did not run
 * through, or null. Refused actions (issue 12: a protected tier, the evacuated host down) changed nothing
 * and make the run partial; the room the plan could make is made: only a failure or a cancel stops it.
 */
export async function makeRoom(state: StateStore, fleet: LiveFleet & { flush(): void }, plan: Plan): Promise<string | null> {
  const preview = planPreview(plan, fleet.store.getState());
  if (preview.refusal !== null) return `plan ${plan.name} refused: ${preview.refusal}`;
  const r = await executePlan({ ...planDeps(state, fleet.engine, plan.guards), runId: newRunId(), plan: plan.name, actions: preview.actions });
  const onlyRefused = r.status === 'partial' && r.actions.every((a) => a.outcome === 'done' || a.outcome === 'refused');
  if (r.status !== 'done' && !onlyRefused) return `plan ${plan.name} run ${r.runId} ended ${r.status}${r.error ? `: ${r.error}` : ''}`;
  // Let the engine's events of the plan's changes reach the store before capacity is weighed.
  await new Promise((resolve) => setTimeout(resolve, 300));
  fleet.flush();
  return null;
}

/** A journaled run's view; a run id the journal does not have is a usage error. */
export async function runViewOf(state: StateStore, runId: string): Promise<RunView> {
  const records = await planJournal(state).read(checkRunId(runId));
  if (records.length === 0) throw new UsageError(`no run "${runId}" in ${state.where} (plan runs lists them)`);
  return runState(records);
}

/** The hosts a run never saw that answer now, with the plan's actions there, as the preview would have them. */
function replanHosts(plan: Plan, fleet: LiveFleet, hosts: readonly string[]): { seen: string[]; actions: PlannedAction[] } {
  const s = fleet.store.getState();
  const seen = hosts.filter((h) => hostIsUp(s.hosts[h]?.state));
  return { seen, actions: planPreview(plan, s).actions.filter((a) => seen.includes(a.host)) };
}

/** The executor's deps for resuming or restoring a journaled run on a connected fleet. */
export function journaledRunDeps(config: FleetConfig, state: StateStore, fleet: LiveFleet, view: RunView): ExecuteDeps {
  const plan = config.plans.find((p) => p.name === view.plan);
  return {
    ...planDeps(state, fleet.engine, guardsOfPlan(config, view.plan)),
    // Issue 13: a host the run never saw is planned when it answers again.
    ...(plan && { replan: (hosts: readonly string[]) => replanHosts(plan, fleet, hosts) }),
    follow: followMoves(state, () => fleet.store.getState()),
  };
}

export function statusJson(v: RunView) {
  return {
    runId: v.runId,
    plan: v.plan,
    status: v.status,
    operator: v.operator,
    started: v.started,
    ended: v.ended,
    actions: v.actions.map((a) => ({ host: a.action.host, container: a.action.name, action: a.action.action, outcome: a.state, restore: a.restore, ...(a.error && { error: a.error }) })),
  };
}

/** One run's status; `interrupted` when no live process runs it (issue 13: resume or abandon it). */
export async function planRunStatus(state: StateStore, runId: string) {
  const j = statusJson(await runViewOf(state, runId));
  const records = await planJournal(state).read(checkRunId(runId));
  return { ...j, status: (await statusShower(state))(j.status, records) };
}

/** Every journaled plan run, without its actions. */
export async function planRuns(state: StateStore) {
  const journal = planJournal(state);
  const shown = await statusShower(state);
  const all = [];
  for (const id of await journal.runs()) {
    const records = await journal.read(id);
    const { actions: _actions, ...rest } = statusJson(runState(records));
    all.push({ ...rest, status: shown(rest.status, records) });
  }
  return all;
}
