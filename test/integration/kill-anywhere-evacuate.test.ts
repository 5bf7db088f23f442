import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MigrationRecord } from '../../src/migrate/journal.js';
import { CHAOS_FULL, chaosSeed, chooseMoments, count, eventsOn, momentPool, rng, runUntilKilled } from '../support/chaos.js';
import { docker, dockpit, readFleet } from '../support/fleet.js';
import { census as censusOf, poolConfig, removeByPrefix, type Placed } from '../support/pool-config.js';
import { closeTestStates, journalRecords, journalRuns, runLocksFreed } from '../support/state-backend.js';

// Issue 12, item 3, done means: the same for 10 moments of an evacuation. dockpit evacuating h3 is killed
// between journal records or while a call is in flight, then `migration resume`: every container runs once, on h1 or h2,
// with its address, none left on h3; the engines' own events show each source stopped (and sent SIGTERM)
// exactly once and each target created and started exactly once. The normal suite runs 2 seeded moments;
// `npm run chaos` all 10.

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);
const P = 'kae-';
const SOURCES = [
  { name: `${P}0`, ip: '10.88.91.10' },
  { name: `${P}1`, ip: '10.88.91.11' },
];
// busybox's PID 1 ignores SIGTERM: a stop takes its whole timeout, longer than a resumed dockpit takes to
// start and look (about 2 s on a loaded machine), so that a stop killed in flight is still going when the
// resume decides. The two moves run side by side.
const STOP_SECONDS = 4;
const POOLS = poolConfig(`ipPools:
  - name: lan
    network: biz
    driver: bridge
    subnet: 10.88.0.0/16
    gateway: 10.88.0.1
    ranges: { chaosev: 10.88.91.0/24 }
lines:
  chaosev: { tier: 3, pool: lan }
`);
const CONFIG = POOLS.file;

// Per move: 6 steps (create, stop-source, park-source, start-target, gate, remove-source),
// an intent and an outcome each, and move.end; mig.start and mig.end around. Calls per move: create, stop,
// rename, start, remove.
const POOL = momentPool(2 + SOURCES.length * 13, SOURCES.length * 5, [0, 150, 1000]);
const SEED = chaosSeed();
const MOMENTS = chooseMoments(POOL, CHAOS_FULL ? 10 : 2, rng(SEED));
console.log(`kill-anywhere (evacuate): seed ${SEED} (replay: DOCKPIT_CHAOS_SEED=${SEED}${CHAOS_FULL ? ' DOCKPIT_CHAOS=full' : ''}), moments: ${MOMENTS.join(' ')}`);

/** The sources on h3, fresh; their IDs (the events of a renamed container are found by ID). */
async function populate(): Promise<Map<string, string>> {
  await removeByPrefix(hosts, P);
  const ids = await Promise.all(
    SOURCES.map((s) =>
      docker('h3', 'run', '-d', '--name', s.name, '--network', 'biz', '--ip', s.ip, '--label', 'dockpit.bizline=chaosev', '--label', 'dockpit.tier=3',
        '--memory', '16m', '--stop-timeout', String(STOP_SECONDS), fleet.image, 'sleep', '100000'),
    ),
  );
  return new Map(SOURCES.map((s, i) => [s.name, ids[i]!]));
}

const census = (): Promise<Placed[]> => censusOf(hosts, P);

let sourceIds = new Map<string, string>();

beforeAll(async () => {
  await removeByPrefix(hosts, P);
});
beforeEach(async () => {
  sourceIds = await populate();
});
afterAll(async () => {
  await removeByPrefix(hosts, P);
  await POOLS.dispose();
  await closeTestStates();
});

describe(`dockpit killed anywhere in an evacuation, then resumed (seed ${SEED})`, () => {
  it.each(MOMENTS)('%s: every container moved once, each source stopped once', async (fault) => {
    const t0 = Date.now() / 1000;
    const earlier = new Set(await journalRuns(CONFIG, 'migrations'));
    const killed = await runUntilKilled(['evacuate', 'h3', '--config', CONFIG, '--yes', '--json', '--to', 'h1,h2', '--parallel', '2', '--gate-seconds', '1'], fault);
    expect(killed.signal, `${fault}: dockpit was not killed (exit ${killed.code}) ${killed.stderr}`).toBe('SIGKILL');
    const runId = (await journalRuns(CONFIG, 'migrations')).find((r) => !earlier.has(r));
    expect(runId, 'the killed run has a journal').toBeDefined();
    const records = await journalRecords<MigrationRecord>(CONFIG, 'migrations', runId!);
    const where = records.map((r) => ('step' in r ? `${r.kind}:${r.step}` : r.kind)).join(',');

    await runLocksFreed(CONFIG, runId!); // etcd: the killed dockpit's lease expires first
    const r = await dockpit(['migration', 'resume', runId!, '--config', CONFIG, '--json']);
    expect(r.code, `${fault} after ${where}\n${r.stderr}\n${r.stdout.slice(0, 2000)}`).toBe(0);
    const j = JSON.parse(r.stdout) as { status: string; moves: Array<{ name: string; status: string }> };
    expect(j.status).toBe('done');
    expect(j.moves.map((m) => m.status)).toEqual(SOURCES.map(() => 'done'));
    const t1 = Date.now() / 1000;

    // Each container exactly once, running elsewhere with its address; no parked copy left on h3.
    const now = await census();
    expect(now.map((c) => c.name)).toEqual(SOURCES.map((s) => s.name));
    for (const c of now) {
      expect(['h1', 'h2'], c.name).toContain(c.host);
      expect(c.state, c.name).toBe('running');
      expect(c.ip, c.name).toBe(SOURCES.find((s) => s.name === c.name)!.ip);
    }
    // The engines' own record: each source stopped once (one SIGTERM), each target created and started once.
    const [onSource, ...onTargets] = await Promise.all([eventsOn('h3', t0, t1, [...sourceIds.values()].map((id) => `container=${id}`)), ...['h1', 'h2'].map((h) => eventsOn(h, t0, t1, [`name=${P}`]))]);
    for (const [name, id] of sourceIds) {
      const seen = onSource!.filter((e) => e.id === id);
      expect({ stop: count(seen, 'stop'), sigterm: count(seen, 'kill', '15') }, `${fault} after ${where}: ${name} on h3`).toEqual({ stop: 1, sigterm: 1 });
      const target = onTargets.flat().filter((e) => e.name === name);
      expect({ create: count(target, 'create'), start: count(target, 'start'), stop: count(target, 'stop') }, `${fault} after ${where}: ${name}'s target`).toEqual({ create: 1, start: 1, stop: 0 });
    }
  });
});
