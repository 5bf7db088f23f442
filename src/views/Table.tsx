import { Box, Text } from 'ink';
import stringWidth from 'string-width';
import { fit } from '../render/format.js';
import { columnWidths, visibleColumns, type ColumnSpec } from './table-layout.js';

export interface Column<Row> extends ColumnSpec {
  header: string;
  value: (row: Row) => string;
  /** What `o` sorts by, when the shown text would sort wrongly (sizes, percentages). */
  sort?: (row: Row) => string | number;
  color?: (row: Row) => string | undefined;
}

interface TableProps<Row> {
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
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
export function Table<Row>({ columns, rows, rowKey, cursor, offset, height, width, empty, sort }: TableProps<Row>) {
  const bodyHeight = Math.max(0, height - 1);
  const shownIdx = visibleColumns(columns, width);
  const shown = shownIdx.map((i) => columns[i]!);
  const widths = columnWidths(shown, width);
  const visible = rows.slice(offset, offset + bodyHeight);
  return (
    <Box flexDirection="column" height={height}>
      <Text bold wrap="truncate">
        {shown.map((c, i) => headerCell(c.header, widths[i]!, sort && sort.column === shownIdx[i] ? sort.desc : null)).join(' ')}
      </Text>
      {visible.length === 0 && empty ? <Text dimColor>{fit(empty, width)}</Text> : null}
      {visible.map((row, i) => {
        const selected = offset + i === cursor;
        return (
          <Text key={rowKey(row)} inverse={selected} wrap="truncate">
            {shown.map((c, j) => (
              <Text key={c.header} color={c.color?.(row)}>
                {fit(c.value(row), widths[j]!)}
                {j < shown.length - 1 ? ' ' : ''}
              </Text>
            ))}
          </Text>
        );
      })}
    </Box>
  );
}
