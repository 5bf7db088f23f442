import type { FleetConfig } from '../config/types.js';
import type { FleetEngine } from '../engine/fleet-engine.js';
import { toDockpitError } from '../engine/errors.js';
import type { DomainEventSink } from '../engine/types.js';
import { executePlan, restoreRun, type PlanEngine } from '../plans/execute.js';
import { newRunId, planJournal, runState, type Journal, type JournalRecord, type RunView } from '../plans/journal.js';
import { feasibleActions, planPreview } from '../plans/plan.js';
import type { RunProgress } from '../plans/types.js';
import type { StateStore } from '../state/types.js';
import type { FleetStore } from '../store/fleet-store.js';
import { endedPlanRun, isPlanRunning, planRunWithProgress, startedPlanRun, type PlanRun } from '../store/own-runs.js';
import type { PlanActions } from './ports.js';
import { guardsOfPlan, planDeps } from './plan-deps.js';
import { followMoves } from './follow-moves.js';
import { assertUnclaimed } from './run-claims.js';

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

/** A journal that also folds each record of `runId` it writes into the run's progress, as it is written. */
function reportingJournal(journal: Journal, runId: string, records: JournalRecord[], kind: RunProgress['kind'], onProgress: (p: RunProgress) => void): Journal {
  return {
    ...journal,
    append: async (input) => {
      const record = await journal.append(input);
      if (record.runId === runId) {
        records.push(record);
        onProgress(progressOf(records, kind));
      }
      return record;
    },
  };
}

export interface PlanServiceDeps {
  config: FleetConfig;
  state: StateStore;
  /** The fleet engine, or the plans executor's port alone (the memory engine of the unit tests). */
  engine: FleetEngine | PlanEngine;
  store: FleetStore;
  /** The coalescer's sink: each change of the run goes there as a `run.plan` event (issue 14). */
  emit: DomainEventSink;
  readOnly: boolean;
  /** Told each run id this process starts, before its first record (the team watcher tells its own runs apart). */
  onRun?: (runId: string) => void;
}

/** The cockpit's plans: preview from the live store, apply and restore through the journaled executor. */
export function planActions({ config, state, engine, store, emit, readOnly, onRun = () => undefined }: PlanServiceDeps): PlanActions {
  const journal = planJournal(state);
  let current: { run: PlanRun; controller: AbortController | null } | null = null;
  const set = (run: PlanRun) => {
    if (current) current.run = run;
    emit({ type: 'run.plan', run });
  };

  /** Runs `work` as this cockpit's plan run; the store hears of each journal record of `runId` as it is written. */
  const track = async (name: string, kind: RunProgress['kind'], prepare: () => Promise<{ runId: string; records: JournalRecord[]; plan: string }>, work: (journal: Journal, runId: string, signal: AbortSignal) => Promise<unknown>): Promise<PlanRun> => {
    if (current && isPlanRunning(current.run)) throw new Error('a run is still in progress: wait for its end or cancel it (c)');
    const controller = kind === 'apply' ? new AbortController() : null;
    current = { run: startedPlanRun(name, kind, Date.now(), controller !== null), controller };
    emit({ type: 'run.plan', run: current.run });
    let started: { runId: string; records: JournalRecord[]; plan: string };
    try {
      started = await prepare();
    } catch (err) {
      // Never started: nothing changed. Said on the progress screen, and to the caller.
      set(endedPlanRun(current.run, Date.now(), { error: toDockpitError(err).message }));
      throw err;
    }
    const { records } = started;
    if (started.plan !== current.run.plan) set({ ...current.run, plan: started.plan });
    const wrapped = reportingJournal(journal, started.runId, records, kind, (p) => set(planRunWithProgress(current!.run, p)));
    try {
      await work(wrapped, started.runId, controller?.signal ?? new AbortController().signal);
    } catch (err) {
      set(endedPlanRun(current.run, Date.now(), { error: toDockpitError(err).message }));
      return current.run;
    }
    // The journal is the truth: the end as it reads back (a record another writer added included).
    set(endedPlanRun(current.run, Date.now(), { progress: progressOf(await journal.read(started.runId), kind) }));
    return current.run;
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
  actions.apply = (name) => {
    const plan = config.plans.find((p) => p.name === name)!;
    const preview = planPreview(plan, store.getState());
    return track(name, 'apply', async () => {
      // Issue 13: as `plan apply` does, an unfinished run that claims one of the containers refuses the plan
      // before it starts (the error names the run, whether its dockpit lives, and how to resume or abandon it).
      await assertUnclaimed(state, feasibleActions(preview).map((a) => ({ name: a.name, id: a.id })), { action: 'plan.apply' });
      const runId = newRunId();
      onRun(runId);
      return { runId, records: [], plan: name };
    }, (j, runId, signal) =>
      executePlan({ ...planDeps(state, engine, plan.guards), journal: j, signal, runId, plan: plan.name, actions: preview.actions, unseen: preview.unseen.map((u) => u.host) }),
    );
  };
  actions.restore = (runId) => {
    let plan: string | null = null;
    return track(runId, 'restore', async () => {
      // The apply's records first: the restore's own are folded onto them as they are written.
      const records = await journal.read(runId);
      plan = runState(records).plan;
      return { runId, records, plan: plan ?? runId };
    }, (j) => restoreRun(runId, { ...planDeps(state, engine, guardsOfPlan(config, plan)), journal: j, follow: followMoves(state, () => store.getState()) }));
  };
  actions.cancel = () => {
    if (!current?.controller || !isPlanRunning(current.run)) return false;
    current.controller.abort();
    set({ ...current.run, cancellable: false });
    return true;
  };
  return actions;
}
