import { describe, expect, it } from 'vitest';
import { appendLog, EMPTY_LOG, releaseHeld } from '../../src/views/log-buffer.js';

const n = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `l${from + i}`);

describe('log buffer', () => {
  it('appends while following and keeps only the last `limit` lines', () => {
    let b = appendLog(EMPTY_LOG, n(1, 3), false, 5);
    expect(b).toEqual({ lines: n(1, 3), held: [], dropped: 0 });
    b = appendLog(b, n(4, 7), false, 5);
    expect(b).toEqual({ lines: n(3, 7), held: [], dropped: 2 });
    expect(appendLog(b, [], false, 5)).toBe(b);
  });

  it('holds new lines apart while paused, so the lines being read stay put', () => {
    const b = appendLog(appendLog(EMPTY_LOG, n(1, 3), false, 5), n(4, 5), true, 5);
    expect(b).toEqual({ lines: n(1, 3), held: n(4, 5), dropped: 0 });
    expect(releaseHeld(b, 5)).toEqual({ lines: n(1, 5), held: [], dropped: 0 });
  });

  it('bounds the held lines too, and counts what was dropped', () => {
    const b = appendLog(appendLog(EMPTY_LOG, n(1, 3), false, 5), n(4, 10), true, 5);
    expect(b).toEqual({ lines: n(1, 3), held: n(6, 10), dropped: 2 });
    expect(releaseHeld(b, 5)).toEqual({ lines: n(6, 10), held: [], dropped: 5 });
    expect(releaseHeld(EMPTY_LOG)).toBe(EMPTY_LOG);
  });

  it('following again after a pause takes the held lines first, in order', () => {
    const paused = appendLog(appendLog(EMPTY_LOG, n(1, 2), false, 10), n(3, 4), true, 10);
    expect(appendLog(paused, n(5, 6), false, 10)).toEqual({ lines: n(1, 6), held: [], dropped: 0 });
  });
});
