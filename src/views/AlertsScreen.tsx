import { useMemo } from 'react';
import type { Alert } from '../alerts/types.js';
import { alertDetailLines, isAcked } from '../render/alert-lines.js';
import type { ScreenLine } from './plan-lines.js';
import type { NavEntry } from './routes.js';
import { alertColumns, alertsScreen } from './screens/alerts-screen.js';
import type { TableScreen } from './screens/table-screen.js';
import { ScrollLines } from './ScrollLines.js';
import { useFleet } from './store-context.js';
import { TableView } from './TableView.js';
import { useAlertsClock } from './use-alerts-clock.js';

/**
 * `:alerts` (issue 15): the alerts table, its SINCE column drawn from a clock that moves only when that
 * text would. It selects the store's alert list (the same array until `alerts.changed`), so a stats sample
 * does not reach it; filter, sort and the cursor are the table screens' own.
 */
export function AlertsScreen({ nav, height, width }: { nav: NavEntry; height: number; width: number }) {
  const list = useFleet((s) => s.alerts.list);
  const now = useAlertsClock(list);
  // Same rows, search and Enter as the registry's screen (the navigation's), columns at this clock.
  const screen = useMemo((): TableScreen<Alert> => ({ ...alertsScreen, columns: alertColumns(() => now) }), [now]);
  return <TableView screen={screen} nav={nav} height={height} width={width} />;
}

const NO_LINES: readonly ScreenLine[] = [];

/** Enter on an alert: what, when, every label. It stays on the alert while the evaluator keeps it. */
export function AlertDetailScreen({ alertKey, scroll, height, width, onLines, canAck }: {
  alertKey: string;
  scroll: number;
  height: number;
  width: number;
  onLines: (count: number) => void;
  canAck: boolean;
}) {
  const alert = useFleet((s) => s.alerts.list.find((a) => a.key === alertKey));
  const list = useMemo(() => (alert ? [alert] : []), [alert]);
  const now = useAlertsClock(list);
  const lines = useMemo(() => (alert ? alertDetailLines(alert, now).map((text) => ({ text })) : NO_LINES), [alert, now]);
  let status: ScreenLine;
  if (!alert) status = { text: 'this alert is no longer held (resolved alerts are kept a while) · esc back', color: 'yellow' };
  else if (canAck && alert.state === 'firing' && !isAcked(alert, now)) status = { text: 'a acknowledges · esc back', color: 'gray' };
  else status = { text: 'esc back', color: 'gray' };
  return <ScrollLines status={status} lines={lines} scroll={scroll} height={height} width={width} onLines={onLines} />;
}
