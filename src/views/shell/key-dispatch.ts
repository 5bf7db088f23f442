import type { Key } from 'ink';

// Issue 14, item 3: who gets a key is a stack of modes, topmost first (help, the filter or command line, a
// typed confirmation, the placement form, then the screen): the first active one takes it, whole.

export interface KeyMode {
  active(): boolean;
  key(input: string, key: Key): void;
}

export function dispatchKey(modes: readonly KeyMode[], input: string, key: Key): void {
  modes.find((m) => m.active())?.key(input, key);
}

/** The key flags of one character of a multi-key read. */
function keyOf(c: string): Key {
  return {
    upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false,
    return: c === '\r' || c === '\n', escape: c === '\x1b', ctrl: false, shift: false, tab: c === '\t',
    backspace: c === '\b', delete: c === '\x7f', meta: false,
  } as Key;
}

/**
 * Several keys can arrive in one read (typed fast, pasted, or tmux send-keys): each counts, in order.
 * Ink reads Esc then a key in one read as Alt+key, and several Esc as one: dockpit binds no Alt keys, so
 * these are taken apart again.
 */
export function eachKey(input: string, key: Key, handle: (input: string, key: Key) => void): void {
  if (key.escape) {
    for (let i = 0; i <= [...input].filter((c) => c === '\x1b').length; i++) handle('', keyOf('\x1b'));
  } else if (key.meta && !key.ctrl && input) {
    handle('', keyOf('\x1b'));
    for (const c of input) handle(c, keyOf(c));
  } else if (input.length > 1 && !key.ctrl && !key.meta) {
    for (const c of input) handle(c, keyOf(c));
  } else handle(input, key);
}
