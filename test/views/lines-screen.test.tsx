import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { applyEvent } from '../../src/store/apply-event.js';
import { linesScreen } from '../../src/views/screens/lines-screen.js';
import { containersScreen } from '../../src/views/screens/containers-screen.js';
import { smallFleet } from './fleet-fixture.js';
import { ENTER, ESCAPE, frameLines, headersOf, press, renderApp, tableRows, waitForFrame } from './render-app.js';

afterEach(() => cleanup());

const LINE_HEADERS = headersOf(linesScreen);
const pick = (rows: Array<Record<string, string>>, ...keys: string[]) => rows.map((r) => keys.map((k) => r[k]));

describe('business lines, the first screen', () => {
  it('without an initial route <App> opens on the lines: tier, health mark, running/total and hosts', async () => {
    const r = await renderApp(smallFleet(), undefined, { initialRoute: null });
    const frame = r.lastFrame()!;
    expect(frameLines(frame)[0]).toBe('dockpit · business lines (3)  test');
    // By tier; the unlabelled container makes the (none) line, last.
    expect(pick(tableRows(frame, LINE_HEADERS), 'LINE', 'TIER', 'HEALTH', 'RUN/TOTAL', 'HOSTS')).toEqual([
      ['pay', '1', '◐ degraded', '1/2', 'alpha,bravo'],
      ['shop', '2', '● up', '2/2', 'alpha,bravo'],
      ['(none)', '-', '○ down', '0/1', 'alpha'],
    ]);
  });

  it('issue 12: the config’s tier wins, and a line whose containers’ labels say otherwise is marked', async () => {
    // The config says shop is tier 3: its containers' labels say 2.
    const store = smallFleet();
    store.setState({ ...store.getState(), lineTiers: { shop: 3 } }, true);
    const r = await renderApp(store, undefined, { initialRoute: null });
    expect(pick(tableRows(r.lastFrame()!, LINE_HEADERS), 'LINE', 'TIER')).toEqual([
      ['pay', '1'],
      ['shop', '3≠2'],
      ['(none)', '-'],
    ]);
  });

  it('Enter on a line shows that line’s containers across hosts; Escape comes back', async () => {
    const r = await renderApp(smallFleet(), undefined, { initialRoute: null });
    const frame = await press(r, ENTER, (f) => f.includes('line pay'));
    expect(frameLines(frame)[0]).toBe('dockpit · line pay (2)  test');
    expect(pick(tableRows(frame, headersOf(containersScreen)), 'HOST', 'NAME', 'STATE')).toEqual([
      ['alpha', 'api', 'running'],
      ['bravo', 'db-b2', 'paused'],
    ]);
    const back = await press(r, ESCAPE, (f) => f.includes('business lines'));
    expect(frameLines(back)[0]).toBe('dockpit · business lines (3)  test');
  });

  it('Enter on the (none) line shows the unlabelled containers', async () => {
    const r = await renderApp(smallFleet(), undefined, { initialRoute: null });
    await press(r, 'G');
    const frame = await press(r, ENTER, (f) => f.includes('line (none)'));
    expect(frameLines(frame)[0]).toBe('dockpit · line (none) (1)  test');
    expect(pick(tableRows(frame, headersOf(containersScreen)), 'HOST', 'NAME')).toEqual([['alpha', 'batch']]);
  });

  it('a container killed (the store says exited) marks its line degraded, without a key', async () => {
    const store = smallFleet();
    const r = await renderApp(store, undefined, { initialRoute: null });
    store.setState(applyEvent(store.getState(), { type: 'container.patched', host: 'bravo', id: 'b1', patch: { state: 'exited', status: 'Exited (137) 1 second ago' } }), true);
    const frame = await waitForFrame(r, (f) => f.includes('1/2') && !f.includes('● up'));
    expect(pick(tableRows(frame, LINE_HEADERS), 'LINE', 'HEALTH', 'RUN/TOTAL')).toEqual([
      ['pay', '◐ degraded', '1/2'],
      ['shop', '◐ degraded', '1/2'],
      ['(none)', '○ down', '0/1'],
    ]);
    expect(frameLines(frame).at(-1)).toMatch(/^hosts 2\/3 up │ containers 2\/5 running/);
  });

  it('a host going down takes its containers’ lines down with it', async () => {
    const store = smallFleet();
    const r = await renderApp(store, undefined, { initialRoute: null });
    store.setState(applyEvent(store.getState(), { type: 'host.status', host: 'alpha', patch: { state: 'down', error: 'TIMEOUT: list' } }), true);
    const frame = await waitForFrame(r, (f) => f.includes('0/2'));
    expect(pick(tableRows(frame, LINE_HEADERS), 'LINE', 'HEALTH', 'RUN/TOTAL')).toEqual([
      ['pay', '○ down', '0/2'],
      ['shop', '◐ degraded', '1/2'],
      ['(none)', '○ down', '0/1'],
    ]);
  });
});
