import type { FleetState } from '../../store/state.js';
import type { Route, SortState } from '../routes.js';
import type { Column } from '../Table.js';

/** One line of text in coloured pieces. */
export type SummaryLine = Array<{ text: string; color?: string; bold?: boolean; dim?: boolean }>;

/** A table screen as data: the App renders, filters, sorts and navigates any of these the same way. */
export interface TableScreen<Row> {
  title(route: Route): string;
  columns: readonly Column<Row>[];
  rows(state: FleetState, route: Route): Row[];
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

/** The rows a screen shows: filtered by `/` (substring, any case), then sorted. Pure. */
export function viewRows<Row>(screen: TableScreen<Row>, state: FleetState, route: Route, filter: string, sort: SortState | null): Row[] {
  let rows = screen.rows(state, route);
  const needle = filter.trim().toLowerCase();
  if (needle) rows = rows.filter((r) => screen.search(r).toLowerCase().includes(needle));
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
