import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, FLEET_CONFIG, readFleet, removeTestContainers, runContainer, waitFor } from '../support/fleet.js';
import { TmuxSession } from '../support/tmux.js';

// Done means: a container started, stopped or removed with the docker CLI is on the screen of the real
// `dockpit` binary driven in tmux within 1 s. Plus: the screen never has more lines than the terminal.

const hosts = readFleet().hosts.map((h) => h.name);
let tui: TmuxSession;

function rowOf(screen: string, name: string): string | undefined {
  return screen.split('\n').find((l) => l.includes(` ${name} `));
}

describe('dockpit in tmux', () => {
  beforeAll(async () => {
    await removeTestContainers(hosts);
    tui = new TmuxSession(['--config', FLEET_CONFIG]);
  });
  afterAll(async () => {
    tui.kill();
    await removeTestContainers(hosts);
  });

  it('opens on the business lines; :hosts shows every host up, with transport, engine and live-restore', async () => {
    await waitFor(() => tui.screen().includes('dockpit · business lines'), 10_000);
    tui.keys(':hosts', 'Enter');
    // Up with the lists; the engine's version a moment later (issue 16: asked once the first frame is out).
    const { value: screen } = await waitFor(() => {
      const s = tui.screen();
      return /h1\s+unix\s+up\s+20\.10/.test(s) && ['h1', 'h2', 'h3'].every((h) => /\bup\b/.test(s.split('\n').find((l) => l.includes(` ${h} `) || l.startsWith(h)) ?? '')) && s;
    }, 10_000);
    expect(screen).toMatch(/h1\s+unix\s+up\s+20\.10/);
    expect(screen).toMatch(/h2\s+tcp\s+up/);
    expect(screen).toMatch(/h3\s+ssh\s+up/);
    expect(screen).toContain('hosts 3/3 up');
  });

  it('Enter opens a host; started, stopped and removed containers show within 1 s', async () => {
    tui.keys('Enter');
    await waitFor(() => tui.screen().includes('containers on h1'), 3000);

    await runContainer('h1', { name: 'e2e-web', bizline: 'news', tier: 1, ip: '10.88.7.7' });
    // The whole row (state from the event, IP and status from the re-list that follows it).
    const full = /h1\s+e2e-web\s+news\s+1\s+running\s+Up.*10\.88\.7\.7\(biz\)/;
    const started = await waitFor(() => full.test(rowOf(tui.screen(), 'e2e-web') ?? ''), 1000);

    await docker('h1', 'stop', '-t', '0', 'e2e-web');
    const stopped = await waitFor(() => /exited/.test(rowOf(tui.screen(), 'e2e-web') ?? ''), 1000);

    await docker('h1', 'rm', 'e2e-web');
    const removed = await waitFor(() => rowOf(tui.screen(), 'e2e-web') === undefined, 1000);
    console.log(`screen: start ${started.ms.toFixed(0)} ms, stop ${stopped.ms.toFixed(0)} ms, rm ${removed.ms.toFixed(0)} ms`);

    tui.keys('Escape');
    await waitFor(() => tui.screen().includes('dockpit · hosts'), 3000);
  });

  it('a running line is healthy, and a killed container marks it degraded', async () => {
    await runContainer('h2', { name: 'e2e-a', bizline: 'e2eline', tier: 1 });
    await runContainer('h3', { name: 'e2e-b', bizline: 'e2eline', tier: 1 });
    tui.keys(':lines', 'Enter');
    const lineRow = () => tui.screen().split('\n').find((l) => l.startsWith('e2eline')) ?? '';
    await waitFor(() => /e2eline\s+1\s+● up\s+2\/2/.test(lineRow()), 3000);
    await docker('h3', 'kill', 'e2e-b');
    const { ms } = await waitFor(() => /◐ degraded\s+1\/2/.test(lineRow()), 1000);
    console.log(`line degraded on screen ${ms.toFixed(0)} ms after docker kill returned`);
    tui.keys(':hosts', 'Enter');
    await waitFor(() => tui.screen().includes('dockpit · hosts'), 3000);
  });

  it('redraws within the terminal after a resize, without wrapped lines', async () => {
    for (const [columns, rows] of [[80, 24], [200, 60], [60, 12]] as const) {
      tui.resize(columns, rows);
      const { value } = await waitFor(() => {
        const s = tui.screen();
        const lines = s.replace(/\n+$/, '').split('\n');
        // A whole frame: title first, status last (a capture can fall between Ink's clear and its redraw).
        return lines[0]!.startsWith('dockpit · hosts') && lines.at(-1)!.startsWith('hosts 3/3 up') && s;
      }, 3000);
      const lines = value.replace(/\n+$/, '').split('\n');
      expect(lines.length).toBeLessThan(rows);
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(columns);
      expect(lines.filter((l) => l.includes('dockpit ·'))).toHaveLength(1);
      expect(lines.filter((l) => /^h[123] /.test(l))).toHaveLength(3);
    }
  });

  it('q quits', async () => {
    tui.keys('q');
    await waitFor(() => !tui.alive(), 3000);
  });
});
