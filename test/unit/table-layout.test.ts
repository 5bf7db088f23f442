import { describe, expect, it } from 'vitest';
import { clampCursor, columnWidths, scrollOffset, type ColumnSpec } from '../../src/views/table-layout.js';

// The hosts table's columns (src/views/HostsTable.tsx) and the containers table's.
const HOSTS: ColumnSpec[] = [
  { width: 8, flex: 1 },
  { width: 9 },
  { width: 10 },
  { width: 10 },
  { width: 8 },
  { width: 9 },
  { width: 12 },
  { width: 10, flex: 3 },
];
const CONTAINERS: ColumnSpec[] = [
  { width: 6 },
  { width: 12, flex: 2 },
  { width: 8 },
  { width: 4 },
  { width: 10 },
  { width: 12, flex: 1 },
  { width: 12, flex: 2 },
];

const used = (widths: number[]) => widths.reduce((s, w) => s + w, 0) + widths.length - 1;

describe('columnWidths', () => {
  it('gives flexible columns their share of the spare room', () => {
    // Fixed sum 20 + 2 gaps = 22; 30 spare split 1:2.
    expect(columnWidths([{ width: 5 }, { width: 5, flex: 1 }, { width: 10, flex: 2 }], 52)).toEqual([5, 15, 30]);
    // Rounding leftovers go to the largest flexible column (the last of equals).
    expect(columnWidths([{ width: 1, flex: 1 }, { width: 1, flex: 1 }, { width: 1, flex: 1 }], 15)).toEqual([4, 4, 5]);
  });

  it('fills the width exactly whenever there is room', () => {
    for (const cols of [HOSTS, CONTAINERS]) {
      const min = used(cols.map((c) => c.width));
      for (let total = min; total <= 300; total++) {
        const widths = columnWidths(cols, total);
        expect(used(widths), `total ${total}`).toBe(total);
        widths.forEach((w, i) => expect(w).toBeGreaterThanOrEqual(cols[i]!.width));
      }
    }
  });

  it('is never wider than the total when narrow, shrinking from the right', () => {
    expect(columnWidths([{ width: 10 }, { width: 10 }, { width: 10, flex: 1 }], 25)).toEqual([10, 10, 3]);
    expect(columnWidths([{ width: 10 }, { width: 10 }, { width: 10, flex: 1 }], 12)).toEqual([8, 1, 1]);
    for (const cols of [HOSTS, CONTAINERS]) {
      const min = used(cols.map((c) => c.width));
      // Down to one column per field plus the gaps.
      for (let total = min - 1; total >= 2 * cols.length - 1; total--) {
        const widths = columnWidths(cols, total);
        expect(used(widths), `total ${total}`).toBe(total);
        expect(Math.min(...widths)).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('keeps fixed widths when no column is flexible', () => {
    expect(columnWidths([{ width: 4 }, { width: 6 }], 40)).toEqual([4, 6]);
  });
});

describe('scrollOffset', () => {
  it('is 0 when everything fits or there is no room', () => {
    expect(scrollOffset(5, 3, 10, 10)).toBe(0);
    expect(scrollOffset(5, 3, 0, 100)).toBe(0);
  });

  it('moves as little as possible to keep the cursor visible', () => {
    expect(scrollOffset(0, 9, 10, 100)).toBe(0);
    expect(scrollOffset(0, 10, 10, 100)).toBe(1);
    expect(scrollOffset(0, 99, 10, 100)).toBe(90);
    expect(scrollOffset(90, 95, 10, 100)).toBe(90);
    expect(scrollOffset(90, 89, 10, 100)).toBe(89);
    expect(scrollOffset(40, 0, 10, 100)).toBe(0);
  });

  it('pulls back when the list shrank below the previous offset', () => {
    expect(scrollOffset(90, 20, 10, 25)).toBe(15);
    expect(scrollOffset(90, 24, 10, 25)).toBe(15);
  });
});

describe('clampCursor', () => {
  it('clamps into [0, count - 1], and 0 for an empty list', () => {
    expect(clampCursor(5, 0)).toBe(0);
    expect(clampCursor(-1, 10)).toBe(0);
    expect(clampCursor(3, 10)).toBe(3);
    expect(clampCursor(10, 10)).toBe(9);
    expect(clampCursor(1000, 10)).toBe(9);
  });
});
