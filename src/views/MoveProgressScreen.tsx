import { useMemo } from 'react';
import { moveProgressLines } from './move-lines.js';
import { isMoveRunning } from '../store/own-runs.js';
import { useFleet } from './store-context.js';
import type { ScreenLine } from './plan-lines.js';
import { ScrollLines } from './ScrollLines.js';
import { wrapLines } from './wrap-lines.js';
import { useRunningClock } from './use-running-clock.js';

/** Live progress of a migration or evacuation, from its journal; the end (downtime, or why) stays on screen. */
export function MoveProgressScreen({ scroll, height, width, onLines, canCancel }: {
  scroll: number;
  height: number;
  width: number;
  onLines: (count: number) => void;
  canCancel: boolean;
}) {
  const run = useFleet((s) => s.runs.move);
  const running = isMoveRunning(run);
  const now = useRunningClock(running);
  const lines = useMemo(
    (): ScreenLine[] => wrapLines(run ? moveProgressLines(run, now) : [{ text: 'no migration yet: m on a container, E on a host', color: 'gray' }], width),
    [run, now, width],
  );
  // c cancels the moves not begun: an evacuation's queue. A single move has begun as soon as it runs.
  const cancellable = canCancel && run?.what === 'evacuate' && run.cancellable;
  const keys = running
    ? ['esc back (it keeps running; M shows it)', cancellable ? 'c cancel the rest' : '', 'j/k scroll']
    : ['j/k scroll', 'esc back'];
  const status: ScreenLine = { text: keys.filter(Boolean).join(' · '), color: running ? 'cyan' : 'gray' };
  return <ScrollLines status={status} lines={lines} scroll={scroll} height={height} width={width} onLines={onLines} />;
}
