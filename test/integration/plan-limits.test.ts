import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanPreview } from '../../src/plans/types.js';
import { writeConfig } from '../support/configs.js';
import { docker, dockpit, FLEET_CONFIG, FLEET_DIR, readFleet, removeTestContainers, TEST_LABEL } from '../support/fleet.js';
import { closeTestStates, disposeState, stateYaml } from '../support/state-backend.js';

// Issue 12, items 1 and 2, on the real fleet (3 engines, cgroup v1):
// - `limit` on 15 containers, 12 without any limit and 3 with `--cpus 1 --memory 512m` (NanoCpus): all
//   15 done; a CPU spinner drops to about half a core; restore brings back the effective limits (the
//   spinner near a full core again, the three limited ones exactly 1 CPU / 512 MiB);
// - the preview is the run: `plan show --json` lists every action, refused ones with their reason, and
//   `plan apply --json` reports the same actions in the same order, refusals included.
// The same 15 containers serve both tests.

const hosts = readFleet().hosts.map((h) => h.name);
const MiB = 1024 * 1024;
const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-limits-'));
/** The engines' CPU count (all three run on this machine): the `mixed` plan asks for two more than that. */
const NCPU = Number(execFileSync('docker', ['-H', `unix://${FLEET_DIR}/h1/docker.sock`, 'info', '-f', '{{.NCPU}}'], { encoding: 'utf8' }).trim());
const TOO_MANY = NCPU + 2;

const PLANS = `
${stateYaml(path.join(tmpDir, 'state'), 'limits')}
plans:
  - name: throttle
    guards: { protectTiers: [] }
    steps:
      - select: { lines: [plim] }
        action: { limit: { cpus: 0.5, memory: 256m } }
  - name: mixed
    guards: { protectTiers: [0], maxDownPerLine: 0.5 }
    steps:
      - select: { lines: [plim], names: ["plim-*-0", "plim-*-2"] }
        action: pause
      - select: { lines: [plim], names: ["plim-*-3"] }
        action: { limit: { cpus: ${TOO_MANY} } }
      - select: { names: [plim-h2-3] }
        action: { limit: { memory: 64m } }
`;
const config = writeConfig(`${fs.readFileSync(FLEET_CONFIG, 'utf8').replace(/^state: .*\n/m, '')}${PLANS}`);

/** plim-<host>-<k>: k 0 is tier 0, the others tier 2; k 4 has `--cpus 1 --memory 512m`; plim-h1-1 spins a CPU. */
const SPINNER = { host: 'h1', name: 'plim-h1-1' };
const isLimited = (name: string) => name.endsWith('-4');

interface HostConfig {
  NanoCpus: number;
  CpuQuota: number;
  CpuPeriod: number;
  Memory: number;
  MemorySwap: number;
}

async function limitsOf(): Promise<Record<string, HostConfig>> {
  const out: Record<string, HostConfig> = {};
  await Promise.all(
    hosts.map(async (h) => {
      const ids = (await docker(h, 'ps', '-aq', '--filter', `label=${TEST_LABEL}`)).split('\n');
      for (const c of JSON.parse(await docker(h, 'inspect', ...ids)) as Array<{ Name: string; HostConfig: HostConfig }>) {
        const { NanoCpus, CpuQuota, CpuPeriod, Memory, MemorySwap } = c.HostConfig;
        out[c.Name.slice(1)] = { NanoCpus, CpuQuota, CpuPeriod, Memory, MemorySwap };
      }
    }),
  );
  return out;
}

/** The spinner's CPU (% of one core) as `docker stats` computes it: two engine samples about a second apart. */
async function spinnerCpu(): Promise<number> {
  const text = await docker(SPINNER.host, 'stats', '--no-stream', '--format', '{{.CPUPerc}}', SPINNER.name);
  return Number.parseFloat(text.replace('%', ''));
}

/** The spinner's CFS quota as the kernel has it (cgroup v1, the container's own cgroup mounted in it): -1 is none. */
async function quotaSeenByKernel(): Promise<number> {
  return Number(await docker(SPINNER.host, 'exec', SPINNER.name, 'cat', '/sys/fs/cgroup/cpu/cpu.cfs_quota_us'));
}

/** No CPU and no memory limit in effect (README: what restore puts back). */
const unlimited = (c: HostConfig) => c.NanoCpus === 0 && c.CpuQuota <= 0 && (c.Memory === 0 || c.Memory >= 9223372036854771712);

interface RunJson {
  runId: string;
  status: string;
  actions: Array<{ host: string; container: string; action: string; outcome: string; error?: string }>;
}

describe('plan limits on containers with and without limits', () => {
  beforeAll(async () => {
    await removeTestContainers(hosts);
    // One `docker run` per container, hosts in parallel: about 1.5 s.
    await Promise.all(
      hosts.map(async (h) => {
        for (let k = 0; k < 5; k++) {
          const name = `plim-${h}-${k}`;
          const spin = name === SPINNER.name;
          await docker(h, 'run', '-d', '--stop-timeout', '1', '--name', name, '--label', `${TEST_LABEL}=1`, '--label', 'dockpit.bizline=plim',
            '--label', `dockpit.tier=${k === 0 ? 0 : 2}`, ...(isLimited(name) ? ['--cpus', '1', '--memory', '512m'] : []),
            'dockpit/busybox:latest', ...(spin ? ['sh', '-c', 'while :; do :; done'] : ['sleep', '86400']));
        }
      }),
    );
  }, 60_000);

  afterAll(async () => {
    await removeTestContainers(hosts);
    await disposeState(config);
    await closeTestStates();
    fs.rmSync(tmpDir, { recursive: true, force: true });
  });

  it('limits all 15 (12 without limits): the spinner drops to half a core; restore puts back the effective limits', async () => {
    const before = await limitsOf();
    expect(Object.keys(before)).toHaveLength(15);
    expect(Object.entries(before).filter(([n]) => !isLimited(n)).every(([, c]) => unlimited(c))).toBe(true);
    const cpuBefore = await spinnerCpu();

    const apply = await dockpit(['plan', 'apply', 'throttle', '--yes', '--json', '--config', config]);
    expect(apply.stderr).toBe('');
    const run = JSON.parse(apply.stdout) as RunJson;
    expect(run.actions.map((a) => a.outcome)).toEqual(Array(15).fill('done'));
    expect(run.status).toBe('done');
    expect(apply.code).toBe(0);
    const limited = await limitsOf();
    for (const [name, c] of Object.entries(limited)) {
      // NanoCpus stays NanoCpus (the engine refuses to mix); the others are capped by a quota restore can lift.
      if (isLimited(name)) expect(c, name).toMatchObject({ NanoCpus: 500_000_000, Memory: 256 * MiB });
      else expect(c, name).toMatchObject({ NanoCpus: 0, CpuQuota: 50_000, CpuPeriod: 100_000, Memory: 256 * MiB, MemorySwap: 512 * MiB });
    }
    const cpuLimited = await spinnerCpu();
    expect(await quotaSeenByKernel()).toBe(50_000);

    const restore = await dockpit(['plan', 'restore', run.runId, '--json', '--config', config]);
    const restored = JSON.parse(restore.stdout) as { status: string; actions: Array<{ outcome: string; error?: string }> };
    expect(restored.actions.filter((a) => a.outcome !== 'done')).toEqual([]);
    expect(restored.status).toBe('done');
    expect(restore.code).toBe(0);
    const after = await limitsOf();
    for (const [name, c] of Object.entries(after)) {
      if (isLimited(name)) expect(c, name).toEqual(before[name]); // exactly 1 CPU / 512 MiB (and its swap)
      else expect(unlimited(c), `${name}: ${JSON.stringify(c)}`).toBe(true);
    }
    expect(before['plim-h1-4']).toMatchObject({ NanoCpus: 1e9, Memory: 512 * MiB });
    expect(await quotaSeenByKernel()).toBe(-1); // the kernel's own "no limit"
    const cpuRestored = await spinnerCpu();
    console.log(`spinner CPU: before ${cpuBefore} %, limited to 0.5 ${cpuLimited} %, restored ${cpuRestored} %`);
    // The cap holds however busy the machine is. What the spinner gets without it depends on the load
    // (a full core, 95 %, when the machine is idle; 38–59 % measured with three other fleets on these 2
    // CPUs), so "no limit again" is the kernel's quota above, and the figures are printed.
    expect(cpuLimited).toBeLessThan(60);
  }, 90_000);

  it('plan show --json lists every action with its refusals, and plan apply --json reports the same, action by action', async () => {
    const show = await dockpit(['plan', 'show', 'mixed', '--json', '--config', config]);
    expect(show.code).toBe(0);
    const preview = JSON.parse(show.stdout) as PlanPreview;
    const previewed = preview.actions.map((a) => [a.step, a.host, a.name, a.action, a.refused?.reason ?? null]);
    expect(previewed).toEqual([
      ...hosts.flatMap((h) => [
        [0, h, `plim-${h}-0`, 'pause', 'tier 0 is protected (guards.protectTiers)'],
        [0, h, `plim-${h}-2`, 'pause', null],
      ]),
      ...hosts.map((h) => [1, h, `plim-${h}-3`, 'limit', `cpus ${TOO_MANY} is more than the ${NCPU} CPUs of ${h}: the engine refuses such a limit`]),
      [2, 'h2', 'plim-h2-3', 'limit', null],
    ]);
    expect(preview.counts).toEqual({ feasible: 4, refused: 6, unseen: 0, skipped: 0 });

    const apply = await dockpit(['plan', 'apply', 'mixed', '--yes', '--json', '--config', config]);
    expect(apply.stderr).toBe('dockpit: plan mixed: 6 of 10 actions are refused (listed with why): only the 4 others will run, and the run will end partial\n');
    const run = JSON.parse(apply.stdout) as RunJson;
    expect(run.actions.map((a) => [a.host, a.container, a.action, a.outcome === 'refused' ? a.error : null])).toEqual(previewed.map(([, h, n, a, r]) => [h, n, a, r]));
    expect(run.actions.filter((a) => a.outcome !== 'refused').map((a) => a.outcome)).toEqual(['done', 'done', 'done', 'done']);
    // Refusals are not a success: the run is partial (exit 5), with nothing failed.
    expect(run.status).toBe('partial');
    expect(apply.code).toBe(5);
    expect(await docker('h1', 'inspect', '-f', '{{.State.Status}}', 'plim-h1-0')).toBe('running');
    expect(await docker('h1', 'inspect', '-f', '{{.State.Status}}', 'plim-h1-2')).toBe('paused');

    const restore = await dockpit(['plan', 'restore', run.runId, '--json', '--config', config]);
    expect((JSON.parse(restore.stdout) as { actions: unknown[] }).actions).toHaveLength(4);
    expect(restore.code).toBe(0);
    expect(await docker('h1', 'inspect', '-f', '{{.State.Status}}', 'plim-h1-2')).toBe('running');
  }, 60_000);
});
