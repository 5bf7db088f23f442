import type { ContainerInfo } from 'dockerode';
import { describe, expect, it, vi } from 'vitest';
import { LIST_CHANGING_ACTIONS, mapContainer, parseTier, patchFromAction } from '../../src/engine/container-mapper.js';

vi.mock('react', () => {
  throw new Error('the engine must not import react');
});

const KEYS = { bizline: 'com.example.bizline', tier: 'com.example.tier' };

/** One entry of GET /containers/json as dockerd 20.10 (API 1.41) returns it. */
function rawEntry(over: Partial<ContainerInfo> = {}): ContainerInfo {
  return {
    Id: '8dfafdbc3a40e1b5b7ac3b3d2b3a0a9c9e0a0b1c2d3e4f5061728394a5b6c7d8',
    Names: ['/pay-api-1'],
    Image: 'dockpit/busybox:1',
    ImageID: 'sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
    Command: 'httpd -f -p 8080',
    Created: 1_717_171_717,
    Ports: [],
    Labels: { 'com.example.bizline': 'payments', 'com.example.tier': '2', 'dockpit.bizline': 'ignored' },
    State: 'running',
    Status: 'Up 3 hours (healthy)',
    HostConfig: { NetworkMode: 'biz' },
    NetworkSettings: {
      Networks: {
        biz: {
          IPAMConfig: { IPv4Address: '10.88.1.10' },
          Links: null,
          Aliases: null,
          NetworkID: 'n1',
          EndpointID: 'e1',
          Gateway: '10.88.1.1',
          IPAddress: '10.88.1.10',
          IPPrefixLen: 24,
          IPv6Gateway: '',
          GlobalIPv6Address: '',
          GlobalIPv6PrefixLen: 0,
          MacAddress: '02:42:0a:58:01:0a',
        },
        bridge: {
          IPAMConfig: null,
          Links: null,
          Aliases: null,
          NetworkID: 'n2',
          EndpointID: '',
          Gateway: '',
          IPAddress: '',
          IPPrefixLen: 0,
          IPv6Gateway: '',
          GlobalIPv6Address: '',
          GlobalIPv6PrefixLen: 0,
          MacAddress: '',
        },
      },
    },
    Mounts: [],
    ...over,
  } as ContainerInfo;
}

describe('mapContainer', () => {
  it('maps a realistic list entry with custom label keys', () => {
    const raw = rawEntry();
    expect(mapContainer('h1', raw, KEYS)).toEqual({
      host: 'h1',
      id: raw.Id,
      name: 'pay-api-1',
      image: 'dockpit/busybox:1',
      state: 'running',
      status: 'Up 3 hours (healthy)',
      bizline: 'payments',
      tier: 2,
      ips: { biz: '10.88.1.10', bridge: '' },
      labels: raw.Labels,
      created: 1_717_171_717,
    });
  });

  it('ignores the default label keys when custom ones are configured', () => {
    const c = mapContainer('h1', rawEntry({ Labels: { 'dockpit.bizline': 'x', 'dockpit.tier': '1' } }), KEYS);
    expect(c.bizline).toBeNull();
    expect(c.tier).toBeNull();
  });

  it('parses the tier label: "2", " 3 ", "x", "-1", "1.5", missing', () => {
    const tier = (v: string | undefined) =>
      mapContainer('h', rawEntry({ Labels: v === undefined ? {} : { 'com.example.tier': v } }), KEYS).tier;
    expect(tier('2')).toBe(2);
    expect(tier(' 3 ')).toBe(3);
    expect(tier('x')).toBeNull();
    expect(tier('-1')).toBeNull();
    expect(tier('1.5')).toBeNull();
    expect(tier('')).toBeNull();
    expect(tier(undefined)).toBeNull();
    expect(parseTier('007')).toBe(7);
  });

  it('an unknown state maps to dead', () => {
    expect(mapContainer('h', rawEntry({ State: 'zombie' }), KEYS).state).toBe('dead');
    for (const s of ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead']) {
      expect(mapContainer('h', rawEntry({ State: s }), KEYS).state).toBe(s);
    }
  });

  it('copes with no names, labels, status or networks', () => {
    const raw = rawEntry({ Names: [], Labels: undefined as never, Status: undefined as never, NetworkSettings: undefined as never });
    expect(mapContainer('h', raw, KEYS)).toMatchObject({
      name: '8dfafdbc3a40',
      bizline: null,
      tier: null,
      status: '',
      ips: {},
      labels: {},
    });
  });
});

describe('patchFromAction', () => {
  it('maps each action to what it changes', () => {
    expect(patchFromAction('start', {})).toEqual({ state: 'running' });
    expect(patchFromAction('unpause', {})).toEqual({ state: 'running' });
    expect(patchFromAction('restart', {})).toEqual({ state: 'running' });
    expect(patchFromAction('die', { exitCode: '137' })).toEqual({ state: 'exited' });
    expect(patchFromAction('stop', {})).toEqual({ state: 'exited' });
    expect(patchFromAction('pause', {})).toEqual({ state: 'paused' });
    expect(patchFromAction('destroy', {})).toBe('removed');
    expect(patchFromAction('rename', { name: '/pay-api-2', oldName: '/pay-api-1' })).toEqual({ name: 'pay-api-2' });
    expect(patchFromAction('rename', {})).toBeNull();
    for (const action of ['create', 'kill', 'oom', 'update', 'connect', 'exec_start', 'attach']) {
      expect(patchFromAction(action, {})).toBeNull();
    }
  });

  it('list-changing actions include the lifecycle and exclude exec noise', () => {
    expect([...LIST_CHANGING_ACTIONS].sort()).toEqual(
      ['connect', 'create', 'destroy', 'die', 'disconnect', 'kill', 'oom', 'pause', 'rename', 'restart', 'start', 'stop', 'unpause', 'update'].sort(),
    );
    expect(LIST_CHANGING_ACTIONS.has('exec_start')).toBe(false);
  });
});
