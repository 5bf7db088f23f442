// Pure layout for virtualized tables: which rows are visible and how wide each column is.

export interface ColumnSpec {
  /** Fixed width, or the minimum width of a flexible column. */
  width: number;
  /** Share of the remaining width; 0 for fixed columns. */
  flex?: number;
  /** When the terminal is too narrow, columns with a `drop` go first, the highest number first. */
  drop?: number;
}

/**
 * Which columns to show at this width: the droppable ones leave, highest `drop` first, until the rest fit
 * at their minimum widths. Returns the indexes kept, in order.
 */
export function visibleColumns(columns: readonly ColumnSpec[], total: number): number[] {
  const kept = columns.map((_, i) => i);
  const need = () => kept.reduce((s, i) => s + columns[i]!.width, 0) + Math.max(0, kept.length - 1);
  const droppable = kept.filter((i) => columns[i]!.drop !== undefined).sort((a, b) => columns[b]!.drop! - columns[a]!.drop! || b - a);
  for (const i of droppable) {
    if (need() <= total) break;
    kept.splice(kept.indexOf(i), 1);
  }
  return kept;
}

/** Column widths that fill `total` columns exactly (one space between columns), never wider. */
export function columnWidths(columns: readonly ColumnSpec[], total: number): number[] {
  const gaps = Math.max(0, columns.length - 1);
  const fixed = columns.reduce((s, c) => s + c.width, 0) + gaps;
  const flexTotal = columns.reduce((s, c) => s + (c.flex ?? 0), 0);
  let spare = total - fixed;
  if (spare < 0) {
    // Too narrow: shrink from the right, keeping at least one column per field.
    const widths = columns.map((c) => c.width);
    let over = -spare;
    for (let i = widths.length - 1; i >= 0 && over > 0; i--) {
      const cut = Math.min(over, widths[i]! - 1);
      widths[i] = widths[i]! - cut;
      over -= cut;
    }
    return widths;
  }
  if (flexTotal === 0) return columns.map((c) => c.width);
  const widths = columns.map((c) => c.width + Math.floor((spare * (c.flex ?? 0)) / flexTotal));
  spare = total - gaps - widths.reduce((s, w) => s + w, 0);
  const lastFlex = columns.map((c) => c.flex ?? 0).lastIndexOf(Math.max(...columns.map((c) => c.flex ?? 0)));
  widths[lastFlex] = widths[lastFlex]! + spare;
  return widths;
}

/** The first visible row, keeping the cursor in a window of `height` rows and moving as little as possible. */
export function scrollOffset(previous: number, cursor: number, height: number, count: number): number {
  if (height <= 0 || count <= height) return 0;
  let offset = Math.min(previous, count - height);
  if (cursor < offset) offset = cursor;
  if (cursor >= offset + height) offset = cursor - height + 1;
  return Math.max(0, offset);
}

export function clampCursor(cursor: number, count: number): number {
  return count === 0 ? 0 : Math.max(0, Math.min(cursor, count - 1));
}
