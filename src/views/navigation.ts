import type { FleetState } from '../store/state.js';
import { containerRows } from '../store/selectors.js';
import type { Command } from './keymap.js';
import { clampCursor } from './table-layout.js';

export type Screen = { kind: 'hosts'; cursor: number } | { kind: 'containers'; host?: string; cursor: number };

function rowCount(state: FleetState, screen: Screen): number {
  if (screen.kind === 'hosts') return state.hostOrder.length;
  return containerRows(state, screen.host === undefined ? {} : { host: screen.host }).length;
}

/**
 * The screen stack after one command, from the store's current state. Pure, and computed from the latest
 * stack rather than the last render, so keys that arrive before a redraw all count.
 */
export function navigate(stack: readonly Screen[], command: Command, state: FleetState, pageSize: number): Screen[] {
  const top = stack[stack.length - 1]!;
  const count = rowCount(state, top);
  const cursor = clampCursor(top.cursor, count);
  const move = (to: number): Screen[] => [...stack.slice(0, -1), { ...top, cursor: clampCursor(to, count) }];
  switch (command) {
    case 'down':
      return move(cursor + 1);
    case 'up':
      return move(cursor - 1);
    case 'top':
      return move(0);
    case 'bottom':
      return move(count - 1);
    case 'pageDown':
      return move(cursor + Math.max(1, pageSize));
    case 'pageUp':
      return move(cursor - Math.max(1, pageSize));
    case 'open': {
      const host = top.kind === 'hosts' ? state.hostOrder[cursor] : undefined;
      return host === undefined ? [...stack] : [...stack, { kind: 'containers', host, cursor: 0 }];
    }
    case 'back':
      return stack.length > 1 ? stack.slice(0, -1) : [...stack];
    case 'quit':
      return [...stack];
  }
}
