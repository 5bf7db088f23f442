import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lanPoolYaml, writeConfig } from '../support/configs.js';
import { CLI, readFleet, type CliResult } from '../support/fleet.js';
import { inspectOn, removeByPrefix } from '../support/pool-config.js';
import { configWithState, dockpitOn, etcdStateYaml, freshPrefix, jumpHost, collect } from '../support/team.js';
import { spawn } from 'node:child_process';

// Issue 11, done means: 2 jump hosts × 6 racing `dockpit run` for one line on the etcd backend give 12
// distinct addresses, each what its engine reports; on the file backend, two Unix users on one jump host
// with the default (shared) state never get one address twice.

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);
const IMAGE = fleet.image;
const P = 'race-';

// Twelve dockpit processes start at once on a 2-core machine: engine deadlines that such a start can meet.
const POOL = (range: string) => `engine: { callTimeout: 20000, connectTimeout: 20000 }
${lanPoolYaml({ rc: { range, tier: 2 } })}`;

interface RunJson {
  name: string;
  host: string;
  ip: string;
}

async function engineIp(host: string, name: string): Promise<string> {
  return (await inspectOn(host, name)).NetworkSettings.Networks.biz!.IPAddress;
}

function parsed(r: CliResult): RunJson {
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as RunJson;
}

async function checkDistinct(results: RunJson[], n: number): Promise<void> {
  expect(results).toHaveLength(n);
  const ips = results.map((r) => r.ip);
  expect(new Set(ips).size, ips.join(' ')).toBe(n);
  for (const r of results) expect(await engineIp(r.host, r.name)).toBe(r.ip);
}

describe('racing placements from several operators', () => {
  beforeAll(() => removeByPrefix(hosts, P));
  afterAll(() => removeByPrefix(hosts, P));

  it('etcd: 2 jump hosts × 6 racing runs for one line get 12 distinct addresses', { timeout: 180_000 }, async () => {
    const config = configWithState(etcdStateYaml(freshPrefix('race')), POOL('10.88.91.0/24'));
    const j1 = jumpHost('j1');
    const j2 = jumpHost('j2');
    const runs = [j1, j2].flatMap((j) =>
      Array.from({ length: 6 }, (_, k) => dockpitOn(j, ['run', '--config', config, '--json', '--name', `${P}e-${j.name}-${k}`, '--line', 'rc', IMAGE, 'sleep', '86400'])),
    );
    await checkDistinct((await Promise.all(runs)).map(parsed), 12);
  });

  it('files: two Unix users on one jump host, default shared state, 2 × 6 racing runs: no address twice', { timeout: 180_000 }, async () => {
    // Two operators: their own accounts and homes, one group that `state init` gives the state folder.
    const group = 'dockpit-race';
    const users = ['dprace1', 'dprace2'];
    execFileSync('sh', ['-c', `getent group ${group} >/dev/null || groupadd ${group}`]);
    for (const u of users) execFileSync('sh', ['-c', `id ${u} >/dev/null 2>&1 || useradd -m -G ${group} ${u}`]);
    const stateDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-shared-')), 'state');
    fs.chmodSync(path.dirname(stateDir), 0o755);
    // The engines over TCP: the unix sockets are root's. `state:` names the folder `state init` made,
    // exactly as the default /var/lib/dockpit would be.
    const hostsYaml = fleet.hosts.map((h) => `  - name: ${h.name}\n    url: tcp://${h.addr}:2375`).join('\n');
    const config = writeConfig(`hosts:\n${hostsYaml}\nstate: ${stateDir}\n${POOL('10.88.92.0/24')}`);
    fs.chmodSync(path.dirname(config), 0o755);
    fs.chmodSync(config, 0o644);
    const init = execFileSync(process.execPath, [CLI, 'state', 'init', '--group', group, '--config', config], { encoding: 'utf8' });
    expect(init).toContain(stateDir);
    expect(fs.statSync(stateDir).mode & 0o7777).toBe(0o2770);

    const asUser = (u: string, k: number) =>
      collect(
        spawn('runuser', ['-u', u, '--', process.execPath, CLI, 'run', '--config', config, '--json', '--name', `${P}f-${u}-${k}`, '--line', 'rc', IMAGE, 'sleep', '86400'], {
          env: { PATH: process.env.PATH, HOME: `/home/${u}` },
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
    const results = await Promise.all(users.flatMap((u) => Array.from({ length: 6 }, (_, k) => asUser(u, k))));
    await checkDistinct(results.map(parsed), 12);
    // Nothing the two users share is readable by others.
    for (const e of fs.readdirSync(stateDir, { recursive: true, withFileTypes: true })) {
      const mode = fs.statSync(path.join(e.parentPath, e.name)).mode;
      expect(mode & 0o007, `${path.join(e.parentPath, e.name)} is open to others`).toBe(0);
    }
  });
});
