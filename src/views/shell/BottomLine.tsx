import { Text } from 'ink';
import { fit } from '../../render/format.js';
import type { NavEntry } from '../routes.js';
import { useFleet } from '../store-context.js';
import { moveBackgroundNote } from '../use-move-flow.js';
import type { LineMode } from './use-line-mode.js';

/** The line above the status line: the filter or command being typed, else the flash, a migration running out of sight, the filter. */
export function BottomLine({ mode, flash, top, width }: { mode: LineMode; flash: string | null; top: NavEntry; width: number }) {
  const background = useFleet((s) => moveBackgroundNote(s.runs.move, top.route.kind === 'moveRun'));
  let text: string;
  if (mode.kind === 'filter') text = `/${mode.text}█`;
  else if (mode.kind === 'command') text = `:${mode.text}█ ${mode.hint}`;
  else text = [flash, background, top.filter ? `filter: ${top.filter} (esc clears)` : ''].filter(Boolean).join(' │ ');
  const color = mode.kind !== 'normal' ? undefined : flash ? 'yellow' : background ? 'cyan' : undefined;
  return (
    <Text color={color} wrap="truncate">
      {fit(text, width)}
    </Text>
  );
}
