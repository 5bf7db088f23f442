import type { Alert, Severity } from '../alerts/types.js';
import { printable } from './printable.js';

// Issue 15: alerts as text, pure: the cockpit's :alerts screen and its detail draw these, and a headless
// `dockpit alerts --json` can print the same rows. `now` is always given (epoch ms): nothing here reads a clock.

/** One row of the :alerts table, JSON-ready. */
export interface AlertRow {
  key: string;
  severity: Severity;
  alertname: string;
  /** host/container, the business line, or the host: what the alert is about. */
  subject: string;
  summary: string;
  /** How long the alert has been in its state ("3m"). */
  since: string;
  /** FIRING, pending, resolved, or `acked until HH:MM by USER`. */
  state: string;
}

/** A duration as an operator reads it in a narrow column: 45s, 3m, 2h5m, 3d4h. Never negative, never NaN. */
export function formatSince(ms: number): string {
  const s = Number.isFinite(ms) ? Math.max(0, Math.floor(ms / 1000)) : 0;
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d${h % 24}h` : `${d}d`;
}

/** Local time of day, HH:MM: when an acknowledgement runs out. */
export function formatClock(at: number): string {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** The moment the alert's current state began: firing since, pending since, resolved at. */
export function stateStart(a: Alert): number {
  if (a.state === 'resolved') return a.resolvedAt ?? a.since;
  if (a.state === 'firing') return a.firingSince ?? a.since;
  return a.since;
}

/** Acknowledged now: a firing alert whose silence has not run out. */
export function isAcked(a: Alert, now: number): boolean {
  return a.state === 'firing' && a.ackedUntil !== null && a.ackedUntil > now;
}

export function alertStateText(a: Alert, now: number): string {
  if (isAcked(a, now)) return `acked until ${formatClock(a.ackedUntil!)}${a.ackedBy ? ` by ${printable(a.ackedBy)}` : ''}`;
  if (a.state === 'firing') return 'FIRING';
  return a.state;
}

/** What the alert is about: host/container, else the business line (and tier), else the host, else a run. */
export function alertSubject(a: Alert): string {
  const l = a.labels;
  if (l.container) return printable(l.host ? `${l.host}/${l.container}` : l.container);
  if (l.bizline) return printable(l.tier ? `${l.bizline} (tier ${l.tier})` : l.bizline);
  if (l.host) return printable(l.host);
  return printable(l.run ?? '');
}

export function alertRow(a: Alert, now: number): AlertRow {
  return {
    key: a.key,
    severity: a.labels.severity,
    alertname: printable(a.labels.alertname),
    subject: alertSubject(a),
    summary: printable(a.summary),
    since: formatSince(now - stateStart(a)),
    state: alertStateText(a, now),
  };
}

/**
 * When the text of any row next changes (a "since" ticking over, an acknowledgement running out), in ms
 * from `now`; null when nothing will change by itself. The screen waits that long, rather than ticking
 * every second while it shows three alerts that are hours old.
 */
export function msUntilRowsChange(alerts: readonly Alert[], now: number): number | null {
  let next = Infinity;
  for (const a of alerts) {
    const age = Math.max(0, now - stateStart(a));
    // Seconds tick each second for the first minute, then the shown unit is minutes.
    const step = age < 60_000 ? 1000 : 60_000;
    next = Math.min(next, step - (age % step));
    if (isAcked(a, now)) next = Math.min(next, a.ackedUntil! - now);
  }
  return Number.isFinite(next) ? Math.max(1, next) : null;
}

function at(t: number | null, now: number): string {
  return t === null ? '-' : `${new Date(t).toISOString()} (${formatSince(now - t)} ago)`;
}

/** The detail of one alert (Enter on a row): what, its state and times, then every label. */
export function alertDetailLines(a: Alert, now: number): string[] {
  const labels = Object.keys(a.labels)
    .sort()
    .map((k) => `  ${printable(k)}=${printable(a.labels[k] ?? '')}`);
  return [
    `alert     ${printable(a.labels.alertname)} (rule ${a.rule})`,
    `severity  ${a.labels.severity}`,
    `subject   ${alertSubject(a)}`,
    `summary   ${printable(a.summary)}`,
    `state     ${alertStateText(a, now)}`,
    `since     ${at(a.since, now)}`,
    `firing    ${at(a.firingSince, now)}`,
    `resolved  ${at(a.resolvedAt, now)}`,
    `acked     ${a.ackedUntil === null ? '-' : `until ${new Date(a.ackedUntil).toISOString()}${a.ackedBy ? ` by ${printable(a.ackedBy)}` : ''}`}`,
    `key       ${printable(a.key)}`,
    'labels',
    ...labels,
  ];
}

/** The status line's count of alerts firing and not acknowledged: `⚠ 2 alerts`; empty at none. */
export function alertCountText(count: number): string {
  return count > 0 ? `⚠ ${count} alert${count === 1 ? '' : 's'}` : '';
}

/**
 * The worst severity among the alerts the status line counts (firing, not acknowledged: the store's
 * `firing`), or null. Reads the whole list rather than trusting its order: it is short, and a wrong colour
 * on the status line is worse than a few comparisons a commit.
 */
export function worstFiring(alerts: readonly Alert[]): Severity | null {
  let worst: Severity | null = null;
  for (const a of alerts) {
    if (a.state !== 'firing' || a.ackedUntil !== null) continue;
    if (a.labels.severity === 'critical') return 'critical';
    if (worst === null || a.labels.severity === 'warning') worst = a.labels.severity;
  }
  return worst;
}
