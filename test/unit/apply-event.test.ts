import { describe, expect, it, vi } from 'vitest';
import type { ContainerEventRecord } from '../../src/engine/types.js';
import { applyEvent, applyEvents } from '../../src/store/apply-event.js';
import { initialFleetState, TIMELINE_LIMIT } from '../../src/store/state.js';
import { container, hostUp, listed, stateOf } from './fixtures.js';

// The store is vanilla zustand and pure functions (style.md): no React anywhere below it.
vi.mock('react', () => {
  throw new Error('the store must not import react');
});

describe('host.status', () => {
  it('creates hosts in arrival order with defaults, and an empty container set', () => {
    const s = applyEvents(initialFleetState(), [
      { type: 'host.status', host: 'b', patch: { state: 'up' } },
      { type: 'host.status', host: 'a', patch: { state: 'down', error: 'REFUSED: connect' } },
      { type: 'host.status', host: 'b', patch: { latencyMs: 3 } },
    ]);
    expect(s.hostOrder).toEqual(['b', 'a']);
    expect(s.hosts.b).toEqual({
      name: 'b',
      url: '',
      transport: 'unix',
      state: 'up',
      error: null,
      engineVersion: null,
      apiVersion: null,
      latencyMs: 3,
      liveRestore: null,
      ncpu: null,
      labels: {},
      lastSeen: null,
    });
    expect(s.hosts.a!.error).toBe('REFUSED: connect');
    expect(s.containers.a).toEqual({ byId: {}, order: [] });
  });

  it('an identical patch returns the same state object', () => {
    const s1 = stateOf([hostUp('a')]);
    const s2 = applyEvent(s1, { type: 'host.status', host: 'a', patch: { state: 'up', latencyMs: 4, engineVersion: '20.10.24' } });
    expect(s2).toBe(s1);
    const s3 = applyEvent(s1, { type: 'host.status', host: 'a', patch: {} });
    expect(s3).toBe(s1);
  });

  it('a changed host keeps every HostContainers object', () => {
    const s1 = stateOf([hostUp('a'), hostUp('b'), listed('a', [container('a', '1', 'x')])]);
    const s2 = applyEvent(s1, { type: 'host.status', host: 'a', patch: { state: 'degraded' } });
    expect(s2).not.toBe(s1);
    expect(s2.hosts.a!.state).toBe('degraded');
    expect(s2.containers).toBe(s1.containers);
    expect(s2.hosts.b).toBe(s1.hosts.b);
  });
});

describe('host.listed', () => {
  const base = () =>
    stateOf([
      hostUp('a'),
      hostUp('b'),
      listed('a', [container('a', 'a1', 'web'), container('a', 'a2', 'api')]),
      listed('b', [container('b', 'b1', 'db')]),
    ]);

  it('replaces the host containers, ordered by name', () => {
    const s = base();
    expect(s.containers.a!.order).toEqual(['a2', 'a1']);
    const s2 = applyEvent(s, listed('a', [container('a', 'a3', 'cache'), container('a', 'a1', 'web')]));
    expect(s2.containers.a!.order).toEqual(['a3', 'a1']);
    expect(Object.keys(s2.containers.a!.byId).sort()).toEqual(['a1', 'a3']);
  });

  it('keeps the objects of unchanged containers', () => {
    const s = base();
    const s2 = applyEvent(s, listed('a', [container('a', 'a1', 'web'), container('a', 'a2', 'api', { state: 'exited' })]));
    expect(s2.containers.a!.byId.a1).toBe(s.containers.a!.byId.a1);
    expect(s2.containers.a!.byId.a2).not.toBe(s.containers.a!.byId.a2);
    expect(s2.containers.a!.byId.a2!.state).toBe('exited');
  });

  it('an identical list (fresh objects) returns the same state and HostContainers', () => {
    const s = base();
    const s2 = applyEvent(s, listed('a', [container('a', 'a2', 'api'), container('a', 'a1', 'web')]));
    expect(s2).toBe(s);
    expect(s2.containers.a).toBe(s.containers.a);
  });

  it('a label or ip change is a change', () => {
    const s = base();
    const s2 = applyEvent(s, listed('a', [container('a', 'a1', 'web', { ips: { bridge: '172.17.0.9' } }), container('a', 'a2', 'api')]));
    expect(s2.containers.a!.byId.a1!.ips).toEqual({ bridge: '172.17.0.9' });
    const s3 = applyEvent(s2, listed('a', [container('a', 'a1', 'web', { ips: { bridge: '172.17.0.9' } }), container('a', 'a2', 'api', { labels: { x: 'y' } })]));
    expect(s3.containers.a!.byId.a2!.labels).toEqual({ x: 'y' });
    expect(s3.containers.a!.byId.a1).toBe(s2.containers.a!.byId.a1);
  });

  it("a change on one host does not copy another host's HostContainers", () => {
    const s = base();
    const s2 = applyEvent(s, listed('a', [container('a', 'a1', 'web')]));
    expect(s2.containers.a).not.toBe(s.containers.a);
    expect(s2.containers.b).toBe(s.containers.b);
    expect(s2.hosts).toBe(s.hosts);
    expect(s2.hostOrder).toBe(s.hostOrder);
  });

  it('an empty list empties the host; a list for an unknown host creates it', () => {
    const s = applyEvent(base(), listed('a', []));
    expect(s.containers.a).toEqual({ byId: {}, order: [] });
    const s2 = applyEvent(s, listed('c', [container('c', 'c1', 'z')]));
    expect(s2.hostOrder).toEqual(['a', 'b', 'c']);
    expect(s2.hosts.c!.state).toBe('connecting');
    expect(s2.containers.c!.order).toEqual(['c1']);
  });
});

describe('container.updated / patched / removed', () => {
  const base = () =>
    stateOf([hostUp('a'), hostUp('b'), listed('a', [container('a', '1', 'alpha'), container('a', '2', 'bravo'), container('a', '3', 'charlie')])]);

  it('container.updated adds a new container in name order', () => {
    const s = applyEvent(base(), { type: 'container.updated', host: 'a', container: container('a', '4', 'beta') });
    expect(s.containers.a!.order).toEqual(['1', '4', '2', '3']);
  });

  it('container.updated with a rename re-sorts', () => {
    const s0 = base();
    const s = applyEvent(s0, { type: 'container.updated', host: 'a', container: container('a', '1', 'zulu') });
    expect(s.containers.a!.order).toEqual(['2', '3', '1']);
    expect(s.containers.a!.byId['1']!.name).toBe('zulu');
    expect(s.containers.b).toBe(s0.containers.b);
  });

  it('container.updated with the same content is a no-op; with the same name keeps the order array', () => {
    const s0 = base();
    expect(applyEvent(s0, { type: 'container.updated', host: 'a', container: container('a', '2', 'bravo') })).toBe(s0);
    const s = applyEvent(s0, { type: 'container.updated', host: 'a', container: container('a', '2', 'bravo', { state: 'paused' }) });
    expect(s.containers.a!.order).toBe(s0.containers.a!.order);
    expect(s.containers.a!.byId['2']!.state).toBe('paused');
    expect(s.containers.a!.byId['1']).toBe(s0.containers.a!.byId['1']);
  });

  it('container.patched merges a patch; a rename re-sorts', () => {
    const s0 = base();
    const s = applyEvent(s0, { type: 'container.patched', host: 'a', id: '3', patch: { state: 'exited' } });
    expect(s.containers.a!.byId['3']).toEqual(container('a', '3', 'charlie', { state: 'exited' }));
    expect(s.containers.a!.order).toBe(s0.containers.a!.order);
    const s2 = applyEvent(s, { type: 'container.patched', host: 'a', id: '3', patch: { name: 'aardvark' } });
    expect(s2.containers.a!.order).toEqual(['3', '1', '2']);
  });

  it('container.patched on an unknown id or host, or with no change, is a no-op', () => {
    const s0 = base();
    expect(applyEvent(s0, { type: 'container.patched', host: 'a', id: 'nope', patch: { state: 'exited' } })).toBe(s0);
    expect(applyEvent(s0, { type: 'container.patched', host: 'zz', id: '1', patch: { state: 'exited' } })).toBe(s0);
    expect(applyEvent(s0, { type: 'container.patched', host: 'a', id: '1', patch: { state: 'running' } })).toBe(s0);
  });

  it('container.removed drops the container; unknown ids are a no-op', () => {
    const s0 = base();
    const s = applyEvent(s0, { type: 'container.removed', host: 'a', id: '2' });
    expect(s.containers.a!.order).toEqual(['1', '3']);
    expect(s.containers.a!.byId['2']).toBeUndefined();
    expect(s.containers.a!.byId['1']).toBe(s0.containers.a!.byId['1']);
    expect(s.containers.b).toBe(s0.containers.b);
    expect(applyEvent(s, { type: 'container.removed', host: 'a', id: '2' })).toBe(s);
    expect(applyEvent(s, { type: 'container.removed', host: 'zz', id: '1' })).toBe(s);
  });
});

describe('container.event timeline', () => {
  const rec = (n: number): ContainerEventRecord => ({ host: 'a', id: `c${n}`, name: `n${n}`, action: 'start', timeNano: n });

  it('appends in order', () => {
    const s = applyEvents(initialFleetState(), [1, 2, 3].map((n) => ({ type: 'container.event' as const, event: rec(n) })));
    expect(s.timeline.map((e) => e.timeNano)).toEqual([1, 2, 3]);
  });

  it(`is bounded to TIMELINE_LIMIT (${TIMELINE_LIMIT}), keeping the newest`, () => {
    let s = initialFleetState();
    const total = TIMELINE_LIMIT + 25;
    for (let n = 1; n <= total; n++) s = applyEvent(s, { type: 'container.event', event: rec(n) });
    expect(s.timeline.length).toBe(TIMELINE_LIMIT);
    expect(s.timeline[0]!.timeNano).toBe(26);
    expect(s.timeline.at(-1)!.timeNano).toBe(total);
  });

  it('does not touch hosts or containers', () => {
    const s0 = stateOf([hostUp('a')]);
    const s = applyEvent(s0, { type: 'container.event', event: rec(1) });
    expect(s.hosts).toBe(s0.hosts);
    expect(s.containers).toBe(s0.containers);
  });
});

describe('a batch (applyEvents)', () => {
  it('copies the hosts maps once, leaves the state it started from as it was, and ends where one event at a time ends', () => {
    const start = stateOf([hostUp('a'), listed('a', [container('a', 'x1', 'x1')])]);
    const frozen = structuredClone(start);
    const batch = [
      { type: 'host.status', host: 'b', patch: { state: 'connecting' } },
      { type: 'host.status', host: 'c', patch: { state: 'connecting' } },
      { type: 'host.status', host: 'b', patch: { state: 'up', latencyMs: 2 } },
      listed('b', [container('b', 'y2', 'y2'), container('b', 'y1', 'y1')]),
      { type: 'stats.sampled', host: 'b', at: 1, samples: [] },
      { type: 'host.status', host: 'a', patch: { latencyMs: 9 } },
      { type: 'container.patched', host: 'a', id: 'x1', patch: { state: 'exited' } },
      listed('c', [container('c', 'z1', 'z1')]),
    ] as Parameters<typeof applyEvents>[1];
    const batched = applyEvents(start, batch);
    const oneByOne = batch.reduce((s, e) => applyEvent(s, e), start);
    expect(batched).toEqual(oneByOne);
    expect(batched.hostOrder).toEqual(['a', 'b', 'c']);
    expect(batched.containers.b!.order.map((id) => batched.containers.b!.byId[id]!.name)).toEqual(['y1', 'y2']);
    expect(start).toEqual(frozen); // the batch wrote only into its own copies
    expect(batched.hosts).not.toBe(start.hosts);
    expect(batched.containers.a).not.toBe(start.containers.a);
  });
});
