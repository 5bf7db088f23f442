import { Box, Text } from 'ink';
import { memo, useCallback, useEffect, useMemo, useRef, type ReactElement } from 'react';
import type { FleetState } from '../store/state.js';
import { useActions } from './actions-context.js';
import type { NavEntry } from './routes.js';
import { rowsSelectorFor, type SummaryLine, type TableScreen } from './screens/table-screen.js';
import { sameElements } from './equality.js';
import { useFleetWith } from './store-context.js';
import { fitSummaryLine, sameSummary, summaryToShow } from './summary-block.js';
import { Table } from './Table.js';
import { clampCursor, scrollOffset } from './table-layout.js';

interface TableViewProps<Row> {
  screen: TableScreen<Row>;
  nav: NavEntry;
  /** Ignored: the view selects its rows from the store (issue 14). Accepted while callers still pass them. */
  rows?: readonly Row[];
  height: number;
  width: number;
}

/** What the table itself draws: which rows are in view, where the cursor is, which containers to sample. */
interface TableWindow {
  count: number;
  cursor: number;
  offset: number;
  keys: readonly string[];
  sampled: ReadonlyArray<{ host: string; id: string }>;
  sampledKey: string;
}

function tableWindow<Row>(screen: TableScreen<Row>, rows: readonly Row[], navCursor: number, previousOffset: number, bodyHeight: number): TableWindow {
  const cursor = clampCursor(navCursor, rows.length);
  const offset = scrollOffset(previousOffset, cursor, bodyHeight, rows.length);
  const visible = rows.slice(offset, offset + bodyHeight);
  const sampled = screen.sampled?.(visible) ?? [];
  return { count: rows.length, cursor, offset, keys: visible.map((r) => screen.key(r)), sampled, sampledKey: sampled.map((v) => `${v.host}/${v.id}`).join(',') };
}

// A new sample changes the objects of the rows it touches, not which rows are in view: the table stays.
const sameWindow = (a: TableWindow, b: TableWindow): boolean =>
  a.count === b.count && a.cursor === b.cursor && a.offset === b.offset && a.sampledKey === b.sampledKey && sameElements(a.keys, b.keys);

const NO_SUMMARY: SummaryLine[] = [];

/**
 * Any table screen: only the visible rows are drawn, and only they are sampled first. The view selects its
 * rows' keys and each row its own object, so a store commit redraws the table only when the rows in view
 * change, and a row only when its own object does (issue 14).
 */
function TableViewBody<Row>({ screen, nav, height, width }: TableViewProps<Row>) {
  const { route, filter, sort } = nav;
  const select = useMemo(() => rowsSelectorFor(screen, { route, filter, sort }), [screen, route, filter, sort]);
  // The summary (issue 4's IP pools) takes its lines from the table: the frame never grows.
  const selectSummary = useCallback((s: FleetState) => screen.summary?.(s, width) ?? NO_SUMMARY, [screen, width]);
  const allSummary = useFleetWith(selectSummary, sameSummary);
  const summary = useMemo(() => summaryToShow(allSummary, height).map((l) => fitSummaryLine(l, width)), [allSummary, width, height]);
  const tableHeight = height - summary.length;
  const bodyHeight = Math.max(0, tableHeight - 1);
  const offsetRef = useRef(0);
  const view = useFleetWith((s) => tableWindow(screen, select(s), nav.cursor, offsetRef.current, bodyHeight), sameWindow);
  offsetRef.current = view.offset;

  const actions = useActions();
  useEffect(() => {
    actions.setVisible([...view.sampled]);
    // Keyed by the ids, not the array: a new array with the same containers is not a change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [actions, view.sampledKey]);

  const table = (
    <Table
      columns={screen.columns}
      select={select}
      keys={view.keys}
      cursor={view.cursor}
      offset={view.offset}
      height={tableHeight}
      width={width}
      sort={sort}
      empty={filter ? `nothing matches "${filter}"` : screen.empty}
    />
  );
  if (summary.length === 0) return table;
  return (
    <Box flexDirection="column" height={height}>
      {summary.map((line, i) => (
        <Text key={i} wrap="truncate">
          {line.map((piece, j) => (
            <Text key={j} color={piece.color} bold={piece.bold} dimColor={piece.dim}>
              {piece.text}
            </Text>
          ))}
        </Text>
      ))}
      {table}
    </Box>
  );
}

// `rows` is left out of the comparison: a parent that still computes them passes a new array every commit.
const sameProps = <Row,>(a: TableViewProps<Row>, b: TableViewProps<Row>): boolean =>
  a.screen === b.screen && a.nav === b.nav && a.height === b.height && a.width === b.width;

// memo() drops the type parameter; the props are checked where TableView is used.
export const TableView = memo(TableViewBody, sameProps) as <Row>(props: TableViewProps<Row>) => ReactElement | null;
