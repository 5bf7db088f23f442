import { humanDuration } from '../alerts/duration.js';
import type { Alert, AlertSink, AlertTransition, SinkStats } from '../alerts/types.js';
import { alertSubject } from '../render/alert-lines.js';
import type { DomainEvent, DomainEventSink } from '../engine/types.js';
import type { AuditLog } from '../state/types.js';
import type { FleetStore } from '../store/fleet-store.js';
import type { FleetState } from '../store/state.js';

// Issue 15, items 1 and 5: the alerting service, shared by `dockpit watch` (evaluates and sends) and the
// cockpit (evaluates only). It sees every domain event (observe: counters and the rules' event memory,
// O(1) each), evaluates the rules on the store's state on a timer, keeps FleetState.alerts current, and —
// only while this process is the team's sender — hands the transitions to the sinks. Every process
// evaluates all the time, so a standby that takes over knows which alerts fire and re-sends them.

/** What this service asks of the rules engine (H1's AlertEvaluator satisfies it). */
export interface AlertRules {
  observe(event: DomainEvent): void;
  evaluate(state: FleetState, now: number): AlertTransition[];
  /** Silences the alert until `until` (epoch ms); its return value is not used here. */
  ack(key: string, until: number, by: string): unknown;
  list(): readonly Alert[];
}

export interface AlertingOptions {
  rules: AlertRules;
  /** How often the rules are evaluated, ms. */
  evaluateEveryMs: number;
  /** After a commit that carried a cause (a container or host change, a run), the rules are evaluated at
   *  once rather than at the next tick, but at most once per this many ms (default 200). */
  promptGapMs?: number;
  /** How long an acknowledgement silences an alert, ms. */
  ackForMs: number;
  store: Pick<FleetStore, 'getState'>;
  /** The coalescer's sink: `alerts.changed` goes there. */
  emit: DomainEventSink;
  /** Where acknowledgements are recorded. */
  audit?: Pick<AuditLog, 'append'>;
  sinks: readonly AlertSink[];
  /** Whether this process sends now (the team's elected sender); checked before every send. */
  isSender: () => boolean;
  /** Zabbix item values, pushed every `everyMs` while this process is the sender. */
  periodic?: { everyMs: number; push(state: FleetState, now: number): void };
  /** Silences the alert in Alertmanager too (acks), when that sink is configured. */
  silence?: (alert: Alert, until: number, by: string) => Promise<void>;
  /** Told of each transition sent and each sink failure (the watch log). */
  onTransitions?: (transitions: readonly AlertTransition[], sent: boolean) => void;
  now?: () => number;
}

/** dockpit's own health, for the metrics (`dockpit_*`) and the watch log. */
export interface AlertingHealth {
  /** The engines' container events (`container.event`: one per engine event, all hosts). */
  eventsReceived: number;
  /** Every domain event (probes, samples, lists, ledger reads … included). */
  domainEvents: number;
  /** `host.listed` events: whole re-lists of a host's containers. */
  relists: number;
  commits: number;
  /** Sum and largest of the store commits' cost (apply + subscribers), ms. */
  commitMsTotal: number;
  commitMsMax: number;
  evaluations: number;
  evaluateMsTotal: number;
  firing: number;
  sender: boolean;
  sinks: Record<string, SinkStats>;
}

export interface Alerting {
  /** Sees one domain event (the tap calls it for every event the engine and the services emit). */
  observe(event: DomainEvent): void;
  /** `sink`, with every event seen by `observe` first. */
  tap(sink: DomainEventSink): DomainEventSink;
  /** The coalescer's onCommit. */
  onCommit(ms: number, events: number): void;
  /** The store changed (for a process whose coalescer reports commits elsewhere, e.g. the cockpit). */
  committed(): void;
  /** Evaluates now (also what the timer does); returns the transitions. */
  evaluate(): AlertTransition[];
  /** Tells the service the sender role was gained: the alerts firing now are sent again. */
  senderGained(): void;
  ack(key: string, by: string): Promise<{ ok: boolean; message: string }>;
  selfHealth(): AlertingHealth;
  /** Stops the timers and flushes the sinks for at most `flushMs`. */
  stop(flushMs?: number): Promise<void>;
}

/** What of an alert the screens show: a change of any of these is a change of the list. */
/** Events that can start or end an alert now; figures, probes' latencies and re-lists wait for the tick. */
function isCause(event: DomainEvent): boolean {
  switch (event.type) {
    case 'container.event':
    case 'container.updated':
    case 'container.patched':
    case 'container.removed':
    case 'run.plan':
    case 'run.move':
    case 'team.run':
      return true;
    case 'host.status':
      return Object.keys(event.patch).some((k) => k !== 'latencyMs' && k !== 'lastSeen');
    default:
      return false;
  }
}

const shown = (a: Alert): string => `${a.key}\u0000${a.state}\u0000${a.summary}\u0000${a.ackedUntil ?? ''}\u0000${a.resolvedAt ?? ''}`;

export function startAlerting(opts: AlertingOptions): Alerting {
  const { rules, store, emit, sinks, isSender } = opts;
  const now = opts.now ?? Date.now;
  const health = { eventsReceived: 0, domainEvents: 0, relists: 0, commits: 0, commitMsTotal: 0, commitMsMax: 0, evaluations: 0, evaluateMsTotal: 0 };
  let lastShown: string[] = [];
  let firing = 0;
  let stopped = false;
  const promptGapMs = opts.promptGapMs ?? 200;
  /** A cause was observed since the last evaluation. */
  let caused = false;
  let lastEvaluation = -Infinity;
  let prompt: NodeJS.Timeout | null = null;

  const observe = (event: DomainEvent): void => {
    health.domainEvents++;
    if (event.type === 'container.event') health.eventsReceived++;
    else if (event.type === 'host.listed') health.relists++;
    if (event.type === 'alerts.changed') return; // ours, back through the tap
    rules.observe(event);
    if (!caused && isCause(event)) caused = true;
  };

  /** Emits the list when what it shows changed (not on every evaluation: each emit is a commit). */
  const publish = (): void => {
    const list = rules.list();
    firing = list.filter((a) => a.state === 'firing' && a.ackedUntil === null).length;
    const next = list.map(shown);
    if (next.length === lastShown.length && next.every((s, i) => s === lastShown[i])) return;
    lastShown = next;
    emit({ type: 'alerts.changed', alerts: [...list] });
  };

  const send = (transitions: readonly AlertTransition[]): void => {
    if (transitions.length === 0) return;
    const sending = isSender();
    if (sending) for (const sink of sinks) sink.send(transitions);
    opts.onTransitions?.(transitions, sending);
  };

  const evaluate = (): AlertTransition[] => {
    const t0 = (lastEvaluation = performance.now());
    caused = false;
    const transitions = rules.evaluate(store.getState(), now());
    health.evaluations++;
    health.evaluateMsTotal += performance.now() - t0;
    publish();
    send(transitions);
    return transitions;
  };

  const timer = setInterval(() => {
    if (!stopped) evaluate();
  }, opts.evaluateEveryMs);
  // The cause is in the store once its commit is: evaluating then, not up to a tick later, is most of an
  // alert's latency. In a storm nearly every commit carries a cause, hence the gap.
  const committed = (): void => {
    if (!caused || prompt || stopped) return;
    prompt = setTimeout(
      () => {
        prompt = null;
        if (!stopped) evaluate();
      },
      Math.max(0, lastEvaluation + promptGapMs - performance.now()),
    );
  };
  const pushTimer = opts.periodic
    ? setInterval(() => {
        if (!stopped && isSender()) opts.periodic!.push(store.getState(), now());
      }, opts.periodic.everyMs)
    : null;

  return {
    observe,
    tap: (sink) => (event) => {
      observe(event);
      sink(event);
    },
    onCommit(ms) {
      health.commits++;
      health.commitMsTotal += ms;
      if (ms > health.commitMsMax) health.commitMsMax = ms;
      committed();
    },
    committed,
    evaluate,
    senderGained() {
      // A new sender re-sends what fires: Alertmanager dedupes by labels, and the old sender's last
      // refresh may be up to one interval old (or never came, if it died before sending).
      const live = rules.list().filter((a) => a.state === 'firing');
      if (live.length > 0 && isSender()) for (const sink of sinks) sink.send(live.map((alert) => ({ kind: 'refresh' as const, alert })));
    },
    async ack(key, by) {
      const alert = rules.list().find((a) => a.key === key);
      if (!alert) return { ok: false, message: `no alert ${key}` };
      const until = now() + opts.ackForMs;
      const details: Record<string, unknown> = { until: new Date(until).toISOString(), rule: alert.rule, labels: alert.labels };
      let silenced = '';
      if (opts.silence) {
        try {
          await opts.silence(alert, until, by);
          silenced = '; silenced in Alertmanager too';
        } catch (err) {
          const why = err instanceof Error ? err.message : String(err);
          silenced = `; NOT silenced in Alertmanager: ${why}`;
          details.alertmanager = `not silenced: ${why}`;
        }
      }
      rules.ack(key, until, by);
      publish();
      // What the operator reads on the bottom line: which alert, for how long (24-hour UTC, as the :alerts
      // screen shows times), and where it was recorded.
      const what = `${alert.labels.alertname} ${alertSubject(alert)} for ${humanDuration(opts.ackForMs)} (until ${new Date(until).toISOString().slice(11, 16)} UTC`;
      try {
        await opts.audit?.append({ action: 'alert.ack', targets: [key], details, outcome: 'ok' });
      } catch (err) {
        return { ok: false, message: `acknowledged ${what}${silenced}), but the audit log could not be written: ${err instanceof Error ? err.message : String(err)}` };
      }
      return { ok: true, message: `acknowledged ${what}; audit log${silenced})` };
    },
    selfHealth: () => ({
      ...health,
      firing,
      sender: isSender(),
      sinks: Object.fromEntries(sinks.map((s) => [s.name, s.stats()])),
    }),
    async stop(flushMs = 2000) {
      stopped = true;
      clearInterval(timer);
      if (prompt) clearTimeout(prompt);
      if (pushTimer) clearInterval(pushTimer);
      await Promise.all(sinks.map((s) => s.close(flushMs).catch(() => undefined)));
    },
  };
}
