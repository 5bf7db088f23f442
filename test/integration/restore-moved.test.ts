import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, dockpit, readFleet } from '../support/fleet.js';
import { inspectOn, poolConfig, removeByPrefix, whereIs } from '../support/pool-config.js';
import { closeTestStates } from '../support/state-backend.js';

// Issue 13, item 5 (finding 4): a plan stops and limits containers; an evacuation then moves them (the
// stopped ones arrive `created` on their new hosts, under new IDs). `plan restore` follows each one through
// the migration journal and puts it back as it was before the plan, on the host where it now lives.

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);
const P = 'rmv-';

const CFG = poolConfig(`ipPools:
  - name: lan
    network: biz
    driver: bridge
    subnet: 10.88.0.0/16
    gateway: 10.88.0.1
    ranges: { rmv: 10.88.92.0/24 }
lines:
  rmv: { tier: 2, pool: lan }
plans:
  - name: shed-rmv
    guards: { maxDownPerLine: 1, stopTimeout: 1, actionTimeout: 20 }
    steps:
      - select: { lines: [rmv], names: ["${P}0", "${P}1"] }
        action: stop
      - select: { lines: [rmv], names: ["${P}2"] }
        action: { limit: { cpus: 0.5, memory: 64m } }
`);
const CONFIG = CFG.file;
const NAMES = [0, 1, 2].map((i) => `${P}${i}`);

/** What restore must bring back, per name: state, limits, address (wherever it lives). */
async function truth(name: string): Promise<{ host: string; state: string; nanoCpus: number; memory: number; ip: string }> {
  const [host, ...more] = await whereIs(hosts, name);
  expect(more, `${name} on several hosts`).toEqual([]);
  const i = await inspectOn(host!, name);
  return { host: host!, state: i.State.Status, nanoCpus: i.HostConfig.NanoCpus, memory: i.HostConfig.Memory, ip: i.NetworkSettings.Networks.biz?.IPAddress ?? '' };
}

beforeAll(async () => {
  await removeByPrefix(hosts, P);
  await Promise.all(NAMES.map((name, i) =>
    docker('h1', 'run', '-d', '--name', name, '--network', 'biz', '--ip', `10.88.92.${10 + i}`, '--label', 'dockpit.bizline=rmv', '--label', 'dockpit.tier=2',
      '--memory', '32m', '--stop-timeout', '1', fleet.image, 'sleep', '100000')));
});

afterAll(async () => {
  await removeByPrefix(hosts, P);
  await CFG.dispose();
  await closeTestStates();
});

describe('plan restore after an evacuation', () => {
  it('brings every container back to its state before the plan, on the host where it now lives', async () => {
    const before = await Promise.all(NAMES.map(truth));
    expect(before.map((b) => `${b.host} ${b.state}`)).toEqual(Array(3).fill('h1 running'));

    const applied = await dockpit(['plan', 'apply', 'shed-rmv', '--config', CONFIG, '--yes', '--json']);
    expect(applied.code, applied.stderr).toBe(0);
    const runId = (JSON.parse(applied.stdout) as { runId: string }).runId;

    const evac = await dockpit(['evacuate', 'h1', '--config', CONFIG, '--yes', '--json', '--gate-seconds', '1']);
    expect(evac.code, `${evac.stderr}\n${evac.stdout.slice(0, 2000)}`).toBe(0);
    const moved = await Promise.all(NAMES.map(truth));
    for (const m of moved) expect(m.host).not.toBe('h1');
    // What the finding saw: the stopped ones arrive created, not running.
    expect(moved.map((m) => m.state)).toEqual(['created', 'created', 'running']);

    const restored = await dockpit(['plan', 'restore', runId, '--config', CONFIG, '--json']);
    expect(restored.code, restored.stdout).toBe(0);
    const r = JSON.parse(restored.stdout) as { status: string; actions: Array<{ host: string; container: string; outcome: string }> };
    expect(r.status).toBe('done');
    expect(r.actions.map((a) => `${a.container} ${a.host}`).sort()).toEqual(moved.map((m, i) => `${NAMES[i]} ${m.host}`));

    const after = await Promise.all(NAMES.map(truth));
    expect(after).toEqual(before.map((b, i) => ({ ...b, host: moved[i]!.host })));
  });
});
