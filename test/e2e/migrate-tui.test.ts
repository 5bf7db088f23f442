import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, readFleet, removeTestContainers, runContainer, waitFor } from '../support/fleet.js';
import { inspectOn, poolConfig, whereIs, type PoolConfig } from '../support/pool-config.js';
import { closeTestStates } from '../support/state-backend.js';
import { TmuxSession } from '../support/tmux.js';

// Issue 6, item 1, in the cockpit: on the real binary and the real fleet, `m` on a container with a static
// address, pick h2, Enter for the preview, Enter and its name typed to confirm; it runs on h2 with the same
// address and h1 no longer has it. Item 5: `E` on a host moves every container off it, each with its address.
// The cockpit's state (migrations' journal, locks, audit log) is on the backend under test (state-backend.ts):
// this file runs on files, on-etcd/ on etcd.

const hosts = readFleet().hosts.map((h) => h.name);
const NAME = 'mig-tui';
const IP = '10.88.2.77';
const EVACUEES: Array<[string, string]> = [['evac-a', '10.88.2.78'], ['evac-b', '10.88.2.79']];
let cfg: PoolConfig;
let tui: TmuxSession;
const screen = () => tui.screen();
const until = <T>(probe: () => T | Promise<T>, ms: number) => waitFor(probe, ms, 20, () => `screen:\n${screen()}`);

describe('migrating a container from the cockpit in tmux', () => {
  beforeAll(async () => {
    await removeTestContainers(hosts);
    await runContainer('h1', { name: NAME, bizline: 'forum', tier: 2, ip: IP });
    for (const [name, ip] of EVACUEES) await runContainer('h3', { name, bizline: 'forum', tier: 2, ip });
    cfg = poolConfig(`ipPools:
  - name: lan
    network: biz
    driver: bridge
    subnet: 10.88.0.0/16
    gateway: 10.88.0.1
    ranges: { forum: 10.88.2.0/24 }
lines:
  forum: { tier: 2, pool: lan, hosts: [h1, h2, h3] }
`);
    tui = new TmuxSession(['--config', cfg.file], { columns: 120, rows: 30 });
    await until(() => /hosts 3\/3 up/.test(screen()) && /^forum\s+2\s+● up/m.test(screen()), 10_000);
  });
  afterAll(async () => {
    tui.kill();
    await removeTestContainers(hosts);
    await cfg.dispose();
    await closeTestStates();
  });

  it('m, pick h2, preview, type the name: it runs on h2 with the same IP and h1 no longer has it', async () => {
    tui.keys(':', 'ps', 'Enter');
    await until(() => screen().includes('dockpit · containers') && screen().includes(NAME), 5000);
    tui.keys('/', NAME, 'Enter');
    await until(() => screen().includes(`filter: ${NAME}`), 3000);
    tui.keys('m');
    // The picker: the other hosts, each with its free memory and the preflight's verdict.
    await until(() => /^h2\s+up\s+\S+\s+\d+\s+0\s+ok/m.test(screen()) && /^h3\s+up/m.test(screen()), 10_000);
    tui.keys('Enter');
    await until(() => screen().includes(`${NAME} h1 → h2: preview`) && screen().includes(`create ${NAME} on h2 with ${IP}`) && screen().includes(`⏎ confirm (type ${NAME})`), 10_000);
    tui.keys('Enter');
    await until(() => screen().includes(`type "${NAME}" and press Enter`), 3000);
    tui.keys(NAME, 'Enter');
    await until(() => screen().includes('dockpit · migration'), 3000);
    await until(() => screen().includes(`done: ${NAME} is on h2 with ${IP}`), 45_000);
    expect(screen()).toMatch(/downtime \d+\.\d\d s/);

    // The engines themselves: running on h2 with its address, gone from h1 (its parked copy removed too).
    const truth = await inspectOn('h2', NAME);
    expect(truth.State.Status).toBe('running');
    expect(truth.NetworkSettings.Networks.biz!.IPAddress).toBe(IP);
    expect(await whereIs(hosts, NAME)).toEqual(['h2']);
    expect(await docker('h1', 'ps', '-aq', '--filter', 'label=dockpit.test')).toBe('');

    // Esc leaves the progress for the list, where the store now shows it on h2.
    tui.keys('Escape');
    await until(() => new RegExp(`^h2\\s+${NAME}\\s`, 'm').test(screen()), 10_000);
  });

  it('E on h3, its preview, h3 typed: every container runs elsewhere with its address, h3 is empty', async () => {
    tui.keys(':', 'hosts', 'Enter');
    await until(() => screen().includes('dockpit · hosts'), 3000);
    tui.keys('/', 'h3', 'Enter');
    await until(() => screen().includes('filter: h3') && /^h3\s+ssh\s+up/m.test(screen()), 3000);
    tui.keys('E');
    await until(() => screen().includes('evacuate h3 (up): 2 containers') && screen().includes('⏎ confirm (type h3)'), 15_000);
    for (const [name, ip] of EVACUEES) expect(screen()).toMatch(new RegExp(`${name}\\s+h[12]\\s+${ip.replace(/\./g, '\\.')}\\s+present`));
    tui.keys('Enter');
    await until(() => screen().includes('type "h3" and press Enter'), 3000);
    tui.keys('h3', 'Enter');
    await until(() => screen().includes('dockpit · migration'), 3000);
    await until(() => /evacuate h3 · run \S+ · \d+:\d\d · DONE/.test(screen()) && screen().includes('done 2 · of 2'), 60_000);
    for (const [name, ip] of EVACUEES) {
      const [where] = await whereIs(hosts, name);
      expect(where).toMatch(/^h[12]$/);
      const truth = await inspectOn(where!, name);
      expect(truth.State.Status).toBe('running');
      expect(truth.NetworkSettings.Networks.biz!.IPAddress).toBe(ip);
    }
    expect(await docker('h3', 'ps', '-aq')).toBe('');
  });
});
