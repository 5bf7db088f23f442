import { describe, expect, it } from 'vitest';
import type { RunRequest } from '../../src/app/ports.js';
import { fakeActions } from './fake-actions.js';
import { hFleet } from './fleet-fixture.js';
import { ENTER, ESCAPE, frameLines, press, renderApp, settle, TAB } from './render-app.js';

// Issue 4: placement has a form in the TUI (`n` on a line, or `:run`): preview first, then place.

function placing() {
  const calls: Array<{ request: RunRequest; dryRun: boolean }> = [];
  const actions = {
    ...fakeActions(),
    place: (request: RunRequest, dryRun: boolean) => {
      calls.push({ request, dryRun });
      return Promise.resolve({ ok: true, lines: dryRun ? [`would place ${request.name} on h2 with 10.88.1.30`] : [`placed ${request.name} on h2 with 10.88.1.30`] });
    },
  };
  return { actions, calls };
}

describe('the placement form', () => {
  it('n on a line opens the form with the line filled in; Enter previews, Enter again places', async () => {
    const { actions, calls } = placing();
    const r = await renderApp(hFleet(), { columns: 120, rows: 30 }, { initialRoute: { kind: 'lines' }, actions });
    // Lines are sorted by tier: pay (0) first.
    const form = await press(r, 'n', (f) => f.includes('dockpit · new container'));
    expect(frameLines(form).find((l) => l.startsWith('line'))).toMatch(/^line\s+pay/);
    await press(r, 'api-9', (f) => /name\s+api-9/.test(f));
    await press(r, TAB);
    await press(r, TAB); // line: already filled, Tab moves on
    await press(r, TAB); // host: empty, dockpit picks
    await press(r, 'dockpit/busybox', (f) => /image\s+dockpit\/busybox/.test(f));
    const preview = await press(r, ENTER, (f) => f.includes('would place api-9'));
    expect(calls).toEqual([{ request: expect.objectContaining({ name: 'api-9', line: 'pay', host: null, image: 'dockpit/busybox', restart: 'unless-stopped' }), dryRun: true }]);
    expect(preview).toContain('Enter places the container as shown');
    await press(r, ENTER, (f) => f.includes('placed api-9 on h2'));
    expect(calls.map((c) => c.dryRun)).toEqual([true, false]);
    await press(r, ESCAPE, (f) => f.includes('dockpit · business lines'));
  });

  it('letters typed in the form are text, not keys (q does not quit, j does not move)', async () => {
    const { actions } = placing();
    const r = await renderApp(hFleet(), { columns: 120, rows: 30 }, { initialRoute: { kind: 'lines' }, actions });
    await press(r, ':run\r', (f) => f.includes('new container'));
    const frame = await press(r, 'qj:/', (f) => /name\s+qj:\//.test(f));
    expect(frame).toContain('new container');
  });

  it('a missing field is said at Enter, and nothing is asked of the engine', async () => {
    const { actions, calls } = placing();
    const r = await renderApp(hFleet(), { columns: 120, rows: 30 }, { initialRoute: { kind: 'lines' }, actions });
    await press(r, ':run\r', (f) => f.includes('new container'));
    await press(r, ENTER, (f) => f.includes('error: name is required'));
    expect(calls).toEqual([]);
  });

  it('--read-only: n and :run place nothing', async () => {
    const { actions, calls } = placing();
    const r = await renderApp(hFleet(), { columns: 120, rows: 30 }, { initialRoute: { kind: 'lines' }, actions, readOnly: true });
    r.stdin.write('n'); // not bound: no new frame to wait for
    await settle();
    expect(frameLines(r.lastFrame())[0]).toMatch(/^dockpit · business lines/);
    await press(r, ':run\r', (f) => f.includes('read-only'));
    expect(calls).toEqual([]);
  });
});
