import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../src/plans/journal.js';
import { CLI, docker, dockpit, FLEET_CONFIG, fleetCommand, readFleet, removeTestContainers, TEST_LABEL, waitFor } from '../support/fleet.js';
import { writeConfig } from '../support/configs.js';
import { backend, closeTestStates, disposeState, journalRecords, journalRuns, runLocksFreed, stateYaml, testState } from '../support/state-backend.js';

// Issue 5, on the real fleet (3 hosts, 30 containers in 3 lines with tiers):
// - the preview lists exactly the containers the run then changes;
// - apply then restore: every container's state, limits and restart policy equal what inspect showed before;
// - dockpit SIGKILLed mid-apply, then resume, then restore: nothing lost, nothing done twice;
// - an engine killed during the run: the other hosts finish, the run is partial, restore works once it is back;
// - a plan over its share of a line is refused before any change.
// The state (the runs' journals, locks, audit log) is on the backend under test (state-backend.ts): this
// file runs on files, on-etcd/ on etcd.

const hosts = readFleet().hosts.map((h) => h.name);
const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-plans-'));
const stateDir = path.join(tmpDir, 'state');

const PLANS = `
${stateYaml(stateDir, 'plans')}
plans:
  - name: double11
    description: shed ads and forum, cap news
    guards: { protectTiers: [0], maxDownPerLine: 0.5, parallelPerHost: 4, parallel: 12, stopTimeout: 1, actionTimeout: 30 }
    steps:
      - select: { lines: [ads], names: ["ads-?-0"] }
        action: stop
      - select: { lines: [forum] }
        action: { scaleDown: { keep: 5 } }
      - select: { lines: [news], minTier: 1 }
        action: { limit: { cpus: 0.5, memory: 128m } }
      - select: { lines: [ads], names: [ads-1-2] }
        action: pause
  - name: greedy
    steps:
      - select: { lines: [ads] }
        action: stop
  - name: slow
    guards: { parallelPerHost: 1, parallel: 1, stopTimeout: 1 }
    steps:
      - select: { lines: [ads], names: ["ads-?-1", ads-0-3] }
        action: stop
  - name: wide
    guards: { parallelPerHost: 1, parallel: 3, stopTimeout: 1 }
    steps:
      - select: { lines: [ads], names: ["ads-?-1", "ads-?-3"] }
        action: stop
`;
// The fleet's own `state:` gives way to this file's.
const config = writeConfig(`${fs.readFileSync(FLEET_CONFIG, 'utf8').replace(/^state: .*\n/m, '')}${PLANS}`);

interface Inspected {
  Name: string;
  State: { Status: string };
  HostConfig: { NanoCpus: number; Memory: number; MemorySwap: number; CpuShares: number; RestartPolicy: { Name: string; MaximumRetryCount: number } };
}

/** What restore must put back, per host/name. */
async function snapshot(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const h of hosts) {
    const ids = await docker(h, 'ps', '-aq', '--filter', `label=${TEST_LABEL}`);
    if (!ids) continue;
    for (const c of JSON.parse(await docker(h, 'inspect', ...ids.split('\n'))) as Inspected[]) {
      const hc = c.HostConfig;
      out[`${h}/${c.Name.slice(1)}`] = JSON.stringify([c.State.Status, hc.NanoCpus, hc.Memory, hc.MemorySwap, hc.CpuShares, hc.RestartPolicy]);
    }
  }
  return out;
}

function changed(a: Record<string, string>, b: Record<string, string>): string[] {
  return Object.keys({ ...a, ...b }).filter((k) => a[k] !== b[k]).sort();
}

async function create(host: string, name: string, line: string, tier: number, extra: string[] = []): Promise<void> {
  await docker(host, 'run', '-d', '--stop-timeout', '1', '--name', name, '--label', `${TEST_LABEL}=1`, '--label', `dockpit.bizline=${line}`,
    '--label', `dockpit.tier=${tier}`, ...extra, 'dockpit/busybox:latest', 'sleep', '86400');
}

interface RunJson {
  runId: string;
  status: string;
  actions: Array<{ host: string; container: string; action: string; outcome: string }>;
}

const runIdOf = (stdout: string) => (JSON.parse(stdout) as RunJson).runId;

/** The plan runs' journal, read through the state as dockpit reads it. */
const runIds = () => journalRuns(config, 'runs');
const recordsOf = (runId: string) => journalRecords<JournalRecord>(config, 'runs', runId);

describe('degradation plans on the fleet', () => {
  beforeAll(async () => {
    await removeTestContainers(hosts);
    await Promise.all(
      hosts.map(async (h, i) => {
        for (let k = 0; k < 3; k++) {
          const tier = k === 0 ? 0 : 1;
          await create(h, `news-${i}-${k}`, 'news', tier, ['--cpus', '1', '--memory', '256m', '--restart', 'unless-stopped']);
          await create(h, `forum-${i}-${k}`, 'forum', 2, ['--restart', 'always']);
        }
        for (let k = 0; k < 4; k++) await create(h, `ads-${i}-${k}`, 'ads', 3);
      }),
    );
    await docker('h3', 'pause', 'ads-2-3');
  });
  afterAll(async () => {
    await Promise.all(hosts.map((h) => docker(h, 'ps', '-aq', '--filter', `label=${TEST_LABEL}`).then((ids) => (ids ? docker(h, 'unpause', ...ids.split('\n')).catch(() => '') : ''))));
    await removeTestContainers(hosts);
    await disposeState(config);
    await closeTestStates();
    fs.rmSync(tmpDir, { recursive: true, force: true });
  });

  it('the preview lists exactly what the run changes; restore puts back state, limits and restart policy', async () => {
    const before = await snapshot();
    expect(Object.keys(before)).toHaveLength(30);
    const show = await dockpit(['plan', 'show', 'double11', '--json', '--config', config]);
    expect(show.code).toBe(0);
    const preview = JSON.parse(show.stdout) as { actions: Array<{ host: string; name: string; action: string }> };
    const planned = preview.actions.map((a) => `${a.host}/${a.name}:${a.action}`).sort();
    expect(planned).toHaveLength(3 + 4 + 6 + 1);
    expect(await snapshot()).toEqual(before); // the preview changed nothing

    const apply = await dockpit(['plan', 'apply', 'double11', '--yes', '--json', '--config', config]);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    const run = JSON.parse(apply.stdout) as RunJson;
    expect(run.status).toBe('done');
    expect(run.actions.map((a) => `${a.host}/${a.container}:${a.action}`).sort()).toEqual(planned);
    // Exactly the previewed containers changed.
    const after = await snapshot();
    expect(changed(before, after)).toEqual([...new Set(planned.map((p) => p.split(':')[0]!))].sort());

    const restore = await dockpit(['plan', 'restore', run.runId, '--json', '--config', config]);
    expect(restore.code).toBe(0);
    expect(await snapshot()).toEqual(before);
    const status = JSON.parse((await dockpit(['plan', 'status', run.runId, '--json', '--config', config])).stdout) as { actions: Array<{ restore: string }> };
    expect(status.actions.every((a) => a.restore === 'done')).toBe(true);
  });

  it('a plan over its share of a line is refused before any change', async () => {
    const before = await snapshot();
    const r = await dockpit(['plan', 'apply', 'greedy', '--yes', '--json', '--config', config]);
    expect(r.code).toBe(6);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'refused', actions: [] });
    expect(r.stderr).toMatch(/line ads: the plan takes down 11 of its 11 running containers/);
    expect(await snapshot()).toEqual(before);
  });

  it('SIGKILLed mid-apply, then resume, then restore: nothing lost, nothing done twice', async () => {
    const before = await snapshot();
    const since = Math.floor(Date.now() / 1000) - 1;
    const earlier = new Set(await runIds());
    const child = spawn('node', [CLI, 'plan', 'apply', 'slow', '--yes', '--json', '--config', config], { stdio: 'ignore' });
    // Kill it once two actions have finished (each stop takes about the 1 s stop timeout, one at a time).
    const { value: runId } = await waitFor(async () => {
      const fresh = (await runIds()).find((r) => !earlier.has(r));
      return fresh && (await recordsOf(fresh)).filter((r) => r.kind === 'outcome').length >= 2 && fresh;
    }, 20_000, 20);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const mid = JSON.parse((await dockpit(['plan', 'status', runId, '--json', '--config', config])).stdout) as { status: string; actions: Array<{ outcome: string }> };
    // Issue 13, item 2: its dockpit is gone, so not `running` but `interrupted` (files: its pid at once; etcd:
    // once its lease lapses).
    expect(mid.status).toMatch(backend === 'etcd' ? /^(running|interrupted)$/ : /^interrupted$/);
    expect(mid.actions.filter((a) => a.outcome === 'done').length).toBeGreaterThanOrEqual(2);
    expect(mid.actions.some((a) => a.outcome !== 'done')).toBe(true);

    await runLocksFreed(config, runId); // etcd: the killed dockpit's lease expires first
    const resumed = await dockpit(['plan', 'resume', runId, '--json', '--config', config]);
    expect(resumed.code).toBe(0);
    expect((JSON.parse(resumed.stdout) as RunJson).status).toBe('done');
    const audit = () => testState(config).audit.read();
    const auditBefore = await audit();
    const again = await dockpit(['plan', 'resume', runId, '--json', '--config', config]);
    expect(again.code).toBe(0);
    expect(await audit()).toEqual(auditBefore); // a second resume changes nothing

    // Each container was stopped exactly once: one `stop` event per container from the engine itself.
    const stopped = ['h1/ads-0-1', 'h2/ads-1-1', 'h3/ads-2-1', 'h1/ads-0-3'];
    for (const key of stopped) {
      const [h, name] = key.split('/') as [string, string];
      const events = await docker(h, 'events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', `container=${name}`, '--filter', 'event=stop', '--format', '{{.Action}}');
      expect(events.split('\n').filter(Boolean), key).toEqual(['stop']);
    }
    expect(await dockpit(['plan', 'restore', runId, '--config', config]).then((r) => r.code)).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it('an engine killed during the run: the others finish, the run is partial, restore works once it is back', async () => {
    const before = await snapshot();
    const started = new Set(await runIds());
    const apply = dockpit(['plan', 'apply', 'wide', '--yes', '--json', '--config', config]);
    // Kill h2's engine once the run is under way (its journal has an intent).
    await waitFor(async () => {
      for (const id of (await runIds()).filter((r) => !started.has(r))) if ((await recordsOf(id)).some((r) => r.kind === 'intent')) return true;
      return false;
    }, 20_000, 10);
    fleetCommand('stop-engine', 'h2');
    const r = await apply;
    expect(r.code).toBe(5);
    const run = JSON.parse(r.stdout) as RunJson;
    expect(run.status).toBe('partial');
    expect(run.actions.filter((a) => a.host !== 'h2').every((a) => a.outcome === 'done')).toBe(true);
    expect(run.actions.some((a) => a.host === 'h2' && a.outcome === 'failed')).toBe(true);

    fleetCommand('start-engine', 'h2');
    // h2 has no live-restore: its restart stopped the containers there that have no restart policy. Those
    // dockpit did not stop are not the plan's to restore: start them by hand, as an operator would.
    const done = new Set(run.actions.filter((a) => a.outcome === 'done').map((a) => `${a.host}/${a.container}`));
    const h2 = await docker('h2', 'ps', '-aq', '--filter', `label=${TEST_LABEL}`, '--filter', 'status=exited');
    for (const id of h2 ? h2.split('\n') : []) {
      const name = (await docker('h2', 'inspect', '-f', '{{.Name}}', id)).slice(1);
      if (!done.has(`h2/${name}`) && JSON.parse(before[`h2/${name}`]!)[0] === 'running') await docker('h2', 'start', id);
    }
    const touched = new Set(run.actions.map((a) => `${a.host}/${a.container}`));
    const restore = await dockpit(['plan', 'restore', run.runId, '--json', '--config', config]);
    expect(restore.code).toBe(0);
    const after = await snapshot();
    for (const key of touched) expect(after[key], key).toBe(before[key]);
  });
});
