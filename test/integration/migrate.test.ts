import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, dockpit, fleetCommand, readFleet, waitFor, type CliResult } from '../support/fleet.js';
import { poolConfig, removeByPrefix, removeNetworks, whereIs } from '../support/pool-config.js';
import { closeTestStates, testState } from '../support/state-backend.js';

// Issue 6, done means (one move at a time): a container with env, labels, limits, restart policy,
// healthcheck, port binding and a static IP migrates with its configuration; an image the target lacks is
// streamed engine to engine (there is no registry here); a target whose healthcheck fails is rolled back;
// a dead source host is migrated from the recorded configuration only after the fencing confirmation.
// The state (journal, locks, audit log, records) is on the backend under test (state-backend.ts): this file
// runs on files, on-etcd/ on etcd.

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);
const IMAGE = fleet.image;
const P = 'mig-';

const POOLS = poolConfig(`ipPools:
  - name: lan
    network: biz
    driver: bridge
    subnet: 10.88.0.0/16
    gateway: 10.88.0.1
    ranges: { news: 10.88.70.0/24, forum: 10.88.71.0/24 }
  - name: side
    network: mig-side
    driver: bridge
    subnet: 10.89.0.0/16
    gateway: 10.89.0.1
    ranges: { ads: 10.89.1.0/24 }
lines:
  news: { tier: 1, pool: lan }
  forum: { tier: 2, pool: lan }
  ads: { tier: 3, pool: side }
`);
const CONFIG = POOLS.file;
const auditLog = () => testState(CONFIG).audit.read();

interface MoveJson {
  runId: string | null;
  status: string;
  from: string;
  to: string;
  ip: string | null;
  downtimeMs: number | null;
  steps: Array<{ step: string; state: string; error?: string }>;
  error?: string;
}

function migrate(...args: string[]): Promise<CliResult> {
  return dockpit(['migrate', '--config', CONFIG, '--json', ...args]);
}

function parse(r: CliResult): MoveJson {
  try {
    return JSON.parse(r.stdout) as MoveJson;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
}

type Inspect = {
  Id: string;
  Name: string;
  Image: string;
  State: { Status: string; Running: boolean; Health?: { Status: string } };
  Config: Record<string, unknown> & { Hostname: string; Image: string };
  HostConfig: Record<string, unknown>;
  NetworkSettings: { Networks: Record<string, { IPAddress: string; IPAMConfig: { IPv4Address?: string } | null }> };
};

async function inspect(host: string, name: string): Promise<Inspect> {
  return (JSON.parse(await docker(host, 'inspect', name)) as Inspect[])[0]!;
}

/** Names on a host that start with `prefix` (parked sources included). */
async function namesOn(host: string, prefix: string): Promise<string[]> {
  const out = await docker(host, 'ps', '-a', '--format', '{{.Names}}', '--filter', `name=^${prefix}`);
  return out ? out.split('\n').sort() : [];
}

async function healthy(host: string, name: string): Promise<void> {
  await waitFor(async () => (await inspect(host, name)).State.Health?.Status === 'healthy', 15_000, 100);
}

const flagDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-mig-flags-'));
const images: Array<{ host: string; ref: string }> = [];

beforeAll(async () => {
  await removeByPrefix(hosts, P);
});

afterAll(async () => {
  await removeByPrefix(hosts, P);
  await removeNetworks(hosts, ['mig-side']);
  for (const i of images) await docker(i.host, 'rmi', '-f', i.ref).catch(() => undefined);
  fs.rmSync(flagDir, { recursive: true, force: true });
  await POOLS.dispose();
  await closeTestStates();
});

describe('dockpit migrate', () => {
  it('moves a container with its whole configuration and static IP; the source is gone', async () => {
    const name = `${P}full`;
    await docker('h1', 'run', '-d', '--name', name, '--network', 'biz', '--ip', '10.88.70.10',
      '-e', 'MODE=live', '-e', 'DB_PASSWORD=s3cret', '--label', 'dockpit.bizline=news', '--label', 'dockpit.tier=1', '--label', 'team=core',
      '--memory', '48m', '--cpus', '0.5', '--cpu-shares', '512', '--restart', 'on-failure:3', '--stop-timeout', '1',
      '--health-cmd', 'test -d /', '--health-interval', '1s', '--health-retries', '2',
      '-p', '18080:80', '--entrypoint', '/bin/sh', '--workdir', '/tmp', IMAGE, '-c', 'sleep 100000');
    await healthy('h1', name);
    const before = await inspect('h1', name);

    const r = await migrate(name, '--to', 'h3', '--yes'); // ssh target
    const j = parse(r);
    expect(r.code, r.stderr).toBe(0);
    expect(j).toMatchObject({ status: 'done', from: 'h1', to: 'h3', ip: '10.88.70.10' });
    expect(j.steps.map((s) => `${s.step}:${s.state}`)).toEqual([
      'create:done', 'stop-source:done', 'park-source:done', 'start-target:done', 'gate:done', 'remove-source:done',
    ]);
    expect(j.downtimeMs).toBeGreaterThan(0);

    const after = await inspect('h3', name);
    expect(after.Id).not.toBe(before.Id);
    expect(after.State.Running).toBe(true);
    expect(after.Image).toBe(before.Image);
    // The engine-assigned hostname is the container's own ID: host-specific, like the ID.
    const { Hostname: h0, ...c0 } = before.Config;
    const { Hostname: h1, ...c1 } = after.Config;
    expect(h0).toBe(before.Id.slice(0, 12));
    expect(h1).toBe(after.Id.slice(0, 12));
    expect(c1).toEqual(c0);
    expect(after.HostConfig).toEqual(before.HostConfig);
    expect(after.NetworkSettings.Networks.biz!.IPAddress).toBe('10.88.70.10');
    expect(after.NetworkSettings.Networks.biz!.IPAMConfig?.IPv4Address).toBe('10.88.70.10');
    expect(await namesOn('h1', name)).toEqual([]); // neither the source nor a parked copy
    expect(await whereIs(hosts, name)).toEqual(['h3']);

    const audit = (await auditLog()).filter((e) => e.action.startsWith('migrate.'));
    expect(audit.map((e) => e.action)).toEqual([
      'migrate.create', 'migrate.stop-source', 'migrate.park-source', 'migrate.start-target', 'migrate.remove-source',
    ]);
    expect(audit.every((e) => e.outcome === 'ok' && e.targets[0] === `h1/${name} → h3`)).toBe(true);
  });

  it('streams an image the target lacks engine to engine (no registry) and migrates', async () => {
    const name = `${P}img`;
    const ref = `dockpit/mig-only-h2:${Date.now().toString(36)}`;
    await docker('h2', 'run', '-d', '--name', `${P}img-base`, IMAGE, 'sh', '-c', 'echo built > /built; sleep 100000');
    await docker('h2', 'commit', `${P}img-base`, ref);
    images.push({ host: 'h2', ref }, { host: 'h1', ref });
    await docker('h2', 'run', '-d', '--name', name, '--network', 'biz', '--ip', '10.88.71.20', '--label', 'dockpit.bizline=forum',
      '--stop-timeout', '1', ref, 'sleep', '100000');
    const id = (await inspect('h2', name)).Image;
    await expect(docker('h1', 'image', 'inspect', id)).rejects.toThrow(); // absent on the target

    const r = await migrate(name, '--to', 'h1', '--yes', '--gate-seconds', '1');
    const j = parse(r);
    expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
    expect(j.steps[0]).toEqual({ step: 'image', state: 'done' });
    expect(j.status).toBe('done');
    const moved = await inspect('h1', name);
    expect(moved.Image).toBe(id);
    expect(moved.Config.Image).toBe(ref);
    expect(moved.NetworkSettings.Networks.biz!.IPAddress).toBe('10.88.71.20');
    expect(await docker('h1', 'exec', name, 'cat', '/built')).toBe('built');
    const streamed = (await auditLog()).find((e) => e.action === 'migrate.image' && e.targets[0] === `h2/${name} → h1`);
    expect(streamed?.details).toMatchObject({ how: 'streamed' });
    expect((streamed?.details as { bytes: number }).bytes).toBeGreaterThan(1_000_000);
  });

  it("creates the pool's network on a target that lacks it, from the pool config", async () => {
    const name = `${P}side`;
    await removeNetworks(hosts, ['mig-side']);
    const made = await dockpit(['network', 'ensure', '--config', CONFIG, '--host', 'h2', '--pool', 'side']);
    expect(made.code, made.stderr).toBe(0);
    await docker('h2', 'run', '-d', '--name', name, '--network', 'mig-side', '--ip', '10.89.1.10', '--label', 'dockpit.bizline=ads',
      '--stop-timeout', '1', IMAGE, 'sleep', '100000');
    expect(await docker('h3', 'network', 'ls', '-q', '--filter', 'name=^mig-side$')).toBe('');

    const r = await migrate(name, '--to', 'h3', '--yes', '--gate-seconds', '1');
    const j = parse(r);
    expect(r.code, r.stderr).toBe(0);
    expect(j.steps[0]).toEqual({ step: 'network', state: 'done' });
    const net = JSON.parse(await docker('h3', 'network', 'inspect', 'mig-side')) as Array<{ IPAM: { Config: Array<{ Subnet: string; IPRange?: string; Gateway: string }> }; Labels: Record<string, string> }>;
    expect(net[0]!.IPAM.Config).toEqual([{ Subnet: '10.89.0.0/16', IPRange: '10.89.254.0/24', Gateway: '10.89.0.1' }]); // issue 12: with the pool's ip-range
    expect(net[0]!.Labels).toMatchObject({ 'dockpit.pool': 'side' });
    expect((await inspect('h3', name)).NetworkSettings.Networks['mig-side']!.IPAddress).toBe('10.89.1.10');
  });

  it('rolls back when the target fails its healthcheck: the source runs again with its name and IP', async () => {
    const name = `${P}sick`;
    // Healthy only where a flag file carries the container's own hostname (its short ID): the target has another.
    await docker('h1', 'run', '-d', '--name', name, '--network', 'biz', '--ip', '10.88.70.30', '-v', `${flagDir}:/flags:ro`,
      '--health-cmd', 'test -f /flags/$(hostname)', '--health-interval', '1s', '--health-retries', '1', '--stop-timeout', '1',
      IMAGE, 'sleep', '100000');
    const src = await inspect('h1', name);
    fs.writeFileSync(path.join(flagDir, src.Id.slice(0, 12)), '');
    await healthy('h1', name);

    const blocked = await migrate(name, '--to', 'h2', '--yes');
    expect(blocked.code).toBe(6); // the bind mount's data cannot move without --leave-data
    expect(blocked.stderr).toMatch(/bind .*\/flags.*--leave-data/);
    expect(await namesOn('h2', name)).toEqual([]);

    const r = await migrate(name, '--to', 'h2', '--yes', '--leave-data');
    const j = parse(r);
    expect(r.code).toBe(5);
    expect(j.status).toBe('rolled-back');
    expect(j.steps.find((s) => s.step === 'gate')).toMatchObject({ state: 'failed', error: expect.stringMatching(/unhealthy/) });
    expect(j.steps.filter((s) => ['remove-target', 'unpark-source', 'start-source'].includes(s.step)).map((s) => s.state)).toEqual(['done', 'done', 'done']);

    const back = await inspect('h1', name);
    expect(back.Id).toBe(src.Id);
    expect(back.Name).toBe(`/${name}`);
    expect(back.State.Running).toBe(true);
    expect(back.NetworkSettings.Networks.biz!.IPAddress).toBe('10.88.70.30');
    expect(await namesOn('h2', name)).toEqual([]);
    expect(await namesOn('h1', name)).toEqual([name]);
  });

  it('migrates off a dead engine from the recorded configuration, only once the host is confirmed fenced', async () => {
    const name = `${P}orphan`;
    await docker('h2', 'run', '-d', '--name', name, '--network', 'biz', '--ip', '10.88.71.40', '-e', 'ROLE=orphan',
      '--label', 'dockpit.bizline=forum', '--memory', '32m', '--restart', 'always', '--stop-timeout', '1', IMAGE, 'sleep', '100000');
    const src = await inspect('h2', name);
    const rec = await dockpit(['record', '--config', CONFIG, '--host', 'h2', '--json']);
    expect(rec.code, rec.stderr).toBe(0);

    fleetCommand('stop-engine', 'h2');
    try {
      const refused = await migrate(name, '--to', 'h3', '--yes');
      expect(refused.code).toBe(6);
      expect(refused.stderr).toMatch(/h2 is down.*--fenced h2/);
      expect(await namesOn('h3', name)).toEqual([]);

      const r = await migrate(name, '--to', 'h3', '--yes', '--fenced', 'h2', '--gate-seconds', '1');
      const j = parse(r);
      expect(r.code, r.stderr).toBe(0);
      expect(j).toMatchObject({ status: 'done', from: 'h2', to: 'h3', ip: '10.88.71.40' });
      expect(j.steps.map((s) => s.step)).toEqual(['create', 'start-target', 'gate']);
      expect(j.error).toMatch(/remove .* there before the host rejoins/);
      const moved = await inspect('h3', name);
      expect(moved.State.Running).toBe(true);
      expect(moved.Config.Env).toEqual(src.Config.Env);
      expect(moved.HostConfig).toEqual(src.HostConfig);
      expect(moved.NetworkSettings.Networks.biz!.IPAddress).toBe('10.88.71.40');
    } finally {
      fleetCommand('start-engine', 'h2');
    }
  });
});
