import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { hFleet, smallFleet } from './fleet-fixture.js';
import { frameLines, press, renderApp, waitForFrame } from './render-app.js';

afterEach(() => cleanup());

// Keys typed fast, pasted, or sent by tmux arrive in one read: each must count, in order.
describe('keys sent in one write', () => {
  it('jjj then Enter moves three rows and opens that one', async () => {
    const r = await renderApp(smallFleet(), undefined, { initialRoute: { kind: 'containers' } });
    r.stdin.write('jjj');
    const frame = await press(r, '\r', (f) => f.includes('container '));
    expect(frameLines(frame)[0]).toBe('dockpit · container db-b2 on bravo  test');
  });

  it('jjj and Enter in the same write', async () => {
    const r = await renderApp(smallFleet(), undefined, { initialRoute: { kind: 'containers' } });
    r.stdin.write('jjj\r');
    const frame = await waitForFrame(r, (f) => f.includes('container '));
    expect(frameLines(frame)[0]).toBe('dockpit · container db-b2 on bravo  test');
  });

  it('":host h2\\r" runs the command', async () => {
    const r = await renderApp(hFleet());
    r.stdin.write(':host h2\r');
    const frame = await waitForFrame(r, (f) => f.includes('containers on h2'));
    expect(frameLines(frame)[0]).toBe('dockpit · containers on h2 (2)  test');
    expect(frameLines(frame).at(-2)!.trim()).toBe('');
  });

  it('":ho\\t" completes in the same write', async () => {
    const r = await renderApp(hFleet());
    r.stdin.write(':ho\t');
    const frame = await waitForFrame(r, (f) => f.includes(':host█'));
    expect(frameLines(frame).at(-2)!.trimEnd()).toBe(':host█ hosts host');
  });

  it('"/10.88.1.10\\r" jumps to the owner', async () => {
    const r = await renderApp(hFleet(), undefined, { initialRoute: null });
    r.stdin.write('/10.88.1.10\r');
    const frame = await waitForFrame(r, (f) => f.includes('container web-1 on h1'));
    expect(frameLines(frame)[0]).toBe('dockpit · container web-1 on h1  test');
  });

  it('"oO" sorts then reverses', async () => {
    const r = await renderApp(smallFleet(), { columns: 200, rows: 40 });
    r.stdin.write('oO');
    const frame = await waitForFrame(r, (f) => f.includes('HOST▼'));
    expect(frameLines(frame).slice(2, 5).map((l) => l.split(' ')[0])).toEqual(['charlie', 'bravo', 'alpha']);
  });

  it('a burst with a typo and backspace in the filter', async () => {
    const r = await renderApp(smallFleet(), undefined, { initialRoute: { kind: 'containers' } });
    r.stdin.write('/dbx\u007F\r');
    const frame = await waitForFrame(r, (f) => f.includes('filter: db (esc clears)'));
    expect(frameLines(frame)[0]).toBe('dockpit · containers (1)  test');
  });
});
