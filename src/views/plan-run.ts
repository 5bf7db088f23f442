import type { RunProgress } from '../plans/types.js';

/** A run the cockpit started (apply or restore), as the progress screen shows it. */
export interface PlanRunView {
  plan: string;
  kind: 'apply' | 'restore';
  /** The executor's latest report; null until the first. */
  progress: RunProgress | null;
  /** Local clock, for the elapsed time before the first report and after the end. */
  startedAt: number;
  endedAt: number | null;
  /** The apply/restore promise rejected (not a failed action: those are in progress). */
  error: string | null;
  /** Cancels what has not started; null for restore, or once the run has ended. */
  controller: AbortController | null;
}

export function startedRun(plan: string, kind: 'apply' | 'restore', now: number, controller: AbortController | null): PlanRunView {
  return { plan, kind, progress: null, startedAt: now, endedAt: null, error: null, controller };
}

/** A progress report: ignored once the run has ended (a late report must not bring back "running"). */
export function withProgress(run: PlanRunView, p: RunProgress): PlanRunView {
  return run.endedAt === null ? { ...run, progress: p } : run;
}

export function ended(run: PlanRunView, now: number, result: RunProgress | { error: string }): PlanRunView {
  if ('error' in result) return { ...run, endedAt: now, error: result.error, controller: null };
  return { ...run, progress: result, endedAt: now, controller: null };
}

export function isRunning(run: PlanRunView | null): boolean {
  return run !== null && run.endedAt === null;
}
