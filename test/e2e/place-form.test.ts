import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, readFleet, removeTestContainers, runContainer, waitFor } from '../support/fleet.js';
import { poolConfig, type PoolConfig } from '../support/pool-config.js';
import { closeTestStates, testState } from '../support/state-backend.js';
import { TmuxSession } from '../support/tmux.js';

// Issue 4: placement has a form in the cockpit. On the real binary: `n` on a line, the fields, Enter for
// the preview, Enter to place; the container runs with the line's labels and its pool address, and the
// placement is in the ledger and the audit log (the state on the backend under test, state-backend.ts:
// this file runs on files, on-etcd/ on etcd).

const hosts = readFleet().hosts.map((h) => h.name);
let cfg: PoolConfig;
let tui: TmuxSession;
const screen = () => tui.screen();
const until = <T>(probe: () => T, ms: number) => waitFor(probe, ms, 20, () => `screen:\n${screen()}`);

describe('the placement form in tmux', () => {
  beforeAll(async () => {
    await removeTestContainers(hosts);
    await runContainer('h1', { name: 'forum-a', bizline: 'forum', tier: 2, ip: '10.88.2.50' });
    cfg = poolConfig(`ipPools:
  - name: lan
    network: biz
    driver: bridge
    subnet: 10.88.0.0/16
    gateway: 10.88.0.1
    ranges: { forum: 10.88.2.0/24 }
lines:
  forum: { tier: 2, pool: lan, hosts: [h2, h3] }
`);
    tui = new TmuxSession(['--config', cfg.file], { columns: 140, rows: 40 });
    await until(() => /^forum\s+2\s+● up/m.test(screen()) && /hosts 3\/3 up/.test(screen()), 10_000);
  });
  afterAll(async () => {
    tui.kill();
    await removeTestContainers(hosts);
    await Promise.all(hosts.map((h) => docker(h, 'rm', '-f', 'forum-form').catch(() => '')));
    await cfg.dispose();
    await closeTestStates();
  });

  it('n, the fields, Enter to preview, Enter to place', async () => {
    tui.keys('n');
    await until(() => screen().includes('dockpit · new container') && /line\s+forum/.test(screen()), 3000);
    tui.keys('forum-form', 'Tab', 'Tab', 'Tab', 'dockpit/busybox:latest', 'Tab', 'sleep 1d', 'Enter');
    const { value: preview } = await until(() => /dry run: forum-form → (h2|h3) 10\.88\.2\.\d+/.test(screen()) && screen(), 5000);
    const [, host, ip] = /dry run: forum-form → (h\d) (10\.88\.2\.\d+)/.exec(preview)!;
    tui.keys('Enter');
    await until(() => screen().includes(`forum-form → ${host} ${ip}`) && screen().includes('started'), 10_000);

    const inspect = JSON.parse(await docker(host!, 'inspect', 'forum-form')) as Array<{
      Config: { Labels: Record<string, string> };
      State: { Running: boolean };
      NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
    }>;
    expect(inspect[0]!.State.Running).toBe(true);
    expect(inspect[0]!.Config.Labels).toMatchObject({ 'dockpit.bizline': 'forum', 'dockpit.tier': '2' });
    expect(inspect[0]!.NetworkSettings.Networks.biz!.IPAddress).toBe(ip);
    const state = testState(cfg.file);
    expect(await state.ledger.list()).toContainEqual(expect.objectContaining({ name: 'forum-form', ip }));
    const audit = await state.audit.read();
    expect(audit.at(-1)).toMatchObject({ action: 'container.run', outcome: 'ok', targets: [`${host}/forum-form`] });

    tui.keys('Escape');
    await until(() => /^forum\s+2\s+● up\s+2\/2/m.test(screen()), 3000);
  });
});
