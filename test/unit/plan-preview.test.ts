import { describe, expect, it } from 'vitest';
import type { Container, DomainEvent } from '../../src/engine/types.js';
import { limitRefusal } from '../../src/plans/engine-state.js';
import { feasibleActions, planPreview } from '../../src/plans/plan.js';
import { globMatch, selects } from '../../src/plans/selector.js';
import { DEFAULT_GUARDS, type Plan, type PlanAction, type Selector } from '../../src/plans/types.js';
import { container, hostUp, listed, stateOf } from './fixtures.js';

const MiB = 1024 * 1024;

const c = (host: string, name: string, line: string | null, tier: number | null, over: Partial<Container> = {}) =>
  container(host, `${host}-${name}`, name, { bizline: line, tier, ...over });

// Three hosts: news (tier 0) everywhere, forum (tier 2) 5 running + 1 exited, ads (tier 3) 4 running + 1 paused.
const FLEET: Container[] = [
  c('h1', 'news-1', 'news', 0),
  c('h2', 'news-2', 'news', 0),
  c('h3', 'news-3', 'news', 0),
  c('h1', 'forum-1', 'forum', 2),
  c('h1', 'forum-2', 'forum', 2),
  c('h1', 'forum-3', 'forum', 2),
  c('h2', 'forum-4', 'forum', 2),
  c('h3', 'forum-5', 'forum', 2),
  c('h3', 'forum-6', 'forum', 2, { state: 'exited' }),
  c('h1', 'ads-1', 'ads', 3, { labels: { role: 'banner' } }),
  c('h2', 'ads-2', 'ads', 3),
  c('h2', 'ads-3', 'ads', 3, { labels: { role: 'banner' } }),
  c('h3', 'ads-4', 'ads', 3),
  c('h3', 'ads-5', 'ads', 3, { state: 'paused' }),
  c('h2', 'misc', null, null),
];

function fleet(extra: DomainEvent[] = [], containers = FLEET) {
  const hosts = ['h1', 'h2', 'h3'];
  return stateOf([
    ...hosts.map((h) => hostUp(h)),
    ...hosts.map((h) => listed(h, containers.filter((x) => x.host === h))),
    ...extra,
  ]);
}

const sample = (host: string, name: string, cpuPercent: number, memBytes: number): DomainEvent => ({
  type: 'stats.sampled',
  samples: [{ host, id: `${host}-${name}`, at: 1_700_000_000_000, cpuPercent, memBytes, memLimitBytes: 0, rxBytesPerSec: 0, txBytesPerSec: 0 }],
});

function plan(steps: Array<[Selector, PlanAction]>, guards: Partial<Plan['guards']> = {}): Plan {
  return { name: 'p', description: '', guards: { ...DEFAULT_GUARDS, ...guards }, steps: steps.map(([select, action]) => ({ select, action })), source: 'dockpit.yaml:1' };
}

const rows = (p: ReturnType<typeof planPreview>) => p.actions.map((a) => `${a.step} ${a.host} ${a.name} ${a.action}`);

describe('selector', () => {
  it('globs with * and ? match the whole name', () => {
    expect(globMatch('web-*', 'web-1')).toBe(true);
    expect(globMatch('web-?', 'web-12')).toBe(false);
    expect(globMatch('w?b.*', 'web.x')).toBe(true);
    expect(globMatch('w?b.*', 'webax')).toBe(false);
    expect(globMatch('web', 'web-1')).toBe(false);
  });

  it('ANDs every condition; a tier condition never matches a container without a tier; (none) is unlabelled', () => {
    const ads1 = FLEET[9]!;
    expect(selects({ lines: ['ads'], minTier: 3, maxTier: 3, hosts: ['h1'], labels: { role: 'banner' }, names: ['ads-*'] }, ads1)).toBe(true);
    expect(selects({ lines: ['ads'], hosts: ['h2'] }, ads1)).toBe(false);
    expect(selects({ labels: { role: 'banner', x: 'y' } }, ads1)).toBe(false);
    expect(selects({ tiers: [2] }, ads1)).toBe(false);
    const misc = FLEET[14]!;
    expect(selects({ lines: ['(none)'] }, misc)).toBe(true);
    expect(selects({ maxTier: 5 }, misc)).toBe(false);
    expect(selects({}, misc)).toBe(true);
  });
});

describe('planPreview', () => {
  it('stops, pauses and limits the running selected containers, in step, host, name order', () => {
    const p = planPreview(
      plan([
        [{ lines: ['ads'], labels: { role: 'banner' } }, { kind: 'stop' }],
        [{ lines: ['ads'] }, { kind: 'limit', nanoCpus: 500_000_000, memoryBytes: 256 * MiB, cpuShares: null }],
        [{ names: ['forum-[13]', 'forum-?'], hosts: ['h3', 'h2'] }, { kind: 'pause' }],
      ], { maxDownPerLine: 1 }),
      fleet(),
    );
    expect(rows(p)).toEqual([
      '0 h1 ads-1 stop',
      '0 h2 ads-3 stop',
      '1 h2 ads-2 limit',
      '1 h3 ads-4 limit',
      '1 h3 ads-5 limit', // paused: a limit still applies
      '2 h2 forum-4 pause',
      '2 h3 forum-5 pause', // forum-6 exited: nothing to pause
    ]);
    expect(p.actions[2]).toEqual({
      step: 1, host: 'h2', id: 'h2-ads-2', name: 'ads-2', line: 'ads', tier: 3, action: 'limit',
      limit: { nanoCpus: 500_000_000, memoryBytes: 256 * MiB, cpuShares: null }, frees: { cpuPercent: 0, memBytes: 0 },
    });
    expect(p.skipped).toEqual([
      { step: 1, host: 'h1', name: 'ads-1', reason: 'already in step 0' },
      { step: 1, host: 'h2', name: 'ads-3', reason: 'already in step 0' },
    ]);
    expect(p.refusal).toBeNull();
  });

  it('lists protected tiers and hosts that are down as refused actions, with the reason, in run order, counted apart', () => {
    const p = planPreview(
      plan([[{ lines: ['news', 'forum'], hosts: ['h2', 'h3'] }, { kind: 'stop' }]], { maxDownPerLine: 1 }),
      fleet([hostUp('h3', { state: 'down', error: 'REFUSED: connect ECONNREFUSED' })]),
    );
    expect(p.actions.map((a) => `${a.host} ${a.name} ${a.action} ${a.refused ? `${a.refused.code}: ${a.refused.reason}` : 'ok'}`)).toEqual([
      'h2 forum-4 stop ok',
      'h2 news-2 stop protected-tier: tier 0 is protected (guards.protectTiers)',
      'h3 forum-5 stop unseen: not seen: host h3 is down (REFUSED: connect ECONNREFUSED); as last seen it was running: resume performs it once the host answers',
      'h3 news-3 stop protected-tier: tier 0 is protected (guards.protectTiers)',
    ]);
    expect(feasibleActions(p).map((a) => a.name)).toEqual(['forum-4']);
    expect(p.counts).toEqual({ feasible: 1, refused: 3, unseen: 1, skipped: 0 });
    expect(p.skipped).toEqual([]);
    expect(p.unseen).toEqual([{ host: 'h3', state: 'down', error: 'REFUSED: connect ECONNREFUSED', lastSeen: 5 }]);
    // Issue 13: the down host counts as last seen: forum-5 is in the line's base and, unseen, counts as down.
    expect(p.perLine).toEqual({ forum: { running: 5, down: 2, cpuPercent: 0, memBytes: 0 } });
    expect(p.perHost).toEqual({ h2: { actions: 1, cpuPercent: 0, memBytes: 0 } });
  });

  it('a host never listed (frozen at connect) is unseen: its recorded containers are actions not seen, counted in the guards', () => {
    const hosts = ['h1', 'h2', 'h3'];
    const state = stateOf([
      ...hosts.map((h) => hostUp(h)),
      ...['h1', 'h2'].map((h) => listed(h, FLEET.filter((x) => x.host === h))),
      hostUp('h3', { state: 'down', error: 'TIMEOUT: no answer in 1500 ms' }),
    ]);
    const stop = plan([[{ lines: ['forum'] }, { kind: 'stop' }]], { maxDownPerLine: 1 });
    // Without its records h3 is named, its containers unknown: never "nothing to do there".
    const blind = planPreview(stop, state);
    expect(blind.unseen).toEqual([{ host: 'h3', state: 'down', error: 'TIMEOUT: no answer in 1500 ms', lastSeen: null }]);
    expect(blind.perLine.forum).toEqual({ running: 4, down: 4, cpuPercent: 0, memBytes: 0 });
    const seen = planPreview(stop, state, { h3: FLEET.filter((x) => x.host === 'h3') });
    expect(seen.actions.filter((a) => a.refused?.code === 'unseen').map((a) => a.name)).toEqual(['forum-5']);
    expect(seen.perLine.forum).toEqual({ running: 5, down: 5, cpuPercent: 0, memBytes: 0 });
    expect(seen.counts).toEqual({ feasible: 4, refused: 1, unseen: 1, skipped: 0 });
    // The guard counts the unseen stop: 5 of 5 under a share of 0.8 is refused, where 4 of 4 seen would pass at 1.
    expect(planPreview({ ...stop, guards: { ...stop.guards, maxDownPerLine: 0.8 } }, state, { h3: FLEET.filter((x) => x.host === 'h3') }).refusal)
      .toBe('line forum: the plan takes down 5 of its 5 running containers; guards.maxDownPerLine 0.8 allows 4');
    // A step limited to other hosts does not reach h3: nothing unseen.
    expect(planPreview(plan([[{ lines: ['forum'], hosts: ['h1'] }, { kind: 'stop' }]], { maxDownPerLine: 1 }), state).unseen).toEqual([]);
  });

  it('a connecting host is unseen too, and a degraded one (it answers, slowly) is not', () => {
    const p = planPreview(plan([[{ lines: ['forum'] }, { kind: 'stop' }]], { maxDownPerLine: 1 }), fleet([hostUp('h2', { state: 'connecting' }), hostUp('h3', { state: 'degraded' })]));
    expect(p.unseen.map((u) => `${u.host} ${u.state}`)).toEqual(['h2 connecting']);
    expect(p.actions.map((a) => `${a.name} ${a.refused?.code ?? 'ok'}`)).toEqual(['forum-1 ok', 'forum-2 ok', 'forum-3 ok', 'forum-4 unseen', 'forum-5 ok']);
  });

  it('refuses a limit the engine would refuse (more CPUs than the host has), per host; an unknown CPU count refuses nothing', () => {
    const p = planPreview(
      plan([[{ lines: ['ads'] }, { kind: 'limit', nanoCpus: 4e9, memoryBytes: null, cpuShares: null }]]),
      fleet([hostUp('h1', { ncpu: 8 }), hostUp('h2', { ncpu: 2 })]),
    );
    expect(p.actions.map((a) => `${a.host} ${a.name} ${a.refused?.code ?? 'ok'}`)).toEqual(['h1 ads-1 ok', 'h2 ads-2 limit-infeasible', 'h2 ads-3 limit-infeasible', 'h3 ads-4 ok', 'h3 ads-5 ok']);
    expect(p.actions[1]!.refused!.reason).toBe('cpus 4 is more than the 2 CPUs of h2: the engine refuses such a limit');
    expect(p.counts).toEqual({ feasible: 3, refused: 2, unseen: 0, skipped: 0 });
  });

  it('limitRefusal: memory under 6 MiB, CPUs over the host count', () => {
    expect(limitRefusal({ nanoCpus: null, memoryBytes: 5 * MiB, cpuShares: null }, 'h1', 2)).toBe("memory 5242880 bytes is below the engine's minimum of 6 MiB");
    expect(limitRefusal({ nanoCpus: 2e9, memoryBytes: 6 * MiB, cpuShares: null }, 'h1', 2)).toBeNull();
    expect(limitRefusal({ nanoCpus: 2.5e9, memoryBytes: null, cpuShares: 2 }, 'h1', 2)).toMatch(/^cpus 2.5 is more than the 2 CPUs of h1/);
    expect(limitRefusal({ nanoCpus: 64e9, memoryBytes: null, cpuShares: null }, 'h1', null)).toBeNull();
  });

  it('a memory limit below what the container uses now is shown with its current usage (not refused)', () => {
    const p = planPreview(
      plan([[{ names: ['ads-1', 'ads-2'] }, { kind: 'limit', nanoCpus: null, memoryBytes: 256 * MiB, cpuShares: null }]]),
      fleet([sample('h1', 'ads-1', 10, 300 * MiB), sample('h2', 'ads-2', 10, 100 * MiB)]),
    );
    expect(p.actions[0]!.warning).toBe('uses 300.0 MiB now, more than the new 256.0 MiB limit: the kernel must reclaim it, or the engine refuses the update');
    expect(p.actions[1]!.warning).toBeUndefined();
    expect(p.counts.refused).toBe(0);
  });

  it('scaleDown: a protected container is a refused stop, and is not counted among those kept', () => {
    const p = planPreview(plan([[{ lines: ['news', 'forum'], hosts: ['h1'] }, { kind: 'scaleDown', keep: 1 }]], { maxDownPerLine: 1 }), fleet());
    expect(p.actions.map((a) => `${a.name} ${a.action} ${a.refused?.code ?? 'ok'}`)).toEqual(['forum-2 stop ok', 'forum-3 stop ok', 'news-1 stop protected-tier']);
    expect(p.skipped.map((s) => s.name)).toEqual(['forum-1']);
  });

  it('scaleDown keeps K per line spread over hosts in host order, by name within a host, and stops the rest', () => {
    const p = planPreview(plan([[{ lines: ['forum', 'ads'] }, { kind: 'scaleDown', keep: 3 }]], { maxDownPerLine: 1 }), fleet());
    // forum running: h1 forum-1,2,3; h2 forum-4; h3 forum-5 → keep forum-1 (h1), forum-4 (h2), forum-5 (h3).
    // ads running: h1 ads-1; h2 ads-2,3; h3 ads-4 → keep ads-1, ads-2, ads-4; ads-5 is paused, not running.
    expect(rows(p)).toEqual(['0 h1 forum-2 stop', '0 h1 forum-3 stop', '0 h2 ads-3 stop']);
    expect(p.skipped.map((s) => `${s.host} ${s.name} ${s.reason}`)).toEqual([
      'h1 ads-1 kept running (keep 3)',
      'h1 forum-1 kept running (keep 3)',
      'h2 ads-2 kept running (keep 3)',
      'h2 forum-4 kept running (keep 3)',
      'h3 ads-4 kept running (keep 3)',
      'h3 forum-5 kept running (keep 3)',
    ]);
  });

  it('scaleDown round-robins again once every host has one', () => {
    const p = planPreview(plan([[{ lines: ['forum'] }, { kind: 'scaleDown', keep: 4 }]], { maxDownPerLine: 1 }), fleet());
    expect(rows(p)).toEqual(['0 h1 forum-3 stop']);
    const q = planPreview(plan([[{ lines: ['forum'] }, { kind: 'scaleDown', keep: 0 }]], { maxDownPerLine: 1 }), fleet());
    expect(rows(q)).toHaveLength(5);
  });

  it('the per-line guard counts down over the whole plan, not per step, and the actions stay listed', () => {
    // forum: 5 running, 0.5 allows 2. Each step takes 2 (under alone), together 4.
    const steps: Array<[Selector, PlanAction]> = [
      [{ lines: ['forum'], hosts: ['h1'], names: ['forum-1', 'forum-2'] }, { kind: 'stop' }],
      [{ lines: ['forum'], hosts: ['h2', 'h3'] }, { kind: 'pause' }],
      [{ lines: ['forum'] }, { kind: 'limit', nanoCpus: null, memoryBytes: null, cpuShares: 100 }],
    ];
    const p = planPreview(plan(steps), fleet());
    expect(rows(p)).toEqual(['0 h1 forum-1 stop', '0 h1 forum-2 stop', '1 h2 forum-4 pause', '1 h3 forum-5 pause', '2 h1 forum-3 limit']);
    expect(p.perLine.forum).toEqual({ running: 5, down: 4, cpuPercent: 0, memBytes: 0 });
    expect(p.refusal).toBe('line forum: the plan takes down 4 of its 5 running containers; guards.maxDownPerLine 0.5 allows 2');
    expect(planPreview(plan(steps.slice(0, 1)), fleet()).refusal).toBeNull();
    expect(planPreview(plan(steps.slice(1)), fleet()).refusal).toBeNull();
    // Limits take nothing down.
    expect(planPreview(plan(steps.slice(2)), fleet()).perLine.forum!.down).toBe(0);
  });

  it('names every line over its share; unlabelled containers are line (none)', () => {
    const p = planPreview(plan([[{ lines: ['ads', '(none)'] }, { kind: 'stop' }]], { maxDownPerLine: 0.25 }), fleet());
    expect(p.refusal).toBe(
      'line (none): the plan takes down 1 of its 1 running containers; guards.maxDownPerLine 0.25 allows 0; ' +
        'line ads: the plan takes down 4 of its 4 running containers; guards.maxDownPerLine 0.25 allows 1',
    );
  });

  it('frees the latest sample (0 when none), a limit only what is above its ceiling; sums per host and line', () => {
    const stats = [
      sample('h1', 'ads-1', 12.5, 40 * MiB),
      sample('h2', 'ads-2', 30, 300 * MiB),
      sample('h2', 'ads-3', 50, 100 * MiB),
      sample('h1', 'ads-1', 20, 50 * MiB), // later: replaces the first
      sample('h1', 'forum-1', 7.5, 8 * MiB),
    ];
    const p = planPreview(
      plan([
        [{ names: ['ads-1', 'forum-1'] }, { kind: 'stop' }],
        [{ names: ['ads-2', 'ads-3'] }, { kind: 'limit', nanoCpus: 400_000_000, memoryBytes: 256 * MiB, cpuShares: null }],
        [{ names: ['ads-4'] }, { kind: 'pause' }],
      ], { maxDownPerLine: 1 }),
      fleet(stats),
    );
    expect(p.actions.map((a) => [a.name, a.frees])).toEqual([
      ['ads-1', { cpuPercent: 20, memBytes: 50 * MiB }],
      ['forum-1', { cpuPercent: 7.5, memBytes: 8 * MiB }],
      ['ads-2', { cpuPercent: 0, memBytes: 44 * MiB }],
      ['ads-3', { cpuPercent: 10, memBytes: 0 }],
      ['ads-4', { cpuPercent: 0, memBytes: 0 }],
    ]);
    expect(p.perHost).toEqual({
      h1: { actions: 2, cpuPercent: 27.5, memBytes: 58 * MiB },
      h2: { actions: 2, cpuPercent: 10, memBytes: 44 * MiB },
      h3: { actions: 1, cpuPercent: 0, memBytes: 0 },
    });
    expect(p.perLine).toEqual({
      ads: { running: 4, down: 2, cpuPercent: 30, memBytes: 94 * MiB },
      forum: { running: 5, down: 1, cpuPercent: 7.5, memBytes: 8 * MiB },
    });
  });

  it('is pure: the same state gives the same preview, and the state is not changed', () => {
    const state = fleet();
    const before = JSON.stringify(state);
    const pl = plan([[{ lines: ['forum'] }, { kind: 'scaleDown', keep: 1 }]], { maxDownPerLine: 1 });
    expect(planPreview(pl, state)).toEqual(planPreview(pl, state));
    expect(JSON.stringify(state)).toBe(before);
  });
});
