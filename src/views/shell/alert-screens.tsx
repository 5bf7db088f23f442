import type { Alert } from '../../alerts/types.js';
import { alertStateText, alertSubject, isAcked } from '../../render/alert-lines.js';
import { AlertDetailScreen, AlertsScreen } from '../AlertsScreen.js';
import { currentRows } from '../navigation.js';
import { clampCursor } from '../table-layout.js';
import type { ScreenDef } from './screen-def.js';
import type { Shell } from './shell.js';

// Issue 15, item 1: `:alerts` and one alert's detail; `a` acknowledges a firing alert through the port.

/**
 * `a`: not destructive (a silence that runs out), so no typed name; the port says what it did (for how
 * long, the audit log, the Alertmanager silence) and the bottom line shows it.
 */
export function acknowledge(shell: Shell, key: string | undefined): void {
  const port = shell.actions.alerts;
  if (!port || key === undefined) return;
  const alert = shell.store.getState().alerts.list.find((a) => a.key === key);
  if (!alert) return shell.setFlash('that alert is no longer held');
  const what = `${alert.labels.alertname} ${alertSubject(alert)}`;
  if (alert.state !== 'firing') return shell.setFlash(`${what} is ${alert.state}: only a firing alert is acknowledged`);
  const now = Date.now();
  if (isAcked(alert, now)) return shell.setFlash(`${what}: already ${alertStateText(alert, now)}`);
  shell.setFlash(`acknowledging ${what}…`);
  port.ack(key).then(
    (r) => shell.setFlash(r.message),
    // The port answers failures as values; a throw is a bug in it, still said rather than swallowed.
    (e: unknown) => shell.setFlash(`${what}: not acknowledged: ${e instanceof Error ? e.message : String(e)}`),
  );
}

export const alertsDef: ScreenDef<'alerts'> = {
  title: (_route, state, top) => {
    const rows = currentRows(top, state);
    const firing = state.alerts.firing;
    return `alerts (${rows?.length ?? 0})${firing ? `, ${firing} firing` : ''}`;
  },
  Body: ({ top, height, width }) => <AlertsScreen nav={top} height={height} width={width} />,
  filterable: true,
  keys: {
    ackAlert: (shell) => {
      const top = shell.top();
      const rows = currentRows(top, shell.store.getState()) as readonly Alert[] | null;
      acknowledge(shell, rows?.[clampCursor(top.cursor, rows.length)]?.key);
    },
  },
};

export const alertDef: ScreenDef<'alert'> = {
  title: (r, state) => {
    const a = state.alerts.list.find((x) => x.key === r.key);
    return a ? `alert ${a.labels.alertname} ${alertSubject(a)}` : 'alert';
  },
  Body: ({ route, top, height, width, onLines, shell }) => (
    <AlertDetailScreen alertKey={route.key} scroll={top.cursor} height={height} width={width} onLines={onLines} canAck={shell.can('ackAlert')} />
  ),
  keys: { ackAlert: (shell, r) => acknowledge(shell, r.key) },
};
