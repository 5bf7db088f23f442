import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, readFleet, removeTestContainers, runContainer, TEST_LABEL, waitFor, type CliResult } from '../support/fleet.js';
import { collect, configWithState, etcdStateYaml, freshPrefix, jumpHost, killHard, spawnOn, type Jump } from '../support/team.js';
import { TmuxSession } from '../support/tmux.js';

// Issue 11, item 4, on the real binary and the real fleet: bob's cockpit runs on jump host j2 (its own
// network namespace and hostname) while alice, on j1, applies a plan of nine slow stops (one at a time, each
// waiting out a stop timeout of 1 s) in the state both share. Bob's status line shows her run as it goes
// (who, which plan, how far), then its end; `a` on the same plan in bob's cockpit names her as the holder
// of the containers instead of asking for the name. Once with a state folder, once with etcd.

const hosts = readFleet().hosts.map((h) => h.name);
const NAMES = hosts.flatMap((h) => [0, 1, 2].map((i) => ({ host: h, name: `team-${h}-${i}` })));
const PLANS = `
plans:
  - name: shed
    description: stop the team line, one container at a time
    guards: { protectTiers: [0], maxDownPerLine: 1, parallelPerHost: 1, parallel: 1, stopTimeout: 1, actionTimeout: 30 }
    steps:
      - select: { lines: [team] }
        action: stop
`;

/** The argv that runs bob's cockpit as on jump host j2: its network namespace, its hostname, its operator. */
function onJump(j: Jump): string[] {
  const ns = readFleet().jumpHosts.find((x) => x.name === j.name)!.netns;
  return ['nsenter', `--net=/var/run/netns/${ns}`, '--', 'unshare', '--uts', '--', 'sh', '-c', 'hostname "$0" && exec "$@"', j.hostname, 'env', `HOME=${j.home}`, `SUDO_USER=${j.operator}`, `USER=${j.operator}`];
}

async function startAll(): Promise<void> {
  for (const h of hosts) {
    const ids = await docker(h, 'ps', '-aq', '--filter', `label=${TEST_LABEL}`, '--filter', 'status=exited');
    if (ids) await docker(h, 'start', ...ids.split('\n'));
  }
}

const variants: Array<{ name: string; state: () => string; size: { columns: number; rows: number } }> = [
  { name: 'a state folder, 80×24', state: () => `state: ${fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-team-cockpit-'))}`, size: { columns: 80, rows: 24 } },
];
// The fleet's etcd cluster (test/fleet/fleet.sh): a prefix of this test's own.
if ((readFleet() as { etcd?: unknown }).etcd) {
  variants.push({ name: 'etcd, 160×40', state: () => etcdStateYaml(freshPrefix('cockpit')), size: { columns: 160, rows: 40 } });
}

describe.each(variants)('another operator’s run in the cockpit, on $name', ({ state, size }) => {
  const alice = jumpHost('j1');
  const bob = jumpHost('j2');
  let config: string;
  let tui: TmuxSession;
  let run: ChildProcess | null = null;
  const screen = () => tui.screen();
  const statusLine = () => screen().split('\n').find((l) => l.startsWith('hosts ')) ?? '';
  const until = <T>(probe: () => T | Promise<T>, ms: number) => waitFor(probe, ms, 50, () => `screen:\n${screen()}`);

  beforeAll(async () => {
    await removeTestContainers(hosts);
    for (const { host, name } of NAMES) await runContainer(host, { name, bizline: 'team', tier: 2 });
    config = configWithState(state(), PLANS);
    tui = new TmuxSession(['--config', config], size, onJump(bob));
    await until(() => /^hosts 3\/3 up │ containers 9\/9 running/m.test(screen()), 15_000);
  });
  afterAll(async () => {
    if (run) killHard(run);
    tui?.kill();
    await removeTestContainers(hosts);
    await startAll().catch(() => undefined);
  });

  it('shows alice’s run on bob’s status line as it goes, refuses `a` on her containers naming her, then shows its end', { timeout: 120_000 }, async () => {
    expect(statusLine()).not.toMatch(/[▶✓✗]/);
    run = spawnOn(alice, ['--config', config, 'plan', 'apply', 'shed', '--yes']);
    const done: Promise<CliResult> = collect(run);

    // Her run, with its progress: several counts seen while it runs (nine stops of about a second each).
    const seen = new Set<number>();
    // At 80 columns with alerts counted (issue 15) the status line names her without the jump host.
    const progress = /▶ alice(?:@jump-j1)?: plan shed (\d)\/9/;
    await until(() => {
      const m = progress.exec(statusLine());
      if (m) seen.add(Number(m[1]));
      return seen.size >= 3;
    }, 20_000);
    // Its whole line fits the terminal: one line, whatever the width.
    expect(statusLine().trimEnd().length).toBeLessThan(size.columns);

    // Bob applies the same plan: her run holds those containers; he is told who, and no name is asked.
    tui.keys('p');
    await until(() => screen().includes('dockpit · degradation plans'), 5000);
    tui.keys('Enter');
    await until(() => screen().includes('dockpit · plan shed'), 5000);
    tui.keys('a');
    const refusal = await until(() => screen().split('\n').find((l) => l.includes('is held by')), 5000);
    expect(refusal.value).toMatch(/^refused: h\d\/team-h\d-\d is held by alice@jump-j1 \(run \d{8}T\d{6}Z-/);
    expect(screen()).not.toContain('type "shed"');
    // The status line stays on every screen, and keeps counting.
    await until(() => Math.max(...seen) < Number(progress.exec(statusLine())?.[1] ?? 0), 10_000);
    tui.keys('Escape');
    tui.keys('Escape');

    const result = await done;
    run = null;
    expect(result.code, result.stderr).toBe(0);
    await until(() => /✓ alice(?:@jump-j1)?: plan shed done/.test(statusLine()), 10_000);
    for (const { host, name } of NAMES) expect(await docker(host, 'inspect', '-f', '{{.State.Status}}', name)).toBe('exited');
  });
});
