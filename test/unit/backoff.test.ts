import { describe, expect, it, vi } from 'vitest';
import { Backoff } from '../../src/engine/backoff.js';

vi.mock('react', () => {
  throw new Error('the engine must not import react');
});

const take = (b: Backoff, n: number) => Array.from({ length: n }, () => b.next());

describe('Backoff', () => {
  it('doubles from the base up to the cap (random = 1: the top of each step)', () => {
    expect(take(new Backoff(250, 10_000, () => 1), 9)).toEqual([250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it('never goes below half a step (random = 0)', () => {
    expect(take(new Backoff(250, 10_000, () => 0), 8)).toEqual([125, 250, 500, 1000, 2000, 4000, 5000, 5000]);
  });

  it('jitters linearly inside [step/2, step]', () => {
    expect(take(new Backoff(100, 1000, () => 0.5), 5)).toEqual([75, 150, 300, 600, 750]);
    const values = [0.1, 0.9, 0.3];
    let i = 0;
    expect(take(new Backoff(1000, 60_000, () => values[i++]!), 3)).toEqual([550, 1900, 2600]);
  });

  it('stays within bounds for any random value, and at the cap after many attempts', () => {
    const b = new Backoff(250, 10_000, Math.random);
    const got = take(b, 2000);
    got.forEach((ms, n) => {
      const step = Math.min(10_000, 250 * 2 ** n);
      expect(ms).toBeGreaterThanOrEqual(step / 2);
      expect(ms).toBeLessThanOrEqual(step);
    });
    expect(Number.isFinite(got.at(-1))).toBe(true);
  });

  it('reset() starts again from the base', () => {
    const b = new Backoff(250, 10_000, () => 1);
    take(b, 5);
    b.reset();
    expect(take(b, 3)).toEqual([250, 500, 1000]);
  });

  it('defaults: base 250 ms, cap 10 s', () => {
    const b = new Backoff(undefined, undefined, () => 1);
    expect(take(b, 8)).toEqual([250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });
});
