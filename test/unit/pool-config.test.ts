import { describe, expect, it } from 'vitest';
import { thrown } from './thrown.js';
import { ConfigError } from '../../src/config/config-error.js';
import { parseConfig } from '../../src/config/load-config.js';

// Issue 4, "Done means": every invalid pool config gives its own clear error (file:line, field) and
// contacts no engine (parseConfig is pure: it reads text and local files only).

const HEAD = 'hosts:\n  - name: h1\n    url: unix:///x\n  - name: h2\n    url: unix:///y\n';
const pool = (extra = '', name = 'lan', subnet = '10.88.0.0/16', gw = '10.88.0.1') =>
  `  - name: ${name}\n    network: biz\n    driver: bridge\n    subnet: ${subnet}\n    gateway: ${gw}\n${extra}`;

const errorOf = (text: string): string => thrown(() => parseConfig(text, 'd.yaml'), ConfigError, 'parseConfig accepted the config').toString();

describe('ipPools and lines', () => {
  it('a valid pool and line resolve to numbers and names', () => {
    const c = parseConfig(`${HEAD}ipPools:\n${pool('    ranges: { news: 10.88.1.0/24 }\n    reserved: [10.88.0.2]\n')}lines:\n  news: { tier: 1, pool: lan, hosts: [h1, h2] }\n`, 'd.yaml');
    expect(c.pools).toHaveLength(1);
    expect(c.pools[0]).toMatchObject({ name: 'lan', network: 'biz', driver: 'bridge', parent: null, subnet: { prefix: 16, text: '10.88.0.0/16' } });
    expect(c.pools[0]!.ranges.news!.text).toBe('10.88.1.0/24');
    expect(c.pools[0]!.reserved).toEqual([(10 * 256 ** 3) + (88 * 256 ** 2) + 2]);
    expect(c.lines).toEqual({ news: { name: 'news', tier: 1, pool: 'lan', hosts: ['h1', 'h2'] } });
    // Issue 12: range edges are not handed out unless the pool says so; the network's ip-range is the highest
    // /24 that holds no range, gateway, reserved, network or broadcast address.
    expect(c.pools[0]).toMatchObject({ useRangeEdges: false, ipRange: { text: '10.88.254.0/24', prefix: 24 } });
    const edges = parseConfig(`${HEAD}ipPools:\n${pool('    ranges: { news: 10.88.254.0/24 }\n    useRangeEdges: true\n')}`, 'd.yaml');
    expect(edges.pools[0]).toMatchObject({ useRangeEdges: true, ipRange: { text: '10.88.253.0/24' } });
  });

  it.each([
    ['ranges', pool('    ranges: { a: 10.1.0.2/31, b: 10.1.0.4/31, c: 10.1.0.6/32 }\n', 'lan', '10.1.0.0/29', '10.1.0.1'), 'd.yaml:12: ipPools[0].ranges'],
    ['reserved:', pool('    reserved: [10.1.0.2]\n', 'lan', '10.1.0.0/30', '10.1.0.1'), 'd.yaml:12: ipPools[0].reserved'],
  ])('issue 12: %s that leave no room for the network’s ip-range: an error at the field', (_what, pools, at) => {
    expect(errorOf(`${HEAD}ipPools:\n${pools}`)).toBe(
      `${at}: the ranges, the gateway and reserved: leave no address of ${pools.includes('/29') ? '10.1.0.0/29' : '10.1.0.0/30'} for the network's ip-range (where containers started without --ip get theirs); shrink a range`,
    );
  });

  it.each([
    ['overlapping pools', pool() + pool('', 'lan2', '10.88.5.0/24', '10.88.5.1'), 'd.yaml:15: ipPools[1].subnet: 10.88.5.0/24 overlaps pool "lan" (10.88.0.0/16, ipPools[0])'],
    ['a range outside its subnet', pool('    ranges: { news: 10.89.1.0/24 }\n'), 'd.yaml:12: ipPools[0].ranges.news: 10.89.1.0/24 is outside the subnet 10.88.0.0/16'],
    ['the gateway inside a range', pool('    ranges: { news: 10.88.0.0/24 }\n'), 'd.yaml:12: ipPools[0].ranges.news: 10.88.0.0/24 holds the gateway 10.88.0.1'],
    ['the network address inside a range', pool('    ranges: { news: 10.88.0.0/24 }\n', 'lan', '10.88.0.0/16', '10.88.9.1'), 'd.yaml:12: ipPools[0].ranges.news: 10.88.0.0/24 holds the network address 10.88.0.0'],
    ['the broadcast address inside a range', pool('    ranges: { news: 10.88.255.0/24 }\n'), 'd.yaml:12: ipPools[0].ranges.news: 10.88.255.0/24 holds the broadcast address 10.88.255.255'],
    ['a duplicate reservation', pool('    reserved: [10.88.0.2, 10.88.0.3, 10.88.0.2]\n'), 'd.yaml:12: ipPools[0].reserved[2]: 10.88.0.2 is reserved twice (also reserved[0])'],
    ['a gateway outside the subnet', pool('', 'lan', '10.88.0.0/16', '10.89.0.1'), 'd.yaml:11: ipPools[0].gateway: 10.89.0.1 is outside the subnet 10.88.0.0/16'],
    ['a subnet with host bits', pool('', 'lan', '10.88.0.5/16'), 'd.yaml:10: ipPools[0].subnet: "10.88.0.5/16" has host bits set; expected the network address'],
    ['ranges overlapping each other', pool('    ranges: { news: 10.88.1.0/24, forum: 10.88.1.128/25 }\n'), 'd.yaml:12: ipPools[0].ranges.forum: 10.88.1.128/25 overlaps the range of "news" (10.88.1.0/24)'],
    ['macvlan without a parent', pool().replace('driver: bridge', 'driver: macvlan'), 'd.yaml:9: ipPools[0].driver: macvlan needs parent: the host interface (e.g. eth0)'],
  ])('%s', (_what, pools, message) => {
    expect(errorOf(`${HEAD}ipPools:\n${pools}`)).toBe(message);
  });

  it('a line naming an unknown pool', () => {
    expect(errorOf(`${HEAD}ipPools:\n${pool()}lines:\n  news: { tier: 1, pool: wan }\n`)).toBe('d.yaml:13: lines.news.pool: unknown pool "wan" (pools: lan)');
  });

  it('a line naming an unknown host', () => {
    expect(errorOf(`${HEAD}ipPools:\n${pool()}lines:\n  news:\n    tier: 1\n    hosts: [h1, h9]\n`)).toBe('d.yaml:15: lines.news.hosts[1]: unknown host "h9" (hosts: h1, h2)');
  });
});
