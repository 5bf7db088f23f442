import { describe, expect, it } from 'vitest';
import { addressOn, configDifferences, createBody, localData, otherNetworks, parkName, type SourceInspect } from '../../src/migrate/container-spec.js';
import { newRunId } from '../../src/state/run-id.js';
import { SHOP_ID, shopApi } from './fixtures/migrate/inspect.js';

// Issue 6, item 1: what a migrated container is created from, from a real engine's inspect to the exact
// create body, and the check that a created target has the source's configuration.

const TARGET_ID = 'a9b8c7d6e5f40123456789abcdef0123456789abcdef0123456789abcdef0123';

/** shop-api as the target engine reports it once created from the body: new ID, own hostname and alias. */
function createdOnTarget(): SourceInspect {
  const t = shopApi();
  t.Id = TARGET_ID;
  t.Created = '2026-11-25T19:30:00.000000000Z';
  t.Config.Hostname = TARGET_ID.slice(0, 12);
  t.HostConfig['ContainerIDFile'] = '/run/dockpit/cid';
  t.NetworkSettings = {
    Networks: { biz: { IPAMConfig: { IPv4Address: '10.88.1.20' }, IPAddress: '10.88.1.20', Aliases: [TARGET_ID.slice(0, 12)] } },
  };
  return t;
}

describe('createBody', () => {
  it('copies Config and HostConfig whole, names the container without the leading slash', () => {
    const src = shopApi();
    const body = createBody(src, 'biz', '10.88.1.20');
    expect(body['name']).toBe('shop-api');
    expect(body['HostConfig']).toEqual(src.HostConfig);
    expect(body['HostConfig']).not.toBe(src.HostConfig);
    const { Hostname: _h, ...config } = src.Config;
    for (const [k, v] of Object.entries(config)) expect(body[k], k).toEqual(v);
    expect(Object.keys(body).sort()).toEqual(['HostConfig', 'NetworkingConfig', 'name', ...Object.keys(config)].sort());
    // Spot checks on what must survive the copy.
    expect(body['Image']).toBe('dockpit/busybox:latest');
    expect(body['Env']).toEqual(['DB_PASSWORD=hunter2', 'api_token=tok-123', 'PLAIN=visible', 'EMPTY_SECRET=', 'GREETING=a=b']);
    expect((body['HostConfig'] as Record<string, unknown>)['RestartPolicy']).toEqual({ Name: 'on-failure', MaximumRetryCount: 3 });
    expect((body['HostConfig'] as Record<string, unknown>)['Memory']).toBe(67108864);
  });

  it('drops the Hostname the engine assigned (the short ID), and leaves the source inspect as it was', () => {
    const src = shopApi();
    expect(src.Config.Hostname).toBe(SHOP_ID.slice(0, 12));
    const body = createBody(src, 'biz', '10.88.1.20');
    expect('Hostname' in body).toBe(false);
    expect(src.Config.Hostname).toBe('3f1c9a0e7b2d');
  });

  it('keeps a Hostname that was asked for', () => {
    const src = shopApi();
    src.Config.Hostname = 'shop-api-1';
    expect(createBody(src, 'biz', '10.88.1.20')['Hostname']).toBe('shop-api-1');
  });

  // The engine assigns exactly the 12-character short ID: an explicit hostname that is merely a prefix of
  // the ID is the operator's and must survive (and be checked after create).
  it('keeps an asked-for Hostname that happens to be a prefix of the ID', () => {
    const src = shopApi();
    src.Id = 'db1e7a0c' + SHOP_ID.slice(8);
    src.Config.Hostname = 'db1';
    expect(createBody(src, 'biz', '10.88.1.20')['Hostname']).toBe('db1');
  });

  it('asks for the address on the network and keeps aliases other than the short ID', () => {
    const src = shopApi();
    expect(createBody(src, 'biz', '10.88.1.20')['NetworkingConfig']).toEqual({
      EndpointsConfig: { biz: { IPAMConfig: { IPv4Address: '10.88.1.20' } } },
    });
    src.NetworkSettings!.Networks!['biz']!.Aliases = ['3f1c9a0e7b2d', 'api', 'shop'];
    expect(createBody(src, 'biz', '10.88.1.21')['NetworkingConfig']).toEqual({
      EndpointsConfig: { biz: { IPAMConfig: { IPv4Address: '10.88.1.21' }, Aliases: ['api', 'shop'] } },
    });
  });

  // Likewise an explicit alias that is a prefix of the ID.
  it('keeps an alias that happens to be a prefix of the ID', () => {
    const src = shopApi();
    src.Id = 'db1e7a0c' + SHOP_ID.slice(8);
    src.NetworkSettings!.Networks!['biz']!.Aliases = [src.Id.slice(0, 12), 'db1'];
    expect(createBody(src, 'biz', '10.88.1.20')['NetworkingConfig']).toEqual({
      EndpointsConfig: { biz: { IPAMConfig: { IPv4Address: '10.88.1.20' }, Aliases: ['db1'] } },
    });
  });

  it('asks for no address when there is none, and for no network when the network is null', () => {
    expect(createBody(shopApi(), 'biz', null)['NetworkingConfig']).toEqual({ EndpointsConfig: { biz: {} } });
    const body = createBody(shopApi(), null, null);
    expect('NetworkingConfig' in body).toBe(false);
    expect((body['HostConfig'] as Record<string, unknown>)['NetworkMode']).toBe('biz');
  });
});

describe('localData', () => {
  it('lists the volume of the real inspect', () => {
    expect(localData(shopApi())).toEqual([{ type: 'volume', source: 'shop-data', destination: '/data' }]);
  });

  it('keeps volumes and binds, drops tmpfs', () => {
    const src = shopApi();
    src.Mounts = [
      { Type: 'bind', Source: '/srv/shop/conf', Destination: '/etc/shop' },
      { Type: 'tmpfs', Source: '', Destination: '/run' },
      ...(src.Mounts ?? []),
    ];
    expect(localData(src)).toEqual([
      { type: 'bind', source: '/srv/shop/conf', destination: '/etc/shop' },
      { type: 'volume', source: 'shop-data', destination: '/data' },
    ]);
  });

  it('is empty without mounts', () => {
    const src = shopApi();
    src.Mounts = [];
    expect(localData(src)).toEqual([]);
    delete src.Mounts;
    expect(localData(src)).toEqual([]);
  });
});

describe('addressOn', () => {
  it('reads the static address', () => {
    expect(addressOn(shopApi(), 'biz')).toBe('10.88.1.20');
  });

  it('prefers the address asked for (IPAMConfig) over the one the container has', () => {
    const src = shopApi();
    src.NetworkSettings!.Networks!['biz'] = { IPAMConfig: { IPv4Address: '10.88.1.30' }, IPAddress: '10.88.1.20', Aliases: null };
    expect(addressOn(src, 'biz')).toBe('10.88.1.30');
  });

  it('falls back to IPAddress without IPAMConfig, and is null when there is neither or no such network', () => {
    const src = shopApi();
    expect(addressOn(src, 'bridge')).toBe('172.17.0.3');
    src.NetworkSettings!.Networks!['bridge'] = { IPAMConfig: null, IPAddress: '', Aliases: null };
    expect(addressOn(src, 'bridge')).toBeNull();
    expect(addressOn(src, 'front')).toBeNull();
  });
});

describe('otherNetworks', () => {
  it('lists the networks besides the one moved with', () => {
    const src = shopApi();
    expect(otherNetworks(src, 'biz')).toEqual(['bridge']);
    src.NetworkSettings!.Networks!['backend'] = { IPAMConfig: null, IPAddress: '172.20.0.4', Aliases: null };
    expect(otherNetworks(src, 'biz')).toEqual(['bridge', 'backend']);
  });

  it('leaves out the NetworkMode network (the create call attaches it)', () => {
    // No pool network: the target gets HostConfig.NetworkMode (biz) only, so bridge is what is dropped.
    expect(otherNetworks(shopApi(), null)).toEqual(['bridge']);
    const src = shopApi();
    src.HostConfig.NetworkMode = 'bridge';
    expect(otherNetworks(src, 'biz')).toEqual([]);
  });
});

describe('parkName', () => {
  const DOCKER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

  it('is a valid docker name holding the run id tail', () => {
    expect(parkName('shop-api', '20261125T192256Z-k3x9qa')).toBe('shop-api_parked_256Zk3x9qa');
    const runId = newRunId(new Date('2026-11-25T19:22:56.789Z'));
    const parked = parkName('shop-api', runId);
    expect(parked).toMatch(DOCKER_NAME);
    expect(parked).toContain(runId.slice(-6)); // the random part tells two runs in one second apart
  });

  it('keeps only letters and digits of the run id', () => {
    expect(parkName('web.1', 'run.1_2-3')).toBe('web.1_parked_run123');
    expect(parkName('web.1', 'run.1_2-3')).toMatch(DOCKER_NAME);
  });
});

describe('configDifferences', () => {
  it('is empty for the same inspect', () => {
    expect(configDifferences(shopApi(), shopApi(), 'biz')).toEqual([]);
  });

  it('ignores the ID, the engine-assigned Hostname, ContainerIDFile, aliases and state', () => {
    const t = createdOnTarget();
    t.State = { Status: 'created', Running: false };
    expect(configDifferences(shopApi(), t, 'biz')).toEqual([]);
  });

  it('does not care about key order inside objects', () => {
    const t = createdOnTarget();
    const labels = t.Config.Labels!;
    t.Config.Labels = Object.fromEntries(Object.entries(labels).reverse());
    expect(Object.keys(t.Config.Labels)).not.toEqual(Object.keys(labels));
    expect(configDifferences(shopApi(), t, 'biz')).toEqual([]);
  });

  it('reports a changed Config.Env, its secrets masked (the message reaches the journal and the audit log: issue 17)', () => {
    const t = createdOnTarget();
    t.Config['Env'] = ['DB_PASSWORD=hunter2', 'api_token=tok-123', 'PLAIN=visible', 'EMPTY_SECRET='];
    expect(configDifferences(shopApi(), t, 'biz')).toEqual([
      'Config.Env: ["DB_PASSWORD=••••••","api_token=••••••","PLAIN=visible","EMPTY_SECRET=","GREETING=a=b"] → ["DB_PASSWORD=••••••","api_token=••••••","PLAIN=visible","EMPTY_SECRET="]',
    ]);
  });

  it('reports a changed HostConfig.Memory and a missing HostConfig field', () => {
    const t = createdOnTarget();
    t.HostConfig['Memory'] = 134217728;
    delete t.HostConfig['NanoCpus'];
    expect(configDifferences(shopApi(), t, 'biz')).toEqual(['HostConfig.Memory: 67108864 → 134217728', 'HostConfig.NanoCpus: 1500000000 → null']);
  });

  it('reports a changed address on the network, and only when a network is given', () => {
    const t = createdOnTarget();
    t.NetworkSettings!.Networks!['biz'] = { IPAMConfig: { IPv4Address: '10.88.1.21' }, IPAddress: '10.88.1.21', Aliases: null };
    expect(configDifferences(shopApi(), t, 'biz')).toEqual(['address on biz: "10.88.1.20" → "10.88.1.21"']);
    expect(configDifferences(shopApi(), t, null)).toEqual([]);
  });

  it('reports an asked-for Hostname the target lost, and a changed name and image', () => {
    const s = shopApi();
    s.Config.Hostname = 'shop-api-1';
    const t = createdOnTarget();
    t.Name = '/shop-api-2';
    t.Image = 'sha256:0000000000000000000000000000000000000000000000000000000000000000';
    expect(configDifferences(s, t, 'biz')).toEqual([
      'Name: "/shop-api" → "/shop-api-2"',
      `Image: "${s.Image}" → "${t.Image}"`,
      'Config.Hostname: "shop-api-1" → "a9b8c7d6e5f4"',
    ]);
  });
});
