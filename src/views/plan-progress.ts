import type { ActionOutcome, RunProgress } from '../plans/types.js';

// The progress screen's figures (issue 5 item 3): counts per host and step, elapsed time, the end status.
// Pure, from the RunProgress the executor reports.

export interface OutcomeCounts {
  done: number;
  failed: number;
  pending: number;
  inFlight: number;
  skipped: number;
  /** Never called, with a reason (the preview's, or found live). */
  refused: number;
  total: number;
  /** Sum of the finished actions' durations. */
  ms: number;
}

export interface ProgressCell extends OutcomeCounts {
  host: string;
  step: number;
}

const ZERO: OutcomeCounts = { done: 0, failed: 0, pending: 0, inFlight: 0, skipped: 0, refused: 0, total: 0, ms: 0 };

const FIELD: Record<ActionOutcome, keyof Omit<OutcomeCounts, 'total' | 'ms'>> = {
  done: 'done',
  failed: 'failed',
  pending: 'pending',
  'in-flight': 'inFlight',
  skipped: 'skipped',
  refused: 'refused',
};

function add(c: OutcomeCounts, outcome: ActionOutcome, ms: number | undefined): OutcomeCounts {
  const f = FIELD[outcome];
  return { ...c, [f]: c[f] + 1, total: c.total + 1, ms: c.ms + (ms !== undefined && Number.isFinite(ms) && ms > 0 ? ms : 0) };
}

/** OutcomeCounts per (host, step), hosts in first-seen order then steps ascending, and the totals. */
export function progressCounts(p: RunProgress): { cells: ProgressCell[]; totals: OutcomeCounts } {
  const cells = new Map<string, ProgressCell>();
  const hostOrder: string[] = [];
  let totals = ZERO;
  for (const a of p.actions) {
    if (!hostOrder.includes(a.host)) hostOrder.push(a.host);
    const k = `${a.host}\u0000${a.step}`;
    const cell = cells.get(k) ?? { host: a.host, step: a.step, ...ZERO };
    cells.set(k, { ...cell, ...add(cell, a.outcome, a.ms) });
    totals = add(totals, a.outcome, a.ms);
  }
  const sorted = [...cells.values()].sort((a, b) => hostOrder.indexOf(a.host) - hostOrder.indexOf(b.host) || a.step - b.step);
  return { cells: sorted, totals };
}

/** m:ss, or h:mm:ss; '-' for a negative or non-finite duration. */
export function formatElapsed(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Elapsed time of the run: to `now` while it runs, to when it ended once it has (null: not known). */
export function runElapsed(p: RunProgress, now: number, endedAt: number | null): number {
  const start = Date.parse(p.startedAt);
  if (!Number.isFinite(start)) return NaN;
  return (p.status === 'running' || endedAt === null ? now : endedAt) - start;
}

/** The end status as the operator reads it; null while running. */
export function endStatus(p: RunProgress): { text: string; color: 'green' | 'yellow' | 'red' } | null {
  const what = p.kind === 'restore' ? 'restore' : 'run';
  const failed = p.actions.filter((a) => a.outcome === 'failed').length;
  const skipped = p.actions.filter((a) => a.outcome === 'skipped').length;
  const refused = p.actions.filter((a) => a.outcome === 'refused').length;
  switch (p.status) {
    case 'running':
      return null;
    case 'done':
      return { text: `${what} ${p.runId} done: ${p.actions.filter((a) => a.outcome === 'done').length} actions`, color: 'green' };
    case 'partial':
      // A run whose only shortfall is refusals is still partial (issue 12): the plan was not done in full.
      if (failed === 0 && refused > 0) return { text: `${what} ${p.runId} partial: ${refused} refused, not done (listed below with why), the rest done`, color: 'yellow' };
      return { text: `${what} ${p.runId} partial: ${failed} failed (listed below), retryable${refused > 0 ? `; ${refused} refused` : ''}`, color: 'yellow' };
    case 'cancelled':
      return { text: `${what} ${p.runId} cancelled: ${skipped} not started (skipped)`, color: 'yellow' };
    case 'abandoned':
      return { text: `${what} ${p.runId} abandoned: ended where it stood (plan status lists each action)`, color: 'yellow' };
    case 'refused':
      return { text: `${what} ${p.runId} refused: nothing was changed`, color: 'red' };
  }
}
