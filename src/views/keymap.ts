import type { Key } from 'ink';

// Keymap as data (style.md, after gemini-cli): a command id → its bindings; `?` help is generated from this.

export type Command =
  | 'up' | 'down' | 'top' | 'bottom' | 'pageUp' | 'pageDown'
  | 'open' | 'back' | 'quit'
  | 'filter' | 'command' | 'help'
  | 'detail' | 'logs' | 'sortNext' | 'sortReverse'
  | 'reveal' | 'follow' | 'place'
  | 'plans' | 'applyPlan' | 'restorePlan' | 'cancelRun'
  | 'migrate' | 'evacuate' | 'leaveData' | 'moveProgress'
  | 'ackAlert';

export interface Binding {
  command: Command;
  keys: string[];
  help: string;
  /** Where it applies, for the help screen. */
  scope: 'everywhere' | 'tables' | 'containers' | 'detail' | 'logs' | 'plans' | 'hosts' | 'migration' | 'alerts';
  /** Changes something in the fleet: never bound with --read-only. */
  mutates?: boolean;
}

export const KEYMAP: readonly Binding[] = [
  { command: 'down', keys: ['j', 'down'], help: 'move down', scope: 'everywhere' },
  { command: 'up', keys: ['k', 'up'], help: 'move up', scope: 'everywhere' },
  { command: 'top', keys: ['g', 'home'], help: 'first row', scope: 'everywhere' },
  { command: 'bottom', keys: ['G', 'end'], help: 'last row (logs: follow)', scope: 'everywhere' },
  { command: 'pageDown', keys: ['pagedown', 'ctrl+f'], help: 'page down', scope: 'everywhere' },
  { command: 'pageUp', keys: ['pageup', 'ctrl+b'], help: 'page up', scope: 'everywhere' },
  { command: 'open', keys: ['enter'], help: 'drill down', scope: 'tables' },
  { command: 'back', keys: ['escape'], help: 'back', scope: 'everywhere' },
  { command: 'filter', keys: ['/'], help: 'filter rows (name, IP, host …)', scope: 'tables' },
  { command: 'command', keys: [':'], help: 'command (:lines :hosts :ps :ip :events :plans :alerts :host NAME :line NAME)', scope: 'everywhere' },
  { command: 'sortNext', keys: ['o'], help: 'sort by the next column', scope: 'tables' },
  { command: 'sortReverse', keys: ['O'], help: 'reverse the sort', scope: 'tables' },
  { command: 'detail', keys: ['d'], help: 'container detail', scope: 'containers' },
  { command: 'logs', keys: ['l'], help: 'container log', scope: 'containers' },
  { command: 'reveal', keys: ['x'], help: 'show/hide secret env values', scope: 'detail' },
  { command: 'follow', keys: ['f'], help: 'follow the log', scope: 'logs' },
  { command: 'place', keys: ['n'], help: 'new container for a business line (:run)', scope: 'tables', mutates: true },
  { command: 'plans', keys: ['p'], help: 'degradation plans (:plans)', scope: 'everywhere' },
  { command: 'applyPlan', keys: ['a'], help: 'apply the plan (type its name to confirm)', scope: 'plans', mutates: true },
  { command: 'restorePlan', keys: ['R'], help: 'restore the last run (type its plan name)', scope: 'plans', mutates: true },
  // Bound only where runs can be started: with --read-only there is nothing to cancel.
  { command: 'cancelRun', keys: ['c'], help: 'cancel the plan run or migration (what has not begun is skipped)', scope: 'plans', mutates: true },
  // Issue 6. Bound only where migrations can run (not --read-only); c above also cancels one.
  { command: 'migrate', keys: ['m'], help: 'move to another host: pick, preview, type its name', scope: 'containers', mutates: true },
  { command: 'evacuate', keys: ['E'], help: 'evacuate the host: all its containers elsewhere', scope: 'hosts', mutates: true },
  { command: 'leaveData', keys: ['L'], help: 'preview: leave volumes/binds behind (on/off)', scope: 'migration', mutates: true },
  { command: 'moveProgress', keys: ['M'], help: 'the running (or last) migration', scope: 'everywhere', mutates: true },
  // Issue 15. `a` as on a plan: the screen shown picks which (commandFor's `bound`). Bound only where the
  // cockpit evaluates alerts and may act (not --read-only).
  { command: 'ackAlert', keys: ['a'], help: 'acknowledge the alert (silenced a while; audit log)', scope: 'alerts', mutates: true },
  { command: 'help', keys: ['?'], help: 'this help', scope: 'everywhere' },
  { command: 'quit', keys: ['q', 'ctrl+c'], help: 'quit', scope: 'everywhere' },
];

/**
 * The bindings in force: with --read-only, nothing that changes the fleet is bound at all; nor is a
 * mutating command whose action is absent (`available[command] === false`).
 */
export function activeKeymap(readOnly: boolean, available: Partial<Record<Command, boolean>> = {}): readonly Binding[] {
  if (readOnly) return KEYMAP.filter((b) => !b.mutates);
  return Object.values(available).includes(false) ? KEYMAP.filter((b) => !b.mutates || available[b.command] !== false) : KEYMAP;
}

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

/**
 * The command of a key. A key bound on two screens (`a`: apply a plan, acknowledge an alert) means the one
 * the screen shown binds (`bound`); otherwise the first in the keymap.
 */
export function commandFor(input: string, key: Key, keymap: readonly Binding[] = KEYMAP, bound?: (command: Command) => boolean): Command | null {
  const name = keyName(input, key);
  const matches = keymap.filter((b) => b.keys.includes(name));
  return (bound && matches.find((b) => bound(b.command)))?.command ?? matches[0]?.command ?? null;
}
