import type { Key } from 'ink';

// Keymap as data (style.md, after gemini-cli): a command id → its bindings; help is generated from this.

export type Command = 'up' | 'down' | 'top' | 'bottom' | 'pageUp' | 'pageDown' | 'open' | 'back' | 'quit';

export interface Binding {
  command: Command;
  keys: string[];
  help: string;
}

export const KEYMAP: readonly Binding[] = [
  { command: 'down', keys: ['j', 'down'], help: 'move down' },
  { command: 'up', keys: ['k', 'up'], help: 'move up' },
  { command: 'top', keys: ['g', 'home'], help: 'first row' },
  { command: 'bottom', keys: ['G', 'end'], help: 'last row' },
  { command: 'pageDown', keys: ['pagedown', 'ctrl+f'], help: 'page down' },
  { command: 'pageUp', keys: ['pageup', 'ctrl+b'], help: 'page up' },
  { command: 'open', keys: ['enter'], help: 'open' },
  { command: 'back', keys: ['escape'], help: 'back' },
  { command: 'quit', keys: ['q', 'ctrl+c'], help: 'quit' },
];

/** The key name Ink reported, as the keymap spells it. */
export function keyName(input: string, key: Key): string {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.return) return 'enter';
  if (key.escape) return 'escape';
  if ((key as { home?: boolean }).home) return 'home';
  if ((key as { end?: boolean }).end) return 'end';
  if (key.ctrl) return `ctrl+${input}`;
  return input;
}

export function commandFor(input: string, key: Key, keymap: readonly Binding[] = KEYMAP): Command | null {
  const name = keyName(input, key);
  return keymap.find((b) => b.keys.includes(name))?.command ?? null;
}
