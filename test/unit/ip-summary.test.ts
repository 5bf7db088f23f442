import { describe, expect, it, vi } from 'vitest';
import { usageBar } from '../../src/views/screens/ips-screen.js';
import { fitSummaryLine, summaryToShow } from '../../src/views/summary-block.js';
import type { SummaryLine } from '../../src/views/screens/table-screen.js';

vi.mock('react', () => {
  throw new Error('the IP screen and its summary layout must not import react');
});

// Issue 4: the IP view's summary block, pure: usage bars, how many lines a body can spare, cutting to width.

describe('usageBar', () => {
  it('fills in proportion', () => {
    expect(usageBar({ size: 100, used: 50, free: 50 }, 10)).toBe('█████░░░░░');
    expect(usageBar({ size: 100, used: 0, free: 100 }, 10)).toBe('░░░░░░░░░░');
    expect(usageBar({ size: 100, used: 100, free: 0 }, 10)).toBe('██████████');
  });

  it('one block as soon as anything is used; never full while something is free', () => {
    expect(usageBar({ size: 65531, used: 1, free: 65530 }, 12)).toBe('█░░░░░░░░░░░');
    expect(usageBar({ size: 100, used: 99, free: 1 }, 10)).toBe('█████████░');
  });

  it('an empty pool or range (size 0) draws an empty bar', () => {
    expect(usageBar({ size: 0, used: 0, free: 0 }, 4)).toBe('░░░░');
  });
});

const line = (text: string): SummaryLine => [{ text }];
const lines = (n: number) => Array.from({ length: n }, (_, i) => line(`l${i}`));

describe('summaryToShow', () => {
  it('all lines when they fit in a third of the body', () => {
    expect(summaryToShow(lines(3), 20)).toEqual(lines(3));
    expect(summaryToShow(lines(6), 20)).toEqual(lines(6));
  });

  it('more than a third: the last shown line says how many are left out', () => {
    expect(summaryToShow(lines(8), 20)).toEqual([...lines(5), [{ text: '… 3 more lines (a taller terminal shows them)', dim: true }]]);
    expect(summaryToShow(lines(4), 10)).toEqual([...lines(2), [{ text: '… 2 more lines (a taller terminal shows them)', dim: true }]]);
  });

  it('none on a very short body, or when there is nothing', () => {
    expect(summaryToShow(lines(2), 9)).toEqual([]);
    expect(summaryToShow([], 50)).toEqual([]);
  });
});

describe('fitSummaryLine', () => {
  it('keeps a line that fits, whole', () => {
    const l: SummaryLine = [{ text: 'lan ', bold: true }, { text: '███░', color: 'green' }];
    expect(fitSummaryLine(l, 8)).toEqual(l);
  });

  it('cuts at the width, marking the cut, and drops the pieces after it', () => {
    const l: SummaryLine = [{ text: 'lan ', bold: true }, { text: '10.88.0.0/16', color: 'green' }, { text: ' more' }];
    expect(fitSummaryLine(l, 10)).toEqual([{ text: 'lan ', bold: true }, { text: '10.88…', color: 'green' }]);
  });

  it('counts wide characters as two columns', () => {
    expect(fitSummaryLine([{ text: '新闻新闻' }], 5)).toEqual([{ text: '新闻…' }]);
  });
});
