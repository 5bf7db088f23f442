import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { applyEvents } from '../../src/store/apply-event.js';
import { createFleetStore } from '../../src/store/fleet-store.js';
import { initialFleetState } from '../../src/store/state.js';
import { container, hostUp, listed } from '../unit/fixtures.js';
import { ENTER, frameLines, press, renderApp } from './render-app.js';

afterEach(() => cleanup());

const name = (i: number) => `svc-${String(i).padStart(3, '0')}`;

function bigHost(count: number) {
  return createFleetStore(
    applyEvents(initialFleetState(), [
      hostUp('big'),
      listed('big', Array.from({ length: count }, (_, i) => container('big', `id${i}`, name(i), { state: i % 2 ? 'exited' : 'running' }))),
    ]),
  );
}

const shownNames = (frame: string) => frameLines(frame).filter((l) => l.startsWith('big ')).map((l) => l.trim().split(/\s+/)[1]);

describe('300 containers', () => {
  it('only the visible rows render (80x24: 19 rows), and G jumps to the last one', async () => {
    const r = await renderApp(bigHost(300), { columns: 80, rows: 24 });
    const opened = await press(r, ENTER, (f) => f.includes('containers on big (300)'));
    // 23 lines: title, header, 19 rows, the filter/command/flash line, status line.
    expect(frameLines(opened)).toHaveLength(23);
    expect(shownNames(opened)).toEqual(Array.from({ length: 19 }, (_, i) => name(i)));

    const bottom = await press(r, 'G', (f) => f.includes(name(299)));
    expect(shownNames(bottom)).toEqual(Array.from({ length: 19 }, (_, i) => name(281 + i)));
    expect(frameLines(bottom)).toHaveLength(23);

    const top = await press(r, 'g', (f) => f.includes(name(0)));
    expect(shownNames(top)).toEqual(Array.from({ length: 19 }, (_, i) => name(i)));
  });

  it('200x60: 55 rows; scrolling down one past the window moves it by one', { timeout: 20_000 }, async () => {
    const r = await renderApp(bigHost(300), { columns: 200, rows: 60 });
    await press(r, ENTER, (f) => f.includes('containers on big (300)'));
    let frame = frameLines(r.lastFrame()).join('\n');
    expect(shownNames(frame)).toHaveLength(55);
    for (let i = 0; i < 55; i++) frame = await press(r, 'j');
    expect(shownNames(frame)[0]).toBe(name(1));
    expect(shownNames(frame).at(-1)).toBe(name(55));
  });

  it('page down moves a page', async () => {
    const r = await renderApp(bigHost(300), { columns: 80, rows: 24 });
    await press(r, ENTER, (f) => f.includes('containers on big (300)'));
    // ctrl+f moves the cursor by the 19 visible rows: from svc-000 to svc-019, the new last visible row.
    const frame = await press(r, '\u0006', (f) => !f.includes(name(0)));
    expect(shownNames(frame).at(-1)).toBe(name(19));
    expect(shownNames(frame)).toHaveLength(19);
  });
});
