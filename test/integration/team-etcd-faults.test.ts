import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, dockpit, readFleet, waitFor } from '../support/fleet.js';
import { removeByPrefix } from '../support/pool-config.js';
import { configWithState, etcdLeader, etcdStart, etcdStateYaml, etcdStop, freshPrefix, shedTail } from '../support/team.js';
import { TmuxSession } from '../support/tmux.js';

// Issue 11, done means: the etcd leader killed mid-run, the run goes on (quorum holds); two of three
// members killed, every change is refused with exit 7 before it touches an engine, while `ps --json` still
// shows the fleet (the cockpit's half is test/e2e/team-cockpit.test.ts).

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);
const IMAGE = fleet.image;
const MEMBERS = ['e1', 'e2', 'e3'] as const;

const TAIL = (p: string) => shedTail(p, '10.88.95.0/24', 2);

async function populate(p: string, perHost: number): Promise<string[]> {
  const names: string[] = [];
  await Promise.all(
    hosts.map(async (h, i) => {
      for (let k = 0; k < perHost; k++) {
        const name = `${p}-${i}-${k}`;
        names.push(name);
        await docker(h, 'run', '-d', '--name', name, '--stop-timeout', '1', '--label', `dockpit.bizline=${p}`, '--label', 'dockpit.tier=3', IMAGE, 'sleep', '86400');
      }
    }),
  );
  return names.sort();
}

async function states(p: string): Promise<string[]> {
  const out: string[] = [];
  for (const h of hosts) out.push(...(await docker(h, 'ps', '-a', '--filter', `name=^${p}-`, '--format', '{{.State}}')).split('\n').filter(Boolean));
  return out;
}

describe('etcd faults', () => {
  beforeAll(() => removeByPrefix(hosts, 'ef'));
  afterAll(async () => {
    for (const m of MEMBERS) {
      try {
        etcdStart(m);
      } catch {
        // running already
      }
    }
    await removeByPrefix(hosts, 'ef');
  });

  it('the leader killed mid-run: the run goes on and ends done', { timeout: 150_000 }, async () => {
    const p = 'efa';
    await populate(p, 3);
    const config = configWithState(etcdStateYaml(freshPrefix(p)), TAIL(p));
    const run = dockpit(['plan', 'apply', 'shed', '--yes', '--json', '--config', config]);
    await new Promise((r) => setTimeout(r, 2500)); // a few stops in
    const leader = etcdLeader();
    etcdStop(leader);
    const r = await run;
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { status: string }).status).toBe('done');
    expect(await states(p)).toEqual(Array(9).fill('exited'));
    etcdStart(leader);
  });

  it('two of three members killed: changes refused with exit 7 naming the endpoints, nothing touched; ps still works', { timeout: 150_000 }, async () => {
    const p = 'efb';
    const names = await populate(p, 1);
    const config = configWithState(etcdStateYaml(freshPrefix(p), { callTimeout: 1500 }), TAIL(p));
    etcdStop('e1', 'e2');
    try {
      const apply = await dockpit(['plan', 'apply', 'shed', '--yes', '--json', '--config', config]);
      expect(apply.code, apply.stderr).toBe(7);
      expect(apply.stderr).toContain('etcd');
      expect(apply.stderr).toContain(fleet.hosts.length > 0 ? '2379' : '');
      expect(apply.stderr).not.toMatch(/\n\s+at /);
      const run = await dockpit(['run', '--config', config, '--name', `${p}-new`, '--line', p, IMAGE, 'sleep', '1000']);
      expect(run.code, run.stderr).toBe(7);
      expect(await states(p)).toEqual(Array(names.length).fill('running'));
      for (const h of hosts) expect(await docker(h, 'ps', '-aq', '--filter', `name=^${p}-new`)).toBe('');

      const ps = await dockpit(['ps', '--json', '--config', config]);
      expect(ps.code, ps.stderr).toBe(0);
      const rows = JSON.parse(ps.stdout) as Array<{ name: string }>;
      expect(rows.filter((c) => c.name.startsWith(`${p}-`)).map((c) => c.name).sort()).toEqual(names);

      // The cockpit shows the fleet live all the same.
      const tui = new TmuxSession(['--config', config], { columns: 140, rows: 30 });
      try {
        await waitFor(() => /hosts 3\/3 up/.test(tui.screen()) && new RegExp(`^${p}\\s+3\\s+● up\\s+3/3`, 'm').test(tui.screen()), 20_000, 50, () => tui.screen());
        await docker('h1', 'kill', names[0]!);
        await waitFor(() => new RegExp(`^${p}\\s+3\\s+◐ degraded\\s+2/3`, 'm').test(tui.screen()), 10_000, 50, () => tui.screen());
      } finally {
        tui.kill();
      }
    } finally {
      etcdStart('e1', 'e2');
    }
  });
});
