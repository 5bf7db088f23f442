import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeConfig } from '../support/configs.js';
import { docker, dockpit, FLEET_CONFIG, readFleet } from '../support/fleet.js';
import { poolConfig, removeNetworks } from '../support/pool-config.js';
import { closeTestStates, rawSnapshot, stateSnapshot, testState } from '../support/state-backend.js';

// Issue 4, done means: the pool network is created on a host that lacks it; a mismatching one is refused.
// On the real fleet: h1 by unix socket, h2 by TCP, h3 by SSH. The state (the audit log) is on the backend
// under test (state-backend.ts): this file runs on files, on-etcd/ on etcd.

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);
const NETS = ['biz2', 'biz3', 'biz4', 'biz5'];

const POOLS = poolConfig(`ipPools:
  - { name: lan, network: biz, driver: bridge, subnet: 10.88.0.0/16, gateway: 10.88.0.1 }
  - { name: lan2, network: biz2, driver: bridge, subnet: 10.99.0.0/16, gateway: 10.99.0.1 }
  - { name: lan3, network: biz3, driver: bridge, subnet: 10.98.0.0/16, gateway: 10.98.0.1 }
lines:
  l3: { tier: 1, pool: lan3, hosts: [h2] }
`);
const { file: CONFIG } = POOLS;
/** Everything in the state, as dockpit reads it and as the backend holds it (files, or etcd keys). */
const everything = async () => ({ contents: await stateSnapshot(CONFIG), raw: await rawSnapshot(CONFIG) });
// Pools no test above ensures: one to race on, one that stays missing.
const OTHER = poolConfig(`ipPools:
  - { name: lan4, network: biz4, driver: bridge, subnet: 10.96.0.0/16, gateway: 10.96.0.1 }
  - { name: lan5, network: biz5, driver: bridge, subnet: 10.95.0.0/16, gateway: 10.95.0.254 }
lines:
  l4: { tier: 1, pool: lan4 }
`);

interface Result {
  host: string;
  pool: string;
  network: string;
  result: string;
  id: string | null;
  differences: string[];
  error: string | null;
}

function ensure(...args: string[]) {
  return dockpit(['network', 'ensure', '--config', CONFIG, ...args]);
}

interface NetTruth {
  Id: string;
  Driver: string;
  IPAM: { Config: Array<{ Subnet: string; Gateway?: string }> };
  Labels: Record<string, string>;
}

async function net(host: string, name: string): Promise<NetTruth> {
  return (JSON.parse(await docker(host, 'network', 'inspect', name)) as NetTruth[])[0]!;
}

describe('dockpit network ensure', () => {
  beforeAll(async () => {
    await removeNetworks(hosts, NETS);
    // An operator made biz3 by hand on h2, with another subnet.
    await docker('h2', 'network', 'create', '--driver', 'bridge', '--subnet', '10.97.0.0/16', 'biz3');
  });
  afterAll(async () => {
    await removeNetworks(hosts, NETS);
    await POOLS.dispose();
    await OTHER.dispose();
    await closeTestStates();
  });

  it('creates the pool network on every host that lacks it, with its subnet, gateway, driver and dockpit’s labels', async () => {
    const r = await ensure('--pool', 'lan2', '--json');
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as Result[];
    expect(got.map((x) => [x.host, x.pool, x.network, x.result])).toEqual(hosts.map((h) => [h, 'lan2', 'biz2', 'created']));
    expect(Object.keys(got[0]!)).toEqual(['host', 'pool', 'network', 'result', 'id', 'differences', 'error']);
    for (const g of got) {
      const n = await net(g.host, 'biz2');
      expect(n.Id).toBe(g.id);
      expect(n.Driver).toBe('bridge');
      expect(n.IPAM.Config).toEqual([{ Subnet: '10.99.0.0/16', Gateway: '10.99.0.1' }]);
      expect(n.Labels).toEqual({ 'dockpit.managed': 'true', 'dockpit.pool': 'lan2' });
    }
    // A container can use it with a static address at once.
    const cid = await docker('h3', 'run', '-d', '--rm', '--network', 'biz2', '--ip', '10.99.3.3', fleet.image, 'sleep', '5');
    expect(await docker('h3', 'inspect', '-f', '{{.NetworkSettings.Networks.biz2.IPAddress}}', cid)).toBe('10.99.3.3');
    await docker('h3', 'rm', '-f', cid);
  });

  it('refuses the host whose network of that name differs, saying what differs; the others get theirs; exit 1', async () => {
    const r = await ensure('--json');
    expect(r.code).toBe(1);
    const got = JSON.parse(r.stdout) as Result[];
    const by = (pool: string) => got.filter((x) => x.pool === pool).map((x) => [x.host, x.result]);
    expect(by('lan')).toEqual([['h1', 'exists'], ['h2', 'exists'], ['h3', 'exists']]);
    expect(by('lan2')).toEqual([['h1', 'exists'], ['h2', 'exists'], ['h3', 'exists']]);
    expect(by('lan3')).toEqual([['h1', 'created'], ['h2', 'refused'], ['h3', 'created']]);
    expect(got.find((x) => x.pool === 'lan3' && x.host === 'h2')!.differences).toEqual([
      'subnet 10.97.0.0/16 (pool lan3 wants 10.98.0.0/16)',
      'gateway 10.97.0.1 (pool lan3 wants 10.98.0.1)',
    ]);
    expect(r.stderr).toContain(
      'dockpit: h2: network biz3 exists with other settings than pool lan3: subnet 10.97.0.0/16 (pool lan3 wants 10.98.0.0/16), gateway 10.97.0.1 (pool lan3 wants 10.98.0.1); left as it is',
    );
    // The operator's network is untouched; the others have the pool's.
    expect((await net('h2', 'biz3')).IPAM.Config).toEqual([{ Subnet: '10.97.0.0/16' }]);
    expect((await net('h1', 'biz3')).IPAM.Config).toEqual([{ Subnet: '10.98.0.0/16', Gateway: '10.98.0.1' }]);
  });

  it('once there, nothing changes and it exits 0; one host or one pool at a time', async () => {
    const before = await everything();
    const again = await ensure('--pool', 'lan2');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.split('\n')).toEqual([
      'HOST  POOL  NETWORK  RESULT',
      'h1    lan2  biz2     exists with the pool’s settings',
      'h2    lan2  biz2     exists with the pool’s settings',
      'h3    lan2  biz2     exists with the pool’s settings',
      '',
    ]);
    expect((await ensure('--host', 'h1', '--pool', 'lan3')).code).toBe(0);
    const h2 = await ensure('--host', 'h2', '--pool', 'lan3');
    expect(h2.code).toBe(1);
    expect(h2.stdout).toContain('h2    lan3  biz3     exists with other settings: subnet 10.97.0.0/16 (pool lan3 wants 10.98.0.0/16)');
    expect(await everything()).toEqual(before); // nothing created: nothing audited
  });

  it('every creation is in the audit log', async () => {
    const entries = (await testState(CONFIG).audit.read()).filter((e) => e.action === 'network.create');
    expect(entries.map((e) => [e.targets[0], e.outcome]).sort()).toEqual(
      [['h1/biz2', 'ok'], ['h2/biz2', 'ok'], ['h3/biz2', 'ok'], ['h1/biz3', 'ok'], ['h3/biz3', 'ok']].sort(),
    );
    const h1 = entries.find((e) => e.targets[0] === 'h1/biz3')!;
    expect(h1.details).toEqual({ pool: 'lan3', driver: 'bridge', subnet: '10.98.0.0/16', gateway: '10.98.0.1', parent: null, id: (await net('h1', 'biz3')).Id });
  });

  it('two racing ensures create each host’s network once', async () => {
    const race = () => dockpit(['network', 'ensure', '--config', OTHER.file, '--pool', 'lan5', '--json']);
    const [a, b] = await Promise.all([race(), race()]);
    expect([a.code, b.code], `${a.stderr}\n${b.stderr}`).toEqual([0, 0]);
    const results = [...(JSON.parse(a.stdout) as Result[]), ...(JSON.parse(b.stdout) as Result[])];
    for (const h of hosts) {
      expect(results.filter((x) => x.host === h).map((x) => x.result).sort()).toEqual(['created', 'exists']);
      expect((await docker(h, 'network', 'ls', '-q', '--filter', 'name=^biz5$')).split('\n')).toHaveLength(1);
      expect((await net(h, 'biz5')).IPAM.Config).toEqual([{ Subnet: '10.95.0.0/16', Gateway: '10.95.0.254' }]);
    }
  });

  it('placement refuses a host whose pool network is missing or differs, pointing at network ensure', async () => {
    const mismatch = await dockpit(['run', '--config', CONFIG, '--name', 'ne-x', '--line', 'l3', '--host', 'h2', '--dry-run', fleet.image]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain("dockpit: h2's network biz3 differs from pool lan3: subnet 10.97.0.0/16 (pool lan3 wants 10.98.0.0/16)");
    const missing = await dockpit(['run', '--config', OTHER.file, '--name', 'ne-x', '--line', 'l4', '--dry-run', fleet.image]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      "dockpit: no host of line l4 has pool lan4's network as it should be: h1 has no network biz4 for pool lan4 (dockpit network ensure --host h1 --pool lan4); " +
        'h2 has no network biz4 for pool lan4 (dockpit network ensure --host h2 --pool lan4); h3 has no network biz4',
    );
  });

  it('bad usage exits 2 and contacts nothing', async () => {
    const cases: Array<[string[], string]> = [
      [['network', 'ensure', '--config', CONFIG, '--pool', 'nope'], '--pool nope: no such pool'],
      [['network', 'ensure', '--config', CONFIG, '--host', 'h9'], '--host h9: no such host'],
      [['network', '--config', CONFIG], 'network needs a subcommand: network ensure'],
      [['network', 'ensure', '--config', CONFIG, '--bizline', 'x'], '--bizline does not apply to "network ensure"'],
      [['network', 'ensure', '--config', FLEET_CONFIG], 'no ipPools:'],
      [['network', 'ensure', '--config', writeConfig('hosts:\n  - { name: h1, url: unix:///nowhere }\nipPools:\n  - { name: a, network: n, driver: bridge, subnet: 10.1.0.0/16, gateway: 10.2.0.1 }\n')], 'ipPools[0].gateway: 10.2.0.1 is outside the subnet 10.1.0.0/16'],
    ];
    for (const [args, message] of cases) {
      const r = await dockpit(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stdout).toBe('');
    }
  });
});
