import { DockpitError } from '../engine/errors.js';

// Run ids of plan runs and migrations: every backend keys a run's journal (and its claim) by one.

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Refuses run ids that could name a path outside the journal's folder (or a key outside its prefix). */
export function checkRunId(runId: string): string {
  if (!RUN_ID.test(runId)) throw new DockpitError('PARSE', `run id ${JSON.stringify(runId)}: letters, digits, '.', '_' and '-' only`);
  return runId;
}

/** A new run id: sortable by start time, unique enough across processes. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${Math.random().toString(36).slice(2, 8)}`;
}
