import type { FleetState } from '../store/state.js';
import type { Command } from './keymap.js';
import { entry, type NavEntry, type Route } from './routes.js';
import { tableScreenFor } from './screens/registry.js';
import { rowsSelectorFor } from './screens/table-screen.js';
import { clampCursor } from './table-layout.js';

/**
 * The rows the top screen shows now, from the store's current state: the table's own selector (issue 14),
 * so the heading's count, a key and the table compute them once per commit. Shared: not to be changed.
 */
export function currentRows(top: NavEntry, state: FleetState): readonly unknown[] | null {
  const screen = tableScreenFor(top.route);
  return screen ? rowsSelectorFor(screen, top)(state) : null;
}

function push(stack: readonly NavEntry[], route: Route | null | undefined): NavEntry[] {
  return route ? [...stack, entry(route)] : [...stack];
}

/**
 * The navigation stack after one command. Pure, and computed from the latest stack and store state rather
 * than the last render, so keys that arrive before a redraw all count. `contentLines` is the length of a
 * non-table screen (detail, logs), which scrolls with the same keys.
 */
export function navigate(
  stack: readonly NavEntry[],
  command: Command,
  state: FleetState,
  pageSize: number,
  contentLines = 0,
): NavEntry[] {
  const top = stack[stack.length - 1]!;
  const screen = tableScreenFor(top.route);
  const rows = currentRows(top, state);
  const count = rows ? rows.length : contentLines;
  const cursor = clampCursor(top.cursor, count);
  const row = rows?.[cursor];
  const move = (to: number): NavEntry[] => [...stack.slice(0, -1), { ...top, cursor: clampCursor(to, count) }];
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
    case 'open':
      return row !== undefined ? push(stack, screen?.open?.(row, top.route)) : [...stack];
    case 'detail':
      return row !== undefined ? push(stack, screen?.detail?.(row)) : [...stack];
    case 'logs':
      if (top.route.kind === 'detail') return push(stack, { kind: 'logs', host: top.route.host, id: top.route.id });
      return row !== undefined ? push(stack, screen?.logs?.(row)) : [...stack];
    case 'back':
      return stack.length > 1 ? stack.slice(0, -1) : [...stack];
    case 'sortNext': {
      if (!screen) return [...stack];
      const column = top.sort ? (top.sort.column + 1) % screen.columns.length : 0;
      return [...stack.slice(0, -1), { ...top, sort: { column, desc: top.sort?.desc ?? false } }];
    }
    case 'sortReverse':
      if (!screen) return [...stack];
      return [...stack.slice(0, -1), { ...top, sort: { column: top.sort?.column ?? 0, desc: !(top.sort?.desc ?? false) } }];
    default:
      return [...stack];
  }
}

/** Goes to a route from the command line: a top-level screen replaces the stack, others push. */
export function goTo(stack: readonly NavEntry[], route: Route): NavEntry[] {
  const topLevel = route.kind === 'lines' || route.kind === 'hosts' || route.kind === 'ips' || route.kind === 'events' ||
    (route.kind === 'containers' && route.host === undefined && route.bizline === undefined);
  return topLevel ? [entry(route)] : [...stack, entry(route)];
}

/** Sets the `/` filter of the top screen; the cursor goes to the first match. */
export function withFilter(stack: readonly NavEntry[], filter: string): NavEntry[] {
  const top = stack[stack.length - 1]!;
  return [...stack.slice(0, -1), { ...top, filter, cursor: 0 }];
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export function looksLikeIp(text: string): boolean {
  return IPV4.test(text.trim());
}

export interface Holder {
  host: string;
  id: string;
  name: string;
}

/** Every container in the fleet holding this address (more than one is a conflict on a bridged LAN). */
export function holdersOfIp(state: FleetState, text: string): Holder[] {
  const ip = text.trim();
  if (!IPV4.test(ip)) return [];
  const out: Holder[] = [];
  for (const host of state.hostOrder) {
    const hc = state.containers[host];
    if (!hc) continue;
    for (const id of hc.order) {
      const c = hc.byId[id]!;
      if (Object.values(c.ips).includes(ip)) out.push({ host, id, name: c.name });
    }
  }
  return out;
}

/**
 * `/` then an IP then Enter: the container that owns the address, wherever it is. Null when nobody holds
 * it, or when several do: then there is no owner to pick, only a conflict to show.
 */
export function ownerOfIp(state: FleetState, text: string): Holder | null {
  const holders = holdersOfIp(state, text);
  return holders.length === 1 ? holders[0]! : null;
}
