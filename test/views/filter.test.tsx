import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { containersScreen } from '../../src/views/screens/containers-screen.js';
import { smallFleet } from './fleet-fixture.js';
import { ENTER, ESCAPE, frameLines, headersOf, press, renderApp, tableRows } from './render-app.js';

afterEach(() => cleanup());

const names = (frame: string) => tableRows(frame, headersOf(containersScreen)).map((r) => r.NAME);
const bottom = (frame: string) => frameLines(frame).at(-2)!.trimEnd();
const ALL = ['api', 'batch', 'web', 'db-b2', 'web-b1'];

async function containers() {
  const r = await renderApp(smallFleet(), undefined, { initialRoute: { kind: 'containers' } });
  expect(names(r.lastFrame()!)).toEqual(ALL);
  return r;
}

describe('/ filter', () => {
  it('narrows the rows as you type, any case; Enter keeps it; Escape clears it', async () => {
    const r = await containers();
    const open = await press(r, '/', (f) => bottom(f) === '/█');
    expect(bottom(open)).toBe('/█');
    const typed = await press(r, 'WEB', (f) => f.includes('containers (2)'));
    expect(names(typed)).toEqual(['web', 'web-b1']);
    expect(bottom(typed)).toBe('/WEB█');
    const kept = await press(r, ENTER, (f) => f.includes('filter: WEB'));
    expect(bottom(kept)).toBe('filter: WEB (esc clears)');
    expect(names(kept)).toEqual(['web', 'web-b1']);
    const cleared = await press(r, ESCAPE, (f) => f.includes('containers (5)'));
    expect(names(cleared)).toEqual(ALL);
    expect(bottom(cleared)).toBe('');
    // The first screen stays: Escape cleared the filter, it did not go back.
    expect(frameLines(cleared)[0]).toBe('dockpit · containers (5)  test');
  });

  it('matches IPs, hosts and lines', async () => {
    const r = await containers();
    await press(r, '/');
    expect(names(await press(r, '10.88', (f) => f.includes('containers (2)')))).toEqual(['api', 'web-b1']);
    await press(r, ESCAPE, (f) => f.includes('containers (5)'));
    await press(r, '/');
    expect(names(await press(r, 'bravo', (f) => f.includes('containers (2)')))).toEqual(['db-b2', 'web-b1']);
  });

  it('j and k while typing are text, not moves; backspace takes a character back', async () => {
    const r = await containers();
    await press(r, '/');
    const none = await press(r, 'dbj', (f) => f.includes('containers (0)'));
    expect(none).toContain('nothing matches "dbj"');
    const back = await press(r, '\u007F', (f) => f.includes('/db█'));
    expect(names(back)).toEqual(['db-b2']);
  });

  it('Escape while typing gives back the filter there was before', async () => {
    const r = await containers();
    await press(r, '/');
    await press(r, 'web');
    await press(r, ENTER, (f) => f.includes('filter: web'));
    await press(r, '/', (f) => bottom(f) === '/web█');
    await press(r, 'x', (f) => f.includes('containers (0)'));
    const restored = await press(r, ESCAPE, (f) => f.includes('containers (2)'));
    expect(bottom(restored)).toBe('filter: web (esc clears)');
    expect(names(restored)).toEqual(['web', 'web-b1']);
  });

  it('moves and Enter work on the filtered rows', async () => {
    const r = await containers();
    await press(r, '/');
    await press(r, 'web');
    await press(r, ENTER, (f) => f.includes('filter: web'));
    await press(r, 'j');
    const detail = await press(r, ENTER, (f) => f.includes('container web-b1 on bravo'));
    expect(frameLines(detail)[0]).toBe('dockpit · container web-b1 on bravo  test');
  });

  it('each screen keeps its own filter', async () => {
    const r = await renderApp(smallFleet());
    await press(r, '/');
    await press(r, 'a', (f) => f.includes('hosts (3)'));
    await press(r, 'l', (f) => f.includes('hosts (1)'));
    await press(r, ENTER, (f) => f.includes('filter: al'));
    const opened = await press(r, ENTER, (f) => f.includes('containers on alpha'));
    expect(bottom(opened)).toBe('');
    const back = await press(r, ESCAPE, (f) => f.includes('hosts (1)'));
    expect(bottom(back)).toBe('filter: al (esc clears)');
  });
});
