import type { EvacuationPlan } from '../migrate/evacuate-plan.js';
import type { PreflightResult } from '../migrate/preflight.js';
import type { Loaded } from './use-move-flow.js';
import { evacuationLines, evacuationStatus, movePreviewLines, movePreviewStatus } from './move-lines.js';
import type { ScreenLine } from './plan-lines.js';
import { printable } from '../render/printable.js';
import { ScrollLines } from './ScrollLines.js';
import { wrapLines } from './wrap-lines.js';

interface ScrollProps {
  scroll: number;
  height: number;
  width: number;
  onLines: (count: number) => void;
}

const loading = (what: string): ScreenLine => ({ text: `${what}: reading the fleet …`, color: 'cyan' });

/** The preview of one move (previewLines), what blocks it in red, and the "leave data behind" switch. */
export function MovePreviewScreen({ loaded, leaveData, ...scroll }: ScrollProps & { loaded: Loaded<PreflightResult> | null; leaveData: boolean }) {
  let status: ScreenLine;
  let lines: ScreenLine[] = [];
  const r = loaded?.data;
  if (loaded?.error) status = { text: `error: ${printable(loaded.error)} · esc back`, color: 'red' };
  else if (!r) status = loading('preflight');
  else if (!r.ok) status = { text: `cannot move (${r.blocker.code}): ${printable(r.blocker.message)} · esc back`, color: 'red' };
  else {
    status = movePreviewStatus(r.plan, leaveData);
    lines = movePreviewLines(r.plan);
  }
  return <ScrollLines status={status} lines={wrapLines(lines, scroll.width)} {...scroll} />;
}

/** `E` on a host: where each of its containers would go, what blocks, what cannot be placed. */
export function EvacuatePreviewScreen({ loaded, leaveData, hostState, ...scroll }: ScrollProps & { loaded: Loaded<EvacuationPlan> | null; leaveData: boolean; hostState: string }) {
  let status: ScreenLine;
  let lines: ScreenLine[] = [];
  const plan = loaded?.data;
  if (loaded?.error) status = { text: `error: ${printable(loaded.error)} · esc back`, color: 'red' };
  else if (!plan) status = loading('evacuation plan');
  else {
    status = evacuationStatus(plan, leaveData);
    lines = evacuationLines(plan, hostState);
  }
  return <ScrollLines status={status} lines={wrapLines(lines, scroll.width)} {...scroll} />;
}
