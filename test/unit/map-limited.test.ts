import { describe, expect, it } from 'vitest';
import { mapLimited } from '../../src/engine/map-limited.js';

describe('mapLimited', () => {
  it('keeps the items’ order and never runs more than n at once', async () => {
    let now = 0;
    let most = 0;
    const out = await mapLimited([30, 5, 20, 1, 10, 2], 2, async (ms) => {
      most = Math.max(most, ++now);
      await new Promise((r) => setTimeout(r, ms));
      now--;
      return ms * 2;
    });
    expect(out).toEqual([60, 10, 40, 2, 20, 4]);
    expect(most).toBe(2);
  });

  it('runs nothing for no items, and at least one at a time', async () => {
    expect(await mapLimited([], 4, async () => 1)).toEqual([]);
    expect(await mapLimited([1, 2], 0, async (x) => x)).toEqual([1, 2]);
  });
});
