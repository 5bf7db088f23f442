import { Box, Text } from 'ink';
import { fit } from './format.js';
import type { Binding } from './keymap.js';

/** `?`: generated from the keymap in force, so it can't disagree with what is bound. */
export function HelpScreen({ keymap, height, width }: { keymap: readonly Binding[]; height: number; width: number }) {
  const lines = keymap.map((b) => `${b.keys.join(', ').padEnd(18)} ${b.help}${b.scope === 'everywhere' ? '' : `  [${b.scope}]`}`);
  return (
    <Box flexDirection="column" height={height}>
      <Text bold>{fit('keys (any key closes)', width)}</Text>
      {lines.slice(0, Math.max(0, height - 1)).map((l) => (
        <Text key={l} wrap="truncate">
          {fit(l, width)}
        </Text>
      ))}
    </Box>
  );
}
