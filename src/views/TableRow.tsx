import { Text } from 'ink';
import { memo, type ReactElement } from 'react';
import { fit } from '../render/format.js';
import type { FleetState } from '../store/state.js';
import { useFleet } from './store-context.js';
import type { Column } from './Table.js';

export interface TableRowProps<Row> {
  /** The screen's rows as a memoized selector (createRowsSelector). */
  select: (state: FleetState) => readonly Row[];
  /** This row's place in them. */
  index: number;
  columns: readonly Column<Row>[];
  widths: readonly number[];
  selected: boolean;
}

/**
 * One table row. It selects its own row object from the store, so a commit that replaces one row's object
 * (a stats sample of one container) re-renders that row only: screens keep the objects of unchanged rows
 * (issue 14). Memoized on its props: the table re-rendering (the cursor moved) redraws the two rows whose
 * `selected` changed.
 */
function TableRowView<Row>({ select, index, columns, widths, selected }: TableRowProps<Row>) {
  const row = useFleet((s) => select(s)[index]);
  if (row === undefined) return null;
  return (
    <Text inverse={selected} wrap="truncate">
      {columns.map((c, j) => (
        <Text key={c.header} color={c.color?.(row)}>
          {fit(c.value(row), widths[j]!)}
          {j < columns.length - 1 ? ' ' : ''}
        </Text>
      ))}
    </Text>
  );
}

// memo() drops the type parameter; the props are checked where TableRow is used.
export const TableRow = memo(TableRowView) as <Row>(props: TableRowProps<Row>) => ReactElement | null;
