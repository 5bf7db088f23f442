import { SETTLE_MARGIN_SECONDS, settleCall } from '../engine/call-settlement.js';
import type { EngineRecords } from '../engine/container-marks.js';
import { DockpitError } from '../engine/errors.js';
import type { MigrateHost } from './engine-port.js';
import type { StepView } from './journal.js';
import type { MovePlan, RollbackStep, StepName } from './types.js';

// Issue 12, item 3, for migrations: a step whose intent is journaled without an outcome (dockpit was killed
// mid-step) is settled from the engine's own record before its call is made again. Most steps are settled
// by the state alone (a create is found by name and image, a rename by the name, a start answers 304, a
// remove 404); a stop is not: the container inspects as running for its whole stop timeout, and a second
// stop is a second stop on the engine (engine-facts.md). So a stop in flight is read from the events.

/** The host whose engine a step calls: its clock goes in the intent. */
export function stepHost(p: MovePlan, step: StepName | RollbackStep): string {
  return step === 'stop-source' || step === 'park-source' || step === 'remove-source' || step === 'unpark-source' || step === 'start-source' ? p.from : p.to;
}

/** Where a step left off when this process picked the run up: its last intent's time, if it has no outcome yet. */
export interface EarlierIntent {
  at: string;
  engineAt: number | null;
}

/** The steps of a move that may have reached the engine without their outcome on record. */
export function earlierIntents(steps: readonly StepView[]): Map<StepName | RollbackStep, EarlierIntent> {
  // A failed step too: its call may have reached the engine before the failure (a stop that timed out).
  return new Map(steps.filter((s) => s.state === 'in-flight' || s.state === 'failed').map((s) => [s.step, { at: s.at, engineAt: s.engineAt ?? null }]));
}

/**
 * Stops container `id` once. Without an earlier intent: stops it if it runs. With one (the step was in
 * flight when dockpit died): the engine's events since that intent decide first: a stop still going is
 * waited for, a stop undone since is refused; only a stop the engine never saw is sent.
 */
export async function stopOnce(
  engine: MigrateHost,
  records: EngineRecords | undefined,
  id: string,
  running: boolean,
  earlier: EarlierIntent | undefined,
  stopSeconds: number,
  signal: AbortSignal,
): Promise<'stopped' | 'was-stopped' | 'waited'> {
  let settlement = running ? 'call' : 'reached';
  if (earlier && running) {
    if (!records) throw new DockpitError('UNREACHABLE', 'the host is not connected');
    const since = earlier.engineAt ?? Date.parse(earlier.at) / 1000 + (records.now() - Date.now() / 1000);
    const marks = await records.marks(id, since - SETTLE_MARGIN_SECONDS, signal);
    // The state after the events, so that a stop ending in between shows in one of them.
    const s = await engine.inspect(id, signal);
    settlement = settleCall('stop', marks, !(s?.State?.Running || s?.State?.Paused));
  }
  if (settlement === 'reached') return 'was-stopped';
  if (settlement === 'undone') throw new DockpitError('CONFLICT', `${id.slice(0, 12)} was stopped by this run and started again since by someone else; not stopped twice`);
  if (settlement === 'wait') {
    await engine.waitStopped(id, signal);
    return 'waited';
  }
  await engine.stop(id, stopSeconds, signal);
  return 'stopped';
}
