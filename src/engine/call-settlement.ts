// Issue 12, item 3: no action twice, wherever a kill lands. A call whose intent is journaled without an
// outcome may or may not have reached the engine. Its state alone cannot tell: a container whose stop is in
// flight still inspects as `running` for the whole stop timeout, and calling stop again makes the engine
// stop it twice (engine-facts.md, "Resource limits": the engine logs `kill` with signal 15 at once). So the
// engine's own record since the intent decides first, then its state. Pure: tested without an engine.

/** One of the engine's container events, reduced to what settlement reads. */
export interface EngineMark {
  action: string;
  /** `kill` events carry the signal sent (e.g. "15"). */
  signal: string | null;
  timeNano: number;
}

/** The mutating calls that settlement knows how to recognise in the engine's record. */
export type SettledCall = 'stop' | 'pause' | 'update';

/**
 * What to do about a call that may be in flight:
 * - `reached`: the engine already shows its target: no call;
 * - `wait`: the call reached the engine and is still going (a stop waiting for its timeout): wait for it,
 *   never repeat it;
 * - `undone`: the call reached the engine and took effect, and something else has undone it since: not
 *   repeated either (that would be the action twice), reported;
 * - `call`: no sign of it on the engine: make the call.
 */
export type Settlement = 'reached' | 'wait' | 'undone' | 'call';

/**
 * The first event in `marks` that shows a `call` reached the engine. A stop starts with `kill` signal 15
 * (SIGTERM, the stop signal of the containers dockpit stops) and ends with `stop`; a `die` alone is no sign of
 * ours (a process may die by itself and a restart policy start it again).
 */
export function callMark(call: SettledCall, marks: readonly EngineMark[]): EngineMark | null {
  const sorted = [...marks].sort((a, b) => a.timeNano - b.timeNano);
  for (const m of sorted) {
    if (call === 'stop' && (m.action === 'stop' || (m.action === 'kill' && (m.signal === '15' || m.signal === 'SIGTERM')))) return m;
    if (call === 'pause' && m.action === 'pause') return m;
    if (call === 'update' && m.action === 'update') return m;
  }
  return null;
}

/**
 * Settles a call from the engine's events since its intent (`marks`, any order) and whether its target shows
 * now (`shown`, read after the events so that an event not yet visible cannot be missed as a state).
 */
export function settleCall(call: SettledCall, marks: readonly EngineMark[], shown: boolean): Settlement {
  if (shown) return 'reached';
  const mark = callMark(call, marks);
  if (!mark) return 'call';
  if (call !== 'stop') return 'undone'; // pause and update take effect before they answer
  // A stop that reached the engine and still shows running: in flight, unless the container was started
  // again after it (an `unpause` does not count: stopping a paused container unpauses it on the way).
  const restarted = marks.some((m) => m.timeNano > mark.timeNano && (m.action === 'start' || m.action === 'restart'));
  return restarted ? 'undone' : 'wait';
}

/** How far before the intent's engine time the record is read: the clock offset is measured, not exact. */
export const SETTLE_MARGIN_SECONDS = 1;
