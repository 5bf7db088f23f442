import { describe, expect, it } from 'vitest';
import { callMark, settleCall, type EngineMark } from '../../src/engine/call-settlement.js';

// Issue 12, item 3: did a call whose intent is journaled without an outcome reach the engine? The engine's
// events since the intent decide first, then the state (engine-facts.md: a stop in flight still inspects as
// running, and the engine logs `kill` signal 15 at once).

const m = (action: string, t: number, signal: string | null = null): EngineMark => ({ action, signal, timeNano: t });

describe('callMark', () => {
  it('a stop shows as kill 15 or stop; a die, a kill 9 or a start alone are no sign of it', () => {
    expect(callMark('stop', [m('kill', 5, '15')])).toEqual(m('kill', 5, '15'));
    expect(callMark('stop', [m('stop', 9), m('kill', 5, 'SIGTERM')])).toEqual(m('kill', 5, 'SIGTERM')); // the first, in time
    expect(callMark('stop', [m('die', 1), m('kill', 2, '9'), m('start', 3)])).toBeNull();
  });
  it('pause and update show as their own event only', () => {
    expect(callMark('pause', [m('unpause', 1), m('pause', 2)])).toEqual(m('pause', 2));
    expect(callMark('pause', [m('update', 1)])).toBeNull();
    expect(callMark('update', [m('update', 4)])).toEqual(m('update', 4));
    expect(callMark('update', [])).toBeNull();
  });
});

describe('settleCall', () => {
  it('a target the engine already shows: no call, whatever the events', () => {
    expect(settleCall('stop', [], true)).toBe('reached');
    expect(settleCall('pause', [m('pause', 1)], true)).toBe('reached');
    expect(settleCall('update', [m('update', 1)], true)).toBe('reached');
  });
  it('no sign of the call on the engine and the target not shown: make the call', () => {
    expect(settleCall('stop', [], false)).toBe('call');
    expect(settleCall('stop', [m('die', 1), m('start', 2)], false)).toBe('call'); // it crashed and was restarted: not ours
    expect(settleCall('pause', [m('update', 1)], false)).toBe('call');
    expect(settleCall('update', [m('pause', 1)], false)).toBe('call');
  });
  it('a stop that reached the engine and still shows running is in flight: wait for it, never stop again', () => {
    expect(settleCall('stop', [m('kill', 10, '15')], false)).toBe('wait');
    expect(settleCall('stop', [m('kill', 10, '15'), m('kill', 11, '15')], false)).toBe('wait');
  });
  it('a call that reached the engine and was undone since: reported, not repeated', () => {
    expect(settleCall('stop', [m('kill', 10, '15'), m('die', 11), m('stop', 12), m('start', 13)], false)).toBe('undone');
    expect(settleCall('stop', [m('start', 13), m('kill', 10, '15')], false)).toBe('undone'); // any order in, time decides
    expect(settleCall('pause', [m('pause', 1), m('unpause', 2)], false)).toBe('undone');
    expect(settleCall('update', [m('update', 1)], false)).toBe('undone');
  });
  it('a start before the stop, or an unpause during it (a paused container being stopped), does not make it undone', () => {
    expect(settleCall('stop', [m('start', 5), m('kill', 10, '15')], false)).toBe('wait');
    expect(settleCall('stop', [m('kill', 10, '15'), m('unpause', 11)], false)).toBe('wait');
  });
});
