import type { FleetConfig } from '../config/types.js';
import type { FleetEngine } from '../engine/fleet-engine.js';
import { executePlan, restoreRun, type ExecuteDeps } from '../plans/execute.js';
import { newRunId, planJournal, runState, type JournalRecord, type RunView } from '../plans/journal.js';
import { feasibleActions, planPreview } from '../plans/plan.js';
import type { Guards, RunProgress } from '../plans/types.js';
import type { StateStore } from '../state/types.js';
import type { FleetStore } from '../store/fleet-store.js';
import type { PlanActions } from './ports.js';
import { guardsOfPlan, planDeps } from './plan-deps.js';
import { followMoves } from './follow-moves.js';
import { assertUnclaimed } from './run-claims.js';

/** How often the progress screen reads the journal while a run goes: the journal is the truth. */
const PROGRESS_EVERY_MS = 250;

function restoreStatus(view: RunView): RunProgress['status'] {
  const touched = view.actions.filter((a) => a.prior !== null);
  if (touched.some((a) => a.restore === 'failed')) return 'partial';
  return touched.every((a) => a.restore === 'done') ? 'done' : 'running';
}

/** How long each action took, from its journal records (intent → outcome, or restore's pair). */
function durations(records: readonly JournalRecord[], kind: RunProgress['kind']): Map<number, number> {
  const [from, to] = kind === 'apply' ? ['intent', 'outcome'] : ['restore.intent', 'restore.outcome'];
  const started = new Map<number, number>();
  const took = new Map<number, number>();
  for (const r of records) {
    if (!('seq' in r)) continue;
    if (r.kind === from) started.set(r.seq, Date.parse(r.at));
    else if (r.kind === to && started.has(r.seq)) took.set(r.seq, Date.parse(r.at) - started.get(r.seq)!);
  }
  return took;
}

function progressOf(records: readonly JournalRecord[], kind: RunProgress['kind']): RunProgress {
  const view = runState(records);
  const took = durations(records, kind);
  return {
    runId: view.runId,
    plan: view.plan ?? '',
    status: kind === 'restore' ? restoreStatus(view) : view.status,
    kind,
    // Not the run's start for a restore: the apply may be hours old, and a run can be restored twice. ''
    // makes the screen count from when this restore was asked for (its own clock).
    startedAt: kind === 'restore' ? '' : (view.started ?? new Date().toISOString()),
    actions: view.actions.map((a) => ({
      step: a.action.step,
      host: a.action.host,
      name: a.action.name,
      action: kind === 'restore' ? 'restore' : a.action.action,
      outcome: kind === 'restore'
        ? a.prior === null ? 'skipped' : a.restore === 'none' ? 'pending' : a.restore
        : a.state,
      ...(a.error !== undefined && { error: a.error }),
      ...(kind === 'restore' && a.restoreError !== undefined && { error: a.restoreError }),
      ...(took.has(a.seq) && { ms: took.get(a.seq)! }),
    })),
  };
}

/**
 * The cockpit's plans: preview from the live store, apply and restore through the journaled executor.
 * `onRun` is told each run id this process starts, before its first record (the team watcher tells its own runs apart).
 */
export function planActions(config: FleetConfig, state: StateStore, engine: FleetEngine, store: FleetStore, readOnly: boolean, onRun: (runId: string) => void = () => undefined): PlanActions {
  const journal = planJournal(state);
  const deps = (guards: Guards): ExecuteDeps => ({ ...planDeps(state, engine, guards), journal });
  /** Runs `work` while reporting the journal's view of `runId` every PROGRESS_EVERY_MS, and once at the end. */
  const withProgress = async (runId: string, kind: RunProgress['kind'], onProgress: (p: RunProgress) => void, work: () => Promise<unknown>): Promise<RunProgress> => {
    const report = async () => {
      const records = await journal.read(runId);
      if (records.length > 0) onProgress(progressOf(records, kind));
    };
    const timer = setInterval(() => void report().catch(() => undefined), PROGRESS_EVERY_MS);
    try {
      await work();
    } finally {
      clearInterval(timer);
    }
    const final = progressOf(await journal.read(runId), kind);
    onProgress(final);
    return final;
  };

  const actions: PlanActions = {
    list: () => config.plans.map((p) => ({ name: p.name, description: p.description, steps: p.steps.length })),
    preview: (name) => planPreview(config.plans.find((p) => p.name === name)!, store.getState()),
    lastRun: async () => {
      const ids = await journal.runs();
      const last = ids.at(-1);
      if (!last) return null;
      const v = runState(await journal.read(last));
      return { runId: v.runId, plan: v.plan ?? '', status: v.status };
    },
  };
  if (readOnly) return actions;
  actions.apply = async (name, onProgress, signal) => {
    const plan = config.plans.find((p) => p.name === name)!;
    const preview = planPreview(plan, store.getState());
    // Issue 13: as `plan apply` does, an unfinished run that claims one of the containers refuses the plan
    // before it starts (the error names the run, whether its dockpit lives, and how to resume or abandon it).
    await assertUnclaimed(state, feasibleActions(preview).map((a) => ({ name: a.name, id: a.id })), { action: 'plan.apply' });
    const runId = newRunId();
    onRun(runId);
    return withProgress(runId, 'apply', onProgress, () =>
      executePlan({ ...deps(plan.guards), signal, runId, plan: plan.name, actions: preview.actions, unseen: preview.unseen.map((u) => u.host) }),
    );
  };
  actions.restore = async (runId, onProgress) => {
    const view = runState(await journal.read(runId));
    return withProgress(runId, 'restore', onProgress, () => restoreRun(runId, { ...deps(guardsOfPlan(config, view.plan)), follow: followMoves(state, () => store.getState()) }));
  };
  return actions;
}
