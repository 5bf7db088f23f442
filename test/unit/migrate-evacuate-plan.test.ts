import { describe, expect, it } from 'vitest';
import type { LineSpec } from '../../src/config/types.js';
import type { SourceInspect } from '../../src/migrate/container-spec.js';
import { planEvacuation, type EvacuateInput, type EvacuationPlan } from '../../src/migrate/evacuate-plan.js';
import { DEFAULT_MOVE_OPTIONS, type ImageOnTarget } from '../../src/migrate/types.js';
import type { NetworkFacts } from '../../src/pool/network-spec.js';
import type { HostFacts } from '../../src/pool/place.js';
import { container } from './fixtures.js';
import { BIZ_NET, host, inspectOf, MiB, SHOP_IMAGE } from './fixtures/migrate/inspect.js';
import { LAN, pools } from './ip-fixtures.js';

// Issue 6, item 5: where each container of an evacuated host goes, from JSON-like facts to exact targets.

const line = (name: string, hosts: string[] = []): LineSpec => ({ name, tier: 1, pool: 'lan', hosts });
const LINES = { shop: line('shop'), news: line('news'), forum: line('forum') };

/** A container of h1 on biz; IDs and addresses are unique per name. */
let serial = 0;
function c(name: string, bizline: string | null, memory = 0): SourceInspect {
  serial += 1;
  const id = `${serial.toString(16).padStart(4, '0')}${'e'.repeat(60)}`;
  return inspectOf(name, id, bizline, memory, `10.88.3.${(serial % 250) + 1}`);
}

/** h1's containers as its engine lists them (the source host's facts). */
function listedOf(inspects: readonly SourceInspect[]) {
  return inspects.map((i) =>
    container('h1', i.Id, i.Name.slice(1), { bizline: i.Config.Labels?.['dockpit.bizline'] ?? null, ips: { biz: i.NetworkSettings!.Networks!['biz']!.IPAddress! } }),
  );
}

function input(containers: SourceInspect[], targets: HostFacts[], over: Partial<EvacuateInput> = {}): EvacuateInput {
  const fleet = [host('h1', { containers: listedOf(containers) }), ...targets];
  const everywhere = <T>(v: T) => new Map(fleet.map((h) => [h.name, v]));
  return {
    host: 'h1',
    source: { host: 'h1', state: 'up', error: null, liveRestore: true, recordedAt: null },
    containers,
    fleet,
    images: everywhere(new Map<string, ImageOnTarget>([[SHOP_IMAGE, 'present']])),
    networks: everywhere(new Map<string, NetworkFacts | null>([['biz', BIZ_NET]])),
    lines: LINES,
    labels: { bizline: 'dockpit.bizline' },
    pools: pools(LAN),
    only: [],
    options: DEFAULT_MOVE_OPTIONS,
    ...over,
  };
}

/** Name → target host. */
const where = (p: EvacuationPlan) => Object.fromEntries(p.moves.map((m) => [m.name, m.to]));
const lineOf = (name: string) => name.split('-')[0]!;

describe('planEvacuation: spreading', () => {
  it('spreads 20 containers of 3 lines over 2 hosts, counting what each host already runs', () => {
    const containers = [
      ...Array.from({ length: 8 }, (_, k) => c(`shop-${k}`, 'shop')),
      ...Array.from({ length: 7 }, (_, k) => c(`news-${k}`, 'news')),
      ...Array.from({ length: 5 }, (_, k) => c(`forum-${k}`, 'forum')),
    ];
    // h2 already runs two shop containers; h3 none.
    const h2 = host('h2', { containers: [container('h2', 'aa01', 'shop-x', { bizline: 'shop' }), container('h2', 'aa02', 'shop-y', { bizline: 'shop' })] });
    const h3 = host('h3');
    const plan = planEvacuation(input(containers, [h2, h3]));

    expect(plan.unplaced).toEqual([]);
    expect(plan.moves).toHaveLength(20);
    expect(plan.moves.every((m) => m.from === 'h1' && m.blockers.length === 0)).toBe(true);
    const to = where(plan);
    const count = (h: string, l: string) => Object.entries(to).filter(([n, t]) => t === h && lineOf(n) === l).length;
    // Received: shop 3 → h2, 5 → h3 (5 each with h2's two); news 4/3; forum 3/2.
    expect({ shop: [count('h2', 'shop'), count('h3', 'shop')], news: [count('h2', 'news'), count('h3', 'news')], forum: [count('h2', 'forum'), count('h3', 'forum')] }).toEqual({
      shop: [3, 5],
      news: [4, 3],
      forum: [3, 2],
    });
    for (const l of ['shop', 'news', 'forum']) {
      const before = l === 'shop' ? 2 : 0;
      expect(Math.abs(count('h2', l) + before - count('h3', l)), l).toBeLessThanOrEqual(1);
    }
    expect(plan.load).toEqual({ h2: 10, h3: 10 });
  });

  it('sends a line with hosts: [h2] to h2 only, however loaded', () => {
    const containers = [c('news-a', 'news'), c('news-b', 'news'), c('shop-a', 'shop'), c('shop-b', 'shop')];
    const h2 = host('h2', { containers: Array.from({ length: 5 }, (_, k) => container('h2', `bb0${k}`, `news-old${k}`, { bizline: 'news' })) });
    const plan = planEvacuation(input(containers, [h2, host('h3')], { lines: { ...LINES, news: line('news', ['h2']) } }));
    expect(where(plan)).toEqual({ 'news-a': 'h2', 'news-b': 'h2', 'shop-a': 'h2', 'shop-b': 'h3' });
  });

  it('sends everything to the --to hosts only', () => {
    const containers = [c('news-a', 'news'), c('news-b', 'news'), c('shop-a', 'shop')];
    const plan = planEvacuation(input(containers, [host('h2'), host('h3')], { only: ['h3'] }));
    expect(where(plan)).toEqual({ 'news-a': 'h3', 'news-b': 'h3', 'shop-a': 'h3' });
    expect(plan.load).toEqual({ h3: 3 });
  });

  it('leaves unplaced a container whose line may use none of the --to hosts', () => {
    const plan = planEvacuation(input([c('news-a', 'news')], [host('h2'), host('h3')], { only: ['h3'], lines: { ...LINES, news: line('news', ['h2']) } }));
    expect(plan.moves).toEqual([]);
    expect(plan.unplaced).toEqual([{ name: 'news-a', blocker: { code: 'TARGET_DOWN', message: 'news-a: no host of line news is up besides h1 among --to h3' } }]);
  });
});

describe('planEvacuation: which hosts may take', () => {
  it('never targets the source host, even when --to names it', () => {
    const plan = planEvacuation(input([c('web', null)], [host('h2')], { only: ['h1'] }));
    expect(plan.moves).toEqual([]);
    expect(plan.unplaced).toEqual([{ name: 'web', blocker: { code: 'TARGET_DOWN', message: 'web: no host is up besides h1 among --to h1' } }]);
    expect(where(planEvacuation(input([c('web', null)], [host('h2')], { only: ['h1', 'h2'] })))).toEqual({ web: 'h2' });
  });

  it('never targets a down or connecting host', () => {
    const containers = [c('news-a', 'news'), c('news-b', 'news'), c('news-c', 'news')];
    const plan = planEvacuation(input(containers, [host('h2', { state: 'down' }), host('h3'), host('h4', { state: 'connecting' })]));
    expect(where(plan)).toEqual({ 'news-a': 'h3', 'news-b': 'h3', 'news-c': 'h3' });
    const none = planEvacuation(input([c('news-a', 'news')], [host('h2', { state: 'down' })]));
    expect(none.unplaced).toEqual([{ name: 'news-a', blocker: { code: 'TARGET_DOWN', message: 'news-a: no host of line news is up besides h1' } }]);
  });
});

describe('planEvacuation: memory', () => {
  it('skips a host without room for the limit, even when it has fewer of the line', () => {
    const h2 = host('h2', { memTotalBytes: 1024 * MiB, memLimitsBytes: 900 * MiB });
    const h3 = host('h3', { memTotalBytes: 4096 * MiB, memLimitsBytes: 0, containers: [container('h3', 'cc01', 'shop-old', { bizline: 'shop' })] });
    expect(where(planEvacuation(input([c('shop-a', 'shop', 256 * MiB)], [h2, h3])))).toEqual({ 'shop-a': 'h3' });
    // Within the limit, the spread wins.
    expect(where(planEvacuation(input([c('shop-a', 'shop', 64 * MiB)], [h2, h3])))).toEqual({ 'shop-a': 'h2' });
  });

  it('counts the memory this evacuation already sent, and leaves unplaced what fits nowhere', () => {
    const h2 = host('h2', { memTotalBytes: 1000 * MiB, memLimitsBytes: 700 * MiB }); // 300 MiB free
    const h3 = host('h3', { memTotalBytes: 1000 * MiB, memLimitsBytes: 400 * MiB }); // 600 MiB free
    const containers = [c('w1', null, 256 * MiB), c('w2', null, 256 * MiB), c('w3', null, 256 * MiB), c('w4', null, 256 * MiB)];
    const plan = planEvacuation(input(containers, [h2, h3]));
    // Most free first: w1 → h3 (344 left), w2 → h3 (88 left), w3 → h2 (44 left), w4: nowhere.
    expect(where(plan)).toEqual({ w1: 'h3', w2: 'h3', w3: 'h2' });
    expect(plan.unplaced).toEqual([{ name: 'w4', blocker: { code: 'TARGET_DOWN', message: 'w4: no host has 256 MiB free' } }]);
    expect(plan.moves.map((m) => m.memoryBytes)).toEqual([256 * MiB, 256 * MiB, 256 * MiB]);
  });

  it('says which line found no room', () => {
    const plan = planEvacuation(input([c('shop-big', 'shop', 8192 * MiB)], [host('h2', { memTotalBytes: 4096 * MiB, memLimitsBytes: 0 })]));
    expect(plan.unplaced).toEqual([{ name: 'shop-big', blocker: { code: 'TARGET_DOWN', message: 'shop-big: no host of line shop has 8192 MiB free' } }]);
  });

  it('takes a host whose memory is unknown as having room', () => {
    expect(where(planEvacuation(input([c('shop-big', 'shop', 8192 * MiB)], [host('h2')])))).toEqual({ 'shop-big': 'h2' });
  });

  it('places the biggest first, so a small one cannot take the room a big one needs', () => {
    const h2 = host('h2', { memTotalBytes: 1024 * MiB, memLimitsBytes: 512 * MiB });
    const plan = planEvacuation(input([c('a-small', null, 64 * MiB), c('b-big', null, 512 * MiB), c('c-mid', null, 128 * MiB)], [h2]));
    expect(plan.moves.map((m) => m.name)).toEqual(['b-big']);
    expect(plan.unplaced.map((u) => u.name)).toEqual(['c-mid', 'a-small']);
  });
});

describe('planEvacuation: the moves', () => {
  it('is a preflight per move against the chosen target, with its image and network facts', () => {
    const containers = [c('shop-a', 'shop')];
    const images = new Map([['h2', new Map<string, ImageOnTarget>([[SHOP_IMAGE, 'absent']])]]);
    const networks = new Map([['h2', new Map<string, NetworkFacts | null>([['biz', null]])]]);
    const [m] = planEvacuation(input(containers, [host('h2')], { images, networks })).moves;
    expect(m).toMatchObject({ name: 'shop-a', from: 'h1', to: 'h2', image: { action: 'stream' }, networkAction: 'create', ip: containers[0]!.NetworkSettings!.Networks!['biz']!.IPAddress });
    expect(m!.steps).toEqual(['network', 'image', 'create', 'stop-source', 'park-source', 'start-target', 'gate', 'remove-source']);
  });
});
