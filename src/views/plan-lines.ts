import type { PlannedAction, PlanPreview, RunProgress } from '../plans/types.js';
import { fit, formatBytes, formatLatency, formatPercent } from '../render/format.js';
import { endStatus, formatElapsed, progressCounts } from './plan-progress.js';
import { printable } from '../render/printable.js';

// The preview and progress screens as lines of text, pure: the screens only scroll and draw them, so a
// long plan is virtualized like the detail screen (engine-facts.md: render only the visible rows).

export interface ScreenLine {
  text: string;
  color?: string;
  bold?: boolean;
}

/** Fixed-width cells joined by a space; every value passes through printable (names come from engines). */
function row(cells: Array<[string, number]>): string {
  return cells.map(([v, w]) => fit(printable(v), w)).join(' ').trimEnd();
}

function actionText(a: PlannedAction): string {
  if (a.action !== 'limit' || !a.limit) return a.action;
  const parts: string[] = [];
  if (a.limit.nanoCpus !== null) parts.push(`cpus ${a.limit.nanoCpus / 1e9}`);
  if (a.limit.memoryBytes !== null) parts.push(`mem ${formatBytes(a.limit.memoryBytes)}`);
  if (a.limit.cpuShares !== null) parts.push(`shares ${a.limit.cpuShares}`);
  return `limit ${parts.join(' ')}`.trimEnd();
}

const ACTION_HEADER = row([['HOST', 14], ['NAME', 24], ['LINE', 12], ['TIER', 4], ['ACTION', 30]]);

/** Per step: its changes and what it skipped (with why); then CPU and memory freed per host and per line. */
export function previewLines(preview: PlanPreview): ScreenLine[] {
  const out: ScreenLine[] = [];
  if (preview.refusal) {
    out.push({ text: `REFUSED: ${printable(preview.refusal)}`, color: 'red', bold: true });
    out.push({ text: 'this plan cannot be applied as the fleet is now', color: 'red' });
  }
  const { feasible, refused } = preview.counts;
  // Issue 12: the refused actions are counted apart, up front: they are part of the run, as refusals.
  if (refused > 0 && !preview.refusal) {
    out.push({ text: `${feasible} change${feasible === 1 ? '' : 's'} will run · ${refused} refused (marked below, with why): the run does the others and ends partial`, color: 'yellow', bold: true });
  }
  // Issue 13: a host that does not answer is unknown, and the run cannot end done while it is.
  for (const u of preview.unseen) {
    const what = u.lastSeen === null ? 'never seen: its containers are unknown' : `its selected containers as last seen are marked below`;
    out.push({ text: `not seen: ${u.host} is ${u.state}${u.error ? ` (${printable(u.error)})` : ''}; ${what}; the run will end partial`, color: 'yellow' });
  }
  const steps = [...new Set([...preview.actions.map((a) => a.step), ...preview.skipped.map((s) => s.step)])].sort((a, b) => a - b);
  if (steps.length === 0) out.push({ text: 'no container is selected by this plan', color: 'gray' });
  for (const step of steps) {
    const acts = preview.actions.filter((a) => a.step === step);
    const stepRefused = acts.filter((a) => a.refused).length;
    const changes = acts.length - stepRefused;
    const skipped = preview.skipped.filter((s) => s.step === step);
    out.push({
      text: `step ${step + 1}: ${changes} change${changes === 1 ? '' : 's'}${stepRefused ? `, ${stepRefused} refused` : ''}${skipped.length ? `, ${skipped.length} skipped` : ''}`,
      bold: true,
    });
    if (acts.length) out.push({ text: `  ${ACTION_HEADER}`, color: 'gray' });
    for (const a of acts) {
      const cells = row([[a.host, 14], [a.name, 24], [a.line ?? '-', 12], [a.tier === null ? '-' : String(a.tier), 4], [actionText(a), 30]]);
      if (a.refused) out.push({ text: `  ${cells}  REFUSED: ${printable(a.refused.reason)}`, color: 'red' });
      else if (a.warning) out.push({ text: `  ${cells}  note: ${printable(a.warning)}`, color: 'yellow' });
      else out.push({ text: `  ${cells}` });
    }
    for (const s of skipped) out.push({ text: `  skip ${row([[s.host, 14], [s.name, 24]])}  ${printable(s.reason)}`, color: 'gray' });
  }
  const hosts = Object.entries(preview.perHost);
  if (hosts.length) {
    out.push({ text: '' });
    out.push({ text: 'freed per host', bold: true });
    out.push({ text: `  ${row([['HOST', 14], ['ACTIONS', 8], ['CPU', 8], ['MEMORY', 10]])}`, color: 'gray' });
    for (const [h, v] of hosts) out.push({ text: `  ${row([[h, 14], [String(v.actions), 8], [formatPercent(v.cpuPercent), 8], [formatBytes(v.memBytes), 10]])}` });
  }
  const lines = Object.entries(preview.perLine);
  if (lines.length) {
    out.push({ text: '' });
    out.push({ text: 'freed per line', bold: true });
    out.push({ text: `  ${row([['LINE', 14], ['RUNNING', 8], ['DOWN', 6], ['CPU', 8], ['MEMORY', 10]])}`, color: 'gray' });
    for (const [l, v] of lines) {
      out.push({ text: `  ${row([[l, 14], [String(v.running), 8], [String(v.down), 6], [formatPercent(v.cpuPercent), 8], [formatBytes(v.memBytes), 10]])}` });
    }
  }
  return out;
}

const OUTCOME_COLOR: Record<string, string | undefined> = { done: 'green', failed: 'red', 'in-flight': 'cyan', skipped: 'gray', refused: 'yellow' };

/** The end status (or "running"), counts per host and step, the failed actions, then every action. */
export function progressLines(p: RunProgress, elapsedMs: number): ScreenLine[] {
  const out: ScreenLine[] = [];
  const end = endStatus(p);
  const { cells, totals } = progressCounts(p);
  const what = p.kind === 'restore' ? 'restoring' : 'applying';
  out.push(end ?? { text: `${what} ${printable(p.plan)} (run ${p.runId}) …`, color: 'cyan' });
  out.push({
    text: `elapsed ${formatElapsed(elapsedMs)} · done ${totals.done} · failed ${totals.failed} · refused ${totals.refused} · in flight ${totals.inFlight} · pending ${totals.pending} · skipped ${totals.skipped} · of ${totals.total}`,
  });
  out.push({ text: `  ${row([['HOST', 14], ['STEP', 4], ['DONE', 5], ['FAILED', 6], ['FLIGHT', 6], ['PENDING', 7], ['SKIPPED', 7], ['TIME', 7]])}`, color: 'gray' });
  for (const c of cells) {
    out.push({
      text: `  ${row([[c.host, 14], [String(c.step + 1), 4], [String(c.done), 5], [String(c.failed), 6], [String(c.inFlight), 6], [String(c.pending), 7], [String(c.skipped), 7], [formatLatency(c.ms), 7]])}`,
      color: c.failed ? 'red' : c.refused ? 'yellow' : c.done + c.skipped === c.total ? 'green' : undefined,
    });
  }
  const failed = p.actions.filter((a) => a.outcome === 'failed');
  if (failed.length) {
    out.push({ text: '' });
    out.push({ text: `failed (${failed.length})`, color: 'red', bold: true });
    for (const a of failed) out.push({ text: `  ${row([[a.host, 14], [a.name, 24], [a.action, 8]])} ${printable(a.error ?? '')}`, color: 'red' });
  }
  const refused = p.actions.filter((a) => a.outcome === 'refused');
  if (refused.length) {
    out.push({ text: '' });
    out.push({ text: `refused (${refused.length}), not called`, color: 'yellow', bold: true });
    for (const a of refused) out.push({ text: `  ${row([[a.host, 14], [a.name, 24], [a.action, 8]])} ${printable(a.error ?? '')}`, color: 'yellow' });
  }
  out.push({ text: '' });
  out.push({ text: `  ${row([['HOST', 14], ['NAME', 24], ['STEP', 4], ['ACTION', 8], ['OUTCOME', 9], ['TIME', 7]])}`, color: 'gray' });
  for (const a of p.actions) {
    out.push({
      text: `  ${row([[a.host, 14], [a.name, 24], [String(a.step + 1), 4], [a.action, 8], [a.outcome, 9], [a.ms === undefined ? '' : formatLatency(a.ms), 7]])}`,
      color: OUTCOME_COLOR[a.outcome],
    });
  }
  return out;
}
