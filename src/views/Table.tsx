import { Box, Text } from 'ink';
import { useMemo } from 'react';
import stringWidth from 'string-width';
import { fit } from '../render/format.js';
import type { FleetState } from '../store/state.js';
import { columnWidths, visibleColumns, type ColumnSpec } from './table-layout.js';
import { TableRow } from './TableRow.js';

export interface Column<Row> extends ColumnSpec {
  header: string;
  value: (row: Row) => string;
  /** What `o` sorts by, when the shown text would sort wrongly (sizes, percentages). */
  sort?: (row: Row) => string | number;
  color?: (row: Row) => string | undefined;
}

interface TableProps<Row> {
  columns: readonly Column<Row>[];
  /** The screen's rows as a memoized selector: each row selects its own, the table only their keys. */
  select: (state: FleetState) => readonly Row[];
  /** The keys of the rows in view, from `offset` on. */
  keys: readonly string[];
  cursor: number;
  /** The first row shown (see scrollOffset). */
  offset: number;
  /** Lines available, the header included. */
  height: number;
  width: number;
  empty?: string;
  sort?: { column: number; desc: boolean } | null;
}

/** A header, with the sort mark kept visible however narrow the column. */
function headerCell(header: string, width: number, desc: boolean | null): string {
  if (desc === null) return fit(header, width);
  const room = Math.max(0, width - 1);
  return `${stringWidth(header) > room ? fit(header, room + 1).slice(0, room) : header}${desc ? '▼' : '▲'}`.padEnd(width);
}

/** Renders only the rows that fit (engine-facts.md: 2,000 rows cost over 100 ms a frame). */
export function Table<Row>({ columns, select, keys, cursor, offset, height, width, empty, sort }: TableProps<Row>) {
  // The same arrays while the columns and the width stay: the rows compare them by identity.
  const { shownIdx, shown, widths } = useMemo(() => {
    const idx = visibleColumns(columns, width);
    const cols = idx.map((i) => columns[i]!);
    return { shownIdx: idx, shown: cols, widths: columnWidths(cols, width) };
  }, [columns, width]);
  return (
    <Box flexDirection="column" height={height}>
      <Text bold wrap="truncate">
        {shown.map((c, i) => headerCell(c.header, widths[i]!, sort && sort.column === shownIdx[i] ? sort.desc : null)).join(' ')}
      </Text>
      {keys.length === 0 && empty ? <Text dimColor>{fit(empty, width)}</Text> : null}
      {keys.map((key, i) => (
        <TableRow key={key} select={select} index={offset + i} columns={shown} widths={widths} selected={offset + i === cursor} />
      ))}
    </Box>
  );
}
