import { Box, Text } from 'ink';
import { useLayoutEffect, useRef } from 'react';
import type { MoveTargets } from '../app/ports.js';
import { fit } from '../render/format.js';
import { targetHeader, targetLine, targetsTitle } from './move-lines.js';
import type { Loaded } from './use-move-flow.js';
import { clampCursor, scrollOffset } from './table-layout.js';

/** `m`: the other hosts, each with its free memory, its containers, the line's count and the preflight's verdict. */
export function MoveTargetsScreen({ loaded, cursor, height, width, onLines }: {
  loaded: Loaded<MoveTargets> | null;
  cursor: number;
  height: number;
  width: number;
  onLines: (count: number) => void;
}) {
  const data = loaded?.data ?? null;
  const targets = data?.targets ?? [];
  useLayoutEffect(() => onLines(targets.length), [onLines, targets.length]);
  const offset = useRef(0);
  const rows = Math.max(0, height - 2);
  const at = clampCursor(cursor, targets.length);
  offset.current = scrollOffset(offset.current, at, rows, targets.length);
  if (height <= 0) return null;
  let title: { text: string; color?: string; bold?: boolean };
  if (loaded?.error) title = { text: `error: ${loaded.error} · esc back`, color: 'red' };
  else if (!data) title = { text: 'reading the fleet: each host’s memory, containers and the preflight …', color: 'cyan' };
  else if (data.refusal) title = { text: `cannot move: ${data.refusal} · esc back`, color: 'red' };
  else title = targetsTitle(data);
  return (
    <Box flexDirection="column" height={height}>
      <Text color={title.color} bold={title.bold} wrap="truncate">
        {fit(title.text, width)}
      </Text>
      {data && !data.refusal && height > 1 ? (
        <Text bold wrap="truncate">
          {fit(targetHeader(), width)}
        </Text>
      ) : null}
      {data && !data.refusal && targets.length === 0 ? <Text dimColor>{fit('no other host is configured', width)}</Text> : null}
      {targets.slice(offset.current, offset.current + rows).map((t, i) => {
        const line = targetLine(t, data!.from);
        return (
          <Text key={t.host} color={line.color} inverse={offset.current + i === at} wrap="truncate">
            {fit(line.text, width)}
          </Text>
        );
      })}
    </Box>
  );
}
