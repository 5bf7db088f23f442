import { UsageError } from '../../config/config-error.js';
import type { FleetConfig } from '../../config/types.js';
import { snapshotStats } from '../../engine/stats-sampler.js';
import type { StatsSample } from '../../engine/types.js';
import { planPreview, type LastSeen } from '../../plans/plan.js';
import { lastSeenOf } from '../../app/last-seen.js';
import { withState } from '../with-state.js';
import { selects } from '../../plans/selector.js';
import type { Plan, PlannedAction, PlanPreview } from '../../plans/types.js';
import { containerRows } from '../../store/selectors.js';
import { applyStats } from '../../store/stats.js';
import { formatBytes, formatPercent } from '../../render/format.js';
import { connectFleet } from '../connect.js';
import { textTable } from '../../render/text-table.js';
import type { HeadlessCommand } from './types.js';

// `dockpit plan ls` and `dockpit plan show NAME` (issue 5, items 1–3): the plans and their preview. Both
// read only: show lists containers and reads one-shot stats, and makes no call that changes anything.

export const planLsCommand: HeadlessCommand = async ({ args, config, out }) => {
  const rows = config.plans.map((p) => ({ name: p.name, description: p.description, steps: p.steps.length, source: p.source }));
  if (args.json) out(JSON.stringify(rows, null, 2));
  else out(textTable(['NAME', 'STEPS', 'DESCRIPTION', 'SOURCE'], rows.map((r) => [r.name, String(r.steps), r.description, r.source])));
  return 0;
};

export function findPlan(config: FleetConfig, name: string | undefined): Plan {
  const plan = config.plans.find((p) => p.name === name);
  if (plan) return plan;
  const known = config.plans.map((p) => p.name);
  throw new UsageError(`no plan "${name}" in ${config.source} (${known.length > 0 ? `plans: ${known.join(', ')}` : 'no plans configured'})`);
}

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

export function printPreview(p: PlanPreview, out: (s: string) => void): void {
  out(textTable(
    ['STEP', 'HOST', 'CONTAINER', 'LINE', 'TIER', 'ACTION', 'FREES CPU', 'FREES MEM', 'REFUSED / NOTE'],
    p.actions.map((a) => [
      String(a.step), a.host, a.name, a.line ?? '-', a.tier === null ? '-' : String(a.tier), describeAction(a),
      formatPercent(a.frees.cpuPercent), formatBytes(a.frees.memBytes), a.refused ? `REFUSED: ${a.refused.reason}` : a.warning ?? '',
    ]),
  ));
  out(countsText(p));
  for (const line of unseenLines(p)) out(line);
  if (p.skipped.length > 0) {
    out('');
    out(textTable(['STEP', 'HOST', 'SKIPPED', 'WHY'], p.skipped.map((s) => [String(s.step), s.host, s.name, s.reason])));
  }
  out('');
  out(textTable(
    ['LINE', 'DOWN/RUNNING', 'FREES CPU', 'FREES MEM'],
    Object.entries(p.perLine).map(([name, l]) => [name, `${l.down}/${l.running}`, formatPercent(l.cpuPercent), formatBytes(l.memBytes)]),
  ));
}

export const planShowCommand: HeadlessCommand = async ({ args, config, out, err }) => {
  const plan = findPlan(config, args.target);
  const fleet = await connectFleet(config);
  let state;
  let lastSeen: LastSeen = {};
  try {
    state = fleet.store.getState();
    // Issue 13: hosts that do not answer count with their inspect records; a state that cannot be read
    // leaves them unknown (still named), as a read-only preview must not fail on it.
    const s = state;
    lastSeen = await withState(config, (st) => lastSeenOf(s, st.records, config.labels)).catch(() => ({}));
    // What each container would free: one-shot stats of the running containers the plan selects.
    const targets = containerRows(state).filter((c) => c.state === 'running' && plan.steps.some((s) => selects(s.select, c)));
    const read = await snapshotStats(targets, (h) => fleet.engine.connections.get(h)?.client ?? null, {
      gapMs: 1000,
      perHost: 4,
      callTimeoutMs: config.engine.callTimeoutMs,
    });
    const samples = [...read.values()].filter((s): s is StatsSample => !('error' in s));
    state = applyStats(state, { type: 'stats.sampled', samples });
  } finally {
    await fleet.close();
  }
  const preview = planPreview(plan, state, lastSeen);
  if (args.json) out(JSON.stringify(preview, null, 2));
  else printPreview(preview, out);
  if (preview.refusal !== null) {
    err(`dockpit: plan ${plan.name} refused: ${preview.refusal}`);
    return 1;
  }
  return 0;
};
