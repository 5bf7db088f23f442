import { Box, Text } from 'ink';
import { useMemo } from 'react';
import type { PlanActions } from '../app/ports.js';
import { fit } from '../render/format.js';
import { blastRadius, blastRadiusText, refusedText, type PlanConfirm } from './plan-confirm.js';
import { previewLines, type ScreenLine } from './plan-lines.js';
import type { PlanPreview } from '../plans/types.js';
import { ScrollLines } from './ScrollLines.js';
import type { FleetState } from '../store/state.js';
import { shallowEqual } from './equality.js';
import { useFleetWith } from './store-context.js';

/**
 * What the planner reads of the store (plans/plan.ts): the containers, their samples (what an action frees),
 * and of each host its state, error and CPU count, as one string: a probe's latency or last-seen time is
 * not an input, and must not recompute the preview.
 */
function planInputs(s: FleetState) {
  let hosts = '';
  for (const h of s.hostOrder) {
    const st = s.hosts[h];
    hosts += `${h}\u0000${st?.state}\u0000${st?.error}\u0000${st?.ncpu}\u0001`;
  }
  return { hostOrder: s.hostOrder, containers: s.containers, stats: s.stats, hosts };
}

/**
 * The preview of one plan, recomputed from the store whenever what it reads changes (the planner is pure
 * and cheap), so what the operator confirms is what the fleet is now. Null and an error when the planner throws.
 */
export function useLivePreview(plans: PlanActions, name: string): { preview: PlanPreview | null; error: string | null } {
  const inputs = useFleetWith(planInputs, shallowEqual);
  return useMemo(() => {
    try {
      return { preview: plans.preview(name), error: null };
    } catch (err) {
      return { preview: null, error: (err as Error).message };
    }
    // `inputs` is what the preview is computed from (plans.preview reads them from the store itself).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [plans, name, inputs]);
}

export function PlanPreviewScreen({ plans, name, scroll, height, width, onLines, canApply }: {
  plans: PlanActions;
  name: string;
  scroll: number;
  height: number;
  width: number;
  onLines: (count: number) => void;
  canApply: boolean;
}) {
  const { preview, error } = useLivePreview(plans, name);
  const lines = useMemo(() => (preview ? previewLines(preview) : []), [preview]);
  let status: ScreenLine;
  if (error) status = { text: `error: ${error}`, color: 'red' };
  else if (preview?.refusal) status = { text: 'refused by a guard: cannot be applied · esc back', color: 'red' };
  else {
    const refused = preview?.counts.refused ?? 0;
    const apply = refused > 0 ? `a apply the ${preview!.counts.feasible} feasible (${refused} refused) · ` : 'a apply (type the name to confirm) · ';
    status = { text: `${canApply ? apply : ''}j/k scroll · esc back`, color: refused > 0 ? 'yellow' : 'gray' };
  }
  return <ScrollLines status={status} lines={lines} scroll={scroll} height={height} width={width} onLines={onLines} />;
}

/** The confirmation line, with the blast radius above it and the preview (or the run to restore) below. */
export function PlanConfirmScreen({ confirm, plans, height, width }: { confirm: PlanConfirm; plans: PlanActions; height: number; width: number }) {
  const { preview, error } = useLivePreview(plans, confirm.plan);
  const out: ScreenLine[] = [];
  if (confirm.purpose === 'apply') {
    if (preview) {
      const [head, down] = blastRadiusText(blastRadius(preview));
      out.push({ text: `apply ${confirm.plan}: ${head}`, bold: true }, { text: down!, color: 'yellow' });
      if (preview.refusal) out.push({ text: `REFUSED: ${preview.refusal}`, color: 'red', bold: true });
      const refused = refusedText(preview);
      if (refused) out.push({ text: refused, color: 'yellow', bold: true });
    } else out.push({ text: `error: ${error}`, color: 'red' });
  } else {
    out.push({ text: `restore run ${confirm.runId} of ${confirm.plan}: every container it touched goes back as it was`, bold: true });
  }
  out.push({ text: `type "${confirm.plan}" and press Enter to ${confirm.purpose} (Esc cancels): ${confirm.text}█`, color: 'cyan' });
  if (confirm.message) out.push({ text: confirm.message, color: 'yellow' });
  out.push({ text: '' });
  if (confirm.purpose === 'apply' && preview) out.push(...previewLines(preview));
  return (
    <Box flexDirection="column" height={height}>
      {out.slice(0, Math.max(0, height)).map((l, i) => (
        <Text key={i} color={l.color} bold={l.bold} wrap="truncate">
          {fit(l.text, width)}
        </Text>
      ))}
    </Box>
  );
}
