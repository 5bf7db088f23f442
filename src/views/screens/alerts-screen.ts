import type { Alert, Severity } from '../../alerts/types.js';
import { alertStateText, alertSubject, formatSince, isAcked, stateStart } from '../../render/alert-lines.js';
import { printable } from '../../render/printable.js';
import type { Column } from '../Table.js';
import type { TableScreen } from './table-screen.js';

// Issue 15: `:alerts`, firing (critical first), pending, then resolved newest first: the store's order
// (src/store/alerts.ts). The rows are the store's Alert objects themselves: a stats sample leaves the list
// as it was, so it redraws nothing here.

export const SEVERITY_COLOR: Record<Severity, string> = { critical: 'red', warning: 'yellow', info: 'cyan' };

/** Resolved alerts are history: drawn dim (gray), whatever their severity. */
const dim = (a: Alert, color?: string): string | undefined => (a.state === 'resolved' ? 'gray' : color);

/**
 * The columns, reading the time from `now` (the SINCE and acked-until cells): the screen builds them again
 * when that text would change (msUntilRowsChange), so each row draws from its Alert and one clock.
 */
export function alertColumns(now: () => number): readonly Column<Alert>[] {
  return [
    { header: 'SEVERITY', width: 8, value: (a) => a.labels.severity, color: (a) => dim(a, SEVERITY_COLOR[a.labels.severity]), sort: (a) => SEVERITY_RANK[a.labels.severity] },
    { header: 'ALERT', width: 14, value: (a) => printable(a.labels.alertname), color: (a) => dim(a) },
    { header: 'SUBJECT', width: 16, flex: 1, value: (a) => alertSubject(a), color: (a) => dim(a) },
    { header: 'SUMMARY', drop: 2, width: 20, flex: 2, value: (a) => printable(a.summary), color: (a) => dim(a) },
    { header: 'SINCE', width: 6, value: (a) => formatSince(now() - stateStart(a)), sort: (a) => -stateStart(a), color: (a) => dim(a) },
    {
      header: 'STATE',
      drop: 1,
      width: 10,
      // Room for `acked until 14:05 by alice@jump-a` on a wide terminal.
      flex: 2,
      value: (a) => alertStateText(a, now()),
      color: (a) => (a.state === 'firing' && !isAcked(a, now()) ? SEVERITY_COLOR[a.labels.severity] : dim(a)),
    },
  ];
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/**
 * The screen as the navigation sees it (rows, filter, Enter). Its columns read the wall clock when drawn;
 * the cockpit draws the table with `alertColumns(() => now)` of a clock that moves when the text would.
 */
export const alertsScreen: TableScreen<Alert> = {
  title: () => 'alerts',
  columns: alertColumns(Date.now),
  rows: (state) => state.alerts.list as Alert[],
  key: (a) => a.key,
  search: (a) => `${a.labels.alertname} ${alertSubject(a)} ${a.summary} ${a.state} ${a.labels.severity} ${Object.values(a.labels).join(' ')}`,
  open: (a) => ({ kind: 'alert', key: a.key }),
  empty: 'no alerts: nothing firing, pending or resolved lately',
};
