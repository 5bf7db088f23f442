import { describe, expect, it, vi } from 'vitest';
import type { ContainerEventRecord } from '../../src/engine/types.js';
import { insertEvent, insertEvents } from '../../src/store/timeline.js';

vi.mock('react', () => {
  throw new Error('the store must not import react');
});

// Issue 7: a storm batch inserts its events at once; the result must be exactly one-by-one insertion's.

const ev = (timeNano: number, host = 'h1', action = 'start'): ContainerEventRecord => ({ host, id: `c-${host}`, name: host, action, timeNano });
const oneByOne = (t: readonly ContainerEventRecord[], events: ContainerEventRecord[], limit: number) =>
  events.reduce((acc, e) => insertEvent(acc, e, limit), t);

/** A small seeded PRNG, so a failure replays. */
function prng(seed: number): () => number {
  let a = seed;
  return () => ((a = (a * 1103515245 + 12345) % 2147483648) / 2147483648);
}

describe('insertEvents', () => {
  it('appends live events (each newer than the last) and trims the oldest beyond the limit', () => {
    const t = oneByOne([], [ev(1), ev(2), ev(3)], 4);
    const next = insertEvents(t, [ev(4), ev(5)], 4);
    expect(next.map((e) => e.timeNano)).toEqual([2, 3, 4, 5]);
    expect(next).toEqual(oneByOne(t, [ev(4), ev(5)], 4));
  });

  it('equals one-by-one insertion for late, interleaved, duplicate and same-time events', () => {
    const random = prng(7);
    for (let round = 0; round < 200; round++) {
      let base: readonly ContainerEventRecord[] = [];
      for (let i = 0; i < 20; i++) base = insertEvent(base, ev(Math.floor(random() * 50), `h${Math.floor(random() * 3)}`), 30);
      const batch = Array.from({ length: 1 + Math.floor(random() * 15) }, () =>
        random() < 0.3 && base.length ? { ...base[Math.floor(random() * base.length)]! } : ev(Math.floor(random() * 80), `h${Math.floor(random() * 3)}`, random() < 0.5 ? 'die' : 'start'));
      expect(insertEvents(base, batch, 30), `round ${round}`).toEqual(oneByOne(base, batch, 30));
    }
  });

  it('returns the same array when nothing is new', () => {
    const t = oneByOne([], [ev(1), ev(2)], 10);
    expect(insertEvents(t, [ev(1), ev(2)], 10)).toBe(t);
  });
});
