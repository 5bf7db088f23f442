import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInspectRecorder, type InspectRecorder } from '../../src/app/inspect-recorder.js';
import type { RecordResult } from '../../src/cli/commands/record.js';
import type { ContainerInspect } from '../../src/engine/container-inspect.js';
import { stableProjection } from '../../src/state/inspect-projection.js';
import { docker, dockpit, fleetCommand, readFleet, TEST_LABEL, waitFor } from '../support/fleet.js';
import { poolConfig, removeByPrefix } from '../support/pool-config.js';
import { backend, closeTestStates, etcdKey, testState } from '../support/state-backend.js';
import { watchFleet, type Watch } from '../support/watch.js';

// Migration off a dead engine recreates a container from the configuration dockpit last recorded. Done
// means: `dockpit record` saves exactly what the engine says (env, labels, limits, restart policy, static
// IP); a second run writes nothing; the record is still there, whole, once that engine is killed; and the
// cockpit's recorder records a container made behind its back within seconds, and keeps its record after
// the container is removed. The records are in the state on the backend under test (state-backend.ts):
// this file runs on files, on-etcd/ on etcd.

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);
const P = 'rec-'; // every container this file creates
const CONF = poolConfig(''); // the fleet's hosts with a fresh state
const records = testState(CONF.file).records;

/** What shows a record was written again: files: its text and inode; etcd: its value and mod revision. */
async function writtenStamp(host: string, name: string): Promise<{ text: string; ino?: number; rev?: string }> {
  if (backend === 'file') {
    const file = `${CONF.stateDir}/records/${host}/${name}.json`;
    return { text: fs.readFileSync(file, 'utf8'), ino: fs.statSync(file).ino };
  }
  const kv = await etcdKey(CONF.file, `records/${host}/${name}`);
  expect(kv, `no key records/${host}/${name}`).not.toBeNull();
  return { text: kv!.value, rev: kv!.modRevision };
}

/** A container with the configuration a migration must carry over, made with the docker CLI. */
async function runConfigured(host: string, name: string, ip: string): Promise<string> {
  return docker(host, 'run', '-d', '--stop-timeout', '1', '--name', name,
    '--label', `${TEST_LABEL}=1`, '--label', 'dockpit.bizline=news', '--label', 'dockpit.tier=1',
    '--env', 'MODE=peak', '--env', 'DB_PASSWORD=s3cret',
    '--memory', '64m', '--cpus', '0.5', '--restart', 'unless-stopped',
    '--network', 'biz', '--ip', ip,
    fleet.image, 'sleep', '86400');
}

async function engineInspect(host: string, name: string): Promise<ContainerInspect> {
  return (JSON.parse(await docker(host, 'inspect', name)) as ContainerInspect[])[0]!;
}

function results(stdout: string): Map<string, RecordResult> {
  return new Map((JSON.parse(stdout) as RecordResult[]).map((r) => [r.host, r]));
}

beforeAll(async () => {
  await removeByPrefix(hosts, P);
});
afterAll(async () => {
  await removeByPrefix(hosts, P);
  await CONF.dispose();
  await closeTestStates();
});

describe('dockpit record', () => {
  it('records each container as its engine inspects it, writes nothing when nothing changed, and keeps the record when the engine dies', async () => {
    await runConfigured('h2', `${P}web`, '10.88.63.10');
    await runConfigured('h1', `${P}api`, '10.88.63.11');

    const first = await dockpit(['record', '--config', CONF.file, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const r1 = results(first.stdout);
    expect([...r1.keys()]).toEqual(hosts);
    for (const h of hosts) {
      const total = Number(await docker(h, 'ps', '-aq').then((ids) => (ids ? ids.split('\n').length : 0)));
      expect(r1.get(h)).toMatchObject({ state: 'up', recorded: total, changed: total, failed: 0, errors: [] });
    }

    const truth = await engineInspect('h2', `${P}web`);
    const rec = (await records.load('h2', `${P}web`))!;
    expect(rec).toMatchObject({ host: 'h2', name: `${P}web`, id: truth.Id });
    expect(Date.now() - Date.parse(rec.seenAt)).toBeLessThan(60_000);
    expect(rec.inspect).toEqual(truth); // the whole body, not only the fields dockpit types
    // What a migration needs, spelled out:
    expect(rec.inspect.Config.Env).toEqual(expect.arrayContaining(['MODE=peak', 'DB_PASSWORD=s3cret']));
    expect(rec.inspect.Config.Labels).toMatchObject({ 'dockpit.bizline': 'news', 'dockpit.tier': '1' });
    expect(rec.inspect.HostConfig).toMatchObject({ Memory: 64 << 20, NanoCpus: 5e8, RestartPolicy: { Name: 'unless-stopped' } });
    expect(rec.inspect.NetworkSettings.Networks.biz).toMatchObject({ IPAddress: '10.88.63.10', IPAMConfig: { IPv4Address: '10.88.63.10' } });

    // A quiet fleet writes nothing: same files, same inodes (etcd: same values, same mod revisions).
    const before = await writtenStamp('h2', `${P}web`);
    const again = await dockpit(['record', '--config', CONF.file, '--json']);
    expect(again.code, again.stderr).toBe(0);
    for (const r of results(again.stdout).values()) expect(r.changed, r.host).toBe(0);
    expect(await writtenStamp('h2', `${P}web`)).toEqual(before);

    // --host, in text: only that host.
    const one = await dockpit(['record', '--config', CONF.file, '--host', 'h1']);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout.trim()).toMatch(/^HOST\s+STATE\s+RECORDED\s+CHANGED\s+FAILED\s+PRUNED\nh1\s+up\s+\d+\s+0\s+0\s+\d+$/);

    // The engine dies: its record is all there is, and it is whole.
    fleetCommand('stop-engine', 'h2');
    try {
      const down = await dockpit(['record', '--config', CONF.file, '--json']);
      expect(down.code).toBe(1);
      expect(down.stderr).toMatch(/h2: not recorded, host is down/);
      const r3 = results(down.stdout);
      expect(r3.get('h2')).toMatchObject({ state: 'down', recorded: 0, changed: 0 });
      expect(r3.get('h1')).toMatchObject({ state: 'up', failed: 0 });
      const kept = await records.load('h2', `${P}web`);
      expect(kept).toEqual(rec);
      expect(stableProjection(kept!.inspect)).toBe(stableProjection(truth));
      expect((await records.list('h2')).map((r) => r.name)).toContain(`${P}web`);
    } finally {
      fleetCommand('start-engine', 'h2');
    }
    await waitFor(() => docker('h2', 'ps', '-q').then(() => true, () => false), 15_000, 200);
  });

  it('prunes the record of a container removed while no dockpit watched, once its host lists without it', async () => {
    await runConfigured('h1', `${P}gone`, '10.88.63.13');
    expect((await dockpit(['record', '--config', CONF.file, '--host', 'h1'])).code).toBe(0);
    expect(await records.load('h1', `${P}gone`)).not.toBeNull();
    await docker('h1', 'rm', '-f', `${P}gone`);
    const r = await dockpit(['record', '--config', CONF.file, '--host', 'h1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(results(r.stdout).get('h1')).toMatchObject({ state: 'up', pruned: 1 });
    expect(await records.load('h1', `${P}gone`)).toBeNull();
  });

  it('refuses an unknown --host before contacting anything', async () => {
    const r = await dockpit(['record', '--config', CONF.file, '--host', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--host nope: no such host/);
  });
});

describe('the cockpit’s recorder', () => {
  let watch: Watch;
  let recorder: InspectRecorder;
  beforeAll(async () => {
    watch = watchFleet({}, CONF.file);
    await watch.engine.settled();
    recorder = startInspectRecorder(watch.engine, watch.store, records, { callTimeoutMs: watch.config.engine.callTimeoutMs });
  });
  afterAll(async () => {
    await recorder.stop();
    await watch.stop();
  });

  it('records a container made with the docker CLI within seconds, follows an update, and drops the record once the engine reports it destroyed', async () => {
    const name = `${P}live`;
    const id = await runConfigured('h3', name, '10.88.63.12'); // h3: over ssh
    const { value: rec, ms } = await waitFor(() => records.load('h3', name), 5000, 50);
    expect(rec.id).toBe(id);
    expect(stableProjection(rec.inspect)).toBe(stableProjection(await engineInspect('h3', name)));
    console.log(`recorded ${ms.toFixed(0)} ms after docker run returned`);

    // Limits change with no state change: the engine's update event brings a new record.
    await docker('h3', 'update', '--memory', '96m', '--memory-swap', '192m', name);
    await waitFor(async () => (await records.load('h3', name))?.inspect.HostConfig.Memory === 96 << 20, 5000, 50);

    // Removed on purpose: a migration off a dead h3 must not bring it back.
    await docker('h3', 'rm', '-f', name);
    await waitFor(async () => (await records.load('h3', name)) === null, 5000, 50);
  });
});
