import { describe, expect, it, vi } from 'vitest';
import type { DomainEvent, StatsSample } from '../../src/engine/types.js';
import { applyEvents } from '../../src/store/apply-event.js';
import { createCoalescer, createFleetStore } from '../../src/store/fleet-store.js';
import { hostTraffic, lineRows } from '../../src/store/lines.js';
import { countContainers } from '../../src/store/selectors.js';
import { containersScreen } from '../../src/views/screens/containers-screen.js';
import { viewRows } from '../../src/views/screens/table-screen.js';
import { container, hostUp, listed, stateOf } from './fixtures.js';

vi.mock('react', () => {
  throw new Error('the store and table screens must not import react');
});

// Issue 7: rows, line sums and counts are kept per host between commits. A cache that missed a change would
// show stale rows, so each change is checked against what a fresh state computes.

const sample = (host: string, id: string, cpuPercent: number): StatsSample => ({
  host, id, at: 1, cpuPercent, memBytes: 10, memLimitBytes: 100, rxBytesPerSec: 1, txBytesPerSec: 2,
});

function fleet() {
  return stateOf([
    hostUp('h1'), hostUp('h2'),
    listed('h1', [container('h1', 'a', 'probe-1', { bizline: 'news', tier: 1 }), container('h1', 'b', 'web-1', { bizline: 'ads', tier: 2 })]),
    listed('h2', [container('h2', 'c', 'web-2', { bizline: 'news', tier: 0 }), container('h2', 'd', 'db-2', { bizline: 'ads', state: 'exited' })]),
  ]);
}

const fresh = (events: DomainEvent[]) => applyEvents(fleet(), events);
const names = (rows: unknown[]) => (rows as Array<{ host: string; name: string; state: string; sample?: StatsSample }>).map((r) => `${r.host}/${r.name}/${r.state}/${r.sample?.cpuPercent ?? '-'}`);

describe('per-host caches follow every change', () => {
  it('the containers screen, filtered and not, after a rename, a state change and a sample', () => {
    let s = fleet();
    const view = (filter: string) => names(viewRows(containersScreen, s, { kind: 'containers' }, filter, null));
    expect(view('probe')).toEqual(['h1/probe-1/running/-']);
    expect(view('')).toHaveLength(4);
    const steps: DomainEvent[] = [
      { type: 'container.patched', host: 'h1', id: 'a', patch: { name: 'probe-2' } },
      { type: 'container.patched', host: 'h2', id: 'c', patch: { state: 'exited' } },
      { type: 'stats.sampled', samples: [sample('h1', 'a', 42)] },
      { type: 'container.patched', host: 'h2', id: 'c', patch: { name: 'probe-3', state: 'running' } },
    ];
    for (let i = 0; i < steps.length; i++) {
      s = applyEvents(s, [steps[i]!]);
      const want = fresh(steps.slice(0, i + 1));
      for (const filter of ['probe', '', 'web']) {
        expect(view(filter), `step ${i}, filter "${filter}"`).toEqual(names(viewRows(containersScreen, want, { kind: 'containers' }, filter, null)));
      }
    }
    expect(view('probe')).toEqual(['h1/probe-2/running/42', 'h2/probe-3/running/-']);
    expect(names(viewRows(containersScreen, s, { kind: 'containers', bizline: 'news' }, '', null))).toEqual(['h1/probe-2/running/42', 'h2/probe-3/running/-']);
  });

  it('a change on one container keeps every other row the same object (the filter keeps its text of them)', () => {
    const s0 = fleet();
    const before = viewRows(containersScreen, s0, { kind: 'containers' }, '', null);
    const s1 = applyEvents(s0, [{ type: 'container.patched', host: 'h1', id: 'a', patch: { state: 'exited' } }]);
    const after = viewRows(containersScreen, s1, { kind: 'containers' }, '', null);
    expect(after.map((r, i) => r === before[i])).toEqual([false, true, true, true]);
  });

  it('line rows, host traffic and counts after a sample, a state change and a host going down', () => {
    let s = fleet();
    lineRows(s);
    hostTraffic(s, 'h1');
    countContainers(s.containers.h1);
    s = applyEvents(s, [{ type: 'stats.sampled', samples: [sample('h1', 'a', 30), sample('h2', 'c', 20)] }]);
    expect(lineRows(s).find((l) => l.name === 'news')).toMatchObject({ cpuPercent: 50, sampled: 2, running: 2, total: 2, tier: 0, hosts: ['h1', 'h2'] });
    expect(hostTraffic(s, 'h1').cpuPercent).toBe(30);
    s = applyEvents(s, [{ type: 'container.patched', host: 'h1', id: 'a', patch: { state: 'exited' } }]);
    expect(lineRows(s).find((l) => l.name === 'news')).toMatchObject({ cpuPercent: 20, running: 1, health: 'degraded' });
    expect(hostTraffic(s, 'h1').cpuPercent).toBe(0);
    expect(countContainers(s.containers.h1)).toEqual({ running: 1, total: 2 });
    s = applyEvents(s, [hostUp('h2', { state: 'down' })]);
    expect(lineRows(s).find((l) => l.name === 'news')).toMatchObject({ running: 0, health: 'down', cpuPercent: 0 });
  });
});

describe('coalescer onCommit', () => {
  it('reports each commit with its duration and the number of events it held, and nothing when the state did not change', () => {
    const store = createFleetStore();
    const seen: Array<[number, number]> = [];
    const co = createCoalescer(store, { onCommit: (ms, n) => seen.push([ms, n]) });
    co.sink(hostUp('h1'));
    co.sink(listed('h1', [container('h1', 'a', 'x')]));
    co.flush();
    co.sink(hostUp('h1')); // the same status again: no change, no commit
    co.flush();
    co.stop();
    expect(seen).toHaveLength(1);
    expect(seen[0]![1]).toBe(2);
    expect(seen[0]![0]).toBeGreaterThanOrEqual(0);
  });
});
