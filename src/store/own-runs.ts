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
