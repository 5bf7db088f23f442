import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MigrationRecord } from '../../src/migrate/journal.js';
import { runUntilKilled } from '../support/chaos.js';
import { CLI, docker, dockpit, readFleet, waitFor } from '../support/fleet.js';
import { census, poolConfig, removeByPrefix } from '../support/pool-config.js';
import { closeTestStates, journalRecords, journalRuns, runLocksFreed } from '../support/state-backend.js';

// Issue 13, item 6 (honest accounting), done means: Ctrl-C during `evacuate`, then `migration resume`: the
// moves not begun run, two at a time with the run's --parallel 2; and a move interrupted in its health gate
// reports a downtime within 10 % of the engines' own times (the source's `die` to the target's `start`).

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);
const P = 'evr-';
const SOURCES = [0, 1, 2, 3].map((i) => ({ name: `${P}${i}`, ip: `10.88.93.${10 + i}` }));
const POOLS = poolConfig(`ipPools:
  - name: lan
    network: biz
    driver: bridge
    subnet: 10.88.0.0/16
    gateway: 10.88.0.1
    ranges: { evr: 10.88.93.0/24 }
lines:
  evr: { tier: 3, pool: lan }
`);
const CONFIG = POOLS.file;

async function populate(names = SOURCES): Promise<void> {
  await removeByPrefix(hosts, P);
  // --stop-timeout 1: busybox's PID 1 ignores SIGTERM, so each stop takes a second: moves overlap visibly.
  await Promise.all(
    names.map((s) =>
      docker('h3', 'run', '-d', '--name', s.name, '--network', 'biz', '--ip', s.ip, '--label', 'dockpit.bizline=evr', '--label', 'dockpit.tier=3',
        '--stop-timeout', '1', fleet.image, 'sleep', '100000'),
    ),
  );
}

async function newRun(before: Set<string>): Promise<string> {
  const { value } = await waitFor(async () => (await journalRuns(CONFIG, 'migrations')).find((r) => !before.has(r)), 20_000, 50);
  return value;
}

/** Each move's [first step intent, move.end] after the last `mig.resume`, local ms: how many ran at once. */
function mostAtOnce(records: MigrationRecord[]): number {
  const from = records.map((r) => r.kind).lastIndexOf('mig.resume');
  const spans = new Map<number, [number, number]>();
  for (const r of records.slice(from)) {
    if (!('move' in r)) continue;
    const t = Date.parse(r.at);
    const s = spans.get(r.move) ?? [t, t];
    spans.set(r.move, [Math.min(s[0], t), Math.max(s[1], t)]);
  }
  const edges = [...spans.values()].flatMap(([a, b]) => [[a, 1], [b, -1]] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let now = 0;
  let most = 0;
  for (const [, d] of edges) most = Math.max(most, (now += d));
  return most;
}

beforeAll(async () => {
  await removeByPrefix(hosts, P);
});
afterAll(async () => {
  await removeByPrefix(hosts, P);
  await POOLS.dispose();
  await closeTestStates();
});

describe('a cancelled or killed evacuation, resumed (issue 13, item 6)', () => {
  it('Ctrl-C: exit 8 (cancelled); resume runs the moves not begun, two at a time with --parallel 2', async () => {
    await populate();
    const before = new Set(await journalRuns(CONFIG, 'migrations'));
    const child = spawn(process.execPath, [CLI, 'evacuate', 'h3', '--config', CONFIG, '--yes', '--json', '--to', 'h1,h2', '--parallel', '2', '--gate-seconds', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const runId = await newRun(before);
    // Ctrl-C as soon as the first move has begun.
    await waitFor(async () => (await journalRecords<MigrationRecord>(CONFIG, 'migrations', runId)).some((r) => r.kind === 'step.intent'), 20_000, 20);
    child.kill('SIGINT');
    const code = await exited;
    expect(code, stderr).toBe(8);
    const cancelled = JSON.parse(stdout) as { status: string; moves: { name: string; status: string }[] };
    expect(cancelled.status).toBe('cancelled');
    const skipped = cancelled.moves.filter((m) => m.status === 'skipped').map((m) => m.name);
    expect(skipped.length, stdout).toBeGreaterThanOrEqual(2);

    await runLocksFreed(CONFIG, runId);
    const r = await dockpit(['migration', 'resume', runId, '--config', CONFIG, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const resumed = JSON.parse(r.stdout) as { status: string; moves: { name: string; status: string }[] };
    expect(resumed.status).toBe('done');
    expect(resumed.moves.map((m) => m.status)).toEqual(SOURCES.map(() => 'done'));
    const records = await journalRecords<MigrationRecord>(CONFIG, 'migrations', runId);
    const atOnce = mostAtOnce(records);
    console.log(`evacuate-resume: cancelled after ${cancelled.moves.length - skipped.length} move(s) began; resumed ${skipped.length}, at most ${atOnce} at once`);
    expect(atOnce).toBe(2);
    const now = await census(hosts, P);
    expect(now.map((c) => c.name)).toEqual(SOURCES.map((s) => s.name));
    for (const c of now) {
      expect(['h1', 'h2'], c.name).toContain(c.host);
      expect(c.state, c.name).toBe('running');
      expect(c.ip, c.name).toBe(SOURCES.find((s) => s.name === c.name)!.ip);
    }
  }, 120_000);

  it('a move killed in its health gate, resumed: the downtime is the engines\' (source die → target start), within 10 %', async () => {
    const one = [SOURCES[0]!];
    await populate(one);
    const sourceId = await docker('h3', 'inspect', '-f', '{{.Id}}', one[0]!.name);
    const t0 = Date.now() / 1000;
    const before = new Set(await journalRuns(CONFIG, 'migrations'));
    // Records: mig.start, then intent and outcome of create, stop-source, park-source, start-target: the 10th
    // is the gate's intent. Killed there, the target runs; dead for a while before the resume.
    const killed = await runUntilKilled(['migrate', one[0]!.name, '--to', 'h1', '--config', CONFIG, '--yes', '--json', '--gate-seconds', '1'], 'crash-after:journal:10');
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const runId = await newRun(before);
    const where = (await journalRecords<MigrationRecord>(CONFIG, 'migrations', runId)).map((r) => ('step' in r ? `${r.kind}:${r.step}` : r.kind));
    expect(where.at(-1)).toBe('step.intent:gate');
    await runLocksFreed(CONFIG, runId);
    await new Promise((resolve) => setTimeout(resolve, 2000)); // the operator takes a while to resume
    const r = await dockpit(['migration', 'resume', runId, '--config', CONFIG, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { status: string; moves: { status: string; downtimeMs: number | null }[] };
    expect(j.moves[0]!.status).toBe('done');
    const reported = j.moves[0]!.downtimeMs;
    const t1 = Date.now() / 1000;
    const targetId = await docker('h1', 'inspect', '-f', '{{.Id}}', one[0]!.name);
    const times = async (host: string, id: string, action: string) =>
      (await docker(host, 'events', '--since', t0.toFixed(3), '--until', t1.toFixed(3), '--filter', `container=${id}`, '--filter', `event=${action}`, '--format', '{{.TimeNano}}'))
        .split('\n').filter((l) => l !== '').map((n) => Number(n) / 1e6);
    const [die] = await times('h3', sourceId, 'die');
    const [start] = await times('h1', targetId, 'start');
    const engines = start! - die!;
    console.log(`evacuate-resume: downtime reported ${reported} ms, engines' die → start ${engines.toFixed(0)} ms`);
    expect(reported).not.toBeNull();
    expect(Math.abs(reported! - engines)).toBeLessThanOrEqual(0.1 * engines);
  }, 90_000);
  it('a hand-made holder of the address during the move: the target start is refused and nothing shares it (item 4)', async () => {
    const one = SOURCES[1]!;
    await removeByPrefix(hosts, P);
    // A 3 s stop (busybox ignores SIGTERM): the hand container is started on h2 while the source stops.
    await docker('h3', 'run', '-d', '--name', one.name, '--network', 'biz', '--ip', one.ip, '--label', 'dockpit.bizline=evr', '--label', 'dockpit.tier=3',
      '--stop-timeout', '3', fleet.image, 'sleep', '100000');
    const before = new Set(await journalRuns(CONFIG, 'migrations'));
    const moving = dockpit(['migrate', one.name, '--to', 'h1', '--config', CONFIG, '--yes', '--json', '--gate-seconds', '1']);
    const runId = await newRun(before);
    await waitFor(async () => (await journalRecords<MigrationRecord>(CONFIG, 'migrations', runId)).some((r) => r.kind === 'step.intent' && r.step === 'stop-source'), 20_000, 20);
    await docker('h2', 'run', '-d', '--name', `${P}hand`, '--network', 'biz', '--ip', one.ip, '--stop-timeout', '1', fleet.image, 'sleep', '100000');
    const r = await moving;
    expect(r.code, r.stderr).toBe(5);
    const j = JSON.parse(r.stdout) as { status: string; error?: string; steps: { step: string; state: string; error?: string }[] };
    const start = j.steps.find((s) => s.step === 'start-target');
    expect(start?.state, r.stdout).toBe('failed');
    expect(start?.error).toMatch(new RegExp(`held by h2/${P}hand`));
    // Exactly one running holder of the address in the fleet: the hand container; the target is gone.
    const running = (await census(hosts, P)).filter((c) => c.state === 'running' && c.ip === one.ip);
    expect(running.map((c) => `${c.host}/${c.name}`)).toEqual([`h2/${P}hand`]);
    expect((await census(hosts, P)).filter((c) => c.host === 'h1')).toEqual([]);
  }, 90_000);
});
