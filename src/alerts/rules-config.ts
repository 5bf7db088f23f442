import { durationMs } from './duration.js';
import type { RawAlerts } from './rules-schema.js';
import type { RuleKey, Severity } from './types.js';

// Issue 15, item 2: `alerts:` resolved. Every rule has built-in defaults, so `alerts:` may be absent; an
// operator switches one off (`hostDown: off` or `enabled: false`) or tunes it. `for:` is how long a cause
// must hold before the alert fires; `clear:` how long it must be gone before it resolves (hysteresis: a
// flapping container is one alert, not one per flap).

/** What every rule has. Durations in ms. */
export interface RuleSettings {
  enabled: boolean;
  forMs: number;
  clearMs: number;
  severity: Severity;
  /** Extra labels the operator adds to every alert of the rule (`team: payments`). */
  labels: Readonly<Record<string, string>>;
}

export interface RulesConfig {
  hostDown: RuleSettings;
  /** Probe latency above `latencyMs`, a host the engine marks degraded, or an engine that doesn't answer (hung). */
  engineSlow: RuleSettings & { latencyMs: number };
  /** Holds while the container stays not running; also ends `clearAfterMs` after the die (0: never). */
  containerDied: RuleSettings & { clearAfterMs: number };
  /** `restarts` dies of one container within `withinMs`. */
  restartLoop: RuleSettings & { restarts: number; withinMs: number };
  /** Holds `clearAfterMs` after the last OOM kill. */
  oomKilled: RuleSettings & { clearAfterMs: number };
  unhealthy: RuleSettings;
  /** Running share of a line's containers below `below`, or below `tiers[tier]` for a line of that tier. */
  lineDegraded: RuleSettings & { below: number; tiers: Readonly<Record<number, number>> };
  /** Two holders of one pool address; with `drift`, also a container off its reserved address. */
  ipConflict: RuleSettings & { drift: boolean };
  liveRestoreOff: RuleSettings;
  runFailed: RuleSettings;
  /** Percent of one core (100 = one core busy), as `docker stats` shows it. */
  containerCpu: RuleSettings & { above: number };
  /** Share of the container's memory limit (0..1; a container with no limit: of the host's memory). */
  containerMemory: RuleSettings & { above: number };
  /** The line's summed CPU, percent of one core. */
  lineCpu: RuleSettings & { above: number };
  /** The line's summed memory over its summed limits (0..1). */
  lineMemory: RuleSettings & { above: number };
}

export interface AlertmanagerSinkConfig {
  /** Base URL, e.g. http://127.0.0.1:9093 (the sink posts to /api/v2/alerts). */
  url: string;
  /** Re-send period of firing alerts, ms (default: `alerts.resend`). */
  resendMs: number;
}

export interface ZabbixSinkConfig {
  /** `host:port` of the trapper, as written. */
  server: string;
  serverHost: string;
  serverPort: number;
  /** The Zabbix host that receives the items. */
  host: string;
  /** How often the per-host and per-line values are sent, ms. */
  everyMs: number;
}

export interface WebhookSinkConfig {
  url: string;
  /** Bound of the queue; when full the oldest is dropped (and counted). */
  queue: number;
  retries: number;
  timeoutMs: number;
}

/** Where alerts go; each optional. Only the shape is checked at load: nothing is contacted. */
export interface AlertSinksConfig {
  alertmanager?: AlertmanagerSinkConfig;
  zabbix?: ZabbixSinkConfig;
  webhook?: WebhookSinkConfig;
}

export interface AlertsConfig {
  rules: RulesConfig;
  sinks: AlertSinksConfig;
  /** How long an acknowledgement silences an alert, ms. */
  ackForMs: number;
  evaluateEveryMs: number;
  /** Re-send period of firing alerts ('refresh' transitions), ms. */
  resendMs: number;
  /** How long a resolved alert stays listed, ms. */
  keepResolvedMs: number;
}

const base = (severity: Severity, forMs: number, clearMs: number): RuleSettings => ({ enabled: true, forMs, clearMs, severity, labels: {} });

/** Built-in defaults. */
export function defaultRules(): RulesConfig {
  return {
    hostDown: base('critical', 10_000, 10_000),
    engineSlow: { ...base('warning', 30_000, 30_000), latencyMs: 2000 },
    containerDied: { ...base('warning', 0, 10_000), clearAfterMs: 0 },
    restartLoop: { ...base('critical', 0, 60_000), restarts: 5, withinMs: 300_000 },
    oomKilled: { ...base('warning', 0, 0), clearAfterMs: 300_000 },
    unhealthy: base('warning', 30_000, 30_000),
    lineDegraded: { ...base('warning', 30_000, 30_000), below: 0.5, tiers: {} },
    ipConflict: { ...base('critical', 10_000, 10_000), drift: true },
    liveRestoreOff: base('info', 0, 0),
    runFailed: base('warning', 0, 0),
    containerCpu: { ...base('warning', 120_000, 60_000), above: 90 },
    containerMemory: { ...base('warning', 120_000, 60_000), above: 0.9 },
    lineCpu: { ...base('warning', 300_000, 60_000), above: 800 },
    lineMemory: { ...base('warning', 300_000, 60_000), above: 0.9 },
  };
}

export const DEFAULT_ALERTS = {
  ackForMs: 3_600_000,
  evaluateEveryMs: 1000,
  resendMs: 60_000,
  keepResolvedMs: 15 * 60_000,
  webhookQueue: 1000,
  webhookRetries: 3,
  webhookTimeoutMs: 5000,
  zabbixEveryMs: 30_000,
} as const;

export function defaultAlertsConfig(): AlertsConfig {
  return {
    rules: defaultRules(),
    sinks: {},
    ackForMs: DEFAULT_ALERTS.ackForMs,
    evaluateEveryMs: DEFAULT_ALERTS.evaluateEveryMs,
    resendMs: DEFAULT_ALERTS.resendMs,
    keepResolvedMs: DEFAULT_ALERTS.keepResolvedMs,
  };
}

export const RULE_KEYS: readonly RuleKey[] = Object.keys(defaultRules()) as RuleKey[];

/** A value of `alerts:` that passed the schema but is still wrong; `at` is relative to `alerts`. */
export class AlertsFieldError extends Error {
  constructor(
    message: string,
    readonly at: (string | number)[],
  ) {
    super(message);
  }
}

/** A duration the schema already checked. */
function ms(text: string): number {
  return durationMs(text)!;
}

function positive(text: string | undefined, fallback: number, at: (string | number)[], what: string): number {
  if (text === undefined) return fallback;
  const v = ms(text);
  if (v <= 0) throw new AlertsFieldError(`expected ${what} longer than 0`, at);
  return v;
}

type RawRule = Exclude<NonNullable<NonNullable<RawAlerts['rules']>[RuleKey]>, 'off' | false>;

/** `alerts:` with every default filled. */
export function resolveAlerts(raw: RawAlerts | undefined): AlertsConfig {
  const out = defaultAlertsConfig();
  if (!raw) return out;
  out.ackForMs = positive(raw.ackFor, out.ackForMs, ['ackFor'], 'an acknowledgement');
  out.evaluateEveryMs = positive(raw.evaluateEvery, out.evaluateEveryMs, ['evaluateEvery'], 'a period');
  if (out.evaluateEveryMs < 100) throw new AlertsFieldError('expected a period of at least 100ms', ['evaluateEvery']);
  out.resendMs = positive(raw.resend, out.resendMs, ['resend'], 'a period');
  out.keepResolvedMs = raw.keepResolved === undefined ? out.keepResolvedMs : ms(raw.keepResolved);

  const rules = out.rules as unknown as Record<RuleKey, RuleSettings & Record<string, unknown>>;
  for (const key of RULE_KEYS) {
    const value = raw.rules?.[key];
    if (value === undefined) continue;
    const r = rules[key];
    if (value === 'off' || value === false) {
      r.enabled = false;
      continue;
    }
    const v = value as RawRule & Record<string, unknown>;
    const at = (field: string) => ['rules', key, field];
    if (v.enabled !== undefined) r.enabled = v.enabled;
    if (v.for !== undefined) r.forMs = ms(v.for);
    if (v.clear !== undefined) r.clearMs = ms(v.clear);
    if (v.severity !== undefined) r.severity = v.severity;
    if (v.labels !== undefined) {
      const reserved = Object.keys(v.labels).find((l) => ['alertname', 'severity', 'host', 'container', 'bizline', 'tier'].includes(l));
      if (reserved) throw new AlertsFieldError(`label "${reserved}" is set by the rule itself`, [...at('labels'), reserved]);
      r.labels = { ...v.labels };
    }
    if (typeof v.latency === 'string') r.latencyMs = positive(v.latency, 0, at('latency'), 'a latency');
    if (typeof v.clearAfter === 'string') r.clearAfterMs = ms(v.clearAfter);
    if (typeof v.restarts === 'number') r.restarts = v.restarts;
    if (typeof v.within === 'string') r.withinMs = positive(v.within, 0, at('within'), 'a window');
    if (typeof v.below === 'number') r.below = v.below;
    if (typeof v.drift === 'boolean') r.drift = v.drift;
    if (typeof v.above === 'number') {
      if ((key === 'containerMemory' || key === 'lineMemory') && (v.above <= 0 || v.above >= 1)) {
        throw new AlertsFieldError('expected a share of the memory limit between 0 and 1 (0.9 = 90 %)', at('above'));
      }
      r.above = v.above;
    }
    if (v.tiers !== undefined) {
      r.tiers = Object.fromEntries(Object.entries(v.tiers as Record<string, number>).map(([t, s]) => [Number(t), s]));
    }
  }
  out.sinks = resolveSinks(raw.sinks, out.resendMs);
  return out;
}

function resolveSinks(raw: RawAlerts['sinks'], resendMs: number): AlertSinksConfig {
  const sinks: AlertSinksConfig = {};
  if (!raw) return sinks;
  if (raw.alertmanager) {
    sinks.alertmanager = {
      url: raw.alertmanager.url.replace(/\/+$/, ''),
      resendMs: positive(raw.alertmanager.resend, resendMs, ['sinks', 'alertmanager', 'resend'], 'a period'),
    };
  }
  if (raw.zabbix) {
    const colon = raw.zabbix.server.lastIndexOf(':');
    const port = Number(raw.zabbix.server.slice(colon + 1));
    if (port < 1 || port > 65535) throw new AlertsFieldError('expected a port from 1 to 65535', ['sinks', 'zabbix', 'server']);
    sinks.zabbix = {
      server: raw.zabbix.server,
      serverHost: raw.zabbix.server.slice(0, colon),
      serverPort: port,
      host: raw.zabbix.host,
      everyMs: positive(raw.zabbix.every, DEFAULT_ALERTS.zabbixEveryMs, ['sinks', 'zabbix', 'every'], 'a period'),
    };
  }
  if (raw.webhook) {
    sinks.webhook = {
      url: raw.webhook.url,
      queue: raw.webhook.queue ?? DEFAULT_ALERTS.webhookQueue,
      retries: raw.webhook.retries ?? DEFAULT_ALERTS.webhookRetries,
      timeoutMs: positive(raw.webhook.timeout, DEFAULT_ALERTS.webhookTimeoutMs, ['sinks', 'webhook', 'timeout'], 'a timeout'),
    };
  }
  return sinks;
}
