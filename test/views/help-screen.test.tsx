import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { activeKeymap } from '../../src/views/keymap.js';
import { fakeActions } from './fake-actions.js';
import { fakeMigrate } from './fake-migrate.js';
import { fakePlans } from './fake-plans.js';
import { smallFleet } from './fleet-fixture.js';
import { ENTER, frameLines, press, renderApp } from './render-app.js';

afterEach(() => cleanup());

const WIDE = { columns: 200, rows: 40 };

describe('? help', () => {
  it('is generated from the keymap: every binding with its keys and help', async () => {
    const r = await renderApp(smallFleet(), WIDE);
    const help = await press(r, '?', (f) => f.includes('keys (any key closes)'));
    const lines = frameLines(help);
    expect(lines[1]).toBe('keys (any key closes)');
    // No `place` action is given here, so the keys that change the fleet are not bound (as with --read-only).
    for (const b of activeKeymap(true)) {
      const line = lines.find((l) => l.startsWith(b.keys.join(', ')) && l.includes(b.help));
      expect(line, `${b.command}: ${b.keys.join(', ')}`).toBeDefined();
      if (b.scope !== 'everywhere') expect(line).toContain(`[${b.scope}]`);
    }
    // The title and the status line stay.
    expect(lines[0]).toBe('dockpit · hosts (3)  test');
    expect(lines.at(-1)).toMatch(/^hosts 2\/3 up/);
  });

  it('any key closes it, and that key does nothing else', async () => {
    const r = await renderApp(smallFleet(), WIDE);
    await press(r, '?', (f) => f.includes('keys (any key closes)'));
    const closed = await press(r, 'j', (f) => !f.includes('keys (any key closes)'));
    expect(frameLines(closed)[1]).toMatch(/^HOST /);
    // j closed the help, it did not move: Enter opens the first host.
    const opened = await press(r, ENTER, (f) => f.includes('containers on'));
    expect(frameLines(opened)[0]).toBe('dockpit · containers on alpha (3)  test');
  });

  it('q closes it rather than quitting', async () => {
    const r = await renderApp(smallFleet(), WIDE);
    await press(r, '?', (f) => f.includes('keys (any key closes)'));
    const closed = await press(r, 'q', (f) => !f.includes('keys (any key closes)'));
    expect(frameLines(closed)[0]).toBe('dockpit · hosts (3)  test');
    expect(r.stdin.listenerCount('readable')).toBe(1);
  });

  it('on the default 24 rows, every binding still fits', async () => {
    const r = await renderApp(smallFleet());
    const help = await press(r, '?', (f) => f.includes('keys (any key closes)'));
    for (const b of activeKeymap(true)) expect(help).toContain(b.help.slice(0, 20));
  });
});

describe('? help with every key bound', () => {
  it('80×24: all bindings show, in two columns when one does not fit', async () => {
    const actions = { ...fakeActions(), place: () => Promise.resolve({ ok: true, lines: [] }), plans: fakePlans({ withRuns: true }), migrate: fakeMigrate() };
    const r = await renderApp(smallFleet(), { columns: 80, rows: 24 }, { actions });
    const help = frameLines(await press(r, '?', (f) => f.includes('keys (any key closes)'))).join('\n');
    const all = activeKeymap(false);
    expect(all.length).toBeGreaterThan(19); // more than one column of a 24-row terminal holds
    for (const b of all) expect(help, b.command).toContain(b.keys.join(', '));
  });
});
