import { createInterface } from 'node:readline/promises';
import { UsageError } from '../../config/config-error.js';
import type { FleetConfig } from '../../config/types.js';
import { executePlan, restoreRun, resumeRun, type ExecuteDeps, type RunResult } from '../../plans/execute.js';
import { checkRunId, newRunId, planJournal, runState, type RunView } from '../../plans/journal.js';
import { feasibleActions, planPreview } from '../../plans/plan.js';
import type { Guards, Plan, PlannedAction } from '../../plans/types.js';
import { hostIsUp } from '../../engine/host-up.js';
import { lastSeenOf } from '../../app/last-seen.js';
import { followMoves } from '../../app/follow-moves.js';
import type { StateStore } from '../../state/types.js';
import { connectFleet, type Connected } from '../connect.js';
import { failed } from '../move-options.js';
import { guardsOfPlan, planDeps } from '../../app/plan-deps.js';
import { textTable } from '../../render/text-table.js';
import { withState } from '../with-state.js';
import { assertUnclaimed, RunClaimedError, statusShower } from '../../app/run-claims.js';
import { findPlan, planShowCommand, printPreview } from './plan.js';
import type { CommandContext, HeadlessCommand } from './types.js';

// `dockpit plan apply | restore | resume | status | runs` (issue 5): thin around the executor
// (src/plans/execute.ts), which journals every change before it makes it.

/** Exit codes of apply/resume/restore: scripts tell the outcomes apart by these alone. */
export const PLAN_EXIT = { done: 0, partial: 5, refused: 6, cancelled: 8, running: 1, abandoned: 6 } as const;

const deps = (state: StateStore, fleet: Connected, guards: Guards): ExecuteDeps => planDeps(state, fleet.engine, guards);

function printResult(r: RunResult, json: boolean, out: (s: string) => void, err: (s: string) => void): number {
  if (json) out(JSON.stringify(r, null, 2));
  else {
    out(textTable(['HOST', 'CONTAINER', 'ACTION', 'OUTCOME', 'ERROR / REASON'], r.actions.map((a) => [a.host, a.container, a.action, a.outcome, a.error ?? ''])));
    const n = (o: string) => r.actions.filter((a) => a.outcome === o).length;
    out(`run ${r.runId}: ${r.status} (${n('done')} done, ${n('failed')} failed, ${n('refused')} refused, ${n('skipped')} skipped)`);
  }
  if (r.error) err(`dockpit: ${r.error}`);
  return PLAN_EXIT[r.status];
}

/** Typing the plan's name is the confirmation (a destructive action); --yes is for scripts. */
async function confirm(name: string, blast: string, err: (s: string) => void): Promise<boolean> {
  if (!process.stdin.isTTY) throw new UsageError(`plan apply ${name} changes the fleet: pass --yes, or run it on a terminal to confirm`);
  err(blast);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(`type the plan's name (${name}) to apply it: `)).trim() === name;
  } finally {
    rl.close();
  }
}

export const planApplyCommand: HeadlessCommand = async (ctx) => {
  const { args, config, out, err } = ctx;
  const plan = findPlan(config, args.target);
  if (args.dryRun) return planShowCommand(ctx);
  return withState(config, (state) => applyPlan(ctx, state, plan));
};

async function applyPlan({ args, config, out, err }: CommandContext, state: StateStore, plan: Plan): Promise<number> {
  await state.ready(); // a change the state cannot record is not begun (exit 7)
  const fleet = await connectFleet(config);
  try {
    // Issue 13: a host that does not answer counts with what it had when last seen (its inspect records).
    const preview = planPreview(plan, fleet.store.getState(), await lastSeenOf(fleet.store.getState(), state.records, config.labels));
    if (preview.refusal !== null) {
      // Refused before any change: no run, no lock, nothing journaled but the audit entry.
      await state.audit.append({ action: 'plan.apply', targets: [plan.name], details: { refusal: preview.refusal }, outcome: 'refused', error: preview.refusal });
      return printResult({ runId: '', status: 'refused', actions: [], error: `plan ${plan.name} refused: ${preview.refusal}` }, args.json, out, err);
    }
    const feasible = feasibleActions(preview);
    // Issue 13: an unfinished run that claims one of the containers refuses the plan, naming itself.
    try {
      await assertUnclaimed(state, feasible.map((a) => ({ name: a.name, id: a.id })), { action: 'plan.apply' });
    } catch (e) {
      if (!(e instanceof RunClaimedError)) throw e;
      return printResult({ runId: '', status: 'refused', actions: [], error: e.message }, args.json, out, err);
    }
    // Issue 12: a plan with refused actions runs its feasible ones only, and says so before it starts.
    const refusedNote = preview.counts.refused > 0
      ? `${preview.counts.refused} of ${preview.actions.length} actions are refused (listed with why): only the ${feasible.length} others will run, and the run will end partial`
      : null;
    if (!args.yes) {
      const hosts = new Set(feasible.map((a) => a.host)).size;
      if (!args.json) printPreview(preview, err);
      const blast = `plan ${plan.name}: ${feasible.length} containers on ${hosts} hosts${refusedNote ? `\n${refusedNote}` : ''}`;
      if (!(await confirm(plan.name, blast, err))) {
        err('dockpit: not confirmed; nothing changed');
        return 1;
      }
    }
    else if (refusedNote) err(`dockpit: plan ${plan.name}: ${refusedNote}`);
    const runId = newRunId();
    const controller = new AbortController();
    // Ctrl-C cancels what has not started; what is in flight finishes and is journaled.
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      const result = await executePlan({ ...deps(state, fleet, plan.guards), signal: controller.signal, runId, plan: plan.name, actions: preview.actions, unseen: preview.unseen.map((u) => u.host) });
      return printResult(result, args.json, out, err);
    } finally {
      process.off('SIGINT', onSigint);
    }
  } finally {
    await fleet.close();
  }
}

async function viewOf(state: StateStore, runId: string): Promise<RunView> {
  const records = await planJournal(state).read(checkRunId(runId));
  if (records.length === 0) throw new UsageError(`no run "${runId}" in ${state.where} (plan runs lists them)`);
  return runState(records);
}

const guardsOf = (config: FleetConfig, view: RunView): Guards => guardsOfPlan(config, view.plan);

/**
 * Resume and restore of a journaled run: its view, the state ready for changes, its executor's deps on a
 * connected fleet; a failure that is not the state's or the usage's is printed (exit 1).
 */
function onRun(
  { args, config, err }: CommandContext,
  work: (view: RunView, deps: ExecuteDeps) => Promise<number>,
): Promise<number> {
  return withState(config, async (state) => {
    const view = await viewOf(state, args.target!);
    await state.ready();
    const fleet = await connectFleet(config);
    const plan = config.plans.find((p) => p.name === view.plan);
    // Issue 13: a host the run never saw is planned when it answers again, as the preview would have.
    const replan = plan && ((hosts: readonly string[]) => replanHosts(plan, fleet, hosts));
    try {
      const follow = followMoves(state, () => fleet.store.getState());
      return await work(view, { ...deps(state, fleet, guardsOf(config, view)), ...(replan && { replan }), follow });
    } catch (e) {
      return failed(e, err);
    } finally {
      await fleet.close();
    }
  });
}

function replanHosts(plan: Plan, fleet: Connected, hosts: readonly string[]): { seen: string[]; actions: PlannedAction[] } {
  const s = fleet.store.getState();
  const seen = hosts.filter((h) => hostIsUp(s.hosts[h]?.state));
  return { seen, actions: planPreview(plan, s).actions.filter((a) => seen.includes(a.host)) };
}

export const planResumeCommand: HeadlessCommand = (ctx) =>
  onRun(ctx, async (view, d) => printResult(await resumeRun(view.runId, d), ctx.args.json, ctx.out, ctx.err));

export const planRestoreCommand: HeadlessCommand = (ctx) =>
  onRun(ctx, async (view, d) => {
    const r = await restoreRun(view.runId, d);
    if (ctx.args.json) ctx.out(JSON.stringify(r, null, 2));
    else {
      ctx.out(textTable(['HOST', 'CONTAINER', 'OUTCOME', 'CALLS', 'ERROR'], r.actions.map((a) => [a.host, a.container, a.outcome, a.calls.join(',') || '-', a.error ?? ''])));
      ctx.out(`restore of ${r.runId}: ${r.status}`);
    }
    return PLAN_EXIT[r.status];
  });

function statusJson(v: RunView) {
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

export const planStatusCommand: HeadlessCommand = async ({ args, config, out }) => {
  const s = await withState(config, async (state) => {
    const records = await planJournal(state).read(checkRunId(args.target!));
    const j = statusJson(await viewOf(state, args.target!));
    // Issue 13: `interrupted` when no live process runs it (resume or abandon it).
    return { ...j, status: (await statusShower(state))(j.status, records) };
  });
  if (args.json) out(JSON.stringify(s, null, 2));
  else {
    out(`run ${s.runId} of plan ${s.plan}: ${s.status} (started ${s.started ?? '-'}, ended ${s.ended ?? '-'})`);
    out(textTable(['HOST', 'CONTAINER', 'ACTION', 'OUTCOME', 'RESTORE'], s.actions.map((a) => [a.host, a.container, a.action, a.outcome, a.restore])));
  }
  return 0;
};

export const planRunsCommand: HeadlessCommand = async ({ args, config, out }) => {
  const runs = await withState(config, async (state) => {
    const journal = planJournal(state);
    const shown = await statusShower(state);
    const all = [];
    for (const id of await journal.runs()) {
      const records = await journal.read(id);
      const { actions: _actions, ...rest } = statusJson(runState(records));
      all.push({ ...rest, status: shown(rest.status, records) });
    }
    return all;
  });
  if (args.json) out(JSON.stringify(runs, null, 2));
  else out(textTable(['RUN', 'PLAN', 'STATUS', 'OPERATOR', 'STARTED', 'ENDED'], runs.map((r) => [r.runId, r.plan ?? '-', r.status, r.operator ? `${r.operator.user}@${r.operator.from}` : '-', r.started ?? '-', r.ended ?? '-'])));
  return 0;
};
