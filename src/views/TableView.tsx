import { Box, Text } from 'ink';
import { useEffect, useMemo, useRef } from 'react';
import { useActions } from './actions-context.js';
import type { NavEntry } from './routes.js';
import type { TableScreen } from './screens/table-screen.js';
import { useFleet } from './store-context.js';
import { fitSummaryLine, summaryToShow } from './summary-block.js';
import { Table } from './Table.js';
import { clampCursor, scrollOffset } from './table-layout.js';

interface TableViewProps<Row> {
  screen: TableScreen<Row>;
  nav: NavEntry;
  /** The screen's rows, already filtered and sorted (viewRows). */
  rows: readonly Row[];
  height: number;
  width: number;
}

/** Any table screen: only the visible rows are drawn, and only they are sampled first. */
export function TableView<Row>({ screen, nav, rows, height, width }: TableViewProps<Row>) {
  // The summary (issue 4's IP pools) takes its lines from the table: the frame never grows.
  const state = useFleet((s) => s);
  const summary = useMemo(
    () => summaryToShow(screen.summary?.(state, width) ?? [], height).map((l) => fitSummaryLine(l, width)),
    [screen, state, width, height],
  );
  const tableHeight = height - summary.length;
  const cursor = clampCursor(nav.cursor, rows.length);
  const offsetRef = useRef(0);
  const bodyHeight = Math.max(0, tableHeight - 1);
  const offset = scrollOffset(offsetRef.current, cursor, bodyHeight, rows.length);
  offsetRef.current = offset;

  const actions = useActions();
  const visible = screen.sampled?.(rows.slice(offset, offset + bodyHeight)) ?? [];
  const visibleKey = visible.map((v) => `${v.host}/${v.id}`).join(',');
  useEffect(() => {
    actions.setVisible(visible);
    // Keyed by the ids, not the array: a new array with the same containers is not a change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [actions, visibleKey]);

  const table = (
    <Table
      columns={screen.columns}
      rows={rows}
      rowKey={screen.key}
      cursor={cursor}
      offset={offset}
      height={tableHeight}
      width={width}
      sort={nav.sort}
      empty={nav.filter ? `nothing matches "${nav.filter}"` : screen.empty}
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
