import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, docker, dockpit, fleetCommand, readFleet, waitFor } from '../support/fleet.js';
import { poolConfig, removeByPrefix } from '../support/pool-config.js';
import { closeTestStates } from '../support/state-backend.js';

// Issue 13, item 3 (finding 2): a plan never counts a host it cannot see as done. Its engine frozen (SIGSTOP)
// before the run: the preview lists what that host had when last seen as "not seen" and counts it in the
// guards, the run ends partial (exit 5) naming the host, and resume after the thaw stops the rest. The same
// frozen in the middle of the run. One line of 6 containers, 2 on each of the 3 hosts, reused by every test.

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);
const P = 'uh-';

const CFG = poolConfig(`engine: { callTimeout: 1500, connectTimeout: 1500 }
ipPools:
  - name: lan
    network: biz
    driver: bridge
    subnet: 10.88.0.0/16
    gateway: 10.88.0.1
    ranges: { uh: 10.88.90.0/24 }
lines:
  uh: { tier: 2, pool: lan }
plans:
  - name: shed
    guards: { maxDownPerLine: 1, stopTimeout: 1, actionTimeout: 15, parallelPerHost: 2, parallel: 6 }
    steps:
      - select: { lines: [uh] }
        action: stop
  - name: shed-slowly
    guards: { maxDownPerLine: 1, stopTimeout: 1, actionTimeout: 3, parallelPerHost: 1, parallel: 1 }
    steps:
      - select: { lines: [uh] }
        action: stop
  - name: half
    guards: { maxDownPerLine: 0.5, stopTimeout: 1 }
    steps:
      - select: { lines: [uh], names: ["uh-h2-*", "uh-h1-0"] }
        action: stop
`);
const CONFIG = CFG.file;

/** Each test container's state, `host/name` → state, from the engines. */
async function states(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const h of hosts) {
    const lines = await docker(h, 'ps', '-a', '--filter', `name=^${P}`, '--format', '{{.Names}} {{.State}}');
    for (const l of lines.split('\n').filter(Boolean)) {
      const [name, state] = l.split(' ');
      out[`${h}/${name}`] = state!;
    }
  }
  return out;
}

const onHost = (s: Record<string, string>, h: string) => Object.entries(s).filter(([k]) => k.startsWith(`${h}/`)).map(([, v]) => v);

async function startAll(): Promise<void> {
  await Promise.all(hosts.map(async (h) => {
    const ids = await docker(h, 'ps', '-aq', '--filter', `name=^${P}`, '--filter', 'status=exited');
    if (ids) await docker(h, 'start', ...ids.split('\n'));
  }));
}

interface RunOut { runId: string; status: string; unseen?: string[]; error?: string; actions: Array<{ host: string; container: string; outcome: string; error?: string }> }

beforeAll(async () => {
  await removeByPrefix(hosts, P);
  await Promise.all(hosts.flatMap((h, hi) => [0, 1].map((i) =>
    docker(h, 'run', '-d', '--name', `${P}${h}-${i}`, '--network', 'biz', '--ip', `10.88.90.${10 + hi * 10 + i}`, '--label', 'dockpit.bizline=uh',
      '--label', 'dockpit.tier=2', '--stop-timeout', '1', fleet.image, 'sleep', '100000'))));
});

afterAll(async () => {
  for (const h of hosts) fleetCommand('thaw', h);
  await removeByPrefix(hosts, P);
  await CFG.dispose();
  await closeTestStates();
});

describe('a host that does not answer is never counted as done', () => {
  it('frozen before the run, never seen: partial (exit 5) naming it; after the thaw resume plans it and stops its containers', async () => {
    fleetCommand('freeze', 'h2');
    let r;
    try {
      r = await dockpit(['plan', 'apply', 'shed', '--config', CONFIG, '--yes', '--json']);
    } finally {
      fleetCommand('thaw', 'h2');
    }
    expect(r.code, r.stderr).toBe(5);
    const out = JSON.parse(r.stdout) as RunOut;
    expect(out.status).toBe('partial');
    expect(out.unseen).toEqual(['h2']);
    expect(r.stderr).toMatch(/not seen: h2 did not answer/);
    let s = await states();
    expect(onHost(s, 'h1')).toEqual(['exited', 'exited']);
    expect(onHost(s, 'h3')).toEqual(['exited', 'exited']);
    expect(onHost(s, 'h2')).toEqual(['running', 'running']);

    const resumed = await dockpit(['plan', 'resume', out.runId, '--config', CONFIG, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = JSON.parse(resumed.stdout) as RunOut;
    expect(after.status).toBe('done');
    expect(after.actions.filter((a) => a.host === 'h2').map((a) => a.outcome)).toEqual(['done', 'done']);
    s = await states();
    expect(Object.values(s)).toEqual(Array(6).fill('exited'));
    // Restore puts back every container, those the resume added included.
    const restored = await dockpit(['plan', 'restore', out.runId, '--config', CONFIG, '--json']);
    expect(restored.code, restored.stdout).toBe(0);
    expect(Object.values(await states())).toEqual(Array(6).fill('running'));
  });

  it('frozen with its containers recorded: plan show lists them not seen and counts them in the guards; apply is partial, resume stops them', async () => {
    const rec = await dockpit(['record', '--config', CONFIG, '--json']);
    expect(rec.code, rec.stderr).toBe(0);
    fleetCommand('freeze', 'h2');
    let show;
    let half;
    let r;
    try {
      show = await dockpit(['plan', 'show', 'shed', '--config', CONFIG, '--json']);
      half = await dockpit(['plan', 'show', 'half', '--config', CONFIG]);
      r = await dockpit(['plan', 'apply', 'shed', '--config', CONFIG, '--yes', '--json']);
    } finally {
      fleetCommand('thaw', 'h2');
    }
    expect(show.code, show.stderr).toBe(0);
    const p = JSON.parse(show.stdout) as { unseen: Array<{ host: string; lastSeen: number | null }>; perLine: Record<string, { running: number; down: number }>; actions: Array<{ host: string; name: string; refused?: { code: string } }> };
    expect(p.unseen.map((u) => `${u.host} ${u.lastSeen}`)).toEqual(['h2 2']);
    expect(p.actions.filter((a) => a.refused?.code === 'unseen').map((a) => a.name)).toEqual(['uh-h2-0', 'uh-h2-1']);
    // The line counts everything it had: 6 running, 6 down (the 2 unseen counted as going down).
    expect(p.perLine.uh).toEqual(expect.objectContaining({ running: 6, down: 6 }));
    // 3 of 6 is within a share of 0.5 only if h2's 2 count: without them it would be 1 of 4.
    expect(half.code, half.stdout).toBe(0);
    expect(half.stdout).toMatch(/not seen: host h2 is down \(TIMEOUT/);
    expect(half.stdout).toMatch(/uh\s+3\/6/);

    expect(r.code, r.stderr).toBe(5);
    const out = JSON.parse(r.stdout) as RunOut;
    expect(out.status).toBe('partial');
    expect(out.unseen).toEqual(['h2']);
    expect(out.actions.filter((a) => a.host === 'h2').map((a) => a.outcome)).toEqual(['refused', 'refused']);
    expect(r.stderr).toMatch(/not seen: h2/);
    expect(onHost(await states(), 'h2')).toEqual(['running', 'running']);

    const resumed = await dockpit(['plan', 'resume', out.runId, '--config', CONFIG, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((JSON.parse(resumed.stdout) as RunOut).status).toBe('done');
    expect(Object.values(await states())).toEqual(Array(6).fill('exited'));
    await startAll();
  });

  it('frozen during the run: partial (exit 5) with its actions failed on that host; after the thaw resume stops them', async () => {
    // One action at a time, in host order: h3's turn comes after h1's and h2's.
    const child = spawn('node', [CLI, 'plan', 'apply', 'shed-slowly', '--config', CONFIG, '--yes', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    let code;
    try {
      await waitFor(async () => (await docker('h1', 'ps', '-q', '--filter', `name=^${P}`, '--filter', 'status=exited')) !== '', 20_000, 50);
      fleetCommand('freeze', 'h3');
      code = await exited;
    } finally {
      fleetCommand('thaw', 'h3');
    }
    expect(code, stderr).toBe(5);
    const out = JSON.parse(stdout) as RunOut;
    expect(out.status).toBe('partial');
    const h3 = out.actions.filter((a) => a.host === 'h3');
    expect(h3.map((a) => a.outcome)).toEqual(['failed', 'failed']);
    // A frozen engine behind ssh may end the stream or drop the connection rather than time out: either way it did not answer.
    for (const a of h3) expect(a.error).toMatch(/^(TIMEOUT|STREAM_ENDED|UNREACHABLE):/);
    expect(onHost(await states(), 'h3')).toEqual(['running', 'running']);
    const resumed = await dockpit(['plan', 'resume', out.runId, '--config', CONFIG, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(Object.values(await states())).toEqual(Array(6).fill('exited'));
  });
});
