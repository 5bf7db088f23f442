import type { FleetState } from '../../store/state.js';
import type { Route, SortState } from '../routes.js';
import { sameElements } from '../equality.js';
import type { Column } from '../Table.js';

/** One line of text in coloured pieces. */
export type SummaryLine = Array<{ text: string; color?: string; bold?: boolean; dim?: boolean }>;

/** A table screen as data: the App renders, filters, sorts and navigates any of these the same way. */
export interface TableScreen<Row> {
  title(route: Route): string;
  columns: readonly Column<Row>[];
  rows(state: FleetState, route: Route): Row[];
  /**
   * The same rows in groups (one per host) whose arrays stay the same objects while their rows do: a filter
   * then re-runs only on the groups that changed. Optional; `rows` is used without it.
   */
  rowGroups?(state: FleetState, route: Route): ReadonlyArray<readonly Row[]>;
  key(row: Row): string;
  /** The text `/` matches against (name, IPs, …). */
  search(row: Row): string;
  /** Enter. */
  open?(row: Row, route: Route): Route | null;
  /** `d`. */
  detail?(row: Row): Route | null;
  /** `l`. */
  logs?(row: Row): Route | null;
  /**
   * Lines above the table (the IP view's pools and problems). The view shows as many as leave the table
   * room, and none on a very short terminal; `width` is the room for each line.
   */
  summary?(state: FleetState, width: number): SummaryLine[];
  /** Containers whose stats the rows show, so the sampler takes them first. */
  sampled?(rows: readonly Row[]): Array<{ host: string; id: string }>;
  empty: string;
}

function compare(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

// The lower-cased search text of a row object: screens reuse unchanged rows, so a filter over 10,000
// containers builds only the texts of the rows that changed.
const searchCache = new WeakMap<object, string>();

function searchText<Row>(screen: TableScreen<Row>, row: Row): string {
  if (typeof row !== 'object' || row === null) return screen.search(row).toLowerCase();
  let text = searchCache.get(row);
  if (text === undefined) searchCache.set(row, (text = screen.search(row).toLowerCase()));
  return text;
}

// A group's rows that matched a needle, kept with the group's array.
const groupMatches = new WeakMap<readonly unknown[], { needle: string; rows: readonly unknown[] }>();

function filtered<Row>(screen: TableScreen<Row>, state: FleetState, route: Route, needle: string): Row[] {
  if (!screen.rowGroups) {
    const rows = screen.rows(state, route);
    return needle ? rows.filter((r) => searchText(screen, r).includes(needle)) : rows;
  }
  const out: Row[] = [];
  for (const group of screen.rowGroups(state, route)) {
    if (!needle) {
      for (const r of group) out.push(r);
      continue;
    }
    let hit = groupMatches.get(group) as { needle: string; rows: readonly Row[] } | undefined;
    if (!hit || hit.needle !== needle) {
      hit = { needle, rows: group.filter((r) => searchText(screen, r).includes(needle)) };
      groupMatches.set(group, hit);
    }
    for (const r of hit.rows) out.push(r);
  }
  return out;
}

/** The rows a screen shows: filtered by `/` (substring, any case), then sorted. Pure. */
export function viewRows<Row>(screen: TableScreen<Row>, state: FleetState, route: Route, filter: string, sort: SortState | null): Row[] {
  let rows = filtered(screen, state, route, filter.trim().toLowerCase());
  const col = sort ? screen.columns[sort.column] : undefined;
  if (sort && col) {
    const key = col.sort ?? col.value;
    const dir = sort.desc ? -1 : 1;
    rows = rows
      .map((row, i) => ({ row, i, k: key(row) }))
      .sort((a, b) => dir * compare(a.k, b.k) || a.i - b.i)
      .map((x) => x.row);
  }
  return rows;
}

/**
 * `viewRows` as a selector for one view (screen, route, filter, sort): computed once per store state, and
 * the previous array returned while it holds the same row objects, so the table and each of its rows can
 * select from it on every commit for the price of one computation.
 */
export function createRowsSelector<Row>(screen: TableScreen<Row>, route: Route, filter: string, sort: SortState | null): (state: FleetState) => readonly Row[] {
  let last: { state: FleetState; rows: readonly Row[] } | null = null;
  return (state) => {
    if (last?.state === state) return last.rows;
    const rows = viewRows(screen, state, route, filter, sort);
    const prev = last?.rows;
    last = { state, rows: prev !== undefined && sameElements(prev, rows) ? prev : rows };
    return last.rows;
  };
}

// One rows selector per view, shared by whoever shows that view (the table, the heading's count): the rows
// are computed once per commit however many ask. By route object (a nav entry keeps its route while it
// lives); only its latest filter and sort, so typing a filter does not keep a selector per keystroke.
const viewSelectors = new WeakMap<Route, { key: string; select: (state: FleetState) => readonly unknown[] }>();

/** The memoized rows selector (createRowsSelector) of a view: the same function while the view is the same. */
export function rowsSelectorFor<Row>(screen: TableScreen<Row>, view: { route: Route; filter: string; sort: SortState | null }): (state: FleetState) => readonly Row[] {
  const key = `${view.filter}\u0000${view.sort ? `${view.sort.column}:${view.sort.desc}` : ''}`;
  let entry = viewSelectors.get(view.route);
  if (!entry || entry.key !== key) viewSelectors.set(view.route, (entry = { key, select: createRowsSelector(screen, view.route, view.filter, view.sort) }));
  return entry.select as (state: FleetState) => readonly Row[];
}
