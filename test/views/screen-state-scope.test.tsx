import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { fakeActions, inspectOf } from './fake-actions.js';
import { hFleet } from './fleet-fixture.js';
import { ENTER, ESCAPE, frameLines, press, renderApp, waitForFrame } from './render-app.js';

afterEach(() => cleanup());

const NAMES: Record<string, string> = { 'id-web-1': 'web-1', 'id-api-1': 'api-1', 'id-web-2': 'web-2', 'id-db-2': 'db-2' };

// `x` reveals secret env values on the detail in front of the operator; it must not carry over to another
// container's detail the operator reaches without going back (`:` commands, the IP jump).
describe('x reveal is for one detail', () => {
  it('another container’s detail reached through the command line starts masked', async () => {
    const actions = fakeActions((_host, id) => Promise.resolve(inspectOf(id, NAMES[id]!)));
    const r = await renderApp(hFleet(), { columns: 160, rows: 50 }, { initialRoute: { kind: 'containers' }, actions });
    await press(r, ENTER, (f) => f.includes('container api-1 on h1') && f.includes('DB_PASSWORD=••••••'));
    await press(r, 'x', (f) => f.includes('DB_PASSWORD=hunter2'));
    r.stdin.write(':host h2\r');
    await waitForFrame(r, (f) => f.includes('containers on h2'));
    // BUG (reported): App resets `reveal` only on Escape, so db-2's secrets show unasked.
    const other = await press(r, ENTER, (f) => f.includes('container db-2 on h2') && f.includes('DB_PASSWORD='));
    expect(other).toContain('DB_PASSWORD=••••••');
    expect(other).not.toContain('hunter2');
  });
});

// `k` in a log pauses following that log; a log opened afterwards, for another container, starts following.
describe('log follow is for one log', () => {
  it('another container’s log starts following after the last one was paused', async () => {
    const actions = fakeActions();
    const r = await renderApp(hFleet(), { columns: 160, rows: 30 }, { initialRoute: { kind: 'containers' }, actions });
    const first = await press(r, 'l', (f) => f.includes('log of api-1 on h1'));
    expect(frameLines(first)[1]).toMatch(/^following/);
    await press(r, 'k', (f) => frameLines(f)[1]!.startsWith('paused'));
    // Back, then another log: following again.
    await press(r, ESCAPE, (f) => f.includes('containers (4)'));
    await press(r, 'j');
    expect(frameLines(await press(r, 'l', (f) => f.includes('log of web-1 on h1')))[1]).toMatch(/^following/);
    await press(r, 'k', (f) => frameLines(f)[1]!.startsWith('paused'));
    // Straight to another log through the command line, without going back.
    r.stdin.write(':host h2\r');
    await waitForFrame(r, (f) => f.includes('containers on h2'));
    // BUG (reported): App resets `follow` only on Escape, G and f, so db-2's log opens paused.
    const other = await press(r, 'l', (f) => f.includes('log of db-2 on h2'));
    expect(frameLines(other)[1]).toMatch(/^following/);
  });
});
