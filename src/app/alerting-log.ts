import type { AlertSink, AlertTransition, SinkStats } from '../alerts/types.js';

// Issue 15, item 1: what `dockpit watch` logs, one line per happening: a JSON object a line (--json, for
// journald and log shippers) or a readable line. Sink failures are rate-limited per sink: a receiver that
// is down for an hour is a line a minute, not one per try.

export type WatchLogEntry =
  | { event: 'start'; pid: number; hosts: number; state: string; sinks: string[]; metrics: string | null; id: string }
  | { event: 'alert'; kind: AlertTransition['kind']; key: string; alertname: string; severity: string; labels: Record<string, string>; summary: string; sent: boolean }
  | { event: 'sender.gained' | 'sender.lost'; id: string }
  | { event: 'sink.failed'; sink: AlertSink['name']; error: string | null; failed: number; dropped: number; queued: number }
  | { event: 'stop'; signal: string; exit: number };

export interface WatchLog {
  write(entry: WatchLogEntry): void;
  transitions(transitions: readonly AlertTransition[], sent: boolean): void;
  /** Looks at each sink's stats; logs a sink whose failures or drops grew, at most once per `everyMs`. */
  sinkStats(stats: ReadonlyArray<{ name: AlertSink['name']; stats: SinkStats }>, now: number): void;
}

export function formatEntry(entry: WatchLogEntry, time: Date): string {
  switch (entry.event) {
    case 'start':
      return `${time.toISOString()} watching ${entry.hosts} hosts (state ${entry.state}; sinks ${entry.sinks.join(', ') || 'none'}${entry.metrics ? `; metrics on ${entry.metrics}` : ''}) as ${entry.id}`;
    case 'alert':
      return `${time.toISOString()} ${entry.kind} ${entry.alertname} ${entry.severity}: ${entry.summary}${entry.sent ? '' : ' (standby: not sent)'}`;
    case 'sender.gained':
      return `${time.toISOString()} ${entry.id} is the sender now`;
    case 'sender.lost':
      return `${time.toISOString()} ${entry.id} is no longer the sender (standby)`;
    case 'sink.failed':
      return `${time.toISOString()} sink ${entry.sink} failing: ${entry.error ?? 'unknown'} (failed ${entry.failed}, dropped ${entry.dropped}, queued ${entry.queued})`;
    case 'stop':
      return `${time.toISOString()} stopped (${entry.signal})`;
  }
}

export function createWatchLog(json: boolean, out: (line: string) => void, opts: { everyMs?: number; now?: () => Date } = {}): WatchLog {
  const now = opts.now ?? (() => new Date());
  const everyMs = opts.everyMs ?? 60_000;
  const seen = new Map<string, { failed: number; dropped: number; loggedAt: number }>();
  const write = (entry: WatchLogEntry) => {
    const time = now();
    out(json ? JSON.stringify({ time: time.toISOString(), ...entry }) : formatEntry(entry, time));
  };
  return {
    write,
    transitions(transitions, sent) {
      for (const t of transitions) {
        if (t.kind === 'refresh') continue; // every resend interval: noise in a log
        const { alertname, severity, ...rest } = t.alert.labels;
        write({ event: 'alert', kind: t.kind, key: t.alert.key, alertname, severity, labels: { alertname, severity, ...rest }, summary: t.alert.summary, sent });
      }
    },
    sinkStats(all, at) {
      for (const { name, stats } of all) {
        const prev = seen.get(name) ?? { failed: 0, dropped: 0, loggedAt: -Infinity };
        const grew = stats.failed > prev.failed || stats.dropped > prev.dropped;
        if (!grew || at - prev.loggedAt < everyMs) continue;
        seen.set(name, { failed: stats.failed, dropped: stats.dropped, loggedAt: at });
        write({ event: 'sink.failed', sink: name, error: stats.lastError, failed: stats.failed, dropped: stats.dropped, queued: stats.queued });
      }
    },
  };
}
