import type { RestoreResult, RunResult } from '../plans/execute.js';
import type { PlannedAction, PlanPreview } from '../plans/types.js';
import { formatBytes, formatPercent } from './format.js';
import { textTable } from './text-table.js';

// A degradation plan's preview and a run's outcome as text (issue 5; issue 14: out of the commands, for
// any caller that prints them). Pure.

function describeAction(a: PlannedAction): string {
  if (a.action !== 'limit' || !a.limit) return a.action;
  const parts = [
    a.limit.nanoCpus !== null && `cpus ${a.limit.nanoCpus / 1e9}`,
    a.limit.memoryBytes !== null && `memory ${formatBytes(a.limit.memoryBytes)}`,
    a.limit.cpuShares !== null && `cpu-shares ${a.limit.cpuShares}`,
  ].filter((p): p is string => p !== false);
  return `limit ${parts.join(' ')}`;
}

/** The preview's counts as one line: refused actions are counted apart from the feasible (issue 12). */
export function countsText(p: PlanPreview): string {
  const { feasible, refused, skipped } = p.counts;
  const skippedText = skipped > 0 ? `; ${skipped} container${skipped === 1 ? '' : 's'} skipped by design` : '';
  // A guard refuses the whole plan: nothing runs, whatever each action's own verdict.
  if (p.refusal !== null) return `${feasible + refused} actions: none will run, the guards refuse the plan (below)${skippedText}`;
  const unseenText = p.counts.unseen > 0 ? ` (${p.counts.unseen} not seen: their host does not answer)` : '';
  return `${feasible + refused} actions: ${feasible} will run, ${refused} refused${unseenText}${skippedText}`;
}

/** Issue 13: the hosts the plan cannot see, one line each: what they run is unknown, the run cannot end done. */
export function unseenLines(p: Pick<PlanPreview, 'unseen'>): string[] {
  return p.unseen.map((u) => {
    const why = `${u.state}${u.error ? ` (${u.error})` : ''}`;
    const what = u.lastSeen === null
      ? 'never seen: its containers are unknown and not counted'
      : `its ${u.lastSeen} containers as last seen are counted, the selected ones listed as not seen`;
    return `not seen: host ${u.host} is ${why}; ${what}; the run will end partial`;
  });
}

/** `plan show`'s text, each element one write (a table is one). */
export function planPreviewLines(p: PlanPreview): string[] {
  const lines = [
    textTable(
      ['STEP', 'HOST', 'CONTAINER', 'LINE', 'TIER', 'ACTION', 'FREES CPU', 'FREES MEM', 'REFUSED / NOTE'],
      p.actions.map((a) => [
        String(a.step), a.host, a.name, a.line ?? '-', a.tier === null ? '-' : String(a.tier), describeAction(a),
        formatPercent(a.frees.cpuPercent), formatBytes(a.frees.memBytes), a.refused ? `REFUSED: ${a.refused.reason}` : a.warning ?? '',
      ]),
    ),
    countsText(p),
    ...unseenLines(p),
  ];
  if (p.skipped.length > 0) lines.push('', textTable(['STEP', 'HOST', 'SKIPPED', 'WHY'], p.skipped.map((s) => [String(s.step), s.host, s.name, s.reason])));
  lines.push('', textTable(
    ['LINE', 'DOWN/RUNNING', 'FREES CPU', 'FREES MEM'],
    Object.entries(p.perLine).map(([name, l]) => [name, `${l.down}/${l.running}`, formatPercent(l.cpuPercent), formatBytes(l.memBytes)]),
  ));
  return lines;
}

/** A run's actions and its end in one line. */
export function runResultLines(r: RunResult): string[] {
  const n = (o: string) => r.actions.filter((a) => a.outcome === o).length;
  return [
    textTable(['HOST', 'CONTAINER', 'ACTION', 'OUTCOME', 'ERROR / REASON'], r.actions.map((a) => [a.host, a.container, a.action, a.outcome, a.error ?? ''])),
    `run ${r.runId}: ${r.status} (${n('done')} done, ${n('failed')} failed, ${n('refused')} refused, ${n('skipped')} skipped)`,
  ];
}

export function restoreResultLines(r: RestoreResult): string[] {
  return [
    textTable(['HOST', 'CONTAINER', 'OUTCOME', 'CALLS', 'ERROR'], r.actions.map((a) => [a.host, a.container, a.outcome, a.calls.join(',') || '-', a.error ?? ''])),
    `restore of ${r.runId}: ${r.status}`,
  ];
}
