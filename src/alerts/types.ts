// Issue 15: alerts. Plain data shared by the rules (pure), the sinks, `dockpit watch`, the metrics and the
// cockpit's :alerts screen. Nothing here imports Ink, dockerode or the state layer.

export type Severity = 'critical' | 'warning' | 'info';

/** The built-in rules, by their `alerts.rules:` key (also the alert's `alertname`, see ALERT_NAMES). */
export type RuleKey =
  | 'hostDown'
  | 'engineSlow'
  | 'containerDied'
  | 'restartLoop'
  | 'oomKilled'
  | 'unhealthy'
  | 'lineDegraded'
  | 'ipConflict'
  | 'liveRestoreOff'
  | 'runFailed'
  | 'containerCpu'
  | 'containerMemory'
  | 'lineCpu'
  | 'lineMemory';

/**
 * Labels an alert carries (Alertmanager's, Zabbix's and the webhook's): `alertname` and `severity` always,
 * `host`, `container`, `bizline`, `tier` where they apply, plus any the rule's config adds.
 */
export type AlertLabels = Readonly<Record<string, string>> & { readonly alertname: string; readonly severity: Severity };

/** Where an alert stands. `pending`: its cause holds, for less than the rule's `for:`. */
export type AlertState = 'pending' | 'firing' | 'resolved';

export interface Alert {
  /** Stable identity: the rule plus the labels that name the subject (host, container, line, run). */
  key: string;
  rule: RuleKey;
  labels: AlertLabels;
  /** One line an operator reads at 3 a.m.: what, where, how bad ("h2: engine down (ECONNREFUSED) for 12 s"). */
  summary: string;
  state: AlertState;
  /** Epoch ms the cause was first seen (pending) and, once firing, when it started firing. */
  since: number;
  firingSince: number | null;
  /** Epoch ms it resolved; null until then. */
  resolvedAt: number | null;
  /** Epoch ms until which it is acknowledged (silenced); null when not. */
  ackedUntil: number | null;
  /** Who acknowledged it (`user@jump-host`), while acknowledged. */
  ackedBy: string | null;
}

/** What changed in one evaluation: what the sinks send and the store keeps. */
export type AlertTransition =
  | { kind: 'firing'; alert: Alert }
  | { kind: 'resolved'; alert: Alert }
  /** A firing alert still holds: Alertmanager wants it re-sent before its `endsAt` (refresh). */
  | { kind: 'refresh'; alert: Alert };

/** A place alerts go (Alertmanager, Zabbix, a webhook). Sending never throws and never blocks the caller. */
export interface AlertSink {
  readonly name: 'alertmanager' | 'zabbix' | 'webhook';
  send(transitions: readonly AlertTransition[]): void;
  /** Flushes what can be flushed within `ms`, then stops (SIGTERM). */
  close(ms: number): Promise<void>;
  /** Its health, for the metrics (`dockpit_sink_*`) and the JSON log. */
  stats(): SinkStats;
}

export interface SinkStats {
  sent: number;
  failed: number;
  /** Dropped because the queue was full (oldest first). */
  dropped: number;
  queued: number;
  /** `CODE: message` of the last failure; null after a success. */
  lastError: string | null;
}
