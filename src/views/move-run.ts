import type { MigrationView } from '../migrate/journal.js';
import type { MoveRunEnd } from '../app/ports.js';

/** A migration or evacuation the cockpit started, as its progress screen shows it. */
export interface MoveRun {
  what: 'migrate' | 'evacuate';
  /** "web-1 h1 → h2" or "h1". */
  subject: string;
  /** The journal's view; null until the first record. */
  view: MigrationView | null;
  /** Local clock, for the elapsed time. */
  startedAt: number;
  endedAt: number | null;
  /** Why it never started: nothing was changed. */
  refused: string | null;
  /** The executor itself stopped (not a failed move: those are in the view). */
  error: string | null;
  /** Cancels the moves not begun; null once ended. */
  controller: AbortController | null;
}

export function startedMoveRun(what: MoveRun['what'], subject: string, now: number, controller: AbortController): MoveRun {
  return { what, subject, view: null, startedAt: now, endedAt: null, refused: null, error: null, controller };
}

/** A report: ignored once the run has ended (a late one must not bring back "running"). */
export function withView(run: MoveRun, view: MigrationView): MoveRun {
  return run.endedAt === null ? { ...run, view } : run;
}

export function endedMoveRun(run: MoveRun, now: number, end: MoveRunEnd): MoveRun {
  const base = { ...run, endedAt: now, controller: null };
  if ('view' in end) return { ...base, view: end.view };
  if ('refused' in end) return { ...base, refused: end.refused };
  return { ...base, error: `${end.error} (where each move stands: dockpit migration status ${end.runId})` };
}

export function isMoveRunning(run: MoveRun | null): boolean {
  return run !== null && run.endedAt === null;
}

/** Moves finished (any end) of all, for the background note. */
export function moveCounts(run: MoveRun): { ended: number; total: number; done: number } {
  const moves = run.view?.moves ?? [];
  const ended = moves.filter((m) => m.status !== 'pending' && m.status !== 'running' && m.status !== 'rolling-back').length;
  return { ended, total: moves.length, done: moves.filter((m) => m.status === 'done').length };
}
