import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, docker, dockpit, FLEET_SCRIPT, readFleet, waitFor } from '../support/fleet.js';
import { removeByPrefix } from '../support/pool-config.js';
import { configWithState, etcdInfo, etcdStateYaml, freshPrefix } from '../support/team.js';

// Issue 11, done means: `dockpit state copy` round-trips a file state into etcd, and a run started on files
// can be resumed from etcd after the copy. Bad input (a malformed etcd URL, a prefix that holds something
// else, wrong TLS material) is a clear error, exit 2 or 7, nothing changed.

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);
const IMAGE = fleet.image;
const P = 'cpy';

const TAIL = `ipPools:
  - name: lan
    network: biz
    driver: bridge
    subnet: 10.88.0.0/16
    gateway: 10.88.0.1
    ranges: { ${P}: 10.88.94.0/24 }
lines:
  ${P}: { tier: 3, pool: lan }
plans:
  - name: shed
    guards: { protectTiers: [0], maxDownPerLine: 1, parallelPerHost: 1, parallel: 1, stopTimeout: 1, actionTimeout: 30 }
    steps:
      - select: { lines: [${P}] }
        action: stop
`;

const tmp = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-copy-')), 'state');

async function json<T>(args: string[]): Promise<T> {
  const r = await dockpit([...args, '--json']);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** What a state holds, as every jump host sees it through dockpit. */
async function contents(config: string): Promise<unknown> {
  const runs = await json<Array<{ runId: string }>>(['plan', 'runs', '--config', config]);
  const statuses = await Promise.all(runs.map((r) => json<unknown>(['plan', 'status', r.runId, '--config', config])));
  const ip = await json<{ reservations: unknown }>(['ip', '--config', config]);
  const audit = await json<unknown>(['audit', '--config', config]);
  const show = await json<Record<string, unknown>>(['state', 'show', '--config', config]);
  return { runs, statuses, reservations: ip.reservations, audit, records: show.records, recordHosts: show.recordHosts };
}

describe('dockpit state copy', () => {
  beforeAll(() => removeByPrefix(hosts, P));
  afterAll(() => removeByPrefix(hosts, P));

  it('round-trips files → etcd → files; a run started on files is resumed from etcd', async () => {
    const filesA = configWithState(`state: ${tmp()}`, TAIL);
    // Placements (the ledger and the audit log), records, and a plan run killed mid-way (its journal).
    for (let i = 0; i < 4; i++) {
      const r = await dockpit(['run', '--config', filesA, '--json', '--name', `${P}-${i}`, '--line', P, '--host', hosts[i % hosts.length]!, IMAGE, 'sleep', '86400']);
      expect(r.code, r.stderr).toBe(0);
    }
    expect((await dockpit(['record', '--config', filesA])).code).toBe(0);
    const child = spawn(process.execPath, [CLI, 'plan', 'apply', 'shed', '--yes', '--json', '--config', filesA], { stdio: 'ignore' });
    const { value: runId } = await waitFor(async () => {
      const runs = await json<Array<{ runId: string }>>(['plan', 'runs', '--config', filesA]);
      const id = runs[0]?.runId;
      if (!id) return null;
      const s = await json<{ actions: Array<{ outcome: string }> }>(['plan', 'status', id, '--config', filesA]);
      return s.actions.filter((a) => a.outcome === 'done').length >= 1 ? id : null;
    }, 30_000, 100);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await new Promise((r) => setTimeout(r, 1500)); // the engine finishes the stop that was in flight

    const etcd = configWithState(etcdStateYaml(freshPrefix('copy')), TAIL);
    const copied = await dockpit(['state', 'copy', '--to', etcd, '--json', '--config', filesA]);
    expect(copied.code, copied.stderr).toBe(0);
    expect(JSON.parse(copied.stdout)).toMatchObject({ reservations: 4, journals: { runs: 1 } });
    const before = await contents(filesA);
    const inEtcd = (await contents(etcd)) as { audit: unknown[] };
    // The copy is audited in the target: everything else is the same.
    expect({ ...inEtcd, audit: inEtcd.audit.slice(0, -1) }).toEqual(before);

    // A second copy into a state that holds something: refused, exit 2, unless --force.
    const again = await dockpit(['state', 'copy', '--to', etcd, '--config', filesA]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');

    const filesB = configWithState(`state: ${tmp()}`, TAIL);
    const back = await dockpit(['state', 'copy', '--to', filesB, '--config', etcd]);
    expect(back.code, back.stderr).toBe(0);
    const roundTrip = (await contents(filesB)) as { audit: unknown[] };
    expect(roundTrip).toEqual({ ...inEtcd, audit: [...inEtcd.audit, ...roundTrip.audit.slice(-1)] });

    // The run started on files finishes from etcd.
    const resumed = await dockpit(['plan', 'resume', runId, '--json', '--config', etcd]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((JSON.parse(resumed.stdout) as { status: string }).status).toBe('done');
    for (let i = 0; i < 4; i++) expect(await docker(hosts[i % hosts.length]!, 'inspect', '-f', '{{.State.Status}}', `${P}-${i}`)).toBe('exited');
  });

  it('bad state: a malformed URL is exit 2; a prefix holding something else is exit 2; wrong TLS material is exit 7; nothing changed', async () => {
    const bad = configWithState('state: etcd://10.231.0.201/dockpit', TAIL);
    const r1 = await dockpit(['run', '--config', bad, '--name', `${P}-bad`, '--line', P, IMAGE]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/dockpit\.yaml:\d+: state: etcd:\/\/: "10\.231\.0\.201" is not host:port/);

    // Someone else's keys under the prefix (as root: dockpit's own user may read only /dockpit/).
    const e = etcdInfo();
    const foreign = freshPrefix('foreign');
    execFileSync('bash', [FLEET_SCRIPT, 'etcdctl', 'put', `${foreign}app/config`, 'not dockpit']);
    const taken = configWithState(etcdStateYaml(foreign), TAIL);
    const r2 = await dockpit(['run', '--config', taken, '--name', `${P}-bad`, '--line', P, IMAGE]);
    expect(r2.code, r2.stderr).toBe(2);
    expect(r2.stderr).toContain(foreign);

    const tlsYaml = (ca: string) =>
      ['state:', '  etcd:', `    endpoints: [${e.tlsEndpoint}]`, `    prefix: ${freshPrefix('tls')}`, `    tls: { ca: ${ca} }`,
        `    user: ${e.users.dockpit.user}`, `    password: ${e.users.dockpit.password}`, '    callTimeout: 2000'].join('\n');
    const wrongCa = configWithState(tlsYaml(e.otherCa), TAIL);
    const r3 = await dockpit(['run', '--config', wrongCa, '--name', `${P}-bad`, '--line', P, IMAGE]);
    expect(r3.code, r3.stderr).toBe(7);
    expect(r3.stderr).toContain(e.tlsEndpoint);
    expect(r3.stderr).not.toMatch(/\n\s+at /);
    const rightCa = configWithState(tlsYaml(e.ca), TAIL);
    const r4 = await dockpit(['state', 'show', '--config', rightCa]);
    expect(r4.code, r4.stderr).toBe(0);

    const missing = configWithState(tlsYaml('/nonexistent/ca.pem'), TAIL);
    const r5 = await dockpit(['run', '--config', missing, '--name', `${P}-bad`, '--line', P, IMAGE]);
    expect(r5.code).toBe(2);
    expect(r5.stderr).toContain('state.etcd.tls.ca: cannot read /nonexistent/ca.pem');
    for (const h of hosts) expect(await docker(h, 'ps', '-aq', '--filter', `name=^${P}-bad`)).toBe('');
  });
});
