import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import stringWidth from 'string-width';
import { applyEvents } from '../../src/store/apply-event.js';
import { createFleetStore } from '../../src/store/fleet-store.js';
import { initialFleetState } from '../../src/store/state.js';
import { container, hostUp, listed } from '../unit/fixtures.js';
import { smallFleet } from './fleet-fixture.js';
import { hostsScreen } from '../../src/views/screens/hosts-screen.js';
import { ENTER, frameLines, headersOf, press, renderApp, resize, tableRows, waitForFrame } from './render-app.js';

afterEach(() => cleanup());

/** Ink 6 redraws everything when a frame is as tall as the terminal (engine-facts.md): stay below. */
function expectFits(frame: string, columns: number, rows: number) {
  const lines = frameLines(frame);
  expect(lines.length).toBeLessThan(rows);
  for (const line of lines) expect(stringWidth(line), line).toBeLessThanOrEqual(columns);
}

/** Long names, errors and many IPs, to push every column to its limit. */
function wideFleet() {
  const long = 'x'.repeat(150);
  return createFleetStore(
    applyEvents(initialFleetState(), [
      hostUp(`host-with-a-very-long-name-${long}`, { error: `TIMEOUT: ${long}` }),
      hostUp('b'),
      listed('b', [
        container('b', 'b1', `name-${long}`, { status: `Up ${long}`, ips: { n1: '10.0.0.1', n2: '10.0.0.2', n3: '10.0.0.3', n4: '10.0.0.4' } }),
      ]),
    ]),
  );
}

describe('the frame fits the terminal', () => {
  it('ink-testing-library default: 100 columns, no rows (the cockpit assumes 24)', async () => {
    const r = await renderApp(smallFleet());
    expect(r.stdout.columns).toBe(100);
    expect((r.stdout as unknown as { rows?: number }).rows).toBeUndefined();
    const frame = r.lastFrame()!;
    expectFits(frame, 100, 24);
    expect(frameLines(frame)).toHaveLength(23);
  });

  for (const size of [
    { columns: 80, rows: 24 },
    { columns: 200, rows: 60 },
  ]) {
    it(`${size.columns}x${size.rows}: hosts and containers screens, with over-long values`, async () => {
      const r = await renderApp(wideFleet(), size);
      const hosts = r.lastFrame()!;
      expectFits(hosts, size.columns, size.rows);
      expect(frameLines(hosts)).toHaveLength(size.rows - 1);
      expect(frameLines(hosts)[0]).toBe('dockpit · hosts (2)  test');
      expect(frameLines(hosts).at(-1)).toMatch(/^hosts 2\/2 up │ containers 1\/1 running/);

      await press(r, 'j');
      const containers = await press(r, ENTER, (f) => f.includes('containers on b (1)'));
      expectFits(containers, size.columns, size.rows);
      expect(frameLines(containers)).toHaveLength(size.rows - 1);
    });
  }

  it('follows a resize from 200x60 down to 80x24', async () => {
    const r = await renderApp(smallFleet(), { columns: 200, rows: 60 });
    expect(frameLines(r.lastFrame())).toHaveLength(59);
    resize(r, { columns: 80, rows: 24 });
    const frame = await waitForFrame(r, (f) => frameLines(f).length === 23);
    expectFits(frame, 80, 24);
    // At 80 columns the lower-priority columns leave whole; none is cut to '…' and the rest keep their values.
    expect(frameLines(frame)[1]).not.toContain('…');
    expect(tableRows(frame, headersOf(hostsScreen))[0]).toMatchObject({ HOST: 'alpha', STATE: 'up', 'RUN/TOTAL': '2/3', 'LIVE-RESTORE': 'on' });
  });

  it('60 columns: the status line stays one line (the summary is not wrapped)', async () => {
    const r = await renderApp(smallFleet(), { columns: 60, rows: 20 });
    const lines = frameLines(r.lastFrame());
    expectFits(r.lastFrame()!, 60, 20);
    expect(lines.at(-1)).toMatch(/^hosts 2\/3 up │ containers 3\/5 running/);
    // The table keeps its rows: header and three hosts right under the title.
    expect(lines.slice(1, 5).map((l) => l.split(' ')[0])).toEqual(['HOST', 'alpha', 'bravo', 'charlie']);
  });
});
