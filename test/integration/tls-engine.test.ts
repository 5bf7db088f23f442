import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lanPoolYaml, writeConfig } from '../support/configs.js';
import { docker, dockerTls, dockpit, readFleet, TEST_LABEL, type CliResult } from '../support/fleet.js';
import { closeTestStates, disposeState, stateYaml, testState } from '../support/state-backend.js';

// Issue 17, transport hardening, on the fleet's engine t1 that listens only with --tlsverify:
// - through its https:// host, ps, inspect, a plan apply and a migration to and from it work;
// - a wrong CA, no client certificate and a certificate for another name are each refused with a clear
//   one-line error, t1 shown down, and nothing changed on it (checked by curl with the right certificates).
// The SSH host-key refusal is ssh-and-config-errors.test.ts's.

const run = promisify(execFile);
const fleet = readFleet();
const t1 = fleet.tlsHost;
const P = 'tls-';
const MOVER = `${P}mover`; // migrates t1 → h2 → t1
const SHED = `${P}shed`; // the plan stops it
const KEEP = `${P}keep`; // keeps the line above the plan's guard
const IP = '10.88.93.10';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-tls-'));
const TAIL = `
${lanPoolYaml({ secure: { range: '10.88.93.0/24', tier: 2 } })}plans:
  - name: shed-t1
    guards: { stopTimeout: 1 }
    steps:
      - select: { lines: [secure], hosts: [t1], names: [${SHED}] }
        action: stop
`;
// dockpit-tls.yaml: the fleet's three hosts and t1; its `state:` gives way to a fresh one.
const CONFIG = writeConfig(`${fs.readFileSync(t1.config, 'utf8').replace(/^state: .*\n/m, '')}\n${stateYaml(path.join(tmp, 'state'), 'tls')}\n${TAIL}`);

/** A config with t1 alone, reached by `url` with these tls settings, and the same lines and plan. */
function t1Only(url: string, tls: string, name: string): string {
  return writeConfig(`hosts:\n  - name: t1\n    url: ${url}\n    tls: ${tls}\n${stateYaml(path.join(tmp, name), name)}\n${TAIL}`);
}
const BAD = {
  'a wrong CA': {
    config: t1Only(t1.url, `{ ca: ${t1.otherCa}, cert: ${t1.cert}, key: ${t1.key} }`, 'wrong-ca'),
    error: `TLS: certificate not trusted by the configured CA (${t1.otherCa}: unable to verify the first certificate)`,
  },
  'no client certificate': {
    config: t1Only(t1.url, `{ ca: ${t1.ca} }`, 'no-cert'),
    error: 'TLS: the engine refused the connection: it requires a client certificate and tls: has no cert/key',
  },
  'a certificate for another name': {
    config: t1Only(t1.otherNameUrl, `{ ca: ${t1.ca}, cert: ${t1.cert}, key: ${t1.key} }`, 'other-name'),
    error: `TLS: certificate is for t1, ${t1.addr}, not ${new URL(t1.otherNameUrl).hostname}`,
  },
};

function json<T>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
}

/** t1's containers as the engine lists them, read with curl and the right certificates: not through dockpit. */
async function t1Truth(): Promise<string[]> {
  const { stdout } = await run('curl', ['-sf', '--max-time', '5', '--cacert', t1.ca, '--cert', t1.cert, '--key', t1.key,
    `${t1.url}/containers/json?all=1`]);
  const list = JSON.parse(stdout) as Array<{ Id: string; Names: string[]; State: string; Status: string }>;
  return list.map((c) => `${c.Names[0]} ${c.Id.slice(0, 12)} ${c.State}`).sort();
}

async function startOnT1(name: string, ...args: string[]): Promise<void> {
  await dockerTls('run', '-d', '--stop-timeout', '1', '--name', name, '--label', `${TEST_LABEL}=1`, '--label', 'dockpit.bizline=secure',
    ...args, fleet.image, 'sleep', '86400');
}

async function cleanup(): Promise<void> {
  const ids = await dockerTls('ps', '-aq', '--filter', `name=^${P}`);
  if (ids) await dockerTls('rm', '-f', ...ids.split('\n'));
  const onH2 = await docker('h2', 'ps', '-aq', '--filter', `name=^${P}`);
  if (onH2) await docker('h2', 'rm', '-f', ...onH2.split('\n'));
}

beforeAll(async () => {
  await cleanup();
  await Promise.all([startOnT1(MOVER, '--network', 'biz', '--ip', IP, '--env', 'SECRET_TOKEN=hunter2'), startOnT1(SHED), startOnT1(KEEP)]);
});

afterAll(async () => {
  await cleanup();
  await closeTestStates();
  for (const c of [CONFIG, ...Object.values(BAD).map((b) => b.config)]) await disposeState(c);
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('an https:// engine (t1, --tlsverify)', () => {
  it('is refused with a clear error, shown down, and nothing changes: a wrong CA, no client certificate, another name', async () => {
    const before = await t1Truth();
    expect(before.filter((l) => l.endsWith(' running'))).toHaveLength(3);
    // The three at once: each is two dockpit processes, and the machine has two cores shared with other fleets.
    await Promise.all(
      Object.entries(BAD).map(async ([what, bad]) => {
        const hosts = json<Array<{ name: string; state: string; error: string | null }>>(await dockpit(['hosts', '--json', '--config', bad.config]));
        expect(hosts, what).toEqual([expect.objectContaining({ name: 't1', state: 'down', error: bad.error })]);
        // A change that would reach t1 does not: the plan is not applied.
        const applied = await dockpit(['plan', 'apply', 'shed-t1', '--yes', '--json', '--config', bad.config]);
        console.log(`${what}: plan apply exit ${applied.code}: ${(applied.stdout + applied.stderr).trim().split('\n').slice(0, 3).join(' ')}`);
        expect(applied.code, `${what}: ${applied.stdout}${applied.stderr}`).not.toBe(0);
        expect(applied.stderr, what).not.toMatch(/\n\s+at /);
      }),
    );
    // And the engine's own list, read with the right certificates, is as it was.
    expect(await t1Truth()).toEqual(before);
  });

  it('lists its containers (ps) and inspects one, as the engine has them', async () => {
    const ps = json<Array<{ host: string; name: string; state: string; bizline: string | null; ips: string[] }>>(
      await dockpit(['ps', '--json', '--host', 't1', '--config', CONFIG]),
    );
    const mine = ps.filter((c) => c.name.startsWith(P)).map((c) => `${c.host}/${c.name} ${c.state} ${c.bizline}`).sort();
    expect(mine).toEqual([`t1/${KEEP} running secure`, `t1/${MOVER} running secure`, `t1/${SHED} running secure`]);
    expect(ps.find((c) => c.name === MOVER)?.ips).toEqual({ biz: IP });

    const r = await dockpit(['inspect', MOVER, '--json', '--host', 't1', '--config', CONFIG]);
    expect(r.code, r.stderr).toBe(0);
    const i = json<{ Id: string; Config: { Env: string[] } }>(r);
    expect(i.Id).toBe(await dockerTls('inspect', '-f', '{{.Id}}', MOVER));
    expect(i.Config.Env.find((e) => e.startsWith('SECRET_TOKEN='))).not.toBe('SECRET_TOKEN=hunter2'); // masked
  });

  it('applies a plan on it', async () => {
    const r = await dockpit(['plan', 'apply', 'shed-t1', '--yes', '--json', '--config', CONFIG]);
    const j = json<{ runId: string; status: string; actions: Array<{ target: string; outcome: string }> }>(r);
    expect(r.code, r.stderr).toBe(0);
    expect(j.status).toBe('done');
    expect(await dockerTls('inspect', '-f', '{{.State.Status}}', SHED)).toBe('exited');
    expect(await dockerTls('inspect', '-f', '{{.State.Status}}', KEEP)).toBe('running');
    const audit = (await testState(CONFIG).audit.read()).filter((e) => e.action.startsWith('plan.'));
    expect(audit.some((e) => e.targets.some((t) => t.includes(`t1/${SHED}`)))).toBe(true);
  });

  it('migrates a container from it to h2 and back, with its address', async () => {
    const id0 = await dockerTls('inspect', '-f', '{{.Id}}', MOVER);
    for (const [from, to] of [['t1', 'h2'], ['h2', 't1']] as const) {
      const r = await dockpit(['migrate', MOVER, '--to', to, '--yes', '--gate-seconds', '1', '--json', '--config', CONFIG]);
      const j = json<{ status: string; from: string; to: string; ip: string | null; downtimeMs: number | null }>(r);
      expect(r.code, `${from} → ${to}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(j).toMatchObject({ status: 'done', from, to, ip: IP });
      console.log(`migrate ${from} → ${to}: downtime ${j.downtimeMs} ms, wall ${Math.round(r.ms)} ms`);
    }
    const ip = await dockerTls('inspect', '-f', '{{.NetworkSettings.Networks.biz.IPAddress}}', MOVER);
    expect(ip).toBe(IP);
    expect(await dockerTls('inspect', '-f', '{{.State.Status}}', MOVER)).toBe('running');
    expect(await dockerTls('inspect', '-f', '{{.Id}}', MOVER)).not.toBe(id0); // a new container, not the old one left behind
    expect(await docker('h2', 'ps', '-aq', '--filter', `name=^${MOVER}$`)).toBe('');
  });
});
