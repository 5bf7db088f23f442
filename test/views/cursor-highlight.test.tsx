import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

// Colours are off without a TTY; the cursor is an inverse-video row, so turn them on before chalk loads.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

import { cleanup } from 'ink-testing-library';
import { smallFleet } from './fleet-fixture.js';
import { ENTER, press, renderApp } from './render-app.js';

afterEach(() => cleanup());
afterAll(() => {
  delete process.env.FORCE_COLOR;
});

const INVERSE = '\u001B[7m';

/** The plain text of the rows drawn in inverse video. */
function selectedRows(raw: string): string[] {
  return raw
    .split('\n')
    .filter((line) => line.includes(INVERSE))
    .map((line) => line.replace(/\u001B\[[0-9;]*m/g, '').trim().split(/\s+/)[0]!);
}

describe('cursor', () => {
  it('starts on the first host and follows j / k', async () => {
    const r = await renderApp(smallFleet());
    expect(selectedRows(r.lastFrame()!)).toEqual(['alpha']);
    await press(r, 'j');
    expect(selectedRows(r.lastFrame()!)).toEqual(['bravo']);
    await press(r, 'j');
    expect(selectedRows(r.lastFrame()!)).toEqual(['charlie']);
    await press(r, 'k');
    expect(selectedRows(r.lastFrame()!)).toEqual(['bravo']);
  });

  it('a new screen starts on its first row, and Escape restores the previous cursor', async () => {
    const r = await renderApp(smallFleet());
    await press(r, 'j');
    await press(r, ENTER, (f) => f.includes('containers on bravo'));
    const row = r.lastFrame()!.split('\n').find((l) => l.includes(INVERSE))!;
    expect(row.replace(/\u001B\[[0-9;]*m/g, '')).toContain('db-b2');
    await press(r, '\u001B', (f) => f.includes('hosts (3)'));
    expect(selectedRows(r.lastFrame()!)).toEqual(['bravo']);
  });
});
