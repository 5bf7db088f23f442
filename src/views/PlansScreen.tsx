import { Box, Text } from 'ink';
import { useLayoutEffect, useRef } from 'react';
import type { PlanActions } from '../app/ports.js';
import { fit } from '../render/format.js';
import { printable } from '../render/printable.js';
import { clampCursor, scrollOffset } from './table-layout.js';

/** `:plans`: the configured degradation plans (name, description, steps); Enter previews one. */
export function PlansScreen({ plans, cursor, height, width, onLines, canRestore }: {
  plans: PlanActions;
  cursor: number;
  height: number;
  width: number;
  onLines: (count: number) => void;
  canRestore: boolean;
}) {
  const list = plans.list();
  useLayoutEffect(() => onLines(list.length), [onLines, list.length]);
  const rows = Math.max(0, height - 2);
  const at = clampCursor(cursor, list.length);
  const offset = useRef(0);
  offset.current = scrollOffset(offset.current, at, rows, list.length);
  const nameW = Math.min(24, Math.max(4, ...list.map((p) => p.name.length)));
  const descW = Math.max(1, width - nameW - 7 - 2);
  const line = (name: string, desc: string, steps: string) => `${fit(name, nameW)} ${fit(steps, 5)} ${fit(desc, descW)}`;
  if (height <= 0) return null;
  return (
    <Box flexDirection="column" height={height}>
      <Text color="gray" wrap="truncate">
        {fit(`⏎ preview${canRestore ? ' · R restore the last run' : ''} · esc back`, width)}
      </Text>
      {height > 1 ? (
        <Text bold wrap="truncate">
          {fit(line('NAME', 'DESCRIPTION', 'STEPS'), width)}
        </Text>
      ) : null}
      {list.length === 0 ? <Text dimColor>{fit('no plans', width)}</Text> : null}
      {list.slice(offset.current, offset.current + rows).map((p, i) => (
        <Text key={p.name} inverse={offset.current + i === at} wrap="truncate">
          {fit(line(printable(p.name), printable(p.description), String(p.steps)), width)}
        </Text>
      ))}
    </Box>
  );
}
