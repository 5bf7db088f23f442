import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { StatsSampler, type ContainerRef } from '../../src/engine/stats-sampler.js';

// Issue 7: at 10,000 containers a 15 s rotation is 600 stats requests a second, most of dockpit's idle CPU.
// The background rotation has a fleet-wide budget; what is on screen is not held to it.

function fakeFleet(hosts: number, perHost: number) {
  const reads = new Map<string, number>();
  const clients = new Map<string, Docker>();
  const running: ContainerRef[] = [];
  for (let h = 0; h < hosts; h++) {
    const host = `h${h}`;
    const docker = {
      getContainer: (id: string) => ({
        stats: async () => {
          reads.set(host, (reads.get(host) ?? 0) + 1);
          return { read: new Date().toISOString(), cpu_stats: { cpu_usage: { total_usage: 1 }, system_cpu_usage: 1, online_cpus: 1 }, memory_stats: { usage: 1, limit: 2 }, id };
        },
      }),
    } as unknown as Docker;
    clients.set(host, docker);
    for (let i = 0; i < perHost; i++) running.push({ host, id: `${host}-${i}` });
  }
  return { reads, clients, running, total: () => [...reads.values()].reduce((a, b) => a + b, 0) };
}

/** Ticks every 250 ms of fake time, letting each tick's reads finish before the next. */
async function runFor(sampler: StatsSampler, seconds: number): Promise<void> {
  for (let t = 0; t <= seconds * 1000; t += 250) {
    sampler.tick(1_000_000 + t);
    await new Promise((r) => setImmediate(r));
  }
}

describe('StatsSampler background budget', () => {
  it('reads at most backgroundPerSecond a second across the fleet, every host in turn', async () => {
    const f = fakeFleet(10, 100);
    const sampler = new StatsSampler({ client: (h) => f.clients.get(h) ?? null, running: () => f.running, emit: () => undefined, backgroundPerSecond: 20 });
    await runFor(sampler, 10);
    // 20 a second for 10 s, plus the first second's allowance.
    expect(f.total()).toBeGreaterThanOrEqual(190);
    expect(f.total()).toBeLessThanOrEqual(221);
    for (let h = 0; h < 10; h++) expect(f.reads.get(`h${h}`) ?? 0, `h${h}`).toBeGreaterThan(10);
  });

  it('without the budget, the per-host cap is the only limit (the old behaviour on a small fleet)', async () => {
    const f = fakeFleet(10, 100);
    const sampler = new StatsSampler({ client: (h) => f.clients.get(h) ?? null, running: () => f.running, emit: () => undefined, backgroundPerSecond: 1e9 });
    await runFor(sampler, 2);
    // 2 in flight per host, each tick: 10 hosts × 2 × 9 ticks.
    expect(f.total()).toBe(180);
  });

  it('samples what is on screen even when the background budget is spent', async () => {
    const f = fakeFleet(2, 50);
    const sampler = new StatsSampler({ client: (h) => f.clients.get(h) ?? null, running: () => f.running, emit: () => undefined, backgroundPerSecond: 0 });
    sampler.setVisible([{ host: 'h1', id: 'h1-3' }]);
    await runFor(sampler, 3);
    expect(f.reads.get('h0')).toBeUndefined();
    // The first two readings 1 s apart (minGapMs), then every 2 s (visibleEveryMs).
    expect(f.reads.get('h1')).toBeGreaterThanOrEqual(2);
    expect(f.reads.get('h1')).toBeLessThanOrEqual(4);
  });
});

describe('StatsSampler events', () => {
  it('marks the rotation\'s samples as background and those on screen not (issue 14: the store commits them at two paces)', async () => {
    const f = fakeFleet(2, 5);
    const events: Array<{ ids: string[]; background: boolean }> = [];
    const sampler = new StatsSampler({
      client: (h) => f.clients.get(h) ?? null,
      running: () => f.running,
      emit: (e) => {
        if (e.type === 'stats.sampled') events.push({ ids: e.samples.map((s) => s.id), background: e.background === true });
      },
      backgroundPerSecond: 100,
      backgroundEveryMs: 1000,
    });
    sampler.setVisible([{ host: 'h1', id: 'h1-3' }]);
    await runFor(sampler, 4);
    await new Promise((r) => setImmediate(r));
    const onScreen = events.filter((e) => !e.background).flatMap((e) => e.ids);
    const background = events.filter((e) => e.background).flatMap((e) => e.ids);
    expect(onScreen.length).toBeGreaterThan(0);
    expect(new Set(onScreen)).toEqual(new Set(['h1-3']));
    expect(background.length).toBeGreaterThan(0);
    expect(background).not.toContain('h1-3');
  });
});

describe('StatsSampler rotation across hosts', () => {
  it('with a small budget, each host is read about every hosts/budget seconds, not in bursts (its reads keep its probe quiet)', async () => {
    const f = fakeFleet(200, 50);
    let now = 1_000_000;
    const lastRead = new Map<string, number>();
    const longestGap = new Map<string, number>();
    const sampler = new StatsSampler({
      client: (h) => f.clients.get(h) ?? null,
      running: () => f.running,
      emit: () => undefined,
      onAnswer: (host) => {
        const prev = lastRead.get(host);
        if (prev !== undefined) longestGap.set(host, Math.max(longestGap.get(host) ?? 0, now - prev));
        lastRead.set(host, now);
      },
      backgroundPerSecond: 20,
    });
    for (; now <= 1_000_000 + 60_000; now += 250) {
      sampler.tick(now);
      await new Promise((r) => setImmediate(r));
    }
    expect(lastRead.size).toBe(200);
    // 200 hosts at 20 reads a second: every 10 s (a tick's rounding aside).
    expect(Math.max(...longestGap.values())).toBeLessThanOrEqual(11_000);
  });
});
