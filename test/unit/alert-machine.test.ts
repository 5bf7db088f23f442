import { describe, expect, it } from 'vitest';
import { AlertEvaluator } from '../../src/alerts/evaluator.js';
import { defaultRules, RULE_KEYS, type RulesConfig } from '../../src/alerts/rules-config.js';
import type { AlertTransition } from '../../src/alerts/types.js';
import type { DomainEvent } from '../../src/engine/types.js';
import { applyEvents } from '../../src/store/apply-event.js';
import type { FleetState } from '../../src/store/state.js';
import { hostUp, stateOf } from './fixtures.js';

// Issue 15, item 2: the state machine every rule shares, driven through hostDown (the simplest cause: a
// host's state) with only that rule on. Time is a parameter: no timers, no waiting.

const T0 = 1_800_000_000_000;

function only(tune: Partial<RulesConfig['hostDown']> = {}): RulesConfig {
  const rules = defaultRules();
  for (const k of RULE_KEYS) rules[k].enabled = false;
  rules.hostDown = { ...rules.hostDown, enabled: true, forMs: 10_000, clearMs: 5000, ...tune };
  return rules;
}

const down = (host: string): DomainEvent => ({ type: 'host.status', host, patch: { state: 'down', error: 'ECONNREFUSED: connect ECONNREFUSED 10.0.0.2:2375', latencyMs: null } });
const up = (host: string): DomainEvent => hostUp(host);
const kinds = (ts: AlertTransition[]) => ts.map((t) => `${t.kind} ${t.alert.key}`);

describe('alert state machine', () => {
  it('pending until the cause has held for `for:`, then firing once, with the labels and a readable summary', () => {
    const ev = new AlertEvaluator(only());
    let s = stateOf([up('h1'), up('h2')]);
    expect(ev.evaluate(s, T0)).toEqual([]);
    s = applyEvents(s, [down('h2')]);
    expect(ev.evaluate(s, T0 + 1000)).toEqual([]);
    expect(ev.list()).toMatchObject([{ key: 'hostDown:h2', state: 'pending', since: T0 + 1000, firingSince: null }]);
    expect(ev.evaluate(s, T0 + 10_999)).toEqual([]);
    const fired = ev.evaluate(s, T0 + 11_000);
    expect(kinds(fired)).toEqual(['firing hostDown:h2']);
    expect(fired[0]!.alert).toMatchObject({
      rule: 'hostDown',
      state: 'firing',
      since: T0 + 1000,
      firingSince: T0 + 11_000,
      labels: { alertname: 'hostDown', severity: 'critical', host: 'h2' },
      summary: 'h2: engine down (ECONNREFUSED: connect ECONNREFUSED 10.0.0.2:2375), never reached',
    });
    expect(ev.evaluate(s, T0 + 12_000)).toEqual([]);
  });

  it('a cause gone before `for:` never fires and leaves nothing listed after `clear:`', () => {
    const ev = new AlertEvaluator(only());
    const s = stateOf([down('h1')]);
    ev.evaluate(s, T0);
    const back = applyEvents(s, [up('h1')]);
    expect(ev.evaluate(back, T0 + 3000)).toEqual([]);
    expect(ev.list()).toHaveLength(1);
    expect(ev.evaluate(back, T0 + 8000)).toEqual([]);
    expect(ev.list()).toEqual([]);
  });

  it('resolves once the cause has been gone for `clear:`; kept listed, then pruned after keepResolvedMs', () => {
    const ev = new AlertEvaluator(only({ forMs: 0 }), { keepResolvedMs: 60_000 });
    const s = stateOf([down('h1')]);
    expect(kinds(ev.evaluate(s, T0))).toEqual(['firing hostDown:h1']);
    const back = applyEvents(s, [up('h1')]);
    expect(ev.evaluate(back, T0 + 4999)).toEqual([]);
    const resolved = ev.evaluate(back, T0 + 5000);
    expect(kinds(resolved)).toEqual(['resolved hostDown:h1']);
    expect(resolved[0]!.alert).toMatchObject({ state: 'resolved', resolvedAt: T0 + 5000, firingSince: T0 });
    expect(ev.evaluate(back, T0 + 64_999)).toEqual([]);
    expect(ev.list().map((a) => a.state)).toEqual(['resolved']);
    ev.evaluate(back, T0 + 65_000);
    expect(ev.list()).toEqual([]);
  });

  it('flapping (down and up 10 times a minute) is one alert, fired once and resolved once', () => {
    const ev = new AlertEvaluator(only({ forMs: 0, clearMs: 20_000 }));
    const all: AlertTransition[] = [];
    let s = stateOf([up('h1')]);
    for (let i = 0; i < 60; i++) {
      // down for 2 s, up for 4 s: 10 flaps in the minute, evaluated every second
      s = applyEvents(s, [i % 6 < 2 ? down('h1') : up('h1')]);
      all.push(...ev.evaluate(s, T0 + i * 1000));
    }
    expect(kinds(all)).toEqual(['firing hostDown:h1']);
    s = applyEvents(s, [up('h1')]);
    for (let i = 60; i < 90; i++) all.push(...ev.evaluate(s, T0 + i * 1000));
    // 60 s after it fired it is re-sent (a refresh of the same alert), then resolved once.
    expect(kinds(all)).toEqual(['firing hostDown:h1', 'refresh hostDown:h1', 'resolved hostDown:h1']);
    expect(new Set(all.map((t) => t.alert.since)).size).toBe(1);
  });

  it('a firing alert is refreshed every resendMs, and a cause that comes back after resolving is a new alert', () => {
    const ev = new AlertEvaluator(only({ forMs: 0, clearMs: 0 }), { resendMs: 60_000 });
    const s = stateOf([down('h1')]);
    const seen: string[] = [];
    for (let t = 0; t <= 130_000; t += 1000) seen.push(...kinds(ev.evaluate(s, T0 + t)).map((k) => `${t} ${k}`));
    expect(seen).toEqual(['0 firing hostDown:h1', '60000 refresh hostDown:h1', '120000 refresh hostDown:h1']);
    const back = applyEvents(s, [up('h1')]);
    expect(kinds(ev.evaluate(back, T0 + 131_000))).toEqual(['resolved hostDown:h1']);
    const again = ev.evaluate(s, T0 + 132_000);
    expect(kinds(again)).toEqual(['firing hostDown:h1']);
    expect(again[0]!.alert.since).toBe(T0 + 132_000);
    expect(ev.list()).toHaveLength(1);
  });

  it('ack silences refreshes until it ends, then the still-firing alert is sent again; resolving is always sent', () => {
    const ev = new AlertEvaluator(only({ forMs: 0, clearMs: 0 }), { resendMs: 10_000 });
    const s = stateOf([down('h1'), down('h2')]);
    ev.evaluate(s, T0);
    expect(ev.ack('hostDown:nope', T0 + 1, 'ann@j1')).toBeNull();
    const acked = ev.ack('hostDown:h1', T0 + 30_000, 'ann@j1');
    expect(acked).toMatchObject({ key: 'hostDown:h1', ackedUntil: T0 + 30_000, ackedBy: 'ann@j1', state: 'firing' });
    expect(ev.list().find((a) => a.key === 'hostDown:h1')).toBe(acked);
    const seen: string[] = [];
    for (let t = 1000; t <= 30_000; t += 1000) seen.push(...kinds(ev.evaluate(s, T0 + t)).map((k) => `${t} ${k}`));
    expect(seen).toEqual(['10000 refresh hostDown:h2', '20000 refresh hostDown:h2', '30000 firing hostDown:h1', '30000 refresh hostDown:h2']);
    expect(ev.list().find((a) => a.key === 'hostDown:h1')).toMatchObject({ ackedUntil: null, ackedBy: null });
    ev.ack('hostDown:h2', T0 + 99_000, 'bob@j2');
    expect(kinds(ev.evaluate(stateOf([up('h1'), up('h2')]), T0 + 31_000))).toEqual(['resolved hostDown:h1', 'resolved hostDown:h2']);
    expect(ev.ack('hostDown:h2', T0 + 99_000, 'bob@j2')).toBeNull();
  });

  it('lists firing (critical first), then pending, then resolved (newest first); the same array while nothing changed', () => {
    const rules = only({ forMs: 0, clearMs: 0 });
    rules.liveRestoreOff = { ...rules.liveRestoreOff, enabled: true, severity: 'warning' };
    rules.engineSlow = { ...rules.engineSlow, enabled: true, forMs: 60_000 };
    const ev = new AlertEvaluator(rules);
    let s: FleetState = stateOf([hostUp('h1', { liveRestore: false }), down('h2'), down('h3'), hostUp('h4', { latencyMs: 5000 })]);
    ev.evaluate(s, T0);
    s = applyEvents(s, [up('h3')]);
    ev.evaluate(s, T0 + 1000);
    s = applyEvents(s, [down('h5')]);
    ev.evaluate(s, T0 + 2000);
    s = applyEvents(s, [up('h5')]);
    ev.evaluate(s, T0 + 3000);
    expect(ev.list().map((a) => `${a.state} ${a.key}`)).toEqual([
      'firing hostDown:h2',
      'firing liveRestoreOff:h1',
      'pending engineSlow:h4',
      'resolved hostDown:h5',
      'resolved hostDown:h3',
    ]);
    const list = ev.list();
    ev.evaluate(s, T0 + 4000);
    expect(ev.list()).toBe(list);
  });

  it('a rule switched off resolves its firing alerts', () => {
    const rules = only({ forMs: 0 });
    const ev = new AlertEvaluator(rules);
    const s = stateOf([down('h1')]);
    ev.evaluate(s, T0);
    rules.hostDown.enabled = false;
    expect(kinds(ev.evaluate(s, T0 + 1000))).toEqual(['resolved hostDown:h1']);
  });
});
