import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, dockpit, fleetCommand, readFleet, TEST_LABEL, type CliResult } from '../support/fleet.js';
import { lanPoolYaml } from '../support/configs.js';
import { poolConfig, removeByPrefix } from '../support/pool-config.js';
import { closeTestStates, testState } from '../support/state-backend.js';

// Issue 17, done means: a migration whose image is in the fleet's private registry pulls it (the audit log
// says `how: pulled`); with the registry stopped, it streams engine to engine (`how: streamed`). Also: h2,
// which has the registry as its Docker Hub mirror, pulls a Hub-style name that only the registry holds
// (the fleet's LAN reaches nothing beyond itself, so Docker Hub cannot be what answered).

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);
const REG = fleet.registry.addr;
const RUN = randomBytes(3).toString('hex');
const P = 'reg-';
const PULLED = { name: `${P}pulled`, image: `dockpit/reg-pulled:${RUN}`, ip: '10.88.94.10', to: 'h3' };
const STREAMED = { name: `${P}streamed`, image: `dockpit/reg-streamed:${RUN}`, ip: '10.88.94.11', to: 'h2' };
const ids: Record<string, string> = {};

const POOLS = poolConfig(`registry: ${REG}
${lanPoolYaml({ regl: { range: '10.88.94.0/24', tier: 2 } })}`);

function migrate(name: string, to: string): Promise<CliResult> {
  return dockpit(['migrate', name, '--to', to, '--yes', '--gate-seconds', '1', '--json', '--config', POOLS.file]);
}

async function imageAudit(name: string, to: string): Promise<Record<string, unknown> | undefined> {
  const e = (await testState(POOLS.file).audit.read()).find((a) => a.action === 'migrate.image' && a.targets[0] === `h1/${name} → ${to}`);
  return e?.details as Record<string, unknown> | undefined;
}

/** An image only h1 has (busybox plus a file), pushed to the registry under the same repository and tag. */
async function pushedImage(ref: string): Promise<string> {
  const c = await docker('h1', 'create', '--label', `${TEST_LABEL}=1`, fleet.image, 'sh', '-c', `echo ${ref} > /made`);
  await docker('h1', 'start', '-a', c);
  const id = await docker('h1', 'commit', c, ref);
  await docker('h1', 'rm', c);
  await docker('h1', 'tag', ref, `${REG}/${ref}`);
  await docker('h1', 'push', '-q', `${REG}/${ref}`);
  await docker('h1', 'rmi', `${REG}/${ref}`); // h1 keeps it under its own name only
  return id;
}

beforeAll(async () => {
  await removeByPrefix(hosts, P);
  for (const m of [PULLED, STREAMED]) {
    ids[m.name] = await pushedImage(m.image);
    await docker('h1', 'run', '-d', '--stop-timeout', '1', '--name', m.name, '--label', `${TEST_LABEL}=1`, '--label', 'dockpit.bizline=regl',
      '--network', 'biz', '--ip', m.ip, m.image, 'sleep', '86400');
  }
});

afterAll(async () => {
  fleetCommand('registry-start'); // whatever a failed test left
  await removeByPrefix(hosts, P);
  await Promise.all(hosts.map((h) => docker(h, 'rmi', '-f', ...Object.values(ids)).catch(() => '')));
  await closeTestStates();
  await POOLS.dispose();
});

describe('migration with the private registry', () => {
  it('h2 pulls through its mirror an image only the registry has', async () => {
    await docker('h2', 'pull', '-q', PULLED.image);
    expect(await docker('h2', 'image', 'inspect', '-f', '{{.Id}}', PULLED.image)).toBe(ids[PULLED.name]);
    await docker('h2', 'rmi', PULLED.image);
  });

  it('pulls the image from the registry when it has it (how: pulled)', async () => {
    await expect(docker(PULLED.to, 'image', 'inspect', ids[PULLED.name]!)).rejects.toThrow(); // absent on the target
    const r = await migrate(PULLED.name, PULLED.to);
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    expect(await imageAudit(PULLED.name, PULLED.to)).toMatchObject({ how: 'pulled' });
    expect(await docker(PULLED.to, 'inspect', '-f', '{{.Image}} {{.State.Status}} {{.NetworkSettings.Networks.biz.IPAddress}}', PULLED.name))
      .toBe(`${ids[PULLED.name]} running ${PULLED.ip}`);
    // Under the name the source knew it by, not only the registry's.
    expect(await docker(PULLED.to, 'image', 'inspect', '-f', '{{.Id}}', PULLED.image)).toBe(ids[PULLED.name]);
  });

  it('streams it engine to engine when the registry is down (how: streamed)', async () => {
    fleetCommand('registry-stop');
    try {
      await expect(docker(STREAMED.to, 'image', 'inspect', ids[STREAMED.name]!)).rejects.toThrow();
      const r = await migrate(STREAMED.name, STREAMED.to);
      expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
      const d = await imageAudit(STREAMED.name, STREAMED.to);
      expect(d).toMatchObject({ how: 'streamed', pullError: expect.stringContaining(`pull ${REG}/${STREAMED.image}`) });
      console.log(`streamed after the pull failed: ${JSON.stringify(d)}`);
      expect(await docker(STREAMED.to, 'inspect', '-f', '{{.Image}} {{.State.Status}}', STREAMED.name)).toBe(`${ids[STREAMED.name]} running`);
    } finally {
      fleetCommand('registry-start');
    }
  });
});
