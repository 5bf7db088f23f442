import type { ComponentType } from 'react';
import type { FleetState } from '../../store/state.js';
import type { Command } from '../keymap.js';
import type { NavEntry, Route } from '../routes.js';
import type { ScreenProps, Shell } from './shell.js';

export type RouteOf<K extends Route['kind']> = Extract<Route, { kind: K }>;

/**
 * One screen of the cockpit (issue 14, item 3): its heading, its body, the keys it binds. A screen is one
 * file exporting one of these, plus its line in registry.ts.
 */
export interface ScreenDef<K extends Route['kind'] = Route['kind']> {
  /** The heading after "dockpit · ". Called as a store selector: it reads only what it shows. */
  title(route: RouteOf<K>, state: FleetState, top: NavEntry): string;
  Body: ComponentType<ScreenProps<RouteOf<K>>>;
  /** Keys bound on this screen only, before the cockpit's own (quit, help, navigation …). */
  keys?: Partial<Record<Command, (shell: Shell, route: RouteOf<K>) => void>>;
  /** A table screen: `/` filters it, and Esc first clears its filter. */
  filterable?: boolean;
}

/** The name of a container for a heading: what the store lists, else its short id. */
export function containerName(state: FleetState, host: string, id: string): string {
  return state.containers[host]?.byId[id]?.name ?? id.slice(0, 12);
}
