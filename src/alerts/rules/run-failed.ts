import type { RulesConfig } from '../rules-config.js';
import type { Condition, Rule } from './rule.js';

const FAILED: ReadonlySet<string> = new Set(['partial', 'failed']);

/**
 * runFailed: a plan run or a migration that ended partial or failed, as the shared state's journals show
 * it (state.team, every operator's) or as this process ran it (state.runs). It resolves when the run is
 * resumed to done, abandoned, or no longer listed.
 */
export const runFailed: Rule<RulesConfig['runFailed']> = (state) => {
  const out = new Map<string, Condition>();
  for (const r of state.team) {
    if (!FAILED.has(r.status)) continue;
    out.set(r.runId, {
      subject: r.runId,
      labels: { run: r.runId, kind: r.kind },
      summary: `${r.title} by ${r.operator} ended ${r.status}: ${r.done} of ${r.total} ${r.kind === 'plan' ? 'actions' : 'moves'} done (run ${r.runId})`,
    });
  }
  const plan = state.runs.plan?.progress;
  if (plan && FAILED.has(plan.status) && !out.has(plan.runId)) {
    const failed = plan.actions.filter((a) => a.outcome === 'failed');
    out.set(plan.runId, {
      subject: plan.runId,
      labels: { run: plan.runId, kind: 'plan' },
      summary: `plan ${plan.plan} (${plan.kind}) ended ${plan.status}: ${failed.length} of ${plan.actions.length} actions failed${failed[0] ? `, first ${failed[0].name} on ${failed[0].host}: ${failed[0].error ?? 'failed'}` : ''} (run ${plan.runId})`,
    });
  }
  const move = state.runs.move?.view;
  if (move && FAILED.has(move.status) && !out.has(move.runId)) {
    const done = move.moves.filter((m) => m.status === 'done').length;
    out.set(move.runId, {
      subject: move.runId,
      labels: { run: move.runId, kind: 'migration' },
      summary: `${move.what ?? 'migration'}${move.host ? ` ${move.host}` : ''} ended ${move.status}: ${done} of ${move.moves.length} moves done (run ${move.runId})`,
    });
  }
  return [...out.values()];
};
