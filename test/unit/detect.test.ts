import { describe, expect, it } from 'vitest';
import type { Container, HostState } from '../../src/engine/types.js';
import { detect, quadToInt, type DetectInput } from '../../src/pool/detect.js';
import type { Reservation } from '../../src/state/types.js';
import { container } from './fixtures.js';
import { DMZ, LAN, pools, reservation } from './ip-fixtures.js';

// Issue 4: conflicts, drift, outside, stale and pool usage from a snapshot: exact values, no engine.

const POOLS = pools(LAN, DMZ);

const CONTAINERS: Container[] = [
  // h1, by name
  container('h1', 'a1', 'api-1', { bizline: 'news', ips: { biz: '10.88.1.11' } }),
  container('h1', 'o1', 'odd-1', { bizline: 'forum', ips: { biz: '10.88.1.20' } }),
  container('h1', 's1', 'stopped-1', { state: 'exited', ips: { biz: '' } }),
  container('h1', 'x1', 'stray-1', { ips: { biz: '10.99.0.5' } }),
  container('h1', 'w1', 'web-1', { bizline: 'news', ips: { biz: '10.88.1.10', bridge: '172.17.0.2' } }),
  // h2
  container('h2', 'b2', 'bridge-2', { ips: { bridge: '172.17.0.2' } }),
  container('h2', 'd2', 'db-2', { state: 'paused', ips: { biz: '10.88.1.11' } }),
  container('h2', 'f2', 'front-2', { ips: { front: '192.168.50.10' } }),
  container('h2', 'm2', 'moved-2', { bizline: 'news', ips: { biz: '10.88.1.30' } }),
];

const RESERVATIONS: Reservation[] = [
  reservation('web-1', 'lan', '10.88.1.10', { line: 'news', host: 'h1' }),
  reservation('moved-2', 'lan', '10.88.1.12', { line: 'news', host: 'h1' }),
  reservation('gone', 'lan', '10.88.2.50', { line: 'forum' }),
  reservation('ghost', 'dmz', '192.168.50.20'),
  reservation('elsewhere', 'nope', '1.2.3.4'),
];

const up = (...names: string[]) => names.map((name) => ({ name, state: 'up' as HostState }));

function input(over: Partial<DetectInput> = {}): DetectInput {
  return { hosts: up('h1', 'h2'), containers: CONTAINERS, pools: POOLS, reservations: RESERVATIONS, ...over };
}

describe('detect', () => {
  it('a conflict: the same address on the pool network of two hosts, every holder listed with its state', () => {
    expect(detect(input()).conflicts).toEqual([
      {
        pool: 'lan',
        network: 'biz',
        ip: '10.88.1.11',
        holders: [
          { host: 'h1', name: 'api-1', id: 'a1', state: 'running' },
          { host: 'h2', name: 'db-2', id: 'd2', state: 'paused' },
        ],
      },
    ]);
  });

  it('three holders on three hosts are one conflict with three holders; conflicts come by pool, then address', () => {
    const more = [
      ...CONTAINERS,
      container('h3', 'z3', 'zed-3', { ips: { biz: '10.88.1.11' } }),
      container('h3', 'f3', 'front-3', { ips: { front: '192.168.50.10' } }),
      container('h3', 'e3', 'early-3', { ips: { biz: '10.88.0.9' } }),
      container('h1', 'e1', 'early-1', { ips: { biz: '10.88.0.9' } }),
    ];
    const { conflicts } = detect(input({ containers: more, hosts: up('h1', 'h2', 'h3') }));
    expect(conflicts.map((c) => [c.pool, c.ip, c.holders.map((h) => `${h.name}@${h.host}`)])).toEqual([
      ['lan', '10.88.0.9', ['early-3@h3', 'early-1@h1']],
      ['lan', '10.88.1.11', ['api-1@h1', 'db-2@h2', 'zed-3@h3']],
      ['dmz', '192.168.50.10', ['front-2@h2', 'front-3@h3']],
    ]);
  });

  it('the same address on a network of no pool (docker\'s host-local bridge) is not a conflict', () => {
    const { conflicts } = detect(input());
    expect(conflicts.some((c) => c.ip === '172.17.0.2')).toBe(false);
  });

  it('the same address on the networks of two different pools is not a conflict', () => {
    const two = pools(
      { name: 'a', network: 'neta', driver: 'bridge', subnet: '10.1.0.0/24', gateway: '10.1.0.1' },
      { name: 'b', network: 'netb', driver: 'bridge', subnet: '10.2.0.0/24', gateway: '10.2.0.1' },
    );
    const containers = [
      container('h1', '1', 'one', { ips: { neta: '10.1.0.5' } }),
      container('h2', '2', 'two', { ips: { netb: '10.1.0.5' } }),
    ];
    expect(detect({ hosts: up('h1', 'h2'), containers, pools: two, reservations: [] }).conflicts).toEqual([]);
  });

  it('drift: a reserved name holding another address on that pool\'s network', () => {
    expect(detect(input()).drift).toEqual([
      { host: 'h2', name: 'moved-2', id: 'm2', state: 'running', pool: 'lan', network: 'biz', reserved: '10.88.1.12', actual: '10.88.1.30' },
    ]);
  });

  it('no drift for a reserved name with no address there (stopped, or not on the network)', () => {
    const containers = [
      container('h1', 's', 'sleeper', { state: 'exited', ips: { biz: '' } }),
      container('h1', 'n', 'nomad', { ips: { bridge: '172.17.0.9' } }),
    ];
    const reservations = [reservation('sleeper', 'lan', '10.88.3.3'), reservation('nomad', 'lan', '10.88.3.4')];
    const r = detect({ hosts: up('h1'), containers, pools: POOLS, reservations });
    expect(r.drift).toEqual([]);
    expect(r.stale).toEqual({ known: true, reservations: [] });
  });

  it('a reservation of a pool the config does not know is never drift', () => {
    const containers = [container('h1', 'q', 'elsewhere', { ips: { biz: '10.88.3.3' } })];
    expect(detect({ hosts: up('h1'), containers, pools: POOLS, reservations: RESERVATIONS }).drift).toEqual([]);
  });

  it('outside: an address out of the subnet, or out of the range of the container\'s line', () => {
    expect(detect(input()).outside).toEqual([
      { host: 'h1', name: 'odd-1', id: 'o1', state: 'running', pool: 'lan', network: 'biz', ip: '10.88.1.20', line: 'forum', reason: 'line-range', expected: '10.88.2.0/24' },
      { host: 'h1', name: 'stray-1', id: 'x1', state: 'running', pool: 'lan', network: 'biz', ip: '10.99.0.5', line: null, reason: 'subnet', expected: '10.88.0.0/16' },
    ]);
  });

  it('a line without a range may use any address of the subnet', () => {
    const containers = [container('h1', 'p', 'pay', { bizline: 'pay', ips: { biz: '10.88.200.7' } })];
    expect(detect({ hosts: up('h1'), containers, pools: POOLS, reservations: [] }).outside).toEqual([]);
  });

  it('stale: reservations whose container is on no host, when every host is up (degraded counts as up)', () => {
    const hosts = [{ name: 'h1', state: 'up' as HostState }, { name: 'h2', state: 'degraded' as HostState }];
    expect(detect(input({ hosts })).stale).toEqual({
      known: true,
      reservations: [RESERVATIONS[2], RESERVATIONS[3], RESERVATIONS[4]],
    });
  });

  it('stale is unknown while a host is down or still connecting: it may hold the container', () => {
    const hosts = [
      { name: 'h1', state: 'up' as HostState },
      { name: 'h2', state: 'down' as HostState },
      { name: 'h3', state: 'connecting' as HostState },
    ];
    expect(detect(input({ hosts })).stale).toEqual({ known: false, hostsNotUp: ['h2', 'h3'] });
  });

  it('pool usage: size without network, broadcast, gateway and reserved; used = in use ∪ reserved, once each', () => {
    expect(detect(input()).pools).toEqual([
      {
        name: 'lan',
        network: 'biz',
        subnet: '10.88.0.0/16',
        gateway: '10.88.0.1',
        // 65536 − network − broadcast − gateway − 10.88.0.2 − 10.88.1.5 − the ranges' edges (4) − the ip-range (256)
        size: 65271,
        // in use: .1.10 .1.11 (twice) .1.20 .1.30 (10.99.0.5 is not in the pool); reserved: .1.10 again, .1.12, .2.50
        used: 6,
        free: 65265,
        lines: [
          { line: 'news', range: '10.88.1.0/24', size: 253, used: 5, free: 248 },
          { line: 'forum', range: '10.88.2.0/24', size: 254, used: 1, free: 253 },
        ],
      },
      { name: 'dmz', network: 'front', subnet: '192.168.50.0/24', gateway: '192.168.50.1', size: 189, used: 2, free: 187, lines: [] },
    ]);
  });

  it('a container on the gateway or a configured reserved address does not count as using the pool', () => {
    const containers = [
      container('h1', 'g', 'on-gateway', { ips: { biz: '10.88.0.1' } }),
      container('h1', 'r', 'on-reserved', { ips: { biz: '10.88.0.2' } }),
    ];
    const [lan] = detect({ hosts: up('h1'), containers, pools: POOLS, reservations: [] }).pools;
    expect([lan!.size, lan!.used, lan!.free]).toEqual([65271, 0, 65271]);
  });

  it('no pools, no containers, no hosts: nothing to report, and stale is known (there is nowhere to look)', () => {
    expect(detect({ hosts: [], containers: [], pools: [], reservations: [] })).toEqual({
      conflicts: [],
      drift: [],
      outside: [],
      stale: { known: true, reservations: [] },
      pools: [],
    });
  });
});

describe('quadToInt', () => {
  it('parses dotted quads exactly as ipv4.ts does', () => {
    expect(quadToInt('10.88.1.11')).toBe(10 * 2 ** 24 + 88 * 2 ** 16 + 1 * 256 + 11);
    expect(quadToInt('0.0.0.0')).toBe(0);
    expect(quadToInt('255.255.255.255')).toBe(2 ** 32 - 1);
  });

  it('refuses what is not a canonical dotted quad', () => {
    for (const bad of ['', '10.88.1', '10.88.1.1.1', '10.88.1.256', '10.88.01.1', '10..1.1', '10.88.1.', 'fe80::1', ' 10.0.0.1', '1000.1.1.1']) {
      expect(quadToInt(bad), bad).toBeNull();
    }
  });
});
