import { describe, expect, it } from 'vitest';
import { AlertEvaluator } from '../../src/alerts/evaluator.js';
import { defaultRules, RULE_KEYS, type RulesConfig } from '../../src/alerts/rules-config.js';
import type { Alert, RuleKey } from '../../src/alerts/types.js';
import type { ContainerEventRecord, DomainEvent, StatsSample, TeamRun } from '../../src/engine/types.js';
import { applyEvents } from '../../src/store/apply-event.js';
import type { FleetState } from '../../src/store/state.js';
import { container, hostUp, listed, stateOf } from './fixtures.js';
import { LAN, pools, reservation } from './ip-fixtures.js';

// Issue 15, item 2: each built-in rule on store states and engine events, alone (the others off), with
// `for:` and `clear:` at 0 so one evaluation shows what holds. The state machine has its own tests.

const T0 = 1_800_000_000_000;

function only<K extends RuleKey>(key: K, tune: Partial<RulesConfig[K]> = {}): RulesConfig {
  const rules = defaultRules();
  for (const k of RULE_KEYS) rules[k].enabled = false;
  rules[key] = { ...rules[key], enabled: true, forMs: 0, clearMs: 0, ...tune };
  return rules;
}

function firing(ev: AlertEvaluator): Alert[] {
  return ev.list().filter((a) => a.state === 'firing');
}

const at = (ms: number) => ms * 1e6;
function event(host: string, id: string, name: string, action: string, ms: number, extra: Partial<ContainerEventRecord> = {}): DomainEvent {
  return { type: 'container.event', event: { host, id, name, action, timeNano: at(ms), ...extra } };
}

const web = (over = {}) => container('h1', 'c1', 'web-1', { bizline: 'shop', tier: 1, ...over });

describe('hostDown, engineSlow, liveRestoreOff', () => {
  it('hostDown: a host whose engine is down', () => {
    const ev = new AlertEvaluator(only('hostDown'));
    ev.evaluate(stateOf([hostUp('h1'), { type: 'host.status', host: 'h2', patch: { state: 'down', error: 'ENOENT: connect ENOENT /run/h2.sock', lastSeen: Date.UTC(2027, 0, 1, 3, 4, 5) } }]), T0);
    expect(firing(ev)).toMatchObject([{ key: 'hostDown:h2', labels: { host: 'h2', alertname: 'hostDown', severity: 'critical' }, summary: 'h2: engine down (ENOENT: connect ENOENT /run/h2.sock), last answer 03:04:05 UTC' }]);
  });

  it('engineSlow: probe latency above the threshold, a degraded host, a hung engine (TIMEOUT) even once down; not a refused one', () => {
    const ev = new AlertEvaluator(only('engineSlow', { latencyMs: 500 }));
    ev.evaluate(
      stateOf([
        hostUp('fast', { latencyMs: 20 }),
        hostUp('slow', { latencyMs: 812.4 }),
        hostUp('deg', { state: 'degraded', latencyMs: null, error: 'EPIPE: broken' }),
        hostUp('hung', { state: 'down', latencyMs: null, error: 'TIMEOUT: no answer in 3000 ms' }),
        hostUp('gone', { state: 'down', latencyMs: null, error: 'ECONNREFUSED: refused' }),
      ]),
      T0,
    );
    expect(firing(ev).map((a) => a.summary)).toEqual([
      'deg: engine degraded: EPIPE: broken',
      'hung: engine hung: TIMEOUT: no answer in 3000 ms',
      'slow: engine slow: probe took 812 ms (threshold 500 ms)',
    ]);
  });

  it('liveRestoreOff: only hosts that report it off (unknown is not off)', () => {
    const ev = new AlertEvaluator(only('liveRestoreOff'));
    ev.evaluate(stateOf([hostUp('h1', { liveRestore: true }), hostUp('h2', { liveRestore: false }), hostUp('h3', { liveRestore: null })]), T0);
    expect(firing(ev).map((a) => a.key)).toEqual(['liveRestoreOff:h2']);
    expect(firing(ev)[0]!.labels.severity).toBe('info');
  });
});

describe('containerDied', () => {
  const dead = stateOf([hostUp('h1'), listed('h1', [web({ state: 'exited', status: 'Exited (137) 2 seconds ago' })])]);

  it('docker kill: kill(9) → die(137) with no stop, while the container is not running', () => {
    const ev = new AlertEvaluator(only('containerDied'));
    ev.observe(event('h1', 'c1', 'web-1', 'kill', T0 - 2000, { signal: 9 }), T0 - 2000);
    ev.observe(event('h1', 'c1', 'web-1', 'die', T0 - 2000, { exitCode: 137 }), T0 - 2000);
    ev.evaluate(dead, T0);
    expect(firing(ev)).toMatchObject([
      { key: 'containerDied:h1/web-1', labels: { host: 'h1', container: 'web-1', bizline: 'shop', tier: '1', severity: 'warning' }, summary: expect.stringMatching(/^web-1 on h1 \(shop\): died unexpectedly \(exit code 137, signal 9\), not running since/) },
    ]);
    // started again: resolved
    const running = applyEvents(dead, [listed('h1', [web()])]);
    expect(ev.evaluate(running, T0 + 1000).map((t) => t.kind)).toEqual(['resolved']);
  });

  it('docker stop: kill(15) → die → stop is no alert, whatever the exit code; nor an exit code 0; nor an unknown one', () => {
    for (const events of [
      [event('h1', 'c1', 'web-1', 'kill', T0, { signal: 15 }), event('h1', 'c1', 'web-1', 'die', T0, { exitCode: 143 })],
      [event('h1', 'c1', 'web-1', 'die', T0, { exitCode: 137 }), event('h1', 'c1', 'web-1', 'stop', T0)],
      [event('h1', 'c1', 'web-1', 'die', T0, { exitCode: 0 })],
      [event('h1', 'c1', 'web-1', 'die', T0)],
    ]) {
      const ev = new AlertEvaluator(only('containerDied'));
      for (const e of events) ev.observe(e, T0);
      ev.evaluate(dead, T0 + 1);
      expect(ev.list()).toEqual([]);
    }
  });

  it('a stop before the kill does not explain a later docker kill; a die after an OOM kill is left to oomKilled; clearAfter ends it', () => {
    const ev = new AlertEvaluator(only('containerDied', { clearAfterMs: 60_000 }));
    for (const [action, extra] of [['kill', { signal: 15 }], ['die', { exitCode: 143 }], ['stop', {}], ['start', {}], ['kill', { signal: 9 }], ['die', { exitCode: 137 }]] as const) {
      ev.observe(event('h1', 'c1', 'web-1', action, T0, extra), T0);
    }
    ev.evaluate(dead, T0 + 1);
    expect(firing(ev)).toHaveLength(1);
    expect(ev.evaluate(dead, T0 + 60_000).map((t) => t.kind)).toEqual(['resolved']);

    // died again within the restart loop's window: restartLoop's to tell, not a second containerDied
    const again = new AlertEvaluator(only('containerDied'));
    again.observe(event('h1', 'c1', 'web-1', 'die', T0, { exitCode: 1 }), T0);
    again.evaluate(dead, T0 + 1);
    expect(firing(again)).toHaveLength(1);
    again.observe(event('h1', 'c1', 'web-1', 'start', T0 + 100), T0 + 100);
    again.observe(event('h1', 'c1', 'web-1', 'die', T0 + 25_000, { exitCode: 1 }), T0 + 25_000);
    expect(again.evaluate(dead, T0 + 25_001).map((t) => t.kind)).toEqual(['resolved']);
    expect(again.evaluate(dead, T0 + 60_000)).toEqual([]);

    const oom = new AlertEvaluator(only('containerDied'));
    oom.observe(event('h1', 'c1', 'web-1', 'oom', T0), T0);
    oom.observe(event('h1', 'c1', 'web-1', 'die', T0, { exitCode: 137 }), T0);
    oom.evaluate(dead, T0 + 1);
    expect(oom.list()).toEqual([]);
  });
});

describe('restartLoop and oomKilled', () => {
  it('restartLoop: N dies within M; 10 restarts in a minute are one alert; it resolves when the dies fall out of the window', () => {
    const ev = new AlertEvaluator(only('restartLoop', { restarts: 3, withinMs: 60_000, clearMs: 10_000 }));
    const s = stateOf([hostUp('h1'), listed('h1', [web({ state: 'restarting', status: 'Restarting (1) 1 second ago' })])]);
    const kinds: string[] = [];
    for (let i = 0; i < 10; i++) {
      const t = T0 + i * 6000;
      ev.observe(event('h1', 'c1', 'web-1', 'die', t, { exitCode: 1 }), t);
      ev.observe(event('h1', 'c1', 'web-1', 'start', t + 100), t + 100);
      kinds.push(...ev.evaluate(s, t + 500).map((x) => `${i} ${x.kind}`));
    }
    expect(kinds).toEqual(['2 firing']);
    expect(firing(ev)[0]).toMatchObject({ key: 'restartLoop:h1/web-1', labels: { container: 'web-1', bizline: 'shop' }, summary: 'web-1 on h1 (shop): restart loop, 10 restarts in 60 s, last exit code 1' });
        const later = [];
    for (let t = T0 + 60_000; t <= T0 + 140_000; t += 1000) later.push(...ev.evaluate(s, t).map((x) => `${t - T0} ${x.kind}`));
    // the 3rd-newest die (at 42 s) leaves the 60 s window at 102 s; clear 10 s later; one refresh 60 s after it fired at 12.5 s
    expect(later).toEqual(['73000 refresh', '111000 resolved']);
  });

  it('oomKilled: an oom event, held for clearAfter; the memory forgets a removed container', () => {
    const ev = new AlertEvaluator(only('oomKilled', { clearAfterMs: 30_000 }));
    const s = stateOf([hostUp('h1'), listed('h1', [web({ state: 'exited' })])]);
    ev.observe(event('h1', 'c1', 'web-1', 'oom', T0), T0);
    ev.observe(event('h1', 'c1', 'web-1', 'die', T0, { exitCode: 137 }), T0);
    ev.evaluate(s, T0 + 1000);
    expect(firing(ev)[0]!.summary).toMatch(/^web-1 on h1 \(shop\): killed by the kernel, out of memory \(at \d\d:\d\d:\d\d UTC\), now exited$/);
    expect(ev.evaluate(s, T0 + 30_000).map((t) => t.kind)).toEqual(['resolved']);
    expect(ev.remembered).toBe(1);
    ev.observe({ type: 'container.removed', host: 'h1', id: 'c1' });
    expect(ev.remembered).toBe(0);
  });

  it('memory is bounded: containers gone from the store are forgotten a minute after their last event', () => {
    const ev = new AlertEvaluator(only('restartLoop'));
    for (let i = 0; i < 500; i++) ev.observe(event('h1', `gone${i}`, `g${i}`, 'die', T0, { exitCode: 1 }), T0);
    ev.observe(event('h1', 'c1', 'web-1', 'die', T0, { exitCode: 1 }), T0);
    const s = stateOf([hostUp('h1'), listed('h1', [web()])]);
    ev.evaluate(s, T0 + 59_000);
    expect(ev.remembered).toBe(501);
    ev.evaluate(s, T0 + 60_000);
    expect(ev.remembered).toBe(1);
  });
});

describe('unhealthy and lineDegraded', () => {
  it('unhealthy: "(unhealthy)" in a running container\'s status, or its last health event while the list lags', () => {
    const ev = new AlertEvaluator(only('unhealthy'));
    const s = stateOf([
      hostUp('h1'),
      listed('h1', [
        web({ status: 'Up 2 minutes (unhealthy)' }),
        container('h1', 'c2', 'api', { status: 'Up 1 minute (health: starting)' }),
        container('h1', 'c3', 'ok', { status: 'Up 1 minute (healthy)' }),
      ]),
    ]);
    ev.observe(event('h1', 'c2', 'api', 'health_status: unhealthy', T0), T0);
    ev.observe(event('h1', 'c3', 'ok', 'health_status: unhealthy', T0), T0);
    ev.evaluate(s, T0);
    expect(firing(ev).map((a) => a.summary)).toEqual(['api on h1: healthcheck failing (Up 1 minute (health: starting))', 'web-1 on h1 (shop): healthcheck failing (Up 2 minutes (unhealthy))']);
  });

  it('lineDegraded: running share below `below`, per-tier overrides, containers on a down host count as not running', () => {
    const ev = new AlertEvaluator(only('lineDegraded', { below: 0.5, tiers: { 0: 0.9 } }));
    const s = stateOf([
      hostUp('h1'),
      { type: 'host.status', host: 'h2', patch: { state: 'down', error: 'ECONNREFUSED: x' } },
      listed('h1', [
        container('h1', 'p1', 'pay-1', { bizline: 'pay', tier: 0 }),
        container('h1', 's1', 'shop-1', { bizline: 'shop', tier: 2 }),
        container('h1', 's2', 'shop-2', { bizline: 'shop', tier: 2, state: 'exited' }),
        container('h1', 'n1', 'news-1', { bizline: 'news', tier: 2, state: 'exited' }),
      ]),
      listed('h2', [container('h2', 'p2', 'pay-2', { bizline: 'pay', tier: 0 }), container('h2', 'n2', 'news-2', { bizline: 'news', tier: 2 })]),
    ]);
    ev.evaluate(s, T0);
    expect(firing(ev).map((a) => [a.labels.bizline, a.labels.tier, a.summary])).toEqual([
      ['news', '2', 'line news (tier 2): 0 of 2 containers running (0 %, alert below 50 %) on h1, h2'],
      ['pay', '0', 'line pay (tier 0): 1 of 2 containers running (50 %, alert below 90 %) on h1, h2'],
    ]);
  });
});

describe('ipConflict and runFailed', () => {
  it('ipConflict: two holders of one pool address on two hosts; drift from a reservation', () => {
    const ev = new AlertEvaluator(only('ipConflict'));
    let s: FleetState = stateOf([
      { type: 'pools.configured', pools: pools(LAN) },
      hostUp('h1'),
      hostUp('h2'),
      listed('h1', [container('h1', 'a', 'news-a', { bizline: 'news', ips: { biz: '10.88.1.10' } })]),
      listed('h2', [container('h2', 'b', 'news-b', { bizline: 'news', ips: { biz: '10.88.1.10' } }), container('h2', 'c', 'news-c', { bizline: 'news', ips: { biz: '10.88.1.30' } })]),
    ]);
    s = applyEvents(s, [{ type: 'ledger.read', reservations: [reservation('news-c', 'lan', '10.88.1.31')] }]);
    ev.evaluate(s, T0);
    expect(firing(ev).map((a) => [a.key, a.labels.host, a.summary])).toEqual([
      ['ipConflict:drift:h2/news-c', 'h2', 'IP drift: news-c on h2 has 10.88.1.30, its reservation in pool lan is 10.88.1.31'],
      ['ipConflict:lan:10.88.1.10', 'h1,h2', 'IP conflict: 10.88.1.10 (pool lan) held by 2 containers: news-a on h1, news-b on h2'],
    ]);
    const fixed = applyEvents(s, [listed('h2', [container('h2', 'c', 'news-c', { bizline: 'news', ips: { biz: '10.88.1.31' } })])]);
    expect(ev.evaluate(fixed, T0 + 1).map((t) => `${t.kind} ${t.alert.key}`).sort()).toEqual(['resolved ipConflict:drift:h2/news-c', 'resolved ipConflict:lan:10.88.1.10']);
  });

  it('runFailed: a partial or failed run of anyone; resolved when resumed to done, abandoned or gone', () => {
    const run = (runId: string, status: TeamRun['status'], kind: TeamRun['kind'] = 'plan'): TeamRun => ({
      kind, runId, title: kind === 'plan' ? 'plan shed' : 'evacuate h3', operator: 'ann@j1', status, done: 3, total: 5, started: '2027-01-01T03:00:00Z', ended: '2027-01-01T03:01:00Z', own: false,
    });
    const ev = new AlertEvaluator(only('runFailed'));
    let s = stateOf([{ type: 'team.run', run: run('R1', 'partial') }, { type: 'team.run', run: run('R2', 'failed', 'migration') }, { type: 'team.run', run: run('R3', 'done') }, { type: 'team.run', run: run('R4', 'running') }]);
    ev.evaluate(s, T0);
    expect(firing(ev).map((a) => [a.labels.run, a.summary])).toEqual([
      ['R1', 'plan shed by ann@j1 ended partial: 3 of 5 actions done (run R1)'],
      ['R2', 'evacuate h3 by ann@j1 ended failed: 3 of 5 moves done (run R2)'],
    ]);
    s = applyEvents(s, [{ type: 'team.run', run: run('R1', 'running') }]);
    expect(ev.evaluate(s, T0 + 1).map((t) => `${t.kind} ${t.alert.key}`)).toEqual(['resolved runFailed:R1']);
    s = applyEvents(s, [{ type: 'team.gone', runId: 'R2' }]);
    expect(ev.evaluate(s, T0 + 2).map((t) => `${t.kind} ${t.alert.key}`)).toEqual(['resolved runFailed:R2']);
  });
});

describe('CPU and memory thresholds', () => {
  const sample = (host: string, id: string, cpuPercent: number, memBytes: number, memLimitBytes: number): StatsSample => ({ host, id, at: T0, cpuPercent, memBytes, memLimitBytes, rxBytesPerSec: 0, txBytesPerSec: 0 });
  const s = stateOf([
    hostUp('h1'),
    listed('h1', [web(), container('h1', 'c2', 'web-2', { bizline: 'shop', tier: 1 }), container('h1', 'c3', 'idle', { state: 'exited' })]),
    { type: 'stats.sampled', samples: [sample('h1', 'c1', 180, 60 * 2 ** 20, 64 * 2 ** 20), sample('h1', 'c2', 40, 10 * 2 ** 20, 64 * 2 ** 20), sample('h1', 'c3', 500, 64 * 2 ** 20, 64 * 2 ** 20)] },
  ]);

  it('containerCpu (percent of a core) and containerMemory (share of the limit): running containers only', () => {
    const cpu = new AlertEvaluator(only('containerCpu', { above: 100 }));
    cpu.evaluate(s, T0);
    expect(firing(cpu).map((a) => a.summary)).toEqual(['web-1 on h1 (shop): CPU 180 % of a core (alert above 100 %)']);
    const mem = new AlertEvaluator(only('containerMemory', { above: 0.9 }));
    mem.evaluate(s, T0);
    expect(firing(mem).map((a) => a.summary)).toEqual(['web-1 on h1 (shop): memory 60MiB of 64MiB limit (94 %, alert above 90 %)']);
  });

  it('lineCpu and lineMemory: summed over the line', () => {
    const cpu = new AlertEvaluator(only('lineCpu', { above: 200 }));
    cpu.evaluate(s, T0);
    expect(firing(cpu).map((a) => [a.labels, a.summary])).toEqual([[expect.objectContaining({ bizline: 'shop', tier: '1' }), 'line shop: CPU 220 % of a core over 2 containers (alert above 200 %)']]);
    const mem = new AlertEvaluator(only('lineMemory', { above: 0.5 }));
    mem.evaluate(s, T0);
    expect(firing(mem).map((a) => a.summary)).toEqual(['line shop: memory 70MiB of 128MiB summed limits over 2 containers (55 %, alert above 50 %)']);
  });
});
