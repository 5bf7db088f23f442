import { describe, expect, it, vi } from 'vitest';
import type { ContainerEventRecord } from '../../src/engine/types.js';
import { insertEvent } from '../../src/store/timeline.js';

vi.mock('react', () => {
  throw new Error('the store must not import react');
});

const ev = (timeNano: number, host = 'h1', action = 'start', id = 'c1'): ContainerEventRecord => ({ host, id, name: `n-${id}`, action, timeNano });
const label = (t: readonly ContainerEventRecord[]) => t.map((e) => `${e.timeNano}:${e.host}:${e.action}`);
const build = (events: ContainerEventRecord[], limit = 100) =>
  events.reduce<readonly ContainerEventRecord[]>((t, e) => insertEvent(t, e, limit), []);

describe('insertEvent', () => {
  it('keeps time order when hosts’ streams interleave and backfills arrive late', () => {
    const t = build([ev(10, 'h1'), ev(30, 'h2'), ev(20, 'h3'), ev(5, 'h2'), ev(40, 'h1'), ev(25, 'h1', 'die')]);
    expect(label(t)).toEqual(['5:h2:start', '10:h1:start', '20:h3:start', '25:h1:die', '30:h2:start', '40:h1:start']);
  });

  it('events at the same engine time keep their arrival order', () => {
    const t = build([ev(10, 'h1', 'kill'), ev(10, 'h2', 'start'), ev(10, 'h1', 'die'), ev(5)]);
    expect(label(t)).toEqual(['5:h1:start', '10:h1:kill', '10:h2:start', '10:h1:die']);
  });

  it('drops an exact duplicate (a backfill overlapping the live stream) and returns the same array', () => {
    const t = build([ev(10, 'h1', 'kill'), ev(10, 'h1', 'die'), ev(20)]);
    expect(insertEvent(t, ev(10, 'h1', 'kill'), 100)).toBe(t);
    expect(insertEvent(t, ev(10, 'h1', 'die'), 100)).toBe(t);
    expect(insertEvent(t, ev(20), 100)).toBe(t);
  });

  it('the same time with another host, container or action is not a duplicate', () => {
    const t = build([ev(10, 'h1', 'die', 'c1')]);
    expect(insertEvent(t, ev(10, 'h2', 'die', 'c1'), 100)).toHaveLength(2);
    expect(insertEvent(t, ev(10, 'h1', 'die', 'c2'), 100)).toHaveLength(2);
    expect(insertEvent(t, ev(10, 'h1', 'start', 'c1'), 100)).toHaveLength(2);
    expect(insertEvent(t, ev(11, 'h1', 'die', 'c1'), 100)).toHaveLength(2);
  });

  it('never changes the array it was given', () => {
    const t = build([ev(10), ev(30)]);
    const copy = [...t];
    insertEvent(t, ev(20), 100);
    insertEvent(t, ev(40), 2);
    expect(t).toEqual(copy);
  });

  it('at the limit, a new event drops the oldest', () => {
    const t = build([ev(10), ev(20), ev(30)], 3);
    expect(label(insertEvent(t, ev(40), 3))).toEqual(['20:h1:start', '30:h1:start', '40:h1:start']);
    expect(label(insertEvent(t, ev(25), 3))).toEqual(['20:h1:start', '25:h1:start', '30:h1:start']);
    expect(label(insertEvent(t, ev(15), 3))).toEqual(['15:h1:start', '20:h1:start', '30:h1:start']);
  });

  it('at the limit, an event older than everything kept is ignored (same array)', () => {
    const t = build([ev(10), ev(20), ev(30)], 3);
    expect(insertEvent(t, ev(5), 3)).toBe(t);
    // Below the limit the same late event is kept, first.
    expect(label(insertEvent(t, ev(5), 4))[0]).toBe('5:h1:start');
  });

  it('a long run stays at the limit with the newest events', () => {
    let t: readonly ContainerEventRecord[] = [];
    for (let i = 0; i < 50; i++) t = insertEvent(t, ev(i % 2 ? 1000 + i : i, `h${i % 3}`, 'start', `c${i}`), 10);
    expect(t).toHaveLength(10);
    const times = t.map((e) => e.timeNano);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.at(-1)).toBe(1049);
  });
});
