import { currentRows } from '../navigation.js';
import type { Route } from '../routes.js';
import { tableScreenFor, type TableRoute } from '../screens/registry.js';
import { TableView } from '../TableView.js';
import type { ScreenDef } from './screen-def.js';
import type { Shell } from './shell.js';

// The five table screens (lines, hosts, containers, IPs, events): their columns live in screens/*; here
// their heading (with the row count) and the keys bound on a row.

function table<K extends TableRoute['kind']>(keys?: ScreenDef<K>['keys']): ScreenDef<K> {
  return {
    title: (route, state, top) => {
      const rows = currentRows(top, state);
      return `${tableScreenFor(route)!.title(route)}${rows ? ` (${rows.length})` : ''}`;
    },
    Body: ({ route, top, height, width }) => <TableView screen={tableScreenFor(route)!} nav={top} height={height} width={width} />,
    filterable: true,
    ...(keys && { keys }),
  };
}

/** The row under the cursor, read when the key comes. */
function rowAt<Row>(shell: Shell): Row | undefined {
  const top = shell.top();
  return currentRows(top, shell.store.getState())?.[top.cursor] as Row | undefined;
}

/** `m` on a container row or its detail: the migration's target picker. */
export function migrateFrom(shell: Shell, target: { host: string; id: string } | undefined): void {
  if (!target) return;
  const name = shell.store.getState().containers[target.host]?.byId[target.id]?.name;
  if (!name) return shell.setFlash('that container is no longer listed');
  shell.moves.openTargets(target.host, target.id, name);
}

export const linesDef = table<'lines'>();
export const hostsDef = table<'hosts'>({
  evacuate: (shell) => {
    const row = rowAt<{ name: string }>(shell);
    if (row) shell.moves.openEvacuation(row.name);
  },
});
export const containersDef = table<'containers'>({ migrate: (shell) => migrateFrom(shell, rowAt<{ host: string; id: string }>(shell)) });
export const ipsDef = table<'ips'>();
export const eventsDef = table<'events'>();

/** The business line `n` starts the form with: the line under the cursor, or the containers screen's. */
export function lineForPlacing(shell: Shell, route: Route): string {
  const row = rowAt<{ name?: string; bizline?: string | null }>(shell);
  if (route.kind === 'lines') return row?.name ?? '';
  if (route.kind === 'containers') return route.bizline ?? row?.bizline ?? '';
  return '';
}
