import { Box, Text } from 'ink';
import { useLayoutEffect, useMemo } from 'react';
import { detailLines } from '../render/detail-lines.js';
import { fit } from '../render/format.js';
import { useInspect } from './use-inspect.js';

export interface ScrollScreenProps {
  host: string;
  id: string;
  scroll: number;
  height: number;
  width: number;
  /** Reports how many lines the screen has, so scrolling keys can clamp. */
  onLines: (count: number) => void;
}

/**
 * How many positions `scroll` (the first line shown) can take: the last one shows the last page. Reported
 * through onLines instead of the raw line count, so the cursor stops where the view stops and `k` after
 * `G` scrolls at once rather than first walking back through positions that all show the same page.
 */
export function scrollPositions(lineCount: number, rows: number): number {
  return Math.max(0, lineCount - Math.max(1, rows)) + 1;
}

/** Container detail from inspect: a status line (loading, error, or the keys), then the lines, scrolled. */
export function DetailScreen({ host, id, scroll, height, width, onLines, reveal }: ScrollScreenProps & { reveal: boolean }) {
  const { data, error } = useInspect(host, id);
  const lines = useMemo(() => (data ? detailLines(host, data, reveal) : []), [host, data, reveal]);
  const rows = Math.max(0, height - 1);
  const positions = scrollPositions(lines.length, rows);
  // In the commit, not after it: a key read right after this frame must clamp to these lines.
  useLayoutEffect(() => onLines(positions), [onLines, positions]);
  const start = Math.max(0, Math.min(scroll, positions - 1));

  let status: string;
  let color: string | undefined;
  if (error) {
    status = error;
    color = 'yellow';
  } else if (!data) {
    status = `loading ${id.slice(0, 12)} on ${host}…`;
  } else {
    status = `x ${reveal ? 'hides' : 'reveals'} secret env values · l log · esc back`;
    color = 'gray';
  }
  if (height <= 0) return null;
  return (
    <Box flexDirection="column" height={height}>
      <Text color={color} wrap="truncate">
        {fit(status, width)}
      </Text>
      {lines.slice(start, start + rows).map((line, i) => (
        <Text key={start + i} wrap="truncate">
          {fit(line, width)}
        </Text>
      ))}
    </Box>
  );
}
