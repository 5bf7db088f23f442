import type { Condition } from './rules/rule.js';
import type { RuleSettings } from './rules-config.js';
import type { Alert, AlertLabels, AlertTransition, RuleKey } from './types.js';

// Issue 15, item 2: one state machine for every rule. pending → firing once the cause has held for `for:`;
// firing → resolved once it has been gone for `clear:`. A cause back within `clear:` is the same alert (a
// container restarting 10 times a minute is one alert). Resolved alerts stay listed for `keepResolvedMs`;
// a cause that comes back after that is a new alert.

interface Entry {
  alert: Alert;
  /** When the cause last held. */
  seenAt: number;
  /** When the sinks were last told it fires (firing or refresh). */
  sentAt: number;
}

export interface MachineOptions {
  keepResolvedMs: number;
  resendMs: number;
}

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

export class AlertMachine {
  private readonly entries = new Map<string, Entry>();
  private listed: readonly Alert[] = Object.freeze([]);
  private dirty = false;

  constructor(private readonly opts: MachineOptions) {}

  /** One rule's conditions now: starts, advances and keeps its alerts. */
  step(rule: RuleKey, settings: RuleSettings, conditions: readonly Condition[], now: number, out: AlertTransition[]): void {
    const held = new Set<string>();
    for (const c of conditions) {
      const key = `${rule}:${c.subject}`;
      if (held.has(key)) continue;
      held.add(key);
      const labels = { ...settings.labels, ...c.labels, alertname: rule, severity: settings.severity } as AlertLabels;
      let e = this.entries.get(key);
      if (!e || e.alert.state === 'resolved') {
        e = { alert: { key, rule, labels, summary: c.summary, state: 'pending', since: now, firingSince: null, resolvedAt: null, ackedUntil: null, ackedBy: null }, seenAt: now, sentAt: 0 };
        this.entries.set(key, e);
        this.dirty = true;
      } else {
        e.seenAt = now;
        if (e.alert.summary !== c.summary || !sameLabels(e.alert.labels, labels)) this.replace(e, { summary: c.summary, labels });
      }
      if (e.alert.state === 'pending' && now - e.alert.since >= settings.forMs) {
        this.replace(e, { state: 'firing', firingSince: now });
        if (!acked(e.alert, now)) {
          e.sentAt = now;
          out.push({ kind: 'firing', alert: e.alert });
        }
      }
    }
    for (const e of this.entries.values()) {
      if (e.alert.rule !== rule || held.has(e.alert.key) || e.alert.state === 'resolved') continue;
      if (now - e.seenAt < settings.clearMs) continue;
      if (e.alert.state === 'pending') {
        this.entries.delete(e.alert.key);
        this.dirty = true;
        continue;
      }
      this.replace(e, { state: 'resolved', resolvedAt: now });
      out.push({ kind: 'resolved', alert: e.alert });
    }
  }

  /** Rules switched off: their alerts resolve at once (nothing watches their cause any more). */
  drop(rule: RuleKey, now: number, out: AlertTransition[]): void {
    for (const e of this.entries.values()) {
      if (e.alert.rule !== rule || e.alert.state === 'resolved') continue;
      if (e.alert.state === 'pending') {
        this.entries.delete(e.alert.key);
        this.dirty = true;
      } else {
        this.replace(e, { state: 'resolved', resolvedAt: now });
        out.push({ kind: 'resolved', alert: e.alert });
      }
    }
  }

  /** After every rule stepped: expired acknowledgements, refreshes, pruning of old resolved alerts. */
  finish(now: number, out: AlertTransition[]): void {
    for (const e of this.entries.values()) {
      const a = e.alert;
      if (a.state === 'resolved') {
        if (now - a.resolvedAt! >= this.opts.keepResolvedMs) {
          this.entries.delete(a.key);
          this.dirty = true;
        }
        continue;
      }
      if (a.ackedUntil !== null && a.ackedUntil <= now) {
        this.replace(e, { ackedUntil: null, ackedBy: null });
        // The silence ended and the cause still holds: tell the sinks again, as if it had just fired.
        if (e.alert.state === 'firing') {
          e.sentAt = now;
          out.push({ kind: 'firing', alert: e.alert });
        }
        continue;
      }
      if (a.state === 'firing' && !acked(a, now) && now - e.sentAt >= this.opts.resendMs) {
        e.sentAt = now;
        out.push({ kind: 'refresh', alert: a });
      }
    }
  }

  ack(key: string, until: number, by: string): Alert | null {
    const e = this.entries.get(key);
    if (!e || e.alert.state === 'resolved') return null;
    this.replace(e, { ackedUntil: until, ackedBy: by });
    return e.alert;
  }

  /** Ordered as src/store/alerts.ts says; the same array while nothing changed (a cheap "did it change?"). */
  list(): readonly Alert[] {
    if (!this.dirty) return this.listed;
    this.dirty = false;
    const rank = (a: Alert) => (a.state === 'firing' ? 0 : a.state === 'pending' ? 1 : 2);
    this.listed = Object.freeze(
      [...this.entries.values()]
        .map((e) => e.alert)
        .sort(
          (a, b) =>
            rank(a) - rank(b) ||
            (a.state === 'firing' ? SEVERITY_ORDER[a.labels.severity] - SEVERITY_ORDER[b.labels.severity] || a.firingSince! - b.firingSince! : 0) ||
            (a.state === 'pending' ? a.since - b.since : 0) ||
            (a.state === 'resolved' ? b.resolvedAt! - a.resolvedAt! : 0) ||
            (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
        ),
    );
    return this.listed;
  }

  /** Alerts are immutable values (the store holds them): a change replaces the object. */
  private replace(e: Entry, patch: Partial<Alert>): void {
    e.alert = Object.freeze({ ...e.alert, ...patch });
    this.dirty = true;
  }
}

function acked(a: Alert, now: number): boolean {
  return a.ackedUntil !== null && a.ackedUntil > now;
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}
