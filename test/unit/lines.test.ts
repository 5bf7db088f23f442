import { describe, expect, it, vi } from 'vitest';
import type { StatsSample } from '../../src/engine/types.js';
import { hostTraffic, lineRows, NO_LINE, tierText } from '../../src/store/lines.js';
import type { FleetState } from '../../src/store/state.js';
import { container, hostUp, listed, stateOf } from './fixtures.js';

vi.mock('react', () => {
  throw new Error('the store must not import react');
});

function sample(host: string, id: string, cpuPercent: number, memBytes: number, rx: number, tx: number): StatsSample {
  return { host, id, at: 1_700_000_000_000, cpuPercent, memBytes, memLimitBytes: 0, rxBytesPerSec: rx, txBytesPerSec: tx };
}

function withStats(state: FleetState, samples: StatsSample[]): FleetState {
  const stats: Record<string, Record<string, StatsSample>> = {};
  for (const s of samples) stats[s.host] = { ...(stats[s.host] ?? {}), [s.id]: s };
  return { ...state, stats };
}

const fleet = () =>
  stateOf([
    hostUp('h1'),
    hostUp('h2'),
    hostUp('h3', { state: 'down', error: 'REFUSED: connect' }),
    listed('h1', [
      container('h1', 'p1', 'pay-api', { bizline: 'pay', tier: 1 }),
      container('h1', 's1', 'shop-web', { bizline: 'shop', tier: 2 }),
      container('h1', 'n1', 'cron', {}),
      container('h1', 'k1', 'ledger', { bizline: 'pay', tier: null }),
    ]),
    listed('h2', [
      container('h2', 'p2', 'pay-db', { bizline: 'pay', tier: 0, state: 'exited' }),
      container('h2', 's2', 'shop-web-2', { bizline: 'shop', tier: 3 }),
      container('h2', 'r1', 'report', { bizline: 'report', tier: 1, state: 'paused' }),
    ]),
    // h3 is down: its containers' last known state can't be trusted.
    listed('h3', [
      container('h3', 's3', 'shop-web-3', { bizline: 'shop', tier: 2 }),
      container('h3', 'o1', 'old', { bizline: 'archive', tier: 5 }),
    ]),
  ]);

const byName = (rows: ReturnType<typeof lineRows>) => Object.fromEntries(rows.map((r) => [r.name, r]));

describe('lineRows', () => {
  it('one row per line, by tier then name; unlabelled containers in the (none) line, last', () => {
    expect(lineRows(fleet()).map((l) => [l.name, l.tier])).toEqual([
      ['pay', 0],
      ['report', 1],
      ['shop', 2],
      ['archive', 5],
      [NO_LINE, null],
    ]);
    expect(NO_LINE).toBe('(none)');
  });

  it('the tier is the most critical (lowest) among the line, null only when none says', () => {
    const rows = byName(lineRows(fleet()));
    expect(rows.pay!.tier).toBe(0); // 1 on h1, null on h1, 0 on h2 (exited still counts)
    expect(rows.shop!.tier).toBe(2); // 2, 3, 2
    expect(rows[NO_LINE]!.tier).toBeNull();
  });

  it('issue 12: a line the config names takes the config’s tier; labels that disagree are counted and marked', () => {
    // The config says shop is tier 3 (its labels say 2, 3, 2), pay 0 (labels 1, -, 0); report is not configured.
    const s = { ...fleet(), lineTiers: { shop: 3, pay: 0, ghost: 1 } };
    const rows = byName(lineRows(s));
    expect(rows.shop).toMatchObject({ tier: 3, tierSource: 'config', labelTiers: { 2: 2, 3: 1 }, tierDisagree: 2 });
    expect(rows.pay).toMatchObject({ tier: 0, tierSource: 'config', labelTiers: { 0: 1, 1: 1 }, tierDisagree: 1 });
    expect(rows.report).toMatchObject({ tier: 1, tierSource: 'labels', labelTiers: { 1: 1 }, tierDisagree: 0 });
    expect(rows[NO_LINE]).toMatchObject({ tier: null, tierSource: null, labelTiers: {}, tierDisagree: 0 });
    expect(rows.ghost).toBeUndefined(); // a configured line with no container has no row
    // Sorted by the tier shown.
    expect(lineRows(s).map((l) => l.name)).toEqual(['pay', 'report', 'shop', 'archive', NO_LINE]);
    expect(lineRows(s).map(tierText)).toEqual(['0≠1', '1', '3≠2', '5', '-']);
    // Labels that agree: no mark.
    const agree = { ...fleet(), lineTiers: { report: 1 } };
    expect(byName(lineRows(agree)).report).toMatchObject({ tier: 1, tierSource: 'config', tierDisagree: 0 });
    expect(tierText(byName(lineRows(agree)).report!)).toBe('1');
  });

  it('running/total and hosts in fleet order', () => {
    const rows = byName(lineRows(fleet()));
    expect(rows.pay).toMatchObject({ running: 2, total: 3, hosts: ['h1', 'h2'] });
    expect(rows.shop).toMatchObject({ running: 2, total: 3, hosts: ['h1', 'h2', 'h3'] });
    expect(rows.report).toMatchObject({ running: 0, total: 1, hosts: ['h2'] });
    expect(rows[NO_LINE]).toMatchObject({ running: 1, total: 1, hosts: ['h1'] });
  });

  it('health: up when all run, degraded when some do, down when none do', () => {
    const rows = byName(lineRows(fleet()));
    expect(rows[NO_LINE]!.health).toBe('up');
    expect(rows.pay!.health).toBe('degraded');
    expect(rows.report!.health).toBe('down'); // paused is not running
    const all = stateOf([hostUp('h'), listed('h', [container('h', '1', 'a', { bizline: 'x' }), container('h', '2', 'b', { bizline: 'x' })])]);
    expect(lineRows(all)).toMatchObject([{ name: 'x', health: 'up', running: 2, total: 2 }]);
  });

  it('containers on a down host count as not running, whatever their last state', () => {
    const rows = byName(lineRows(fleet()));
    expect(rows.shop).toMatchObject({ running: 2, total: 3, health: 'degraded' });
    expect(rows.archive).toMatchObject({ running: 0, total: 1, health: 'down', hosts: ['h3'] });
    // The same host back up: they count again.
    const up = stateOf([hostUp('h3'), listed('h3', [container('h3', 'o1', 'old', { bizline: 'archive', tier: 5 })])]);
    expect(lineRows(up)).toMatchObject([{ name: 'archive', running: 1, total: 1, health: 'up' }]);
  });

  it('a host that is degraded or connecting still counts its running containers', () => {
    for (const state of ['degraded', 'connecting'] as const) {
      const s = stateOf([hostUp('h', { state }), listed('h', [container('h', '1', 'a', { bizline: 'x' })])]);
      expect(lineRows(s)).toMatchObject([{ running: 1, total: 1, health: 'up' }]);
    }
  });

  it('traffic sums only running containers that have a sample; sampled counts them', () => {
    const s = withStats(fleet(), [
      sample('h1', 'p1', 12.5, 1000, 100, 10),
      sample('h1', 'k1', 2.5, 500, 50, 5),
      sample('h2', 'p2', 99, 99_999, 9999, 9999), // exited since: a stale sample
      sample('h3', 's3', 50, 5000, 500, 50), // host down
      sample('h2', 's2', 1, 24, 3, 4),
    ]);
    const rows = byName(lineRows(s));
    expect(rows.pay).toMatchObject({ cpuPercent: 15, memBytes: 1500, rxBytesPerSec: 150, txBytesPerSec: 15, sampled: 2 });
    // shop-web on h1 runs with no sample yet: not counted in sampled.
    expect(rows.shop).toMatchObject({ cpuPercent: 1, memBytes: 24, rxBytesPerSec: 3, txBytesPerSec: 4, sampled: 1 });
    expect(rows.archive).toMatchObject({ cpuPercent: 0, memBytes: 0, rxBytesPerSec: 0, txBytesPerSec: 0, sampled: 0 });
  });

  it('an empty fleet has no lines; a host with no containers adds none', () => {
    expect(lineRows(stateOf([]))).toEqual([]);
    expect(lineRows(stateOf([hostUp('h')]))).toEqual([]);
  });
});

describe('hostTraffic', () => {
  it('sums the samples of a host’s running containers', () => {
    const s = withStats(fleet(), [
      sample('h1', 'p1', 12.5, 1000, 100, 10),
      sample('h1', 's1', 7.5, 3000, 1, 2),
      sample('h2', 's2', 1, 24, 3, 4),
    ]);
    expect(hostTraffic(s, 'h1')).toEqual({ cpuPercent: 20, memBytes: 4000, rxBytesPerSec: 101, txBytesPerSec: 12, sampled: 2 });
    expect(hostTraffic(s, 'h2')).toEqual({ cpuPercent: 1, memBytes: 24, rxBytesPerSec: 3, txBytesPerSec: 4, sampled: 1 });
  });

  it('skips stopped containers’ stale samples, and samples of containers it no longer has', () => {
    const s = withStats(fleet(), [sample('h2', 'p2', 99, 99, 99, 99), sample('h2', 'gone', 50, 50, 50, 50)]);
    expect(hostTraffic(s, 'h2')).toEqual({ cpuPercent: 0, memBytes: 0, rxBytesPerSec: 0, txBytesPerSec: 0, sampled: 0 });
  });

  it('zeros for a host without samples or unknown', () => {
    const zero = { cpuPercent: 0, memBytes: 0, rxBytesPerSec: 0, txBytesPerSec: 0, sampled: 0 };
    expect(hostTraffic(fleet(), 'h1')).toEqual(zero);
    expect(hostTraffic(fleet(), 'nope')).toEqual(zero);
  });
});
