import { SETTLE_MARGIN_SECONDS, settleCall, type SettledCall } from '../engine/call-settlement.js';
import { DockpitError } from '../engine/errors.js';
import { priorOf, reached, type InspectLike } from './engine-state.js';
import { runState, type Journal } from './journal.js';
import type { PlanContainer, PlanEngine } from './execute.js';
import type { PlannedAction, PriorState } from './types.js';

// Issue 12, item 3: an action whose intent is journaled without an outcome (dockpit was killed between the
// two) is settled from the engine's own record before anything is called again. The decision is pure
// (src/engine/call-settlement.ts); this is the executor's side of it: read the intent's time, the engine's
// events since then and the state now; wait for a stop in flight; call only when nothing reached the engine.

const CALL: Record<PlannedAction['action'], SettledCall> = { stop: 'stop', pause: 'pause', limit: 'update' };

/** What the intent record carries for settlement: the engine's clock now, when the host's is known. */
export function engineAtOf(engine: PlanEngine, host: string): { engineAt: number } | Record<string, never> {
  const now = engine.records(host)?.now();
  return now !== undefined && Number.isFinite(now) ? { engineAt: now } : {};
}

export type InFlightSettlement = { kind: 'settled'; how: 'reached' | 'waited' } | { kind: 'call'; now: PriorState };

/**
 * Settles action `seq` of run `runId` on the engine: `settled` when the engine shows the call happened (or a
 * stop in flight has now ended), `call` with a fresh state when nothing of it reached the engine. A call
 * that took effect and was undone since by someone else is not repeated: a CONFLICT error says so.
 */
export async function settleInFlight(
  deps: { engine: PlanEngine; journal: Journal },
  runId: string,
  seq: number,
  a: PlannedAction,
  c: PlanContainer,
  signal: AbortSignal,
): Promise<InFlightSettlement> {
  const records = deps.engine.records(a.host);
  if (!records) throw new DockpitError('UNREACHABLE', `${a.host}: not connected`);
  const intent = runState(await deps.journal.read(runId)).actions[seq]?.intent;
  // An intent from before issue 12 has no engine time: its local time, moved by this host's offset now.
  const since = intent?.engineAt ?? (intent ? Date.parse(intent.at) / 1000 + (records.now() - Date.now() / 1000) : records.now() - 60);
  const marks = await records.marks(a.id, since - SETTLE_MARGIN_SECONDS, signal);
  // The state after the events: an event that lands in between then shows in the state, never in neither.
  let now = priorOf((await c.inspect({ abortSignal: signal })) as InspectLike);
  const settlement = settleCall(CALL[a.action], marks, reached(a, now));
  if (settlement === 'reached') return { kind: 'settled', how: 'reached' };
  if (settlement === 'call') return { kind: 'call', now };
  if (settlement === 'undone') {
    throw new DockpitError('CONFLICT', `${a.host}/${a.name}: the engine shows this run's ${a.action} after its intent, undone since by someone else; not done twice`);
  }
  // A stop the killed dockpit sent is still going (the engine waits out the stop timeout): wait for its end.
  await c.wait({ condition: 'not-running', abortSignal: signal });
  now = priorOf((await c.inspect({ abortSignal: signal })) as InspectLike);
  if (!reached(a, now)) throw new DockpitError('CONFLICT', `${a.host}/${a.name}: its stop in flight ended, and it is ${now.state} again; not stopped twice`);
  return { kind: 'settled', how: 'waited' };
}
