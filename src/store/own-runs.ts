import type { OwnRunEvent } from '../engine/types.js';
import type { MigrationView } from '../migrate/journal.js';
import type { RunProgress } from '../plans/types.js';
import type { FleetState } from './state.js';

// Issue 14, item 2: the runs this cockpit started reach the screens as data in the store, through the same
// coalesced commits as everything else. The app services (src/app/plans.ts, src/app/migrations.ts) emit a
// `run.plan` / `run.move` event with the whole run each time it changes (from the executor's journal
// records as they are written, never by polling the journal); the views select `runs.plan` / `runs.move`.
// Cancelling is the service's business (it holds the AbortController): the store only says whether it can.

/** A plan apply or restore this cockpit started, as its progress screen shows it. */
export interface PlanRun {
  plan: string;
  kind: 'apply' | 'restore';
  /** The executor's latest report from the journal; null until the first record. */
  progress: RunProgress | null;
  /** Local clock (ms), for the elapsed time before the first report and after the end. */
  startedAt: number;
  endedAt: number | null;
  /** The run itself stopped or never started (not a failed action: those are in progress). */
  error: string | null;
  /** Whether `c` can still cancel what has not started (an apply in progress). */
  cancellable: boolean;
}

/** A migration or evacuation this cockpit started, as its progress screen shows it. */
export interface MoveRun {
  what: 'migrate' | 'evacuate';
  /** "web-1 h1 → h2" or "h1". */
  subject: string;
  /** The journal's view; null until the first record. */
  view: MigrationView | null;
  /** Local clock (ms), for the elapsed time. */
  startedAt: number;
  endedAt: number | null;
  /** Why it never started: nothing was changed. */
  refused: string | null;
  /** The executor itself stopped (not a failed move: those are in the view). */
  error: string | null;
  /** Whether `c` can still cancel the moves not begun. */
  cancellable: boolean;
}

/** This cockpit's latest run of each kind (one at a time of each). */
export interface OwnRuns {
  plan: PlanRun | null;
  move: MoveRun | null;
}

export const NO_OWN_RUNS: OwnRuns = Object.freeze({ plan: null, move: null });

/** Applies a run event. Pure; the run replaces the one before (the service sends it whole). */
export function applyOwnRun(state: FleetState, event: OwnRunEvent): FleetState {
  if (event.type === 'run.plan') return state.runs.plan === event.run ? state : { ...state, runs: { ...state.runs, plan: event.run } };
  return state.runs.move === event.run ? state : { ...state, runs: { ...state.runs, move: event.run } };
}

export function isPlanRunning(run: PlanRun | null): boolean {
  return run !== null && run.endedAt === null;
}

export function isMoveRunning(run: MoveRun | null): boolean {
  return run !== null && run.endedAt === null;
}

/** Moves ended (any end), done, and all, for the background note. */
export function moveCounts(run: MoveRun): { ended: number; total: number; done: number } {
  const moves = run.view?.moves ?? [];
  const ended = moves.filter((m) => m.status !== 'pending' && m.status !== 'running' && m.status !== 'rolling-back').length;
  return { ended, total: moves.length, done: moves.filter((m) => m.status === 'done').length };
}

// The runs' changes, as the services make them (pure: each returns a new run, the store's event carries it).

export function startedPlanRun(plan: string, kind: PlanRun['kind'], now: number, cancellable: boolean): PlanRun {
  return { plan, kind, progress: null, startedAt: now, endedAt: null, error: null, cancellable };
}

/** A progress report: ignored once the run has ended (a late report must not bring back "running"). */
export function planRunWithProgress(run: PlanRun, progress: RunProgress): PlanRun {
  return run.endedAt === null ? { ...run, progress } : run;
}

/** The run's end: its last progress, or why it stopped (or never started). */
export function endedPlanRun(run: PlanRun, now: number, end: { progress: RunProgress } | { error: string }): PlanRun {
  const base = { ...run, endedAt: now, cancellable: false };
  return 'error' in end ? { ...base, error: end.error } : { ...base, progress: end.progress };
}

export function startedMoveRun(what: MoveRun['what'], subject: string, now: number): MoveRun {
  // Cancelling skips moves not begun: a single migration has begun as soon as it runs.
  return { what, subject, view: null, startedAt: now, endedAt: null, refused: null, error: null, cancellable: what === 'evacuate' };
}

/** A report: ignored once the run has ended (a late one must not bring back "running"). */
export function moveRunWithView(run: MoveRun, view: MigrationView): MoveRun {
  return run.endedAt === null ? { ...run, view } : run;
}

/** The run's end: the journal's last view, why it never started, or why the executor stopped. */
export function endedMoveRun(run: MoveRun, now: number, end: { view: MigrationView } | { refused: string } | { error: string }): MoveRun {
  const base = { ...run, endedAt: now, cancellable: false };
  if ('view' in end) return { ...base, view: end.view };
  if ('refused' in end) return { ...base, refused: end.refused };
  return { ...base, error: end.error };
}
