import { Box, Text } from 'ink';
import { fit } from '../render/format.js';
import type { Binding } from './keymap.js';

function entry(b: Binding, keysWidth: number): string {
  return `${b.keys.join(', ').padEnd(keysWidth)} ${b.help}${b.scope === 'everywhere' ? '' : `  [${b.scope}]`}`;
}

/**
 * `?`: generated from the keymap in force, so it can't disagree with what is bound. When the keys don't fit
 * one column in the height there is, they go into two, so an 80×24 terminal still shows every key.
 */
export function HelpScreen({ keymap, height, width }: { keymap: readonly Binding[]; height: number; width: number }) {
  const room = Math.max(0, height - 1);
  const twoColumns = keymap.length > room && width >= 60;
  let lines: string[];
  if (twoColumns) {
    const half = Math.ceil(keymap.length / 2);
    const colWidth = Math.floor((width - 2) / 2);
    lines = Array.from({ length: half }, (_, i) => {
      const left = fit(entry(keymap[i]!, 12), colWidth);
      const right = keymap[half + i] ? fit(entry(keymap[half + i]!, 12), colWidth) : '';
      return `${left}  ${right}`;
    });
  } else {
    lines = keymap.map((b) => entry(b, 18));
  }
  return (
    <Box flexDirection="column" height={height}>
      <Text bold>{fit('keys (any key closes)', width)}</Text>
      {lines.slice(0, room).map((l, i) => (
        <Text key={i} wrap="truncate">
          {fit(l, width)}
        </Text>
      ))}
    </Box>
  );
}
