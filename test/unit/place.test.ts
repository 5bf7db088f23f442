import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import type { Container, ContainerState } from '../../src/engine/types.js';
import type { Reservation } from '../../src/state/types.js';
import type { NetworkFacts } from '../../src/pool/network-spec.js';
import { checkRequest, place, reserve, type HostFacts, type PlacementSnapshot } from '../../src/pool/place.js';

// Issue 4, item 5: the placement planner, from JSON-like fixtures to an exact decision or refusal.

const CONFIG = parseConfig(
  `labels: { bizline: acme.line, tier: acme.tier }
hosts:
  - { name: h1, url: unix:///a }
  - { name: h2, url: unix:///b }
  - { name: h3, url: unix:///c }
ipPools:
  - name: lan
    network: biz
    driver: bridge
    subnet: 10.88.0.0/16
    gateway: 10.88.0.1
    ranges: { news: 10.88.1.0/24 }
lines:
  news: { tier: 1, pool: lan }
  forum: { tier: 2, pool: lan, hosts: [h2, h3] }
  ads: { tier: 3 }
`,
  'd.yaml',
);

const GiB = 2 ** 30;
const BIZ: NetworkFacts = { id: 'n1', name: 'biz', driver: 'bridge', subnets: [{ subnet: '10.88.0.0/16', gateway: '10.88.0.1' }], parent: null, labels: {} };

let seq = 0;
function c(host: string, name: string, bizline: string | null, ip = '', state: ContainerState = 'running'): Container {
  return { host, id: `id${++seq}`, name, image: 'busybox', state, status: '', bizline, tier: null, ips: ip ? { biz: ip } : {}, labels: {}, created: 0 };
}

function host(name: string, containers: Container[] = [], extra: Partial<HostFacts> = {}): HostFacts {
  return { name, state: 'up', error: null, containers, network: BIZ, memTotalBytes: 8 * GiB, memLimitsBytes: 0, ...extra };
}

/** Long after the fixtures' reservations (2026-01-01): none of them is a placement under way. */
const LATER = { now: Date.parse('2026-06-01T00:00:00.000Z'), windowMs: 60_000 };

function snap(facts: HostFacts[], reservations: Reservation[] = [], underWay = LATER): PlacementSnapshot {
  return { ...CONFIG, facts, reservations, underWay };
}

const res = (name: string, ip: string, h: string | null = 'h1'): Reservation => ({ name, pool: 'lan', ip, line: 'news', host: h, at: '2026-01-01T00:00:00.000Z', by: 'ops@jump' });

describe('checkRequest: what the config alone refuses (exit 2, nothing contacted)', () => {
  it.each([
    [{ name: 'a1', line: 'sports' }, 'UNKNOWN_LINE', '--line sports: no such line in lines: (news, forum, ads)'],
    [{ name: 'a1', line: 'ads' }, 'NO_POOL', '--line ads: the line has no pool: (set lines.ads.pool to one of ipPools:)'],
    [{ name: 'a1', line: 'forum', host: 'h1' }, 'HOST_NOT_ALLOWED', '--host h1: line forum may only use h2, h3'],
    [{ name: 'a1', line: 'news', host: 'h9' }, 'UNKNOWN_HOST', '--host h9: no such host (hosts: h1, h2, h3)'],
  ])('%j → %s', (req, code, message) => {
    expect(checkRequest(CONFIG, req)).toEqual({ code, message, usage: true });
  });

  it('a line without hosts: may use any host', () => {
    expect(checkRequest(CONFIG, { name: 'a1', line: 'news', host: 'h1' })).toBeNull();
  });
});

describe('place', () => {
  it('fewest containers of the line first, then most free memory', () => {
    const facts = [
      host('h1', [c('h1', 'n1', 'news', '10.88.1.0'), c('h1', 'n2', 'news', '10.88.1.1')]),
      host('h2', [c('h2', 'n3', 'news', '10.88.1.2'), c('h2', 'f1', 'forum')], { memLimitsBytes: 2 * GiB }),
      host('h3', [c('h3', 'n4', 'news', '10.88.1.3', 'exited')], { memLimitsBytes: 1 * GiB }),
    ];
    expect(place(snap(facts), { name: 'web-9', line: 'news' })).toEqual({
      ok: true,
      warnings: [],
      decision: {
        name: 'web-9',
        line: 'news',
        tier: 1,
        host: 'h3',
        ip: '10.88.1.4',
        pool: 'lan',
        network: 'biz',
        labels: { 'acme.line': 'news', 'acme.tier': '1' },
        reused: false,
        why: 'fewest news containers, then most free memory: h3 1, 7.0 GiB free; h2 1, 6.0 GiB free; h1 2, 8.0 GiB free',
      },
    });
  });

  it('equal counts and memory: config order; unknown memory ranks last', () => {
    const p = place(snap([host('h1', [], { memTotalBytes: null }), host('h2'), host('h3')]), { name: 'w', line: 'news' });
    expect(p.ok && p.decision.host).toBe('h2');
  });

  it('only among the line’s hosts', () => {
    const p = place(snap([host('h1'), host('h2', [c('h2', 'f1', 'forum')]), host('h3', [c('h3', 'f2', 'forum')], { memLimitsBytes: GiB })]), { name: 'f3', line: 'forum' });
    expect(p.ok && [p.decision.host, p.decision.ip, p.decision.labels]).toEqual(['h2', '10.88.0.2', { 'acme.line': 'forum', 'acme.tier': '2' }]);
  });

  it('a name used anywhere in the fleet is refused, naming where', () => {
    const facts = [host('h1'), host('h2', [c('h2', 'web-1', null, '', 'exited')]), host('h3')];
    expect(place(snap(facts), { name: 'web-1', line: 'news' })).toEqual({
      ok: false,
      warnings: [],
      refusal: { code: 'NAME_IN_USE', message: 'web-1 already exists on h2 (exited)', usage: false },
    });
  });

  it('the same name gets its reservation back (on another host too); reserve() keeps it', () => {
    const reservations = [res('web-1', '10.88.1.50', 'h1'), res('web-2', '10.88.1.0')];
    const p = place(snap([host('h1', [c('h1', 'x', 'news')]), host('h2', [c('h2', 'y', 'news')]), host('h3')], reservations), { name: 'web-1', line: 'news' });
    expect(p.ok && p.decision).toMatchObject({ host: 'h3', ip: '10.88.1.50', reused: true });
    if (!p.ok) throw new Error('refused');
    expect(reserve(reservations, p.decision, 'me@here', '2026-02-02T00:00:00.000Z')).toEqual([
      res('web-2', '10.88.1.0'),
      { ...res('web-1', '10.88.1.50', 'h3') },
    ]);
    const fresh = place(snap([host('h1'), host('h2'), host('h3')], reservations), { name: 'web-3', line: 'news' });
    if (!fresh.ok) throw new Error('refused');
    expect(reserve(reservations, fresh.decision, 'me@here', '2026-02-02T00:00:00.000Z').at(-1)).toEqual({
      name: 'web-3', pool: 'lan', ip: '10.88.1.1', line: 'news', host: 'h1', at: '2026-02-02T00:00:00.000Z', by: 'me@here',
    });
  });

  it('addresses in use on any host are skipped: the hosts share one LAN', () => {
    const facts = [host('h1'), host('h2', [c('h2', 'hand', null, '10.88.1.0')]), host('h3', [c('h3', 'hand2', null, '10.88.1.1')])];
    const p = place(snap(facts), { name: 'w', line: 'news', host: 'h1' });
    expect(p.ok && [p.decision.ip, p.decision.why]).toEqual(['10.88.1.2', 'asked for with --host']);
  });

  it('--host must be up', () => {
    const p = place(snap([host('h1', [], { state: 'down', error: 'REFUSED: connect ECONNREFUSED' }), host('h2'), host('h3')]), { name: 'w', line: 'news', host: 'h1' });
    expect(p).toEqual({
      ok: false,
      warnings: ['h1 is down (REFUSED: connect ECONNREFUSED): its containers\' names and addresses were not checked'],
      refusal: { code: 'HOST_DOWN', message: '--host h1 is down (REFUSED: connect ECONNREFUSED)', usage: false },
    });
  });

  it('down hosts are skipped with a warning; none up is a refusal', () => {
    const p = place(snap([host('h1'), host('h2', [], { state: 'down' }), host('h3', [], { state: 'down' })]), { name: 'f', line: 'forum' });
    expect(p.ok).toBe(false);
    if (p.ok) return;
    expect(p.refusal).toEqual({ code: 'NO_HOST_UP', message: "none of line forum's hosts is up (h2 down, h3 down)", usage: false });
    const q = place(snap([host('h1', [], { state: 'down' }), host('h2', [], { state: 'degraded' }), host('h3')]), { name: 'w', line: 'news' });
    expect(q.ok && q.decision.host).toBe('h2');
    expect(q.warnings).toEqual(["h1 is down: its containers' names and addresses were not checked"]);
  });

  it('a name reserved on a host that is down is refused: it may still run there', () => {
    const p = place(snap([host('h1', [], { state: 'down' }), host('h2'), host('h3')], [res('web-1', '10.88.1.9', 'h1')]), { name: 'web-1', line: 'news' });
    expect(!p.ok && p.refusal).toEqual({ code: 'NAME_ON_DOWN_HOST', message: 'web-1 is reserved on h1 (10.88.1.9), which is down: it may still run there', usage: false });
  });

  it('a host without the pool network, or with another one, is no candidate', () => {
    const other: NetworkFacts = { ...BIZ, subnets: [{ subnet: '10.77.0.0/16', gateway: '10.77.0.1' }] };
    const facts = [host('h1', [], { network: null }), host('h2', [], { network: other }), host('h3', [c('h3', 'n', 'news')])];
    const p = place(snap(facts), { name: 'w', line: 'news' });
    expect(p.ok && p.decision.host).toBe('h3');
    expect(p.warnings).toEqual([
      'h1 has no network biz for pool lan (dockpit network ensure --host h1 --pool lan): not a candidate',
      "h2's network biz differs from pool lan: subnet 10.77.0.0/16 (pool lan wants 10.88.0.0/16), gateway 10.77.0.1 (pool lan wants 10.88.0.1): not a candidate",
    ]);
    expect(place(snap(facts), { name: 'w', line: 'news', host: 'h1' })).toMatchObject({ ok: false, refusal: { code: 'NETWORK_MISSING' } });
    const none = place(snap([host('h1', [], { network: null }), host('h2', [], { network: other }), host('h3', [], { state: 'down' })]), { name: 'w', line: 'news' });
    expect(!none.ok && none.refusal).toEqual({
      code: 'NETWORK_MISSING',
      message:
        "no host of line news has pool lan's network as it should be: h1 has no network biz for pool lan (dockpit network ensure --host h1 --pool lan); " +
        "h2's network biz differs from pool lan: subnet 10.77.0.0/16 (pool lan wants 10.88.0.0/16), gateway 10.77.0.1 (pool lan wants 10.88.0.1)",
      usage: false,
    });
    expect(place(snap(facts), { name: 'w', line: 'news', host: 'h2' })).toMatchObject({ ok: false, refusal: { code: 'NETWORK_MISMATCH' } });
  });

  it('a full range is a refusal', () => {
    const small = parseConfig(
      'hosts:\n  - { name: h1, url: unix:///a }\nipPools:\n  - { name: lan, network: biz, driver: bridge, subnet: 10.88.0.0/16, gateway: 10.88.0.1, ranges: { news: 10.88.1.0/31 } }\nlines:\n  news: { tier: 0, pool: lan }\n',
      'd.yaml',
    );
    const p = place({ ...small, facts: [host('h1')], reservations: [res('a', '10.88.1.0'), res('b', '10.88.1.1')], underWay: LATER }, { name: 'c', line: 'news' });
    expect(!p.ok && p.refusal.code).toBe('POOL_FULL');
  });
});

describe('placements under way (issue 12, item 4)', () => {
  // 10 s after the fixtures' reservations: within a 60 s window.
  const SOON = { now: Date.parse('2026-01-01T00:00:10.000Z'), windowMs: 60_000 };
  const hosts3 = () => [host('h1'), host('h2'), host('h3')];
  const at = (r: Reservation, iso: string): Reservation => ({ ...r, at: iso });

  it('a reservation of the line whose container no host lists yet counts on its host, and says so', () => {
    const p = place(snap(hosts3(), [res('n1', '10.88.1.1', 'h1'), res('n2', '10.88.1.2', 'h2')], SOON), { name: 'n3', line: 'news' });
    expect(p.ok && [p.decision.host, p.decision.ip, p.decision.why]).toEqual([
      'h3',
      '10.88.1.3',
      'fewest news containers, then most free memory: h3 0, 8.0 GiB free; h1 1 (1 being placed), 8.0 GiB free; h2 1 (1 being placed), 8.0 GiB free',
    ]);
  });

  it('N racing placements over H equal hosts, each deciding on the ledger the one before left: per-host counts differ by at most 1', () => {
    for (const [n, h] of [[6, 3], [9, 3], [7, 3], [5, 2], [10, 4]] as const) {
      const names = Array.from({ length: h }, (_, i) => `h${i + 1}`);
      const cfg = parseConfig(`hosts:\n${names.map((x) => `  - { name: ${x}, url: unix:///${x} }`).join('\n')}\nipPools:\n  - { name: lan, network: biz, driver: bridge, subnet: 10.88.0.0/16, gateway: 10.88.0.1, ranges: { news: 10.88.1.0/24 } }\nlines:\n  news: { tier: 1, pool: lan }\n`, 'd.yaml');
      // Every racer took its fleet snapshot before any container existed: only the ledger tells them apart.
      const facts = names.map((x) => host(x));
      let ledger: Reservation[] = [];
      for (let k = 0; k < n; k++) {
        const p = place({ ...cfg, facts, reservations: ledger, underWay: SOON }, { name: `r${k}`, line: 'news' });
        if (!p.ok) throw new Error(p.refusal.message);
        ledger = reserve(ledger, p.decision, 'me@here', '2026-01-01T00:00:05.000Z');
      }
      const counts = names.map((x) => ledger.filter((r) => r.host === x).length);
      expect(Math.max(...counts) - Math.min(...counts), `${n} over ${h}: ${counts.join(',')}`).toBeLessThanOrEqual(1);
      expect(counts.reduce((a, b) => a + b)).toBe(n);
    }
  });

  it('once its container is listed (on any host) a reservation counts as that container only, never twice', () => {
    // n1 was reserved on h1 and is listed there; n2 was reserved on h1 but is listed on h2 (moved).
    const facts = [host('h1', [c('h1', 'n1', 'news', '10.88.1.1')]), host('h2', [c('h2', 'n2', 'news', '10.88.1.2')]), host('h3', [c('h3', 'x', 'news', '10.88.1.9')])];
    const p = place(snap(facts, [res('n1', '10.88.1.1', 'h1'), res('n2', '10.88.1.2', 'h1')], SOON), { name: 'n3', line: 'news' });
    expect(p.ok && p.decision.why).toBe('fewest news containers, then most free memory: h1 1, 8.0 GiB free; h2 1, 8.0 GiB free; h3 1, 8.0 GiB free');
  });

  it('other lines, the name being placed, no host, and reservations older than the window do not count', () => {
    const reservations = [
      { ...res('f1', '10.88.0.9', 'h1'), line: 'forum' },
      res('n3', '10.88.1.3', 'h1'), // the request's own name (placed again)
      res('n4', '10.88.1.4', null),
      at(res('old', '10.88.1.5', 'h1'), '2025-12-31T23:58:00.000Z'), // 130 s before: a create that failed long ago
      at(res('bad', '10.88.1.6', 'h1'), 'not a time'),
    ];
    const p = place(snap(hosts3(), reservations, SOON), { name: 'n3', line: 'news' });
    expect(p.ok && [p.decision.host, p.decision.why]).toEqual(['h1', 'fewest news containers, then most free memory: h1 0, 8.0 GiB free; h2 0, 8.0 GiB free; h3 0, 8.0 GiB free']);
  });
});
