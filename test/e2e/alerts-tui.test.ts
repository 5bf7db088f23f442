import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, dockpit, FLEET_CONFIG, readFleet, removeTestContainers, runContainer, waitFor } from '../support/fleet.js';
import { TmuxSession } from '../support/tmux.js';

// Issue 15, item 1 (cockpit half), on the real binary in tmux against the real fleet: a `docker kill` fires
// containerDied; the status line counts it, `:alerts` lists it, `a` acknowledges it (the bottom line says so,
// the row says until when and by whom) and the audit log has it.

const hosts = readFleet().hosts.map((h) => h.name);
const NAME = 'e2e-alerted';
let tui: TmuxSession;

const lines = () => tui.screen().split('\n');
const rowOf = (text: string) => lines().find((l) => l.includes(text));
/** The line above the status line (Ink leaves the terminal's last row empty). */
const bottomLine = () => {
  const ls = lines();
  return ls[ls.findIndex((l) => /^hosts \d+\/\d+ up/.test(l)) - 1] ?? '';
};

describe(':alerts in tmux (issue 15)', () => {
  beforeAll(async () => {
    await removeTestContainers(hosts);
    // No business line: its lineDegraded alert would fire 30 s after the kill and move the count under test.
    await runContainer('h1', { name: NAME });
    tui = new TmuxSession(['--config', FLEET_CONFIG], { columns: 160, rows: 30 });
  });
  afterAll(async () => {
    tui.kill();
    await removeTestContainers(hosts);
  });

  it('a killed container fires containerDied: on :alerts and counted on the status line', async () => {
    // Generous: on a loaded 2-CPU machine with other fleets running, the first frame has taken over 10 s.
    await waitFor(() => tui.screen().includes('dockpit · business lines'), 30_000, 50, () => tui.screen());
    tui.keys(':alerts', 'Enter');
    await waitFor(() => tui.screen().includes('dockpit · alerts'), 10_000);
    tui.keys('/', NAME, 'Enter');
    await waitFor(() => tui.screen().includes(`filter: ${NAME}`) && !rowOf(`h1/${NAME}`), 10_000);

    await docker('h1', 'kill', NAME);
    const { ms } = await waitFor(() => /warning\s+containerDied\s+h1\/e2e-alerted .*FIRING/.test(rowOf(`h1/${NAME}`) ?? ''), 15_000, 10, () => tui.screen());
    console.log(`containerDied on :alerts ${ms.toFixed(0)} ms after docker kill returned`);
    expect(lines().find((l) => /^hosts \d+\/\d+ up/.test(l))).toMatch(/│ ⚠ \d+ alerts? /);
  });

  it('`a` acknowledges it: the bottom line says so, the row says until when and by whom, the audit log has it', async () => {
    const counted = () => Number(/⚠ (\d+) alert/.exec(lines().find((l) => /^hosts \d+\/\d+ up/.test(l)) ?? '')?.[1] ?? 0);
    const before = counted();
    tui.keys('a');
    await waitFor(() => /^acknowledged containerDied/.test(bottomLine()), 15_000, 10, () => tui.screen());
    await waitFor(() => /acked until \d\d:\d\d by \S+@\S+/.test(rowOf(`h1/${NAME}`) ?? ''), 10_000, 10, () => tui.screen());
    // No longer counted: firing, but acknowledged.
    await waitFor(() => counted() === before - 1, 10_000, 10, () => tui.screen());

    const audit = await dockpit(['audit', '--json', '--config', FLEET_CONFIG]);
    expect(audit.code).toBe(0);
    const acks = (JSON.parse(audit.stdout) as Array<{ action: string; targets: string[] }>).filter((e) => e.action === 'alert.ack');
    expect(acks.some((e) => e.targets.some((t) => t.includes(NAME)))).toBe(true);
  });

  it('Enter shows the alert: its labels', async () => {
    tui.keys('Enter');
    const { value } = await waitFor(() => tui.screen().includes('dockpit · alert containerDied h1/e2e-alerted') && tui.screen(), 10_000);
    expect(value).toMatch(/ {2}container=e2e-alerted/);
    expect(value).toMatch(/ {2}host=h1/);
    expect(value).toMatch(/ {2}severity=warning/);
    tui.keys('q');
    await waitFor(() => !tui.alive(), 10_000);
  });
});
