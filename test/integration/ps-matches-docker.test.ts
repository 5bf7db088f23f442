import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, dockpit, FLEET_CONFIG, readFleet, removeTestContainers, runContainer } from '../support/fleet.js';

// Done means: three hosts, one by unix socket, one by TCP, one by SSH: `dockpit ps --json` matches
// `docker ps -a` on each engine exactly (names, states, IPs).

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);

interface Row {
  host: string;
  name: string;
  state: string;
  ips: Record<string, string>;
}

async function truth(host: string): Promise<Row[]> {
  const ids = await docker(host, 'ps', '-aq');
  if (!ids) return [];
  const inspected = JSON.parse(await docker(host, 'inspect', ...ids.split('\n'))) as Array<{
    Name: string;
    State: { Status: string };
    NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
  }>;
  return inspected.map((c) => ({
    host,
    name: c.Name.replace(/^\//, ''),
    state: c.State.Status,
    ips: Object.fromEntries(Object.entries(c.NetworkSettings.Networks).map(([n, s]) => [n, s.IPAddress])),
  }));
}

const byKey = (a: Row, b: Row) => `${a.host}/${a.name}`.localeCompare(`${b.host}/${b.name}`);

describe('dockpit ps --json on a unix, a TCP and an SSH host', () => {
  beforeAll(async () => {
    await removeTestContainers(hosts);
    await Promise.all(
      hosts.map(async (h, i) => {
        await runContainer(h, { name: `web-${h}`, bizline: 'news', tier: 1, ip: `10.88.1.${10 + i}` });
        await runContainer(h, { name: `api-${h}`, bizline: 'forum', tier: 2, ip: '10.88.2.10' }); // same IP on every host
        await runContainer(h, { name: `plain-${h}` });
        const stopped = await runContainer(h, { name: `done-${h}`, bizline: 'ads', tier: 3, cmd: ['true'] });
        await docker(h, 'wait', stopped);
        await docker(h, 'create', '--name', `fresh-${h}`, '--label', 'dockpit.test=1', 'dockpit/busybox:latest', 'sleep', '1');
      }),
    );
  });
  afterAll(() => removeTestContainers(hosts));

  it('uses the three transports', async () => {
    const r = await dockpit(['hosts', '--json', '--config', FLEET_CONFIG]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Array<{ name: string; url: string; state: string; engineVersion: string; liveRestore: boolean; containers: { total: number } }>;
    expect(out.map((h) => h.url.split(':')[0]).slice(0, 3)).toEqual(['unix', 'tcp', 'ssh']);
    expect(out.every((h) => h.state === 'up')).toBe(true);
    const version = await docker('h1', 'version', '--format', '{{.Server.Version}}');
    expect(out[0]!.engineVersion).toBe(version);
    expect(out[0]!.liveRestore).toBe(true);
    expect(out[1]!.liveRestore).toBe(false);
    expect(out.map((h) => h.containers.total)).toEqual(await Promise.all(hosts.map(async (h) => (await truth(h)).length)));
  });

  it('matches docker ps -a on every engine: names, states, IPs', async () => {
    const r = await dockpit(['ps', '--json', '--config', FLEET_CONFIG]);
    expect(r.code).toBe(0);
    const got = (JSON.parse(r.stdout) as Row[]).map(({ host, name, state, ips }) => ({ host, name, state, ips })).sort(byKey);
    const want = (await Promise.all(hosts.map(truth))).flat().sort(byKey);
    expect(want.length).toBeGreaterThanOrEqual(15);
    expect(got).toEqual(want);
    expect(new Set(got.map((c) => c.state))).toEqual(new Set(['running', 'exited', 'created']));
  });

  it('filters by host and business line, with the JSON fields of the contract', async () => {
    const r = await dockpit(['ps', '--json', '--config', FLEET_CONFIG, '--host', 'h3', '--bizline', 'news']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!)).toEqual(['host', 'id', 'name', 'image', 'state', 'status', 'bizline', 'tier', 'ips', 'labels']);
    expect(rows[0]).toMatchObject({ host: 'h3', name: 'web-h3', bizline: 'news', tier: 1, ips: { biz: '10.88.1.12' }, state: 'running' });
  });

  it('refuses an unknown --host with exit 2', async () => {
    const r = await dockpit(['ps', '--json', '--config', FLEET_CONFIG, '--host', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--host nope: no such host');
    expect(r.stdout).toBe('');
  });
});
