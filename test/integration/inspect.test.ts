import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerInspect } from '../../src/engine/container-inspect.js';
import { followLogs } from '../../src/engine/container-actions.js';
import { detailLines } from '../../src/render/detail-lines.js';
import { docker, dockpit, FLEET_CONFIG, readFleet, removeTestContainers, runContainer, TEST_LABEL, waitFor } from '../support/fleet.js';

// Done means (issue "The cockpit", items 2 and 8): `dockpit inspect NAME --json` is the engine's own inspect
// with secret env values masked; a name on several hosts exits 4 listing them, a missing one exits 3;
// without --json it prints the cockpit's detail lines; the log stream reads real multiplexed and TTY logs.

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);
const CONFIG = ['--config', FLEET_CONFIG];
const RICH = 'insp-rich';
// Addresses no other test file uses: a removed container's static IP can stay taken for a moment.
const RICH_IP = '10.88.7.20';

const RICH_RUN = [
  'run', '-d', '--name', RICH, '--label', `${TEST_LABEL}=1`, '--label', 'dockpit.bizline=shop', '--label', 'team=core',
  '-e', 'DB_PASSWORD=hunter2', '-e', 'api_token=tok-123', '-e', 'PLAIN=visible',
  '--restart', 'on-failure:3', '--cpus', '1.5', '--cpu-shares', '512', '--memory', '64m', '--memory-swap', '128m',
  '--health-cmd', 'wget -q -O - http://127.0.0.1:8080/', '--health-interval', '1s', '--health-timeout', '2s', '--health-retries', '3',
  '--network', 'biz', '--ip', RICH_IP,
  fleet.image, 'sh', '-c', 'mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www',
];

async function truth(host: string, name: string): Promise<ContainerInspect & Record<string, unknown>> {
  return (JSON.parse(await docker(host, 'inspect', name)) as Array<ContainerInspect & Record<string, unknown>>)[0]!;
}

/**
 * What may differ between two inspects a moment apart: the health check log (one entry a second here) and
 * ExecIDs, which lists a health check while it runs.
 */
function stable(c: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(c) as Record<string, unknown> & { State: { Health?: { Log?: unknown } } };
  delete copy.State.Health?.Log;
  delete copy.ExecIDs;
  return copy;
}

describe('dockpit inspect', () => {
  beforeAll(async () => {
    await removeTestContainers(hosts);
    await docker('h1', ...RICH_RUN);
    await runContainer('h1', { name: 'insp-twin' });
    await runContainer('h2', { name: 'insp-twin' });
    await runContainer('h3', { name: 'insp-solo' });
    await waitFor(async () => (await truth('h1', RICH)).State.Health?.Status === 'healthy', 30_000, 200);
  });
  afterAll(() => removeTestContainers(hosts));

  it('--json is the engine’s inspect of that container, with the host and secret env values masked', async () => {
    const r = await dockpit(['inspect', RICH, '--json', ...CONFIG]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('hunter2');
    expect(r.stdout).not.toContain('tok-123');
    const { host, ...got } = JSON.parse(r.stdout) as { host: string } & ContainerInspect & Record<string, unknown>;
    const want = await truth('h1', RICH);
    expect(host).toBe('h1');

    const mask: Record<string, string> = { 'DB_PASSWORD=hunter2': 'DB_PASSWORD=••••••', 'api_token=tok-123': 'api_token=••••••' };
    expect(got.Config.Env).toEqual(want.Config.Env!.map((e) => mask[e] ?? e));
    expect(got.Config.Env).toContain('PLAIN=visible');
    // Everything else is exactly what `docker inspect` says.
    expect(stable({ ...got, Config: { ...got.Config, Env: want.Config.Env } })).toEqual(stable(want));

    // And it is the container asked for, as it was created.
    expect(got.HostConfig).toMatchObject({ NanoCpus: 1_500_000_000, CpuShares: 512, Memory: 64 << 20, MemorySwap: 128 << 20, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 } });
    expect(got.NetworkSettings.Networks.biz).toMatchObject({ IPAddress: RICH_IP, Gateway: '10.88.0.1', IPAMConfig: { IPv4Address: RICH_IP } });
    expect(got.Config.Labels).toMatchObject({ 'dockpit.bizline': 'shop', team: 'core' });
    expect(got.State.Health?.Status).toBe('healthy');
  });

  it('without --json prints the cockpit’s detail lines, secrets masked', async () => {
    const r = await dockpit(['inspect', RICH, ...CONFIG]);
    expect(r.code, r.stderr).toBe(0);
    const want = await truth('h1', RICH);
    const lines = r.stdout.trimEnd().split('\n');
    // The last check's time moves every second; the rest is the same detail.
    const steady = (l: string[]) => l.filter((x) => !x.startsWith('last check'));
    expect(steady(lines)).toEqual(steady(detailLines('h1', want, false)));
    expect(lines).toContain('name         insp-rich');
    expect(lines).toContain('health       healthy · failing streak 0');
    expect(lines).toContain('restart      on-failure, at most 3 retries');
    expect(lines).toContain('  cpus       1.5');
    expect(lines).toContain('  memory     64MiB, memory+swap 128MiB');
    expect(lines).toContain(`  biz        ${RICH_IP}/16 static  gw 10.88.0.1  mac ${want.NetworkSettings.Networks.biz!.MacAddress}`);
    expect(lines).toContain('  DB_PASSWORD=••••••');
    expect(lines[lines.indexOf(lines.find((l) => l.startsWith('last check'))!) + 1]).toBe('  ok');
    expect(r.stdout).not.toContain('hunter2');
  });

  it('finds a container by an ID prefix of 12 characters or more, not a shorter one', async () => {
    const id = await docker('h1', 'inspect', '-f', '{{.Id}}', RICH);
    const r = await dockpit(['inspect', id.slice(0, 12), '--json', ...CONFIG]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { Id: string }).Id).toBe(id);
    expect((await dockpit(['inspect', id.slice(0, 8), '--json', ...CONFIG])).code).toBe(3);
  });

  it('a name on two hosts exits 4 and lists both; --host picks one', async () => {
    const r = await dockpit(['inspect', 'insp-twin', '--json', ...CONFIG]);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('"insp-twin" is on several hosts: h1, h2');

    const one = await dockpit(['inspect', 'insp-twin', '--json', '--host', 'h2', ...CONFIG]);
    expect(one.code, one.stderr).toBe(0);
    const got = JSON.parse(one.stdout) as { host: string; Id: string };
    expect(got.host).toBe('h2');
    expect(got.Id).toBe((await truth('h2', 'insp-twin')).Id);
  });

  it('a missing container exits 3, also when it is only on another host', async () => {
    const r = await dockpit(['inspect', 'insp-nope', '--json', ...CONFIG]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no container "insp-nope"');
    const elsewhere = await dockpit(['inspect', RICH, '--host', 'h2', ...CONFIG]);
    expect(elsewhere.code).toBe(3);
    expect(elsewhere.stderr).toContain(`no container "${RICH}" on h2`);
  });

  it('works over SSH, and refuses an unknown --host with exit 2', async () => {
    const r = await dockpit(['inspect', 'insp-solo', '--json', ...CONFIG]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { host: string }).host).toBe('h3');
    const bad = await dockpit(['inspect', RICH, '--host', 'nope', ...CONFIG]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--host nope: no such host');
  });
});

describe('followLogs on a real engine', () => {
  const h1 = new Docker({ socketPath: fleet.hosts[0]!.socket });

  function follow(id: string) {
    const lines: string[] = [];
    const ends: Array<string | null> = [];
    const stop = followLogs(h1, id, 500, (l) => lines.push(...l), (e) => ends.push(e), 5000);
    return { lines, ends, stop };
  }

  afterAll(() => removeTestContainers(['h1']));

  it('demultiplexes stdout and stderr of a container without a TTY, and ends when it stops', async () => {
    const id = await runContainer('h1', { name: 'insp-logs', cmd: ['sh', '-c', 'for i in 1 2 3; do echo out$i; echo err$i >&2; done; exec sleep 86400'] });
    const f = follow(id);
    await waitFor(() => f.lines.length >= 6, 5000);
    expect([...f.lines].sort()).toEqual(['err1', 'err2', 'err3', 'out1', 'out2', 'out3']);
    expect(f.lines.filter((l) => l.startsWith('out'))).toEqual(['out1', 'out2', 'out3']);
    await docker('h1', 'stop', '-t', '0', id);
    await waitFor(() => f.ends.length > 0, 5000);
    expect(f.ends).toEqual([null]);
  });

  it('reads the raw stream of a TTY container', async () => {
    const id = await docker('h1', 'run', '-d', '-t', '--name', 'insp-tty', '--label', `${TEST_LABEL}=1`, fleet.image, 'sh', '-c', 'echo tty-one; echo tty-two; exec sleep 86400');
    const f = follow(id);
    await waitFor(() => f.lines.length >= 2, 5000);
    // A TTY ends lines with \r\n; the \r is not part of the line.
    expect(f.lines).toEqual(['tty-one', 'tty-two']);
    f.stop();
    expect(f.ends).toEqual([]);
  });

  it('reports a container that does not exist as NOT_FOUND', async () => {
    const f = follow('insp-never-was');
    await waitFor(() => f.ends.length > 0, 5000);
    expect(f.ends[0]).toMatch(/^NOT_FOUND: /);
  });
});
