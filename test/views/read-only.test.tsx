import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { activeKeymap } from '../../src/views/keymap.js';
import { smallFleet } from './fleet-fixture.js';
import { ENTER, frameLines, press, renderApp } from './render-app.js';

afterEach(() => cleanup());

describe('--read-only', () => {
  it('the title says [read-only], on every screen', async () => {
    const r = await renderApp(smallFleet(), undefined, { initialRoute: null, readOnly: true });
    expect(frameLines(r.lastFrame())[0]).toBe('dockpit · business lines (3) [read-only]  test');
    const opened = await press(r, ENTER, (f) => f.includes('line pay'));
    expect(frameLines(opened)[0]).toBe('dockpit · line pay (2) [read-only]  test');
  });

  it('without it, no mark', async () => {
    const r = await renderApp(smallFleet());
    expect(frameLines(r.lastFrame())[0]).toBe('dockpit · hosts (3)  test');
  });

  it('looking around still works, and help lists only the read-only keymap', async () => {
    const r = await renderApp(smallFleet(), { columns: 200, rows: 40 }, { readOnly: true });
    await press(r, 'j');
    const opened = await press(r, ENTER, (f) => f.includes('containers on'));
    expect(frameLines(opened)[0]).toBe('dockpit · containers on bravo (2) [read-only]  test');
    const help = await press(r, '?', (f) => f.includes('keys (any key closes)'));
    const shown = frameLines(help).slice(2).filter((l) => /\S/.test(l) && !/^hosts \d/.test(l));
    expect(shown).toHaveLength(activeKeymap(true).length);
  });
});
