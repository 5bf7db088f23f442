import { describe, expect, it, vi } from 'vitest';
import type { DomainEvent } from '../../src/engine/types.js';
import { detect } from '../../src/pool/detect.js';
import { applyEvent, applyEvents } from '../../src/store/apply-event.js';
import { createCoalescer, createFleetStore } from '../../src/store/fleet-store.js';
import { createIpAlertsSelector, createIpReportSelector } from '../../src/store/ip-report.js';
import { containerRows } from '../../src/store/selectors.js';
import { initialFleetState, type FleetState } from '../../src/store/state.js';
import { container, hostUp, listed, stateOf } from './fixtures.js';
import { DMZ, LAN, pools, reservation } from './ip-fixtures.js';

vi.mock('react', () => {
  throw new Error('the store must not import react');
});

// Issue 4: the pools and the ledger's reservations in the store, and the memoized detection over it.

const POOLS = pools(LAN, DMZ);
const R1 = [reservation('web-1', 'lan', '10.88.1.10'), reservation('db-2', 'lan', '10.88.1.12')];
const copy = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('the reservations slice', () => {
  it('starts with no pools and an unread ledger', () => {
    const s = initialFleetState();
    expect(s.pools).toEqual([]);
    expect(s.reservations).toEqual({ list: [], loaded: false, error: null });
  });

  it('pools.configured sets the pools; the same pools again change nothing', () => {
    const s = applyEvent(initialFleetState(), { type: 'pools.configured', pools: POOLS });
    expect(s.pools).toBe(POOLS);
    expect(applyEvent(s, { type: 'pools.configured', pools: POOLS })).toBe(s);
  });

  it('ledger.read sets the list and marks it loaded', () => {
    const s = applyEvent(initialFleetState(), { type: 'ledger.read', reservations: R1 });
    expect(s.reservations).toEqual({ list: R1, loaded: true, error: null });
  });

  it('a first read of an empty ledger is a change (loaded), a second is not', () => {
    const s0 = initialFleetState();
    const s1 = applyEvent(s0, { type: 'ledger.read', reservations: [] });
    expect(s1).not.toBe(s0);
    expect(s1.reservations.loaded).toBe(true);
    expect(applyEvent(s1, { type: 'ledger.read', reservations: [] })).toBe(s1);
  });

  it('a read that finds what the last one found returns the same state (the 2 s poll redraws nothing)', () => {
    const s = applyEvent(initialFleetState(), { type: 'ledger.read', reservations: R1 });
    expect(applyEvent(s, { type: 'ledger.read', reservations: copy(R1) })).toBe(s);
  });

  it('any changed field is a new list', () => {
    const s = applyEvent(initialFleetState(), { type: 'ledger.read', reservations: R1 });
    for (const field of ['name', 'pool', 'ip', 'line', 'host', 'at', 'by'] as const) {
      const changed = copy(R1);
      (changed[1] as unknown as Record<string, string>)[field] = 'x';
      const next = applyEvent(s, { type: 'ledger.read', reservations: changed });
      expect(next.reservations.list, field).toBe(changed);
    }
    const longer = [...copy(R1), reservation('c', 'lan', '10.88.1.13')];
    expect(applyEvent(s, { type: 'ledger.read', reservations: longer }).reservations.list).toBe(longer);
  });

  it('ledger.failed keeps the last good list and says why; the same error again changes nothing; a good read clears it', () => {
    const s1 = applyEvent(initialFleetState(), { type: 'ledger.read', reservations: R1 });
    const s2 = applyEvent(s1, { type: 'ledger.failed', error: 'PARSE: ledger /x/ledger.json: not JSON' });
    expect(s2.reservations).toEqual({ list: R1, loaded: true, error: 'PARSE: ledger /x/ledger.json: not JSON' });
    expect(s2.reservations.list).toBe(s1.reservations.list);
    expect(applyEvent(s2, { type: 'ledger.failed', error: 'PARSE: ledger /x/ledger.json: not JSON' })).toBe(s2);
    const s3 = applyEvent(s2, { type: 'ledger.read', reservations: copy(R1) });
    expect(s3.reservations).toEqual({ list: R1, loaded: true, error: null });
    expect(s3.reservations.list).toBe(s1.reservations.list);
  });

  it('leaves the rest of the state as it was', () => {
    const s1 = stateOf([hostUp('h1'), listed('h1', [container('h1', 'a', 'a')])]);
    const s2 = applyEvents(s1, [{ type: 'pools.configured', pools: POOLS }, { type: 'ledger.read', reservations: R1 }]);
    expect(s2.containers).toBe(s1.containers);
    expect(s2.hosts).toBe(s1.hosts);
    expect(s2.timeline).toBe(s1.timeline);
  });

  it('through the coalescer, an unchanged ledger read is no commit', async () => {
    const store = createFleetStore();
    const c = createCoalescer(store);
    c.sink({ type: 'ledger.read', reservations: R1 });
    c.flush();
    expect(c.commits).toBe(1);
    c.sink({ type: 'ledger.read', reservations: copy(R1) });
    c.flush();
    expect(c.commits).toBe(1);
    c.stop();
  });
});

/** h1 and h2 with a conflict (10.88.1.11) and a drift (db-2 reserved .1.12, holds .1.30). */
function ipFleet(): FleetState {
  return stateOf([
    { type: 'pools.configured', pools: POOLS },
    hostUp('h1'),
    hostUp('h2'),
    listed('h1', [
      container('h1', 'w1', 'web-1', { ips: { biz: '10.88.1.10' } }),
      container('h1', 'a1', 'api-1', { ips: { biz: '10.88.1.11' } }),
    ]),
    listed('h2', [
      container('h2', 'a2', 'api-2', { ips: { biz: '10.88.1.11' } }),
      container('h2', 'd2', 'db-2', { ips: { biz: '10.88.1.30' } }),
    ]),
    { type: 'ledger.read', reservations: R1 },
  ]);
}

function fullDetect(s: FleetState) {
  return detect({
    hosts: s.hostOrder.map((name) => ({ name, state: s.hosts[name]!.state })),
    containers: containerRows(s),
    pools: s.pools,
    reservations: s.reservations.list,
  });
}

describe('selectIpReport (memoized)', () => {
  it('is detect() over the store', () => {
    const s = ipFleet();
    expect(createIpReportSelector()(s)).toEqual(fullDetect(s));
  });

  it('the same report while only stats, the timeline or a host\'s latency changed', () => {
    const select = createIpReportSelector();
    const s = ipFleet();
    const report = select(s);
    const later = applyEvents(s, [
      hostUp('h1', { latencyMs: 99 }),
      { type: 'container.event', event: { host: 'h1', id: 'w1', name: 'web-1', action: 'exec_start', timeNano: 1 } },
      { type: 'stats.sampled', samples: [{ host: 'h1', id: 'w1', at: 1, cpuPercent: 5, memBytes: 1, memLimitBytes: 0, rxBytesPerSec: 0, txBytesPerSec: 0 }] },
    ]);
    expect(later).not.toBe(s);
    expect(select(later)).toBe(report);
  });

  it('a new report when containers, a host\'s state, the pools or the ledger change', () => {
    const select = createIpReportSelector();
    let s = ipFleet();
    let report = select(s);
    const changes: DomainEvent[] = [
      { type: 'container.removed', host: 'h2', id: 'a2' },
      hostUp('h2', { state: 'down' }),
      { type: 'ledger.read', reservations: [] },
      { type: 'pools.configured', pools: pools(LAN) },
    ];
    for (const e of changes) {
      s = applyEvent(s, e);
      const next = select(s);
      expect(next, e.type).not.toBe(report);
      expect(next, e.type).toEqual(fullDetect(s));
      report = next;
    }
  });
});

describe('selectIpAlerts (incremental)', () => {
  it('counts conflicts and drift', () => {
    expect(createIpAlertsSelector()(ipFleet())).toEqual({ conflicts: 1, drift: 1 });
  });

  it('no pools: no alerts, whatever the addresses', () => {
    const s = stateOf([hostUp('h1'), hostUp('h2'), listed('h1', [container('h1', 'a', 'a', { ips: { biz: '10.0.0.1' } })]), listed('h2', [container('h2', 'b', 'b', { ips: { biz: '10.0.0.1' } })])]);
    expect(createIpAlertsSelector()(s)).toEqual({ conflicts: 0, drift: 0 });
  });

  it('returns the same object while the counts stay the same (a zustand selector must)', () => {
    const select = createIpAlertsSelector();
    const s = ipFleet();
    const a = select(s);
    const b = select(applyEvent(s, listed('h1', [container('h1', 'w1', 'web-1', { status: 'Up 6 minutes', ips: { biz: '10.88.1.10' } }), container('h1', 'a1', 'api-1', { ips: { biz: '10.88.1.11' } })])));
    expect(b).toBe(a);
  });

  it('follows every change exactly as a full detect() would', () => {
    const select = createIpAlertsSelector();
    let s = ipFleet();
    const steps: DomainEvent[] = [
      // a third holder of the conflict, then a second conflict
      listed('h3', [container('h3', 'a3', 'api-3', { ips: { biz: '10.88.1.11' } }), container('h3', 'w3', 'web-3', { ips: { biz: '10.88.1.10' } })]),
      // drift fixed by the ledger following the container
      { type: 'ledger.read', reservations: [reservation('web-1', 'lan', '10.88.1.10'), reservation('db-2', 'lan', '10.88.1.30')] },
      // a holder leaves
      { type: 'container.removed', host: 'h1', id: 'a1' },
      // a rename into a reserved name with another address: drift
      { type: 'container.patched', host: 'h3', id: 'w3', patch: { name: 'db-2' } },
      // the host goes away entirely from its list
      listed('h3', []),
      { type: 'container.removed', host: 'h2', id: 'a2' },
      { type: 'pools.configured', pools: pools(DMZ) },
    ];
    for (const [i, e] of steps.entries()) {
      s = applyEvent(s, e);
      const full = fullDetect(s);
      expect(select(s), `step ${i}: ${e.type}`).toEqual({ conflicts: full.conflicts.length, drift: full.drift.length });
    }
  });

  it('keeps up when asked about another store with the same host names', () => {
    const select = createIpAlertsSelector();
    const a = ipFleet();
    const b = stateOf([{ type: 'pools.configured', pools: POOLS }, hostUp('h1'), listed('h1', [container('h1', 'x', 'x', { ips: { biz: '10.88.9.9' } })])]);
    expect(select(a)).toEqual({ conflicts: 1, drift: 1 });
    expect(select(b)).toEqual({ conflicts: 0, drift: 0 });
    expect(select(a)).toEqual({ conflicts: 1, drift: 1 });
  });

  it('at 10,000 containers (200 hosts × 50), a change on one host costs well under a millisecond', () => {
    const events: DomainEvent[] = [{ type: 'pools.configured', pools: pools(LAN) }];
    for (let h = 0; h < 200; h++) {
      events.push(hostUp(`h${h}`));
      events.push(listed(`h${h}`, Array.from({ length: 50 }, (_, i) => container(`h${h}`, `${h}-${i}`, `c-${h}-${i}`, { ips: { biz: `10.88.${h}.${i + 2}` } }))));
    }
    events.push({ type: 'ledger.read', reservations: Array.from({ length: 5000 }, (_, i) => reservation(`c-${i % 200}-${i % 50}`, 'lan', `10.88.${i % 200}.${(i % 50) + 2}`)) });
    let s = stateOf(events);
    const select = createIpAlertsSelector();
    select(s);
    const times: number[] = [];
    for (let k = 0; k < 40; k++) {
      // h5's list again, one container taking h6's first address: a conflict comes and goes
      const clash = k % 2 === 0 ? '10.88.6.2' : '10.88.5.2';
      s = applyEvent(s, listed('h5', Array.from({ length: 50 }, (_, i) => container('h5', `5-${i}`, `c-5-${i}`, { status: `Up ${k}`, ips: { biz: i === 0 ? clash : `10.88.5.${i + 2}` } }))));
      const t0 = performance.now();
      const alerts = select(s);
      times.push(performance.now() - t0);
      expect(alerts.conflicts).toBe(k % 2 === 0 ? 1 : 0);
    }
    times.sort((a, b) => a - b);
    const median = times[20]!;
    console.log(`alerts at 10,000 containers, one host changed: median ${median.toFixed(3)} ms, max ${times.at(-1)!.toFixed(3)} ms`);
    expect(median).toBeLessThan(1);
  });
});
