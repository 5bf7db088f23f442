import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, dockpit, readFleet, waitFor } from '../support/fleet.js';
import { removeByPrefix } from '../support/pool-config.js';
import { collect, configWithState, countBy, cutEtcd, dockpitOn, engineEvents, etcdStateYaml, freshPrefix, healEtcd, jumpHost, killHard, shedTail, spawnOn } from '../support/team.js';

// Issue 11, done means: a run started on jump host A survives A. A SIGKILLed mid-run: on jump host B,
// `resume` is refused while A's lease lives and finishes the run once it expires, each action exactly once
// by the engines' own events, and `restore` from B puts everything back. The same for an evacuation. A cut
// off from etcd mid-run stops before its next engine call and says why; B takes over; no container is
// touched by both.

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);
const IMAGE = fleet.image;
const TTL = 10; // s: long enough that a refused resume starts (node, the fleet) well within it on a loaded machine
const j1 = jumpHost('j1');
/** Every dockpit started on A: killed after the tests whatever happened, so none outlives a failure. */
const started: ChildProcess[] = [];
const startOnA = (args: string[]) => {
  const child = spawnOn(j1, args);
  started.push(child);
  return child;
};
const j2 = jumpHost('j2');

const TAIL = (p: string) => shedTail(p, '10.88.93.0/24', 1);

/** Nine containers of line `p`, three a host; busybox sleep ignores SIGTERM, so each stop takes its 1 s. */
async function populate(p: string): Promise<string[]> {
  const names: string[] = [];
  await Promise.all(
    hosts.map(async (h, i) => {
      for (let k = 0; k < 3; k++) {
        const name = `${p}-${i}-${k}`;
        names.push(name);
        await docker(h, 'run', '-d', '--name', name, '--stop-timeout', '1', '--label', `dockpit.bizline=${p}`, '--label', 'dockpit.tier=3', IMAGE, 'sleep', '86400');
      }
    }),
  );
  return names.sort();
}

interface StatusJson {
  runId: string;
  status: string;
  actions: Array<{ container: string; outcome: string }>;
}

async function status(config: string, runId: string): Promise<StatusJson> {
  const r = await dockpit(['plan', 'status', runId, '--json', '--config', config]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as StatusJson;
}

/** The id of the one run in this state, once it has started. */
async function theRun(config: string, which: 'plan' | 'migration'): Promise<string> {
  const { value } = await waitFor(async () => {
    const r = await dockpit([which, 'runs', '--json', '--config', config]);
    return r.code === 0 ? (JSON.parse(r.stdout) as Array<{ runId: string }>)[0]?.runId : undefined;
  }, 30_000, 100);
  return value;
}

async function running(names: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const h of hosts) {
    const lines = await docker(h, 'ps', '-a', '--format', '{{.Names}} {{.State}}');
    for (const l of lines.split('\n')) {
      const [n, s] = l.split(' ');
      if (n && names.includes(n)) out[n] = s!;
    }
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a run survives the jump host that started it (etcd state)', () => {
  beforeAll(() => removeByPrefix(hosts, 'tk'));
  afterAll(async () => {
    for (const child of started) killHard(child);
    healEtcd('j1');
    await removeByPrefix(hosts, 'tk');
  });

  it('A killed mid-plan: B is refused while A\'s lease lives, resumes after it expires, each stop once; B restores', { timeout: 180_000 }, async () => {
    const p = 'tka';
    const names = await populate(p);
    const config = configWithState(etcdStateYaml(freshPrefix(p), { leaseTtl: TTL }), TAIL(p));
    const since = Math.floor(Date.now() / 1000) - 1;
    const a = startOnA(['plan', 'apply', 'shed', '--yes', '--json', '--config', config]);
    const aEnded = collect(a);
    const runId = await theRun(config, 'plan');
    await waitFor(async () => (await status(config, runId)).actions.filter((x) => x.outcome === 'done').length >= 3, 30_000, 100);
    killHard(a);
    await aEnded;
    const killedAt = Date.now();

    const early = await dockpitOn(j2, ['plan', 'resume', runId, '--json', '--config', config]);
    expect(Date.now() - killedAt).toBeLessThan(TTL * 1000); // refused because A's lease still lived
    expect(early.code, early.stderr + early.stdout).toBe(6);
    expect(early.stderr).toContain('alice@jump-j1');
    expect((await status(config, runId)).status).toBe('running');

    await sleep(Math.max(0, killedAt + TTL * 1000 + 1500 - Date.now()));
    const resumed = await dockpitOn(j2, ['plan', 'resume', runId, '--json', '--config', config]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((JSON.parse(resumed.stdout) as StatusJson).status).toBe('done');
    expect(Object.values(await running(names))).toEqual(Array(9).fill('exited'));

    const stops = new Map<string, number>();
    for (const h of hosts) for (const [n, c] of countBy(await engineEvents(h, since, `${p}-`), 'stop')) stops.set(n, (stops.get(n) ?? 0) + c);
    expect(Object.fromEntries(stops)).toEqual(Object.fromEntries(names.map((n) => [n, 1])));

    const restored = await dockpitOn(j2, ['plan', 'restore', runId, '--json', '--config', config]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(Object.values(await running(names))).toEqual(Array(9).fill('running'));
    // Both operators' changes are in the one audit log, each from its own jump host.
    const audit = await dockpit(['audit', '--json', '--config', config]);
    const froms = new Set((JSON.parse(audit.stdout) as Array<{ from: string; action: string }>).filter((e) => e.action.startsWith('plan.')).map((e) => e.from));
    expect([...froms].sort()).toEqual(['jump-j1', 'jump-j2']);
  });

  it('A killed mid-evacuation: B resumes after the lease expires; every container exists once, with its address', { timeout: 180_000 }, async () => {
    const p = 'tkb';
    const config = configWithState(etcdStateYaml(freshPrefix(p), { leaseTtl: TTL }), TAIL(p));
    const ips = new Map<string, string>();
    for (let i = 0; i < 6; i++) {
      const name = `${p}-${i}`;
      const ip = `10.88.93.${20 + i}`;
      ips.set(name, ip);
      await docker('h3', 'run', '-d', '--name', name, '--network', 'biz', '--ip', ip, '--label', `dockpit.bizline=${p}`, '--label', 'dockpit.tier=3',
        '--memory', '16m', '--stop-timeout', '1', IMAGE, 'sleep', '100000');
    }
    const a = startOnA(['evacuate', 'h3', '--to', 'h1,h2', '--parallel', '2', '--gate-seconds', '2', '--yes', '--json', '--config', config]);
    const aEnded = collect(a);
    const runId = await theRun(config, 'migration');
    await waitFor(async () => {
      const r = await dockpit(['migration', 'status', runId, '--json', '--config', config]);
      return r.code === 0 && (JSON.parse(r.stdout) as { moves: Array<{ status: string }> }).moves.some((m) => m.status === 'done');
    }, 60_000, 100);
    killHard(a);
    await aEnded;
    const killedAt = Date.now();
    const early = await dockpitOn(j2, ['migration', 'resume', runId, '--json', '--config', config]);
    expect(Date.now() - killedAt).toBeLessThan(TTL * 1000); // refused because A's lease still lived
    expect(early.code, early.stderr + early.stdout).toBe(6);
    expect(early.stderr).toContain('alice@jump-j1');

    await sleep(Math.max(0, killedAt + TTL * 1000 + 1500 - Date.now()));
    const resumed = await dockpitOn(j2, ['migration', 'resume', runId, '--json', '--config', config]);
    expect(resumed.code, resumed.stderr + resumed.stdout.slice(0, 2000)).toBe(0);
    for (const [name, ip] of ips) {
      const where: string[] = [];
      for (const h of hosts) {
        const out = await docker(h, 'ps', '-a', '--filter', `name=^${name}`, '--format', '{{.Names}}');
        for (const n of out.split('\n').filter(Boolean)) where.push(`${h}/${n}`);
      }
      expect(where, name).toHaveLength(1); // no parked copy, no double
      const [h] = where[0]!.split('/');
      expect(['h1', 'h2']).toContain(h);
      const ipNow = await docker(h!, 'inspect', '-f', '{{.NetworkSettings.Networks.biz.IPAddress}} {{.State.Status}}', name);
      expect(ipNow, name).toBe(`${ip} running`);
    }
  });

  it('A cut off from etcd mid-run stops before its next engine call and says why; B takes over; no container touched by both', { timeout: 180_000 }, async () => {
    const p = 'tkc';
    const names = await populate(p);
    const config = configWithState(etcdStateYaml(freshPrefix(p), { leaseTtl: TTL, callTimeout: 1500 }), TAIL(p));
    const since = Math.floor(Date.now() / 1000) - 1;
    const a = startOnA(['plan', 'apply', 'shed', '--yes', '--json', '--config', config]);
    const aEnded = collect(a);
    const runId = await theRun(config, 'plan');
    await waitFor(async () => (await status(config, runId)).actions.filter((x) => x.outcome === 'done').length >= 3, 30_000, 100);
    cutEtcd('j1');
    const cutAt = Date.now();
    const ra = await aEnded;
    expect(ra.code, ra.stderr).toBe(7);
    expect(ra.stderr).toMatch(/etcd|lease/);
    expect(ra.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(Date.now() - cutAt).toBeLessThan((TTL + 10) * 1000);

    await sleep(Math.max(0, cutAt + TTL * 1000 + 1500 - Date.now()));
    const rb = await dockpitOn(j2, ['plan', 'resume', runId, '--json', '--config', config]);
    expect(rb.code, rb.stderr).toBe(0);
    expect(Object.values(await running(names))).toEqual(Array(9).fill('exited'));

    const stops = new Map<string, number>();
    for (const h of hosts) for (const [n, c] of countBy(await engineEvents(h, since, `${p}-`), 'stop')) stops.set(n, (stops.get(n) ?? 0) + c);
    expect(Object.fromEntries(stops)).toEqual(Object.fromEntries(names.map((n) => [n, 1])));
    // Who called the engine for which container: the audit log's called actions, per jump host.
    const audit = JSON.parse((await dockpit(['audit', '--json', '--config', config])).stdout) as Array<{ from: string; action: string; targets: string[]; details: { called?: boolean } }>;
    const by = new Map<string, Set<string>>();
    for (const e of audit.filter((x) => x.action === 'plan.stop' && x.details.called !== false)) {
      for (const t of e.targets) by.set(t, new Set([...(by.get(t) ?? []), e.from]));
    }
    for (const [t, froms] of by) expect([...froms], t).toHaveLength(1);
    healEtcd('j1');
  });
});
