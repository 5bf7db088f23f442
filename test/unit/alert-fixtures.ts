// Alerts as the evaluator holds them (src/alerts/types.ts), for the :alerts screen's and alert-lines' tests.
import type { Alert, AlertLabels, RuleKey, Severity } from '../../src/alerts/types.js';

export const T0 = Date.UTC(2026, 11, 4, 10, 0, 0);

export function alert(rule: RuleKey, severity: Severity, labels: Record<string, string>, over: Partial<Alert> = {}, t0 = T0): Alert {
  const all: AlertLabels = { alertname: rule, severity, ...labels };
  const subject = Object.values(labels).join('/');
  return {
    key: `${rule}/${subject}`,
    rule,
    labels: all,
    summary: `${rule} on ${subject}`,
    state: 'firing',
    since: t0 - 5 * 60_000,
    firingSince: t0 - 3 * 60_000,
    resolvedAt: null,
    ackedUntil: null,
    ackedBy: null,
    ...over,
  };
}

/** The store's order: firing (critical, warning), pending, resolved newest first; times before `t0`. */
export function sampleAlerts(t0 = T0): Alert[] {
  return [
    alert('restartLoop', 'critical', { host: 'h1', container: 'web-3', bizline: 'shop', tier: '1' }, { summary: 'web-3 restarted 4 times in 2m' }, t0),
    alert('hostDown', 'critical', { host: 'h2' }, { summary: 'h2: engine down (ECONNREFUSED) for 12 s', firingSince: t0 - 45_000 }, t0),
    alert('lineDegraded', 'warning', { bizline: 'forum', tier: '2' }, { summary: 'forum: 1/3 running (below 50%)' }, t0),
    alert('unhealthy', 'warning', { host: 'h3', container: 'api-1' }, { state: 'pending', since: t0 - 20_000, firingSince: null, summary: 'api-1 unhealthy for 20 s' }, t0),
    alert('oomKilled', 'critical', { host: 'h1', container: 'batch' }, { state: 'resolved', resolvedAt: t0 - 2 * 60_000, summary: 'batch OOM-killed (limit 8MiB)' }, t0),
  ];
}
