import { describe, expect, it } from 'vitest';
import { resolvePools } from '../../src/config/validate-pools.js';
import { ipRangeProblem, networkCreateBody, networkDifferences, type NetworkFacts } from '../../src/pool/network-spec.js';

// Issue 4, item 4: what a pool's network must be, and how an existing one differs.

const [lan, mac] = resolvePools([
  { name: 'lan', network: 'biz', driver: 'bridge', subnet: '10.88.0.0/16', gateway: '10.88.0.1' },
  { name: 'prod', network: 'pub', driver: 'macvlan', parent: 'eth0', subnet: '192.168.10.0/24', gateway: '192.168.10.254' },
]) as [ReturnType<typeof resolvePools>[0], ReturnType<typeof resolvePools>[0]];

const net = (patch: Partial<NetworkFacts> = {}): NetworkFacts => ({ id: 'abc', name: 'biz', driver: 'bridge', subnets: [{ subnet: '10.88.0.0/16', gateway: '10.88.0.1' }], parent: null, labels: {}, ...patch });

describe('networkDifferences', () => {
  it('the same settings: nothing differs (labels and IPv6 entries do not matter)', () => {
    expect(networkDifferences(lan!, net())).toEqual([]);
    expect(networkDifferences(lan!, net({ subnets: [{ subnet: '10.88.0.0/16', gateway: '10.88.0.1' }, { subnet: 'fd00::/64', gateway: null }] }))).toEqual([]);
  });

  it('no gateway in inspect means the engine took the first address', () => {
    expect(networkDifferences(lan!, net({ subnets: [{ subnet: '10.88.0.0/16', gateway: null }] }))).toEqual([]);
    expect(networkDifferences(mac!, net({ driver: 'macvlan', parent: 'eth0', subnets: [{ subnet: '192.168.10.0/24', gateway: null }] }))).toEqual([
      'gateway 192.168.10.1 (pool prod wants 192.168.10.254)',
    ]);
  });

  it('names each difference', () => {
    expect(networkDifferences(lan!, net({ driver: 'macvlan', subnets: [{ subnet: '10.77.0.0/16', gateway: '10.77.0.1' }] }))).toEqual([
      'driver macvlan (pool lan wants bridge)',
      'subnet 10.77.0.0/16 (pool lan wants 10.88.0.0/16)',
      'gateway 10.77.0.1 (pool lan wants 10.88.0.1)',
    ]);
    expect(networkDifferences(lan!, net({ subnets: [] }))).toEqual(['no IPv4 subnet (pool lan wants 10.88.0.0/16)']);
    expect(networkDifferences(lan!, net({ subnets: [{ subnet: '10.88.0.0/16', gateway: '10.88.0.1' }, { subnet: '10.89.0.0/16', gateway: null }] }))).toEqual([
      'subnets 10.88.0.0/16, 10.89.0.0/16 (pool lan wants only 10.88.0.0/16)',
    ]);
    expect(networkDifferences(mac!, net({ driver: 'macvlan', parent: 'eth1', subnets: [{ subnet: '192.168.10.0/24', gateway: '192.168.10.254' }] }))).toEqual([
      'parent eth1 (pool prod wants eth0)',
    ]);
  });
});

describe('networkCreateBody', () => {
  it('subnet, gateway, driver, macvlan parent and dockpit’s labels', () => {
    expect(networkCreateBody(lan!)).toEqual({
      Name: 'biz', Driver: 'bridge', CheckDuplicate: true,
      IPAM: { Driver: 'default', Config: [{ Subnet: '10.88.0.0/16', IPRange: '10.88.254.0/24', Gateway: '10.88.0.1' }] },
      Options: {},
      Labels: { 'dockpit.managed': 'true', 'dockpit.pool': 'lan' },
    });
    expect(networkCreateBody(mac!)).toMatchObject({ Driver: 'macvlan', Options: { parent: 'eth0' }, IPAM: { Config: [{ Subnet: '192.168.10.0/24', Gateway: '192.168.10.254' }] } });
  });
});

describe('ipRangeProblem (issue 12)', () => {
  const [ranged] = resolvePools([{ name: 'lan', network: 'biz', driver: 'bridge', subnet: '10.88.0.0/16', gateway: '10.88.0.1', ranges: { news: '10.88.1.0/24', forum: '10.88.2.0/24' } }]);
  const withRange = (ipRange: string | null) => net({ subnets: [{ subnet: '10.88.0.0/16', gateway: '10.88.0.1', ipRange }] });

  it('the pool’s ip-range: nothing to say; a network without one, or with another, is named with what it risks', () => {
    expect(ipRangeProblem(ranged!, withRange('10.88.254.0/24'))).toBeNull();
    expect(ipRangeProblem(ranged!, withRange(null))).toBe('no ip-range (pool lan wants 10.88.254.0/24): a container started without --ip can take an address of the pool');
    expect(ipRangeProblem(ranged!, net())).toBe('no ip-range (pool lan wants 10.88.254.0/24): a container started without --ip can take an address of the pool');
    expect(ipRangeProblem(ranged!, withRange('10.88.2.0/23'))).toBe(
      "ip-range 10.88.2.0/23 (pool lan wants 10.88.254.0/24): a container started without --ip can take an address of line forum's range 10.88.2.0/24",
    );
    expect(ipRangeProblem(ranged!, withRange('10.88.200.0/24'))).toBe('ip-range 10.88.200.0/24 (pool lan wants 10.88.254.0/24)');
    // Without ranges every line takes from the whole subnet: any other ip-range is in the pool's way.
    expect(ipRangeProblem(lan!, withRange('10.88.200.0/24'))).toBe('ip-range 10.88.200.0/24 (pool lan wants 10.88.254.0/24): a container started without --ip can take an address of the pool');
  });

  it('a network that differs otherwise is networkDifferences’ to name', () => {
    expect(ipRangeProblem(lan!, net({ subnets: [] }))).toBeNull();
  });
});
