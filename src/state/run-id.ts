import { DockpitError } from '../engine/errors.js';

// Run ids of plan runs and migrations: every backend keys a run's journal (and its claim) by one.

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * What is wrong with a run id typed by an operator, or null. Issue 17, item 6: `..` and `.` are made of
 * allowed characters, so the rule says where they may stand, not only which they are.
 */
export function runIdProblem(runId: string): string | null {
  if (RUN_ID.test(runId)) return null;
  return `invalid run id ${JSON.stringify(runId)}: a run id starts with a letter or digit, then letters, digits, ".", "_" or "-"`;
}

/** Refuses run ids that could name a path outside the journal's folder (or a key outside its prefix). */
export function checkRunId(runId: string): string {
  const problem = runIdProblem(runId);
  if (problem !== null) throw new DockpitError('PARSE', problem);
  return runId;
}

/** A new run id: sortable by start time, unique enough across processes. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${Math.random().toString(36).slice(2, 8)}`;
}
