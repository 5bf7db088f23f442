import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../src/plans/journal.js';
import { CHAOS_FULL, chaosSeed, chooseMoments, count, eventsOn, momentPool, rng, runUntilKilled } from '../support/chaos.js';
import { writeConfig } from '../support/configs.js';
import { docker, dockpit, FLEET_CONFIG, readFleet } from '../support/fleet.js';
import { closeTestStates, disposeState, journalRecords, journalRuns, runLocksFreed, stateYaml } from '../support/state-backend.js';

// Issue 12, item 3, done means: dockpit killed at 20 different moments of a plan (between journal records,
// and while a call is in flight), then resumed: each container's stop/pause/update appears exactly once in the engine's own
// events, and restore is exact. The normal suite runs 4 seeded moments; `npm run chaos` all 20.

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);
const P = 'kap-';
const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-kill-plan-'));

// Four containers over three hosts. busybox's PID 1 ignores SIGTERM, so a stop takes its whole timeout: 4 s,
// longer than a resumed dockpit takes to start and look (about 2 s on a loaded 2-core machine). With a
// shorter stop, a stop killed in flight would have ended before the resume looked, and a resume that stops
// again whatever the engine says would pass unnoticed. The two stops run side by side (two hosts).
const CONTAINERS = [
  { host: 'h1', name: `${P}stop-1`, action: 'stop', extra: [] as string[] },
  { host: 'h3', name: `${P}stop-3`, action: 'stop', extra: [] },
  { host: 'h2', name: `${P}pause-2`, action: 'pause', extra: [] },
  { host: 'h1', name: `${P}limit-1`, action: 'update', extra: ['--cpus', '1', '--memory', '256m', '--restart', 'unless-stopped'] },
] as const;
const PLAN = `
${stateYaml(path.join(tmpDir, 'state'), 'kill-plan')}
plans:
  - name: chaos
    guards: { protectTiers: [0], maxDownPerLine: 1, parallelPerHost: 1, parallel: 2, stopTimeout: 4, actionTimeout: 30 }
    steps:
      - select: { lines: [chaosp], names: ["${P}stop-*"] }
        action: stop
      - select: { lines: [chaosp], names: ["${P}pause-*"] }
        action: pause
      - select: { lines: [chaosp], names: ["${P}limit-*"] }
        action: { limit: { cpus: 0.5, memory: 128m } }
`;
const config = writeConfig(`${fs.readFileSync(FLEET_CONFIG, 'utf8').replace(/^state: .*\n/m, '')}${PLAN}`);

// run.start, an intent and an outcome per action, run.end; a stop, a stop, a pause, an update.
const POOL = momentPool(2 + 2 * CONTAINERS.length, CONTAINERS.length, [0, 150, 1000]);
const SEED = chaosSeed();
const MOMENTS = chooseMoments(POOL, CHAOS_FULL ? 20 : 4, rng(SEED));
console.log(`kill-anywhere (plan): seed ${SEED} (replay: DOCKPIT_CHAOS_SEED=${SEED}${CHAOS_FULL ? ' DOCKPIT_CHAOS=full' : ''}), moments: ${MOMENTS.join(' ')}`);

async function create(): Promise<void> {
  await Promise.all(
    CONTAINERS.map((c) =>
      docker(c.host, 'run', '-d', '--stop-timeout', '1', '--name', c.name, '--label', 'dockpit.bizline=chaosp', '--label', 'dockpit.tier=3', ...c.extra, fleet.image, 'sleep', '86400'),
    ),
  );
}

async function removeAll(): Promise<void> {
  await Promise.all(
    hosts.map(async (h) => {
      const ids = await docker(h, 'ps', '-aq', '--filter', `name=^${P}`);
      if (ids) await docker(h, 'rm', '-f', ...ids.split('\n'));
    }),
  );
}

/** State, limits and restart policy of each container: what restore must put back. */
async function snapshot(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await Promise.all(
    CONTAINERS.map(async (c) => {
      const [i] = JSON.parse(await docker(c.host, 'inspect', c.name)) as Array<{ State: { Status: string }; HostConfig: Record<string, unknown> }>;
      const hc = i!.HostConfig;
      out[`${c.host}/${c.name}`] = JSON.stringify([i!.State.Status, hc.NanoCpus, hc.CpuQuota, hc.CpuPeriod, hc.CpuShares, hc.Memory, hc.MemorySwap, hc.RestartPolicy]);
    }),
  );
  return out;
}

let initial: Record<string, string>;

beforeAll(async () => {
  await removeAll();
  await create();
  initial = await snapshot();
});

afterAll(async () => {
  await removeAll();
  await disposeState(config);
  await closeTestStates();
  fs.rmSync(tmpDir, { recursive: true, force: true });
});

// A moment that failed leaves its containers as they were: the next one starts from the initial state.
beforeEach(async () => {
  if (JSON.stringify(await snapshot()) !== JSON.stringify(initial)) {
    await removeAll();
    await create();
  }
});

describe(`dockpit killed anywhere in a plan, then resumed (seed ${SEED})`, () => {
  it.each(MOMENTS)('%s: each stop/pause/update exactly once on the engines, restore exact', async (fault) => {
    const t0 = Date.now() / 1000;
    const earlier = new Set(await journalRuns(config, 'runs'));
    const killed = await runUntilKilled(['plan', 'apply', 'chaos', '--yes', '--json', '--config', config], fault);
    expect(killed.signal, `${fault}: dockpit was not killed (exit ${killed.code}) ${killed.stderr}`).toBe('SIGKILL');
    const runId = (await journalRuns(config, 'runs')).find((r) => !earlier.has(r));
    expect(runId, 'the killed run has a journal').toBeDefined();
    const records = await journalRecords<JournalRecord>(config, 'runs', runId!);

    await runLocksFreed(config, runId!); // etcd: the killed dockpit's lease expires first
    const resumed = await dockpit(['plan', 'resume', runId!, '--json', '--config', config]);
    expect(resumed.code, `${resumed.stderr}\n${resumed.stdout}`).toBe(0);
    expect((JSON.parse(resumed.stdout) as { status: string }).status).toBe('done');
    const t1 = Date.now() / 1000;

    // The engines' own record between the apply and the restore: every call once, nothing else.
    const seenBy = await Promise.all(CONTAINERS.map((c) => eventsOn(c.host, t0, t1, [`container=${c.name}`])));
    for (const [i, c] of CONTAINERS.entries()) {
      const seen = seenBy[i]!;
      const expected = { stop: c.action === 'stop' ? 1 : 0, pause: c.action === 'pause' ? 1 : 0, update: c.action === 'update' ? 1 : 0 };
      const got = { stop: count(seen, 'stop'), pause: count(seen, 'pause'), update: count(seen, 'update') };
      expect(got, `${fault}: ${c.host}/${c.name} (journal: ${records.map((r) => r.kind).join(',')})`).toEqual(expected);
      expect(count(seen, 'kill', '15'), `${fault}: ${c.host}/${c.name} SIGTERMs`).toBe(expected.stop);
    }

    const restore = await dockpit(['plan', 'restore', runId!, '--json', '--config', config]);
    expect(restore.code, restore.stdout).toBe(0);
    expect(await snapshot()).toEqual(initial);
  });
});
