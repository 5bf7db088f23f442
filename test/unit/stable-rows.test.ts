import { describe, expect, it } from 'vitest';
import { sameElements, sameFields, shallowEqual } from '../../src/views/equality.js';
import { createRowKeeper, memoOnInputs } from '../../src/views/screens/stable-rows.js';

describe('equality checks', () => {
  it('sameElements: order and identity count, not the arrays themselves', () => {
    const a = { x: 1 };
    expect(sameElements([a, 1], [a, 1])).toBe(true);
    expect(sameElements([a, 1], [1, a])).toBe(false);
    expect(sameElements([{ x: 1 }], [{ x: 1 }])).toBe(false);
    expect(sameElements([a], [a, a])).toBe(false);
  });

  it('shallowEqual: the same keys with the same values; NaN equals NaN', () => {
    expect(shallowEqual({ a: 1, b: NaN }, { a: 1, b: NaN })).toBe(true);
    expect(shallowEqual({ a: 1 }, { a: 1, b: undefined } as { a: number })).toBe(false);
    expect(shallowEqual({ a: [1] }, { a: [1] })).toBe(false);
  });

  it('sameFields: arrays and objects one level down by their values, deeper by identity', () => {
    const deep = { z: 1 };
    expect(sameFields({ hosts: ['h1', 'h2'], traffic: { cpu: 1, mem: 2 } }, { hosts: ['h1', 'h2'], traffic: { cpu: 1, mem: 2 } })).toBe(true);
    expect(sameFields({ hosts: ['h1', 'h2'] }, { hosts: ['h2', 'h1'] })).toBe(false);
    expect(sameFields({ traffic: { cpu: 1 } }, { traffic: { cpu: 2 } })).toBe(false);
    expect(sameFields({ t: { d: deep } }, { t: { d: deep } })).toBe(true);
    expect(sameFields({ t: { d: { z: 1 } } }, { t: { d: { z: 1 } } })).toBe(false);
    // An array is not an object of the same indexes.
    expect(sameFields({ v: [1] }, { v: { 0: 1 } })).toBe(false);
  });
});

describe('createRowKeeper', () => {
  it('returns the previous object of a key while its fields are the same, the new one once they differ', () => {
    const keep = createRowKeeper<{ name: string; cpu: number; hosts: string[] }>((r) => r.name);
    const first = keep([{ name: 'a', cpu: 1, hosts: ['h1'] }, { name: 'b', cpu: 2, hosts: ['h2'] }]);
    const second = keep([{ name: 'a', cpu: 1, hosts: ['h1'] }, { name: 'b', cpu: 3, hosts: ['h2'] }]);
    expect(second[0]).toBe(first[0]);
    expect(second[1]).not.toBe(first[1]);
    expect(second[1]).toEqual({ name: 'b', cpu: 3, hosts: ['h2'] });
    // Only the last call is remembered: a row gone and back is a new object.
    keep([{ name: 'b', cpu: 3, hosts: ['h2'] }]);
    expect(keep([{ name: 'a', cpu: 1, hosts: ['h1'] }])[0]).not.toBe(first[0]);
  });
});

describe('memoOnInputs', () => {
  it('computes again only when an input is another value or object', () => {
    let calls = 0;
    const f = memoOnInputs((xs: readonly number[], k: number) => {
      calls++;
      return xs.map((x) => x * k);
    });
    const xs = [1, 2];
    const a = f(xs, 2);
    expect(f(xs, 2)).toBe(a);
    expect(calls).toBe(1);
    expect(f([1, 2], 2)).toEqual([2, 4]);
    expect(calls).toBe(2);
    f([1, 2], 3);
    expect(calls).toBe(3);
  });
});
