import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, FLEET_CONFIG, readFleet, removeTestContainers, runContainer, waitFor } from '../support/fleet.js';
import { TmuxSession } from '../support/tmux.js';

// Done means (issue 3), on the real binary in tmux: `/`, an IP, Enter selects the owner and shows its
// detail; a killed container marks its line degraded within 1 s and the event is in the timeline;
// 80×24 and 200×60 render without wrapped or torn lines; secret env values are masked by default.

const hosts = readFleet().hosts.map((h) => h.name);
let tui: TmuxSession;

const screen = () => tui.screen();
const lines = () => screen().replace(/\n+$/, '').split('\n');
/** waitFor on the screen, showing it when the condition is not met. */
const until = <T>(probe: () => T, ms: number) => waitFor(probe, ms, 10, () => `screen:\n${screen()}`);

describe('the cockpit in tmux', () => {
  beforeAll(async () => {
    await removeTestContainers(hosts);
    await runContainer('h1', { name: 'news-web', bizline: 'news', tier: 1, ip: '10.88.1.21' });
    await runContainer('h2', { name: 'news-api', bizline: 'news', tier: 1, ip: '10.88.1.22' });
    await runContainer('h3', { name: 'forum-web', bizline: 'forum', tier: 2, ip: '10.88.2.21' });
    await docker('h3', 'run', '-d', '--name', 'pay-db', '--label', 'dockpit.test=1', '--label', 'dockpit.bizline=pay', '--label', 'dockpit.tier=0',
      '--env', 'DB_PASSWORD=hunter2', '--env', 'MODE=primary', '--network', 'biz', '--ip', '10.88.3.30', 'dockpit/busybox:latest', 'sleep', '86400');
    tui = new TmuxSession(['--config', FLEET_CONFIG], { columns: 140, rows: 50 });
    // Every host listed (the SSH one connects last), so every address has its owner.
    await until(() => /news\s+1\s+● up\s+2\/2/.test(screen()) && /^pay\s/m.test(screen()) && /hosts 3\/3 up/.test(screen()), 10_000);
  });
  afterAll(async () => {
    tui.kill();
    await removeTestContainers(hosts);
  });

  it('/ + an IP + Enter: the owner of the address, with its detail and masked secrets', async () => {
    tui.keys('/', '10.88.3.30', 'Enter');
    const { value } = await until(() => screen().includes('container pay-db on h3') && /DB_PASSWORD/.test(screen()) && screen(), 3000);
    expect(value).toContain('10.88.3.30');
    expect(value).toMatch(/MODE=primary/);
    expect(value).not.toContain('hunter2');
    expect(value).toMatch(/DB_PASSWORD=•+/);
    tui.keys('x');
    await until(() => screen().includes('DB_PASSWORD=hunter2'), 2000);
    tui.keys('x');
    await until(() => !screen().includes('hunter2'), 2000);
    // One Esc a keypress, as a person types them (Ink reads several Esc in one read as one).
    for (let i = 0; i < 3; i++) {
      tui.keys('Escape');
      await new Promise((r) => setTimeout(r, 60));
    }
    await until(() => screen().includes('dockpit · business lines'), 2000);
  });

  it('a killed container marks its line degraded within 1 s, and the event is in the timeline', async () => {
    await docker('h2', 'kill', 'news-api');
    const { ms } = await until(() => /news\s+1\s+◐ degraded\s+1\/2/.test(screen()), 1000);
    console.log(`line degraded on screen ${ms.toFixed(0)} ms after docker kill returned`);
    tui.keys(':events', 'Enter');
    const { value } = await until(() => screen().includes('fleet events') && screen(), 2000);
    const rows = value.split('\n').filter((l) => l.includes('news-api'));
    expect(rows[0]).toMatch(/h2\s+news-api\s+die/); // newest first: die comes after kill
    expect(rows.some((l) => /kill/.test(l))).toBe(true);
    tui.keys('/', 'pay-db', 'Enter');
    await until(() => lines().filter((l) => /^\d\d:\d\d/.test(l)).every((l) => l.includes('pay-db')), 2000);
    tui.keys('Escape', ':lines', 'Enter');
  });

  it('80×24 and 200×60: every screen fits, no wrapped or torn lines', async () => {
    for (const [columns, rows] of [[80, 24], [200, 60]] as const) {
      tui.resize(columns, rows);
      for (const [cmd, title] of [[':lines', 'business lines'], [':hosts', 'hosts'], [':ps', 'containers'], [':ip', 'addresses'], [':events', 'fleet events']] as const) {
        tui.keys(cmd, 'Enter');
        const { value } = await until(() => {
          const l = lines();
          return l[0]!.startsWith(`dockpit · ${title}`) && /^hosts \d\/3 up/.test(l.at(-1)!) && l;
        }, 3000);
        expect(value.length).toBeLessThan(rows);
        for (const l of value) expect(l.length).toBeLessThanOrEqual(columns);
        expect(value.filter((l) => l.startsWith('dockpit ·'))).toHaveLength(1);
      }
    }
  });
});
