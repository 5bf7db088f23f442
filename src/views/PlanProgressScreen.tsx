import { useMemo } from 'react';
import { formatElapsed, runElapsed } from './plan-progress.js';
import { progressLines, type ScreenLine } from './plan-lines.js';
import { isPlanRunning } from '../store/own-runs.js';
import { useFleet } from './store-context.js';
import { ScrollLines } from './ScrollLines.js';
import { useRunningClock } from './use-running-clock.js';

/** Live progress of an apply or restore, per host and step; the end status stays on screen. */
export function PlanProgressScreen({ scroll, height, width, onLines, canCancel, canRestore }: {
  scroll: number;
  height: number;
  width: number;
  onLines: (count: number) => void;
  canCancel: boolean;
  canRestore: boolean;
}) {
  const run = useFleet((s) => s.runs.plan);
  const running = isPlanRunning(run);
  const now = useRunningClock(running);
  const lines = useMemo((): ScreenLine[] => {
    if (!run) return [{ text: 'no run yet: apply a plan from its preview', color: 'gray' }];
    const out: ScreenLine[] = [];
    if (run.error) out.push({ text: `error: ${run.error}`, color: 'red', bold: true });
    if (!run.progress) {
      out.push({ text: `${run.kind === 'restore' ? 'restoring' : 'applying'} ${run.plan}: waiting for the first report · ${formatElapsed((run.endedAt ?? now) - run.startedAt)}`, color: 'cyan' });
      return out;
    }
    const elapsed = runElapsed(run.progress, run.endedAt ?? now, run.endedAt);
    return [...out, ...progressLines(run.progress, Number.isFinite(elapsed) ? elapsed : (run.endedAt ?? now) - run.startedAt)];
  }, [run, now]);
  const keys = [running && canCancel && run?.cancellable ? 'c cancel' : '', !running && canRestore ? 'R restore the last run' : '', 'j/k scroll', 'esc back'];
  const status: ScreenLine = { text: keys.filter(Boolean).join(' · '), color: 'gray' };
  return <ScrollLines status={status} lines={lines} scroll={scroll} height={height} width={width} onLines={onLines} />;
}
