import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSampler } from '../../src/app/stats-sampling.js';
import type { StatsSampler } from '../../src/engine/stats-sampler.js';
import { lineRows } from '../../src/store/lines.js';
import { containerRows } from '../../src/store/selectors.js';
import { docker, dockpit, FLEET_CONFIG, readFleet, removeTestContainers, runContainer, waitFor } from '../support/fleet.js';
import { watchFleet, type Watch } from '../support/watch.js';

// Done means: a container spinning a CPU shows near 100 % CPU within a few seconds, its line's aggregate
// rises, and the value agrees with `docker stats --no-stream` within 10 points.

const hosts = readFleet().hosts.map((h) => h.name);
let watch: Watch;
let sampler: StatsSampler;

async function dockerStatsCpu(host: string, name: string): Promise<number> {
  return Number.parseFloat(await docker(host, 'stats', '--no-stream', '--format', '{{.CPUPerc}}', name));
}

describe('live traffic', () => {
  beforeAll(async () => {
    await removeTestContainers(hosts);
    await runContainer('h2', { name: 'spin', bizline: 'hot', tier: 2, cmd: ['sh', '-c', 'while :; do :; done'] });
    await runContainer('h3', { name: 'idle', bizline: 'hot', tier: 2 });
    watch = watchFleet();
    await watch.engine.settled();
    sampler = startSampler(watch.engine, watch.store, watch.sink, 3000);
  });
  afterAll(async () => {
    sampler.stop();
    await watch.stop();
    await removeTestContainers(hosts);
  });

  it('a CPU spinner on screen reaches near 100 % within a few seconds, and agrees with docker stats', async () => {
    const spin = containerRows(watch.store.getState(), { host: 'h2' }).find((c) => c.name === 'spin')!;
    sampler.setVisible([{ host: 'h2', id: spin.id }]);
    const { value: cpu, ms } = await waitFor(() => {
      const s = watch.store.getState().stats.h2?.[spin.id];
      return s && s.cpuPercent > 80 ? s.cpuPercent : false;
    }, 5000, 50);
    const reference = await dockerStatsCpu('h2', 'spin');
    const latest = watch.store.getState().stats.h2![spin.id]!.cpuPercent;
    console.log(`spinner: ${cpu.toFixed(1)} % after ${ms.toFixed(0)} ms; latest ${latest.toFixed(1)} %, docker stats ${reference} %`);
    expect(Math.abs(latest - reference)).toBeLessThanOrEqual(10);
  });

  it("the line's aggregate includes the spinner; the idle container is sampled in the background", async () => {
    const { value: line } = await waitFor(() => {
      const l = lineRows(watch.store.getState()).find((x) => x.name === 'hot');
      return l && l.sampled === 2 && l;
    }, 20_000, 100);
    expect(line.cpuPercent).toBeGreaterThan(80);
    expect(line.memBytes).toBeGreaterThan(0);
    expect(line.running).toBe(2);
  });

  it('dockpit top --json agrees with docker stats within 10 points', async () => {
    const r = await dockpit(['top', '--json', '--config', FLEET_CONFIG, '--bizline', 'hot']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ name: string; cpuPercent: number; memBytes: number }>;
    expect(rows.map((x) => x.name).sort()).toEqual(['idle', 'spin']);
    const spin = rows.find((x) => x.name === 'spin')!;
    const reference = await dockerStatsCpu('h2', 'spin');
    expect(Math.abs(spin.cpuPercent - reference)).toBeLessThanOrEqual(10);
    expect(rows.find((x) => x.name === 'idle')!.cpuPercent).toBeLessThan(5);
  });
});
