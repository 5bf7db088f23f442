import { describe, expect, it, vi } from 'vitest';
import { initialFleetState } from '../../src/store/state.js';
import { containersScreen } from '../../src/views/screens/containers-screen.js';
import { viewRows, type TableScreen } from '../../src/views/screens/table-screen.js';
import { cockpitFleet } from './cockpit-fleet.js';

vi.mock('react', () => {
  throw new Error('table screens must not import react');
});

interface Row {
  id: string;
  name: string;
  size: number;
  group: string;
}

const ROWS: Row[] = [
  { id: 'a', name: 'svc-10', size: 10, group: 'x' },
  { id: 'b', name: 'svc-9', size: 9, group: 'y' },
  { id: 'c', name: 'Svc-100', size: 100, group: 'x' },
  { id: 'd', name: 'svc-2', size: 2, group: 'y' },
  { id: 'e', name: 'other', size: 9, group: 'x' },
];

/** A screen over fixed rows; `size` shows as text that would sort wrongly, so it has a numeric sort key. */
const screen: TableScreen<Row> = {
  title: () => 'test',
  columns: [
    { header: 'NAME', width: 8, value: (r) => r.name },
    { header: 'SIZE', width: 6, value: (r) => `${r.size}MiB`, sort: (r) => r.size },
    { header: 'GROUP', width: 5, value: (r) => r.group },
    { header: 'RAW', width: 6, value: (r) => `${r.size}MiB` },
  ],
  rows: () => ROWS.map((r) => ({ ...r })),
  key: (r) => r.id,
  search: (r) => `${r.name} ${r.group}`,
  empty: 'none',
};

const S = initialFleetState();
const ids = (filter: string, sort: { column: number; desc: boolean } | null = null) =>
  viewRows(screen, S, { kind: 'hosts' }, filter, sort).map((r) => r.id);

describe('viewRows: the / filter', () => {
  it('no filter (or only spaces) keeps every row in the screen order', () => {
    expect(ids('')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(ids('   ')).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('is a substring match in any case, on the search text', () => {
    expect(ids('svc-1')).toEqual(['a', 'c']);
    expect(ids('SVC-1')).toEqual(['a', 'c']);
    expect(ids('svc')).toEqual(['a', 'b', 'c', 'd']);
    expect(ids(' ther ')).toEqual(['e']);
    // The search text includes fields not shown first (group), but not the shown-only text (MiB).
    expect(ids('y')).toEqual(['b', 'd']);
    expect(ids('mib')).toEqual([]);
    expect(ids('nothing')).toEqual([]);
  });

  it('matches IPs on the containers screen, whole or in part', () => {
    const state = cockpitFleet();
    const names = (filter: string) => viewRows(containersScreen, state, { kind: 'containers' }, filter, null).map((c) => c.name);
    expect(names('10.88.1.10')).toEqual(['web-1']);
    expect(names('10.88.1.11')).toEqual(['api-1', 'db-2']);
    expect(names('10.88.2.')).toEqual(['web-2']);
    expect(names('10.88')).toEqual(['api-1', 'web-1', 'db-2', 'web-2']);
    expect(names('H2')).toEqual(['db-2', 'web-2']);
  });
});

describe('viewRows: sort', () => {
  it('a column with a numeric sort key sorts by number, not by the shown text', () => {
    expect(ids('', { column: 1, desc: false })).toEqual(['d', 'b', 'e', 'a', 'c']);
    expect(ids('', { column: 1, desc: true })).toEqual(['c', 'a', 'b', 'e', 'd']);
  });

  it('a text column sorts by its shown text, digits as numbers, any case', () => {
    expect(ids('', { column: 0, desc: false })).toEqual(['e', 'd', 'b', 'a', 'c']);
    expect(ids('', { column: 3, desc: false })).toEqual(['d', 'b', 'e', 'a', 'c']);
  });

  it('is stable: equal keys keep the screen order, ascending and descending', () => {
    expect(ids('', { column: 2, desc: false })).toEqual(['a', 'c', 'e', 'b', 'd']);
    expect(ids('', { column: 2, desc: true })).toEqual(['b', 'd', 'a', 'c', 'e']);
    // b and e have the same size (9): b stays before e both ways.
    expect(ids('', { column: 1, desc: false }).filter((id) => id === 'b' || id === 'e')).toEqual(['b', 'e']);
    expect(ids('', { column: 1, desc: true }).filter((id) => id === 'b' || id === 'e')).toEqual(['b', 'e']);
  });

  it('sorts only the rows the filter kept', () => {
    expect(ids('svc', { column: 1, desc: true })).toEqual(['c', 'a', 'b', 'd']);
  });

  it('a sort column that does not exist (the screen changed) leaves the order alone', () => {
    expect(ids('', { column: 9, desc: true })).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('does not reorder what the screen returned', () => {
    const rows = ROWS.map((r) => ({ ...r }));
    const fixed: TableScreen<Row> = { ...screen, rows: () => rows };
    viewRows(fixed, S, { kind: 'hosts' }, '', { column: 1, desc: false });
    expect(rows.map((r) => r.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
