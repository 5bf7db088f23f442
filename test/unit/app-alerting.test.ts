import { afterEach, describe, expect, it, vi } from 'vitest';
import { startAlerting, type AlertRules } from '../../src/app/alerting.js';
import { AlertEvaluator } from '../../src/alerts/evaluator.js';
import { defaultAlertsConfig } from '../../src/alerts/rules-config.js';
import { startSenderElection } from '../../src/app/sender-election.js';
import type { Alert, AlertSink, AlertTransition, SinkStats } from '../../src/alerts/types.js';
import type { DomainEvent } from '../../src/engine/types.js';
import { fileLeases } from '../../src/state/file/leases.js';
import type { AuditRecord } from '../../src/state/types.js';
import { createFleetStore } from '../../src/store/fleet-store.js';
import { applyEvents } from '../../src/store/apply-event.js';
import { tempDir } from '../support/memory-fleet.js';
import { hostUp } from './fixtures.js';

// Issue 15: the alerting service (src/app/alerting.ts) against a scripted rules engine: what reaches the
// store, the sinks and the audit log, and when. The rules themselves are H1's (their own tests).

function alert(key: string, state: Alert['state'] = 'firing'): Alert {
  return { key, rule: 'restartLoop', labels: { alertname: 'restartLoop', severity: 'critical', host: 'h1', container: key }, summary: `${key} restarts`, state, since: 1, firingSince: state === 'firing' ? 1 : null, resolvedAt: null, ackedUntil: null, ackedBy: null };
}

/** Rules that return what the test scripts, and remember what they were told. */
function scripted() {
  let list: Alert[] = [];
  let next: AlertTransition[] = [];
  const observed: DomainEvent[] = [];
  const acks: Array<[string, number, string]> = [];
  const rules: AlertRules = {
    observe: (e) => void observed.push(e),
    evaluate: () => next.splice(0),
    ack: (key, until, by) => {
      acks.push([key, until, by]);
      list = list.map((a) => (a.key === key ? { ...a, ackedUntil: until, ackedBy: by } : a));
    },
    list: () => list,
  };
  return { rules, observed, acks, set: (l: Alert[], t: AlertTransition[] = []) => ((list = l), (next = t)) };
}

function sink(name: AlertSink['name'] = 'alertmanager') {
  const sent: AlertTransition[][] = [];
  const stats: SinkStats = { sent: 0, failed: 0, dropped: 0, queued: 0, lastError: null };
  const s: AlertSink = { name, send: (t) => void sent.push([...t]), close: async () => undefined, stats: () => stats };
  return { s, sent };
}

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  vi.useRealTimers();
});

function setup(sender = { on: true }) {
  const r = scripted();
  const store = createFleetStore();
  const emitted: DomainEvent[] = [];
  const emit = (e: DomainEvent) => {
    emitted.push(e);
    store.setState(applyEvents(store.getState(), [e]), true);
  };
  const am = sink();
  const audit: AuditRecord[] = [];
  const silenced: string[] = [];
  const pushes: number[] = [];
  const alerting = startAlerting({
    rules: r.rules,
    evaluateEveryMs: 1000,
    ackForMs: 3_600_000,
    store,
    emit,
    audit: { append: async (rec) => (audit.push(rec), { ...rec, at: '', user: 'ops', from: 'j1' }) },
    sinks: [am.s],
    isSender: () => sender.on,
    periodic: { everyMs: 30_000, push: (_s, now) => void pushes.push(now) },
    silence: async (a) => void silenced.push(a.key),
    now: () => 1_000_000,
  });
  stops.push(() => alerting.stop(10));
  return { r, store, emitted, am, audit, silenced, pushes, alerting };
}

describe('alerting service', () => {
  it('sees every event but its own, and counts events and re-lists', () => {
    const { r, alerting } = setup();
    const sink = alerting.tap(() => undefined);
    sink(hostUp('h1'));
    sink({ type: 'host.listed', host: 'h1', containers: [] });
    sink({ type: 'container.event', event: { host: 'h1', id: 'c1', name: 'web-1', action: 'die', timeNano: 1e18, exitCode: 1 } });
    sink({ type: 'alerts.changed', alerts: [] });
    expect(r.observed.map((e) => e.type)).toEqual(['host.status', 'host.listed', 'container.event']);
    expect(alerting.selfHealth()).toMatchObject({ eventsReceived: 1, domainEvents: 4, relists: 1 });
  });

  it('puts the list in the store only when what it shows changed', () => {
    const { r, emitted, store, alerting } = setup();
    r.set([alert('web-1')]);
    alerting.evaluate();
    alerting.evaluate();
    expect(emitted.filter((e) => e.type === 'alerts.changed')).toHaveLength(1);
    expect(store.getState().alerts.firing).toBe(1);
    r.set([alert('web-1', 'resolved')]);
    alerting.evaluate();
    expect(emitted.filter((e) => e.type === 'alerts.changed')).toHaveLength(2);
    expect(store.getState().alerts.firing).toBe(0);
  });

  it('sends transitions only while it is the sender, and re-sends what fires when it becomes one', () => {
    const sender = { on: false };
    const { r, am, alerting } = setup(sender);
    const a = alert('web-1');
    r.set([a], [{ kind: 'firing', alert: a }]);
    alerting.evaluate();
    expect(am.sent).toEqual([]);
    sender.on = true;
    alerting.senderGained();
    expect(am.sent).toEqual([[{ kind: 'refresh', alert: a }]]);
    r.set([a], [{ kind: 'refresh', alert: a }]);
    alerting.evaluate();
    expect(am.sent).toHaveLength(2);
  });

  it('ack: the rules silence it until now + ackFor, Alertmanager too, and the audit log says who', async () => {
    const { r, audit, silenced, store, alerting } = setup();
    r.set([alert('web-1')]);
    alerting.evaluate();
    const res = await alerting.ack('web-1', 'ops@j1');
    expect(res.ok).toBe(true);
    // now = 1,000,000 ms after the epoch: 00:16:40, plus the hour.
    expect(res.message).toBe('acknowledged restartLoop h1/web-1 for 60 min (until 01:16 UTC; audit log; silenced in Alertmanager too)');
    expect(r.acks).toEqual([['web-1', 1_000_000 + 3_600_000, 'ops@j1']]);
    expect(silenced).toEqual(['web-1']);
    expect(audit).toEqual([expect.objectContaining({ action: 'alert.ack', targets: ['web-1'], outcome: 'ok' })]);
    expect(store.getState().alerts.firing).toBe(0); // acknowledged ones are not counted
    expect((await alerting.ack('nope', 'ops@j1')).ok).toBe(false);
  });

  it('evaluates on its timer and pushes the Zabbix values only as the sender', async () => {
    vi.useFakeTimers();
    const sender = { on: false };
    const { pushes, alerting } = setup(sender);
    vi.advanceTimersByTime(30_000);
    expect(pushes).toEqual([]);
    sender.on = true;
    vi.advanceTimersByTime(30_000);
    expect(pushes).toHaveLength(1);
    expect(alerting.selfHealth().evaluations).toBe(60);
  });

  it('evaluates at the commit after a cause, not at the next tick, at most once per gap; figures wait', () => {
    vi.useFakeTimers();
    const { alerting } = setup();
    const died: DomainEvent = { type: 'container.event', event: { host: 'h1', id: 'c1', name: 'c1', action: 'die', timeNano: 1, exitCode: 1 } };
    const evaluations = () => alerting.selfHealth().evaluations;
    alerting.observe(died);
    alerting.onCommit(1, 1);
    vi.advanceTimersByTime(0);
    expect(evaluations()).toBe(1);
    // A storm: causes at every commit, one evaluation per 200 ms gap.
    for (let t = 0; t < 20; t++) {
      alerting.observe(died);
      alerting.onCommit(1, 1);
      vi.advanceTimersByTime(50);
    }
    expect(evaluations()).toBeGreaterThanOrEqual(5);
    expect(evaluations()).toBeLessThanOrEqual(7); // 1 s: 5 prompt + the 1 s tick, not 20
    // Only a probe's latency or a stats sample: no early evaluation.
    vi.advanceTimersByTime(300);
    const before = evaluations();
    alerting.observe({ type: 'host.status', host: 'h1', patch: { latencyMs: 3 } });
    alerting.observe({ type: 'stats.sampled', samples: [] });
    alerting.committed();
    vi.advanceTimersByTime(100);
    expect(evaluations()).toBe(before);
  });
});

describe('sender election on file state (one per jump host)', () => {
  it('one of two campaigns holds the role; when it resigns, the other takes it', async () => {
    const leases = fileLeases(tempDir('leases'));
    const changes: string[] = [];
    const a = startSenderElection({ leases, id: 'a', ttlMs: 2000, onChange: (on, id) => changes.push(`${id}:${on}`) });
    await vi.waitFor(() => expect(a.isSender()).toBe(true));
    const b = startSenderElection({ leases, id: 'b', ttlMs: 2000, onChange: (on, id) => changes.push(`${id}:${on}`) });
    await vi.waitFor(() => expect(b.holder()).toBe('a'), { timeout: 2000 });
    expect(b.isSender()).toBe(false);
    await a.stop();
    await vi.waitFor(() => expect(b.isSender()).toBe(true), { timeout: 2000 });
    expect(changes).toEqual(['a:true', 'a:false', 'b:true']);
    await b.stop();
  });
});

describe('alerting service on the real rules (AlertEvaluator)', () => {
  it('a restart loop seen through the tap fires once, reaches the sink and the store; a standby only evaluates', () => {
    const config = defaultAlertsConfig();
    config.rules.restartLoop = { ...config.rules.restartLoop, restarts: 3, withinMs: 60_000 };
    const run = (sender: boolean) => {
      const store = createFleetStore();
      const emit = (e: DomainEvent) => store.setState(applyEvents(store.getState(), [e]), true);
      const am = sink();
      const alerting = startAlerting({ rules: new AlertEvaluator(config.rules), evaluateEveryMs: 60_000, ackForMs: 1000, store, emit, sinks: [am.s], isSender: () => sender });
      stops.push(() => alerting.stop(10));
      const tapped = alerting.tap(emit);
      tapped(hostUp('h1'));
      const now = Date.now();
      for (let i = 0; i < 10; i++) {
        for (const action of ['start', 'die']) {
          tapped({ type: 'container.event', event: { host: 'h1', id: 'c1', name: 'web-1', action, timeNano: (now - 5000 + i * 100) * 1e6, ...(action === 'die' && { exitCode: 1 }) } });
        }
      }
      alerting.evaluate();
      alerting.evaluate();
      return { store, am };
    };
    const sender = run(true);
    const loops = sender.am.sent.flat().filter((t) => t.alert.rule === 'restartLoop');
    expect(loops.map((t) => [t.kind, t.alert.labels.container])).toEqual([['firing', 'web-1']]); // 10 restarts, one alert
    expect(sender.store.getState().alerts.list.filter((a) => a.rule === 'restartLoop' && a.state === 'firing')).toHaveLength(1);
    const standby = run(false);
    expect(standby.am.sent).toEqual([]);
    expect(standby.store.getState().alerts.list.filter((a) => a.rule === 'restartLoop' && a.state === 'firing')).toHaveLength(1);
  });
});
