import type { Route } from '../routes.js';
import { alertsScreen } from './alerts-screen.js';
import { containersScreen } from './containers-screen.js';
import { eventsScreen } from './events-screen.js';
import { hostsScreen } from './hosts-screen.js';
import { ipsScreen } from './ips-screen.js';
import { linesScreen } from './lines-screen.js';
import type { TableScreen } from './table-screen.js';

export type TableRoute = Extract<Route, { kind: 'lines' | 'hosts' | 'containers' | 'ips' | 'events' | 'alerts' }>;

// Heterogeneous row types behind one lookup: each screen's functions only ever see its own rows,
// so the row type is erased here (and only here).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyTableScreen = TableScreen<any>;

const SCREENS: Record<TableRoute['kind'], AnyTableScreen> = {
  lines: linesScreen,
  hosts: hostsScreen,
  containers: containersScreen,
  ips: ipsScreen,
  events: eventsScreen,
  alerts: alertsScreen,
};

export function tableScreenFor(route: Route): AnyTableScreen | null {
  return route.kind in SCREENS ? SCREENS[route.kind as TableRoute['kind']] : null;
}
