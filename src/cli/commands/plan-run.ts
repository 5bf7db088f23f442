import { applyPrepared, journaledRunDeps, planRuns, planRunStatus, prepareApply, runViewOf } from '../../app/plan-run.js';
import { restoreRun, resumeRun, type ExecuteDeps, type RunResult } from '../../plans/execute.js';
import type { RunView } from '../../plans/journal.js';
import { planPreviewLines, restoreResultLines, runResultLines } from '../../render/plan-lines.js';
import { textTable } from '../../render/text-table.js';
import { connectFleet } from '../connect.js';
import { confirmByName, failed, withCtrlC } from '../move-options.js';
import { withState } from '../with-state.js';
import { findPlan, planShowCommand } from './plan.js';
import type { CommandContext, HeadlessCommand } from './types.js';

// `dockpit plan apply | restore | resume | status | runs` (issue 5): arguments, the plan-run service
// (src/app/plan-run.ts, around the journaled executor), the outcome printed and its exit code.

/** Exit codes of apply/resume/restore: scripts tell the outcomes apart by these alone. */
export const PLAN_EXIT = { done: 0, partial: 5, refused: 6, cancelled: 8, running: 1, abandoned: 6 } as const;

function printResult(r: RunResult, { args, out, err }: CommandContext): number {
  if (args.json) out(JSON.stringify(r, null, 2));
  else for (const line of runResultLines(r)) out(line);
  if (r.error) err(`dockpit: ${r.error}`);
  return PLAN_EXIT[r.status];
}

export const planApplyCommand: HeadlessCommand = async (ctx) => {
  const { args, config, err } = ctx;
  const plan = findPlan(config, args.target);
  if (args.dryRun) return planShowCommand(ctx);
  return withState(config, async (state) => {
    await state.ready(); // a change the state cannot record is not begun (exit 7)
    const fleet = await connectFleet(config);
    try {
      const start = await prepareApply(config, state, fleet, plan);
      if (!start.ok) return printResult(start.result, ctx);
      if (!args.yes) {
        if (!args.json) for (const line of planPreviewLines(start.preview)) err(line);
        const hosts = new Set(start.feasible.map((a) => a.host)).size;
        const blast = `plan ${plan.name}: ${start.feasible.length} containers on ${hosts} hosts${start.refusedNote ? `\n${start.refusedNote}` : ''}`;
        if (!(await confirmByName(`plan apply ${plan.name}`, plan.name, err, { blast, question: `type the plan's name (${plan.name}) to apply it: ` }))) {
          err('dockpit: not confirmed; nothing changed');
          return 1;
        }
      } else if (start.refusedNote) err(`dockpit: plan ${plan.name}: ${start.refusedNote}`);
      // Ctrl-C cancels what has not started; what is in flight finishes and is journaled.
      return printResult(await withCtrlC((signal) => applyPrepared(state, fleet, plan, start.preview, signal)), ctx);
    } finally {
      await fleet.close();
    }
  });
};

/** Resume and restore: the run's view, the state ready for changes, the executor's deps on a connected fleet. */
function onRun(ctx: CommandContext, work: (view: RunView, deps: ExecuteDeps) => Promise<number>): Promise<number> {
  return withState(ctx.config, async (state) => {
    const view = await runViewOf(state, ctx.args.target!);
    await state.ready();
    const fleet = await connectFleet(ctx.config);
    try {
      return await work(view, journaledRunDeps(ctx.config, state, fleet, view));
    } catch (e) {
      return failed(e, ctx.err);
    } finally {
      await fleet.close();
    }
  });
}

export const planResumeCommand: HeadlessCommand = (ctx) => onRun(ctx, async (view, d) => printResult(await resumeRun(view.runId, d), ctx));

export const planRestoreCommand: HeadlessCommand = (ctx) =>
  onRun(ctx, async (view, d) => {
    const r = await restoreRun(view.runId, d);
    if (ctx.args.json) ctx.out(JSON.stringify(r, null, 2));
    else for (const line of restoreResultLines(r)) ctx.out(line);
    return PLAN_EXIT[r.status];
  });

export const planStatusCommand: HeadlessCommand = async ({ args, config, out }) => {
  const s = await withState(config, (state) => planRunStatus(state, args.target!));
  if (args.json) out(JSON.stringify(s, null, 2));
  else {
    out(`run ${s.runId} of plan ${s.plan}: ${s.status} (started ${s.started ?? '-'}, ended ${s.ended ?? '-'})`);
    out(textTable(['HOST', 'CONTAINER', 'ACTION', 'OUTCOME', 'RESTORE'], s.actions.map((a) => [a.host, a.container, a.action, a.outcome, a.restore])));
  }
  return 0;
};

export const planRunsCommand: HeadlessCommand = async ({ args, config, out }) => {
  const runs = await withState(config, planRuns);
  if (args.json) out(JSON.stringify(runs, null, 2));
  else out(textTable(['RUN', 'PLAN', 'STATUS', 'OPERATOR', 'STARTED', 'ENDED'], runs.map((r) => [r.runId, r.plan ?? '-', r.status, r.operator ? `${r.operator.user}@${r.operator.from}` : '-', r.started ?? '-', r.ended ?? '-'])));
  return 0;
};
