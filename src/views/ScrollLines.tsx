import { Box, Text } from 'ink';
import { useLayoutEffect } from 'react';
import { scrollPositions } from './DetailScreen.js';
import { fit } from '../render/format.js';
import type { ScreenLine } from './plan-lines.js';

/**
 * A status line, then `lines` scrolled from `scroll`: only the rows that fit are drawn, each cut to the
 * width. Reports its scroll positions so the cockpit's j/k/G clamp as on the detail screen.
 */
export function ScrollLines({ status, lines, scroll, height, width, onLines }: {
  status: ScreenLine;
  lines: readonly ScreenLine[];
  scroll: number;
  height: number;
  width: number;
  onLines: (count: number) => void;
}) {
  const rows = Math.max(0, height - 1);
  const positions = scrollPositions(lines.length, rows);
  useLayoutEffect(() => onLines(positions), [onLines, positions]);
  const start = Math.max(0, Math.min(scroll, positions - 1));
  if (height <= 0) return null;
  return (
    <Box flexDirection="column" height={height}>
      <Text color={status.color} bold={status.bold} wrap="truncate">
        {fit(status.text, width)}
      </Text>
      {lines.slice(start, start + rows).map((l, i) => (
        <Text key={start + i} color={l.color} bold={l.bold} wrap="truncate">
          {fit(l.text, width)}
        </Text>
      ))}
    </Box>
  );
}
