import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MigrationRecord } from '../../src/migrate/journal.js';
import { CLI, docker, dockpit, readFleet, waitFor } from '../support/fleet.js';
import { census as censusOf, poolConfig, removeByPrefix, type Placed } from '../support/pool-config.js';
import { backend, closeTestStates, journalRecords, journalRuns, runLocksFreed } from '../support/state-backend.js';

// Issue 6, done means: evacuating a host with 20 containers of 3 lines onto 2 hosts leaves all of them
// running elsewhere with their IPs and none on the host; a dockpit killed mid-evacuation and resumed ends
// consistent, no container lost or doubled. The state (the migrations' journal, locks) is on the backend
// under test (state-backend.ts): this file runs on files, on-etcd/ on etcd.

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);
const IMAGE = fleet.image;
const P = 'evac-';
const LINES = ['news', 'forum', 'ads'] as const;

const POOLS = poolConfig(`ipPools:
  - name: lan
    network: biz
    driver: bridge
    subnet: 10.88.0.0/16
    gateway: 10.88.0.1
    ranges: { news: 10.88.80.0/24, forum: 10.88.81.0/24, ads: 10.88.82.0/24 }
lines:
  news: { tier: 1, pool: lan }
  forum: { tier: 2, pool: lan }
  ads: { tier: 3, pool: lan }
`);
const CONFIG = POOLS.file;

const census = (): Promise<Placed[]> => censusOf(hosts, P);

async function populate(host: string, n: number, tag: string): Promise<Map<string, string>> {
  const ips = new Map<string, string>();
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const line = LINES[i % 3]!;
      const ip = `10.88.${80 + (i % 3)}.${(tag === 'a' ? 10 : 100) + i}`;
      const name = `${P}${tag}-${line}-${i}`;
      ips.set(name, ip);
      await docker(host, 'run', '-d', '--name', name, '--network', 'biz', '--ip', ip, '--label', `dockpit.bizline=${line}`,
        '--label', `dockpit.tier=${LINES.indexOf(line) + 1}`, '--memory', '16m', '--stop-timeout', '1', IMAGE, 'sleep', '100000');
    }),
  );
  return ips;
}

beforeAll(async () => {
  await removeByPrefix(hosts, P);
});

afterAll(async () => {
  await removeByPrefix(hosts, P);
  await POOLS.dispose();
  await closeTestStates();
});

describe('dockpit evacuate', () => {
  it('moves 20 containers of 3 lines off a host onto the 2 others, spreading each line, keeping every IP', async () => {
    const ips = await populate('h1', 20, 'a');
    const r = await dockpit(['evacuate', 'h1', '--config', CONFIG, '--yes', '--json', '--parallel', '6', '--gate-seconds', '1']);
    expect(r.code, `${r.stderr}\n${r.stdout.slice(0, 2000)}`).toBe(0);
    const j = JSON.parse(r.stdout) as { status: string; moves: Array<{ name: string; to: string; status: string; ip: string }> };
    expect(j.status).toBe('done');
    expect(j.moves).toHaveLength(20);
    expect(j.moves.every((m) => m.status === 'done')).toBe(true);

    const now = await census();
    expect(now.filter((c) => c.host === 'h1')).toEqual([]);
    expect(now).toHaveLength(20);
    for (const c of now) {
      expect(c.state, c.name).toBe('running');
      expect(c.ip, c.name).toBe(ips.get(c.name));
      expect(['h2', 'h3']).toContain(c.host);
    }
    // Each line is spread over both hosts: at most one apart.
    for (const line of LINES) {
      const on = (h: string) => now.filter((c) => c.line === line && c.host === h).length;
      expect(Math.abs(on('h2') - on('h3')), line).toBeLessThanOrEqual(1);
    }
    await removeByPrefix(hosts, P);
  });

  it('a dockpit killed mid-evacuation resumes to a consistent end: none lost, none doubled', async () => {
    const ips = await populate('h3', 8, 'b');
    const earlier = new Set(await journalRuns(CONFIG, 'migrations'));
    const child = spawn('node', [CLI, 'evacuate', 'h3', '--config', CONFIG, '--yes', '--json', '--to', 'h1,h2', '--parallel', '2', '--gate-seconds', '2'], {
      stdio: 'ignore',
    });
    // Kill it while a move waits at its gate (its source stopped and parked, its target running) and
    // others have not begun: the run's journal, read through the state, has a record of the gate step.
    const { value: runId } = await waitFor(
      async () => {
        const id = (await journalRuns(CONFIG, 'migrations')).find((r) => !earlier.has(r));
        return id && (await journalRecords<MigrationRecord>(CONFIG, 'migrations', id)).some((r) => 'step' in r && r.step === 'gate') ? id : null;
      },
      30_000,
      5,
    );
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    const status = await dockpit(['migration', 'status', runId, '--config', CONFIG, '--json']);
    const before = JSON.parse(status.stdout) as { status: string; moves: Array<{ status: string }> };
    // Issue 13, item 2: its dockpit is gone (files: its pid at once; etcd: once its lease lapses).
    expect(before.status).toMatch(backend === 'etcd' ? /^(running|interrupted)$/ : /^interrupted$/);
    expect(before.moves.filter((m) => m.status === 'done').length).toBeLessThan(8);

    await runLocksFreed(CONFIG, runId); // etcd: the killed dockpit's lease expires first
    const r = await dockpit(['migration', 'resume', runId, '--config', CONFIG, '--json']);
    expect(r.code, `${r.stderr}\n${r.stdout.slice(0, 2000)}`).toBe(0);
    const j = JSON.parse(r.stdout) as { status: string; moves: Array<{ name: string; status: string }> };
    expect(j.status).toBe('done');
    expect(j.moves.map((m) => m.status)).toEqual(Array(8).fill('done'));

    const now = await census();
    expect(now.map((c) => c.name)).toEqual([...ips.keys()].sort()); // each exactly once: no parked copy, no double
    for (const c of now) {
      expect(['h1', 'h2'], c.name).toContain(c.host);
      expect(c.state, c.name).toBe('running');
      expect(c.ip, c.name).toBe(ips.get(c.name));
    }
    // A second resume finds nothing to do and changes nothing.
    const again = await dockpit(['migration', 'resume', runId, '--config', CONFIG, '--json']);
    expect(again.code).toBe(0);
    expect(await census()).toEqual(now);
  });
});
