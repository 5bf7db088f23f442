import { Box, Text } from 'ink';
import { fit } from '../render/format.js';
import { RUN_FIELDS, type RunFormState } from './run-form.js';

/** The placement form: fields, then the planner's preview or the outcome. */
export function RunFormScreen({ form, height, width }: { form: RunFormState; height: number; width: number }) {
  const hint =
    form.phase === 'edit' ? 'Tab/↓ next field · ↑ previous · Enter preview · Esc cancel'
    : form.phase === 'preview' ? 'Enter places the container as shown · any edit goes back · Esc cancel'
    : form.phase === 'done' ? 'Esc back'
    : '…';
  const lines: Array<{ text: string; color?: string; inverse?: boolean }> = [{ text: hint, color: 'gray' }];
  RUN_FIELDS.forEach((f, i) => {
    const focused = i === form.focus && form.phase === 'edit';
    const value = form.values[f.key];
    lines.push({ text: `${f.label.padEnd(8)} ${value}${focused ? '█' : ''}${value ? '' : `   ${f.hint}`}`, inverse: focused });
  });
  lines.push({ text: '' });
  for (const m of form.message) lines.push({ text: m, color: m.startsWith('error') ? 'red' : form.phase === 'done' ? 'green' : 'cyan' });
  return (
    <Box flexDirection="column" height={height}>
      {lines.slice(0, height).map((l, i) => (
        <Text key={i} color={l.color} inverse={l.inverse} wrap="truncate">
          {fit(l.text, width)}
        </Text>
      ))}
    </Box>
  );
}
