import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { containersScreen } from '../../src/views/screens/containers-screen.js';
import { hFleet } from './fleet-fixture.js';
import { ENTER, ESCAPE, frameLines, headersOf, press, renderApp, settle, tableRows } from './render-app.js';

afterEach(() => cleanup());

const names = (frame: string) => tableRows(frame, headersOf(containersScreen)).map((r) => r.NAME);

describe('/ + an IP + Enter', () => {
  it('opens the detail of the container that owns the address, from the first screen', async () => {
    const r = await renderApp(hFleet(), undefined, { initialRoute: null });
    await press(r, '/');
    const typed = await press(r, '10.88.1.10', (f) => f.includes('/10.88.1.10█'));
    expect(frameLines(typed).at(-2)!.trimEnd()).toBe('/10.88.1.10█');
    const detail = await press(r, ENTER, (f) => f.includes('container web-1 on h1'));
    // The detail screen is a placeholder for now: only its title is asserted.
    expect(frameLines(detail)[0]).toBe('dockpit · container web-1 on h1  test');
  });

  it('Escape from that detail shows the containers filtered by the IP, then all, then the first screen unfiltered', async () => {
    const r = await renderApp(hFleet(), undefined, { initialRoute: null });
    await press(r, '/');
    await press(r, '10.88.1.10');
    await press(r, ENTER, (f) => f.includes('container web-1 on h1'));
    const filtered = await press(r, ESCAPE, (f) => f.includes('containers (1)'));
    expect(names(filtered)).toEqual(['web-1']);
    expect(frameLines(filtered).at(-2)!.trimEnd()).toBe('filter: 10.88.1.10 (esc clears)');
    const all = await press(r, ESCAPE, (f) => f.includes('containers (4)'));
    expect(names(all)).toEqual(['api-1', 'web-1', 'db-2', 'web-2']);
    const lines = await press(r, ESCAPE, (f) => f.includes('business lines'));
    expect(frameLines(lines)[0]).toBe('dockpit · business lines (2)  test');
    expect(frameLines(lines).at(-2)!.trim()).toBe('');
  });

  it('from the hosts screen too', async () => {
    const r = await renderApp(hFleet());
    await press(r, '/');
    await press(r, '10.88.2.10');
    const detail = await press(r, ENTER, (f) => f.includes('container web-2 on h2'));
    expect(frameLines(detail)[0]).toBe('dockpit · container web-2 on h2  test');
  });

  it('text that is not an address someone holds stays a filter', async () => {
    const r = await renderApp(hFleet(), undefined, { initialRoute: { kind: 'containers' } });
    await press(r, '/');
    await press(r, '10.88.9.9');
    const frame = await press(r, ENTER, (f) => f.includes('filter: 10.88.9.9'));
    expect(frameLines(frame)[0]).toBe('dockpit · containers (0)  test');
    expect(frame).toContain('nothing matches "10.88.9.9"');
  });

  // BUG (reported): two engines can give two containers the same IP (engine-facts.md); the cockpit must show
  // both holders rather than open the first host's container as if it were the only one.
  it('an IP held by two containers shows both holders, not one of them', async () => {
    const r = await renderApp(hFleet(), undefined, { initialRoute: { kind: 'containers' } });
    await press(r, '/');
    await press(r, '10.88.1.11');
    await press(r, ENTER);
    await settle();
    const frame = frameLines(r.lastFrame()).join('\n');
    expect(frameLines(frame)[0]).toBe('dockpit · containers (2)  test');
    expect(names(frame)).toEqual(['api-1', 'db-2']);
  });
});
