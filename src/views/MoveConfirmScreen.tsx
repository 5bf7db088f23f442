import { Box, Text } from 'ink';
import { fit } from '../render/format.js';
import type { MoveConfirm } from './move-confirm.js';
import { evacuationBlast, evacuationLines, moveBlast, movePreviewLines } from './move-lines.js';
import type { ScreenLine } from './plan-lines.js';
import { wrapLines } from './wrap-lines.js';

/** The blast radius, the typed word(s) (stages done show as confirmed), then the preview below. */
export function MoveConfirmScreen({ confirm, parallel, height, width }: { confirm: MoveConfirm; parallel: number; height: number; width: number }) {
  const s = confirm.subject;
  const out: ScreenLine[] = s.kind === 'migrate' ? moveBlast(s.plan) : evacuationBlast(s.plan, parallel);
  confirm.stages.forEach((stage, i) => {
    if (i < confirm.stage) out.push({ text: `✓ ${stage.means}`, color: 'green' });
    else if (i === confirm.stage) out.push({ text: `${stage.means}: type "${stage.expect}" and press Enter (Esc cancels): ${confirm.text}█`, color: 'cyan', bold: true });
    else out.push({ text: `then: ${stage.means}`, color: 'gray' });
  });
  if (confirm.message) out.push({ text: confirm.message, color: 'yellow' });
  out.push({ text: '' });
  out.push(...(s.kind === 'migrate' ? movePreviewLines(s.plan) : evacuationLines(s.plan, s.sourceState)));
  return (
    <Box flexDirection="column" height={height}>
      {wrapLines(out, width).slice(0, Math.max(0, height)).map((l, i) => (
        <Text key={i} color={l.color} bold={l.bold} wrap="truncate">
          {fit(l.text, width)}
        </Text>
      ))}
    </Box>
  );
}
