import { describe, expect, it } from 'vitest';
import type { IpPool } from '../../src/config/types.js';
import { resolvePools } from '../../src/config/validate-pools.js';
import { allocate, lineRange, type AddressInUse } from '../../src/pool/allocate.js';
import type { Reservation } from '../../src/state/types.js';

// Issue 4, item 2: the address for a name, exact values.

function lan(extra: { ranges?: Record<string, string>; reserved?: string[]; useRangeEdges?: boolean } = {}, subnet = '10.88.0.0/16', gateway = '10.88.0.1'): IpPool {
  return resolvePools([{ name: 'lan', network: 'biz', driver: 'bridge', subnet, gateway, ...extra }])[0]!;
}

const r = (name: string, ip: string, pool = 'lan'): Reservation => ({ name, pool, ip, line: 'news', host: 'h1', at: '2026-01-01T00:00:00.000Z', by: 'ops@jump' });
const used = (ip: string, name = 'other', host = 'h2'): AddressInUse => ({ ip, host, name });

describe('allocate', () => {
  it('without a range for the line: the lowest address of the subnet past network, gateway and reserved:', () => {
    const pool = lan({ reserved: ['10.88.0.2', '10.88.0.4'] });
    expect(allocate({ pool, line: 'news', name: 'web-1', reservations: [], inUse: [] })).toEqual({ ok: true, ip: '10.88.0.3', reused: false });
    expect(lineRange(pool, 'news').what).toBe('the subnet 10.88.0.0/16');
  });

  it('with a range: the lowest address of the range past its own network address', () => {
    const pool = lan({ ranges: { news: '10.88.1.0/24', forum: '10.88.2.0/24' } });
    expect(allocate({ pool, line: 'forum', name: 'f-1', reservations: [], inUse: [] })).toEqual({ ok: true, ip: '10.88.2.1', reused: false });
    expect(lineRange(pool, 'forum').what).toBe("line forum's range 10.88.2.0/24");
  });

  it('issue 12: a range’s network and broadcast addresses only with useRangeEdges: true', () => {
    const taken = () => Array.from({ length: 254 }, (_, i) => r(`n${i}`, `10.88.1.${i + 1}`));
    const edges = lan({ ranges: { news: '10.88.1.0/24' }, useRangeEdges: true });
    expect(allocate({ pool: edges, line: 'news', name: 'a', reservations: [], inUse: [] })).toEqual({ ok: true, ip: '10.88.1.0', reused: false });
    expect(allocate({ pool: edges, line: 'news', name: 'a', reservations: [r('z', '10.88.1.0'), ...taken()], inUse: [] })).toEqual({ ok: true, ip: '10.88.1.255', reused: false });
    const plain = lan({ ranges: { news: '10.88.1.0/24' } });
    const full = allocate({ pool: plain, line: 'news', name: 'a', reservations: taken(), inUse: [] });
    expect(full).toMatchObject({ ok: false, code: 'POOL_FULL' });
    expect(!full.ok && full.message).toContain('(254 reserved in the ledger, 0 in use on the engines, 2 never handed out');
  });

  it('issue 12: a line without a range never gets an address of the network’s ip-range', () => {
    // 10.91.0.0/24, gateway .1: the highest of the largest blocks without the broadcast address is .128/26.
    const pool = lan({}, '10.91.0.0/24', '10.91.0.1');
    expect(pool.ipRange.text).toBe('10.91.0.128/26');
    const below = Array.from({ length: 126 }, (_, i) => r(`n${i}`, `10.91.0.${i + 2}`));
    expect(allocate({ pool, line: 'x', name: 'one', reservations: below, inUse: [] })).toEqual({ ok: true, ip: '10.91.0.192', reused: false });
  });

  it('skips ledger reservations (any name, any line) and what the engines report, and fills gaps first', () => {
    const pool = lan({ ranges: { news: '10.88.1.0/24' } });
    const reservations = [r('a', '10.88.1.0'), r('b', '10.88.1.2'), r('c', '10.88.1.4')];
    expect(allocate({ pool, line: 'news', name: 'web', reservations, inUse: [] })).toEqual({ ok: true, ip: '10.88.1.1', reused: false });
    expect(allocate({ pool, line: 'news', name: 'web', reservations, inUse: [used('10.88.1.1'), used('10.88.1.3')] })).toEqual({ ok: true, ip: '10.88.1.5', reused: false });
    // Addresses outside the range, and garbage, change nothing.
    expect(allocate({ pool, line: 'news', name: 'web', reservations: [], inUse: [used('10.88.9.9'), used('')] })).toEqual({ ok: true, ip: '10.88.1.1', reused: false });
  });

  it('the same name gets its reserved address back, even when lower ones are free', () => {
    const pool = lan({ ranges: { news: '10.88.1.0/24' } });
    const reservations = [r('web-1', '10.88.1.77')];
    expect(allocate({ pool, line: 'news', name: 'web-1', reservations, inUse: [] })).toEqual({ ok: true, ip: '10.88.1.77', reused: true });
    // Its own container holding it is no conflict.
    expect(allocate({ pool, line: 'news', name: 'web-1', reservations, inUse: [used('10.88.1.77', 'web-1')] })).toEqual({ ok: true, ip: '10.88.1.77', reused: true });
  });

  it('refuses a reserved address that another container holds', () => {
    const pool = lan();
    expect(allocate({ pool, line: 'news', name: 'web-1', reservations: [r('web-1', '10.88.1.77')], inUse: [used('10.88.1.77', 'intruder', 'h3')] })).toEqual({
      ok: false,
      code: 'RESERVED_IP_TAKEN',
      message: "web-1's reserved address 10.88.1.77 is in use by intruder on h3",
    });
  });

  it('refuses a name reserved in another pool', () => {
    expect(allocate({ pool: lan(), line: 'news', name: 'web-1', reservations: [r('web-1', '10.99.0.5', 'wan')], inUse: [] })).toEqual({
      ok: false,
      code: 'RESERVED_ELSEWHERE',
      message: 'web-1 holds 10.99.0.5 in pool wan, not in pool lan (10.88.0.0/16); its reservation stands until it is released',
    });
  });

  it('a full range is a clear error that says what takes the addresses', () => {
    const pool = lan({ ranges: { news: '10.88.3.0/30' }, reserved: ['10.88.3.3'] });
    const a = allocate({ pool, line: 'news', name: 'web-9', reservations: [r('a', '10.88.3.0'), r('b', '10.88.3.1')], inUse: [used('10.88.3.2')] });
    expect(a).toEqual({
      ok: false,
      code: 'POOL_FULL',
      message:
        "pool lan has no free address for web-9 in line news's range 10.88.3.0/30: all 4 are taken " +
        '(1 reserved in the ledger, 1 in use on the engines, 2 never handed out: network, broadcast, gateway, reserved:, ip-range)',
    });
  });

  it('a full subnet: network, gateway, broadcast and the ip-range are never handed out', () => {
    // 10.90.0.0/29: .0 network, .1 gateway, .7 broadcast; the ip-range is the highest of the largest free blocks, .4/31.
    const pool = lan({}, '10.90.0.0/29', '10.90.0.1');
    expect(pool.ipRange.text).toBe('10.90.0.4/31');
    const got: string[] = [];
    for (const name of ['one', 'two', 'three']) {
      const a = allocate({ pool, line: 'x', name, reservations: got.map((ip, i) => r(`n${i}`, ip)), inUse: [] });
      if (!a.ok) throw new Error(a.message);
      got.push(a.ip);
    }
    expect(got).toEqual(['10.90.0.2', '10.90.0.3', '10.90.0.6']);
    const full = allocate({ pool, line: 'x', name: 'four', reservations: got.map((ip, i) => r(`n${i}`, ip)), inUse: [] });
    expect(full).toEqual({
      ok: false,
      code: 'POOL_FULL',
      message: 'pool lan has no free address for four in the subnet 10.90.0.0/29: all 8 are taken (3 reserved in the ledger, 0 in use on the engines, 5 never handed out: network, broadcast, gateway, reserved:, ip-range)',
    });
  });

  it('a big subnet nearly empty is quick', () => {
    const pool = lan({}, '10.0.0.0/8', '10.0.0.1');
    const t0 = performance.now();
    expect(allocate({ pool, line: 'x', name: 'n', reservations: [], inUse: [] })).toEqual({ ok: true, ip: '10.0.0.2', reused: false });
    expect(performance.now() - t0).toBeLessThan(50);
  });
});
