import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { smallFleet } from './fleet-fixture.js';
import { ENTER, ESCAPE, frameLines, press, renderApp, rowCells, settle, waitForFrame } from './render-app.js';

afterEach(() => cleanup());

describe('navigation', () => {
  it('j then Enter opens the second host’s containers; Escape goes back', async () => {
    const r = await renderApp(smallFleet());
    await press(r, 'j');
    const frame = await press(r, ENTER, (f) => f.includes('containers on'));
    const lines = frameLines(frame);
    expect(lines[0]).toBe('dockpit · containers on bravo (2)  test');
    // Then the traffic columns that fit, and the IPs last.
    expect(rowCells(frame, 'HOST').slice(0, 6)).toEqual(['HOST', 'NAME', 'BIZLINE', 'TIER', 'STATE', 'STATUS']);
    expect(rowCells(frame, 'HOST')).toContain('CPU');
    expect(rowCells(frame, 'HOST').at(-1)).toBe('IPS');
    // Only bravo's containers, by name.
    expect(lines.slice(2, 4).map((l) => l.trim().split(/\s+/).slice(0, 5))).toEqual([
      ['bravo', 'db-b2', 'pay', '3', 'paused'],
      ['bravo', 'web-b1', 'shop', '-', 'running'],
    ]);
    expect(lines[3]).toContain('10.88.2.11(biz)');
    expect(frame).not.toContain('alpha');

    const back = await press(r, ESCAPE, (f) => f.includes('hosts (3)'));
    expect(frameLines(back)[0]).toBe('dockpit · hosts (3)  test');
  });

  it('Enter on the first row opens the first host; k above the top stays there', async () => {
    const r = await renderApp(smallFleet());
    await press(r, 'k');
    const frame = await press(r, ENTER, (f) => f.includes('containers on'));
    expect(frameLines(frame)[0]).toBe('dockpit · containers on alpha (3)  test');
    expect(frameLines(frame).slice(2, 5).map((l) => l.trim().split(/\s+/)[1])).toEqual(['api', 'batch', 'web']);
  });

  it('j past the last host stays on the last one', async () => {
    const r = await renderApp(smallFleet());
    for (let i = 0; i < 5; i++) await press(r, 'j');
    const frame = await press(r, ENTER, (f) => f.includes('containers on'));
    expect(frameLines(frame)[0]).toBe('dockpit · containers on charlie (0)  test');
    // The title names the host; the empty line is the screen's own.
    expect(frameLines(frame)[2]).toBe('no containers');
  });

  it('Escape on the hosts screen stays there, and keys still work after it', async () => {
    const r = await renderApp(smallFleet());
    r.stdin.write(ESCAPE);
    // Ink holds a lone ESC until the next tick (it may start a sequence); no state changes, so no new frame.
    await settle();
    await settle();
    expect(frameLines(r.lastFrame())[0]).toBe('dockpit · hosts (3)  test');
    const frame = await press(r, ENTER, (f) => f.includes('containers on'));
    expect(frameLines(frame)[0]).toBe('dockpit · containers on alpha (3)  test');
  });

  it('two keys read before the next render both count (j, j, Enter opens the third host)', async () => {
    const r = await renderApp(smallFleet());
    // Two reads in one turn of the event loop, as when the app was busy and the terminal sent two keys.
    r.stdin.write('j');
    r.stdin.write('j');
    await settle();
    const frame = await press(r, ENTER, (f) => f.includes('containers on'));
    expect(frameLines(frame)[0]).toBe('dockpit · containers on charlie (0)  test');
  });

  it('j then Enter in one turn opens the host under the moved cursor', async () => {
    const r = await renderApp(smallFleet());
    r.stdin.write('j');
    r.stdin.write(ENTER);
    const frame = await waitForFrame(r, (f) => f.includes('containers on'));
    expect(frameLines(frame)[0]).toBe('dockpit · containers on bravo (2)  test');
  });

  it('q makes the app exit', async () => {
    const r = await renderApp(smallFleet());
    expect(r.stdin.listenerCount('readable')).toBe(1);
    r.stdin.write('q');
    // On exit Ink unmounts the tree, which stops reading stdin.
    await waitForFrame(r, () => r.stdin.listenerCount('readable') === 0);
    const frames = r.frames.length;
    r.stdin.write('j');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(r.frames.length).toBe(frames);
  });
});
