import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanPreview } from '../../src/plans/types.js';
import { writeConfig } from '../support/configs.js';
import { docker, dockpit, FLEET_CONFIG, readFleet, removeTestContainers, runContainer } from '../support/fleet.js';

// Issue 5, items 1–3: `dockpit plan show` on the real fleet (h1 unix, h2 TCP, h3 SSH) lists exactly the
// containers each step changes, makes no change, and a plan over a line's allowed share is refused.

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);

interface Spec {
  host: string;
  name: string;
  line: string;
  tier: number;
  /** What it is left as: running, paused, or exited. */
  as?: 'paused' | 'exited';
}

const CONTAINERS: Spec[] = [
  { host: 'h1', name: 'pv-news-1', line: 'pnews', tier: 0 },
  { host: 'h2', name: 'pv-news-2', line: 'pnews', tier: 0 },
  { host: 'h3', name: 'pv-news-3', line: 'pnews', tier: 0 },
  { host: 'h1', name: 'pv-news-4', line: 'pnews', tier: 1 },
  { host: 'h2', name: 'pv-news-5', line: 'pnews', tier: 1 },
  { host: 'h1', name: 'pv-news-6', line: 'pnews', tier: 1, as: 'paused' },
  { host: 'h1', name: 'pv-forum-1', line: 'pforum', tier: 2 },
  { host: 'h1', name: 'pv-forum-2', line: 'pforum', tier: 2 },
  { host: 'h2', name: 'pv-forum-3', line: 'pforum', tier: 2 },
  { host: 'h3', name: 'pv-forum-4', line: 'pforum', tier: 2 },
  { host: 'h3', name: 'pv-forum-5', line: 'pforum', tier: 2, as: 'paused' },
  { host: 'h1', name: 'pv-ads-1', line: 'pads', tier: 3 },
  { host: 'h2', name: 'pv-ads-2', line: 'pads', tier: 3 },
  { host: 'h3', name: 'pv-ads-3', line: 'pads', tier: 3 },
  { host: 'h1', name: 'pv-ads-4', line: 'pads', tier: 3 },
  { host: 'h2', name: 'pv-ads-5', line: 'pads', tier: 3, as: 'exited' },
  { host: 'h2', name: 'pv-shop-1', line: 'pshop', tier: 2 },
  { host: 'h3', name: 'pv-shop-2', line: 'pshop', tier: 2 },
  { host: 'h3', name: 'pv-shop-3', line: 'pshop', tier: 2 },
  { host: 'h1', name: 'pv-shop-4', line: 'pshop', tier: 2 },
];

const PLANS = `lines:
  pnews: { tier: 0 }
  pforum: { tier: 2 }
  pads: { tier: 3 }
  pshop: { tier: 2 }
plansDir: plans
plans:
  - name: peak
    description: shed the low tiers
    guards: { protectTiers: [0], maxDownPerLine: 0.75 }
    steps:
      - select: { lines: [pads], minTier: 2, hosts: [h1, h2], names: ["pv-ads-?"] }
        action: stop
      - select: { lines: [pforum] }
        action: { scaleDown: { keep: 2 } }
      - select: { lines: [pnews], hosts: [h1] }
        action: { limit: { cpus: 0.5, memory: 256m } }
      - select: { names: [pv-shop-1, pv-shop-2] }
        action: pause
`;

// Each step takes one host's shop containers: under the share alone, over it together.
const GREEDY = `name: greedy
steps:
  - select: { lines: [pshop], hosts: [h1] }
    action: stop
  - select: { lines: [pshop], hosts: [h2] }
    action: stop
  - select: { lines: [pshop], hosts: [h3] }
    action: pause
`;

let CONFIG: string;

/** What a change would alter: state, limits, restart policy, and the start time (a restart moves it). */
async function snapshot(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const h of hosts) {
    const names = CONTAINERS.filter((c) => c.host === h).map((c) => c.name);
    const inspected = JSON.parse(await docker(h, 'inspect', ...names)) as Array<{
      Name: string;
      State: { Status: string; StartedAt: string; Pid: number };
      HostConfig: { NanoCpus: number; Memory: number; CpuShares: number; RestartPolicy: unknown };
    }>;
    for (const c of inspected) {
      out[`${h}${c.Name}`] = { status: c.State.Status, startedAt: c.State.StartedAt, pid: c.State.Pid, nanoCpus: c.HostConfig.NanoCpus, memory: c.HostConfig.Memory, cpuShares: c.HostConfig.CpuShares, restart: c.HostConfig.RestartPolicy };
    }
  }
  return out;
}

describe('dockpit plan show on the real fleet', () => {
  beforeAll(async () => {
    await removeTestContainers(hosts);
    await Promise.all(
      hosts.map(async (h) => {
        for (const c of CONTAINERS.filter((x) => x.host === h)) {
          await runContainer(h, { name: c.name, bizline: c.line, tier: c.tier, ...(c.as === 'exited' && { cmd: ['true'] }) });
          if (c.as === 'paused') await docker(h, 'pause', c.name);
        }
      }),
    );
    for (const c of CONTAINERS.filter((x) => x.as === 'exited')) {
      // `true` exits at once; wait until the engine says so.
      for (let i = 0; i < 50 && (await docker(c.host, 'inspect', '-f', '{{.State.Status}}', c.name)) !== 'exited'; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const hostsYaml = fs.readFileSync(FLEET_CONFIG, 'utf8');
    CONFIG = writeConfig(`${hostsYaml}\n${PLANS}`);
    fs.mkdirSync(path.join(path.dirname(CONFIG), 'plans'));
    fs.writeFileSync(path.join(path.dirname(CONFIG), 'plans', 'greedy.yaml'), GREEDY);
  }, 120_000);

  afterAll(async () => {
    await removeTestContainers(hosts);
  });

  it('plan ls lists the config’s plans and the plans folder’s, with where each is defined', async () => {
    const r = await dockpit(['plan', 'ls', '--json', '--config', CONFIG]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ name: string; description: string; steps: number; source: string }>;
    const planLine = fs.readFileSync(FLEET_CONFIG, 'utf8').split('\n').length + 8;
    expect(rows).toEqual([
      { name: 'peak', description: 'shed the low tiers', steps: 4, source: `${CONFIG}:${planLine}` },
      { name: 'greedy', description: '', steps: 3, source: `${path.join(path.dirname(CONFIG), 'plans', 'greedy.yaml')}:1` },
    ]);
  });

  it('lists exactly the containers each step changes, and changes nothing', async () => {
    const before = await snapshot();
    const r = await dockpit(['plan', 'show', 'peak', '--json', '--config', CONFIG]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout) as PlanPreview;
    expect(p.refusal).toBeNull();
    // Issue 12: the protected container is in the list, refused with its reason, counted apart.
    expect(p.actions.map((a) => [a.step, a.host, a.name, a.action, a.refused?.reason ?? null])).toEqual([
      [0, 'h1', 'pv-ads-1', 'stop', null],
      [0, 'h1', 'pv-ads-4', 'stop', null],
      [0, 'h2', 'pv-ads-2', 'stop', null],
      [1, 'h1', 'pv-forum-2', 'stop', null],
      [1, 'h3', 'pv-forum-4', 'stop', null],
      [2, 'h1', 'pv-news-1', 'limit', 'tier 0 is protected (guards.protectTiers)'],
      [2, 'h1', 'pv-news-4', 'limit', null],
      [2, 'h1', 'pv-news-6', 'limit', null],
      [3, 'h2', 'pv-shop-1', 'pause', null],
      [3, 'h3', 'pv-shop-2', 'pause', null],
    ]);
    expect(p.counts).toEqual({ feasible: 9, refused: 1, unseen: 0, skipped: 2 });
    expect(p.actions[6]!.limit).toEqual({ nanoCpus: 500_000_000, memoryBytes: 256 * 1024 * 1024, cpuShares: null });
    expect(p.skipped).toEqual([
      { step: 1, host: 'h1', name: 'pv-forum-1', reason: 'kept running (keep 2)' },
      { step: 1, host: 'h2', name: 'pv-forum-3', reason: 'kept running (keep 2)' },
    ]);
    expect(Object.fromEntries(Object.entries(p.perLine).map(([l, x]) => [l, [x.down, x.running]]))).toEqual({
      pads: [3, 4], pforum: [2, 4], pnews: [0, 5], pshop: [2, 4],
    });
    expect(Object.fromEntries(Object.entries(p.perHost).map(([h, x]) => [h, x.actions]))).toEqual({ h1: 5, h2: 2, h3: 2 });
    // Stopped containers free the memory they use now: a sleeping busybox uses some.
    expect(p.perHost.h1!.memBytes).toBeGreaterThan(0);
    expect(await snapshot()).toEqual(before);
  }, 60_000);

  it('refuses a plan whose steps together take down more than the allowed share of a line (exit 1)', async () => {
    const before = await snapshot();
    const r = await dockpit(['plan', 'show', 'greedy', '--json', '--config', CONFIG]);
    expect(r.code).toBe(1);
    const p = JSON.parse(r.stdout) as PlanPreview;
    expect(p.refusal).toBe('line pshop: the plan takes down 4 of its 4 running containers; guards.maxDownPerLine 0.5 allows 2');
    expect(p.actions.map((a) => [a.step, a.host, a.name, a.action])).toEqual([
      [0, 'h1', 'pv-shop-4', 'stop'],
      [1, 'h2', 'pv-shop-1', 'stop'],
      [2, 'h3', 'pv-shop-2', 'pause'],
      [2, 'h3', 'pv-shop-3', 'pause'],
    ]);
    expect(r.stderr).toContain('plan greedy refused: line pshop: the plan takes down 4 of its 4');
    expect(await snapshot()).toEqual(before);
  }, 60_000);

  it('an unknown plan is a usage error (exit 2), nothing contacted', async () => {
    const r = await dockpit(['plan', 'show', 'nope', '--config', CONFIG]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no plan "nope"');
  });
});
