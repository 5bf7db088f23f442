import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import stringWidth from 'string-width';
import type { DomainEvent } from '../../src/engine/types.js';
import { applyEvents } from '../../src/store/apply-event.js';
import { createFleetStore } from '../../src/store/fleet-store.js';
import { initialFleetState } from '../../src/store/state.js';
import type { Route } from '../../src/views/routes.js';
import { container, hostUp, listed } from '../unit/fixtures.js';
import { at } from './fleet-fixture.js';
import { frameLines, press, renderApp, type Size } from './render-app.js';

afterEach(() => cleanup());

const long = 'x'.repeat(150);

/** Over-long everything, more rows than any terminal here, samples, and a timeline longer than the screen. */
function crowdedFleet(bizline = (i: number) => `line-${i % 7}-${long}`) {
  const events: DomainEvent[] = [
    hostUp(`host-with-a-very-long-name-${long}`, { error: `TIMEOUT: ${long}`, engineVersion: `20.10.24-${long}` }),
    hostUp('b', { state: 'down', error: `REFUSED: ${long}` }),
    listed(`host-with-a-very-long-name-${long}`, []),
  ];
  for (let h = 0; h < 40; h++) events.push(hostUp(`h${h}`));
  const containers = Array.from({ length: 80 }, (_, i) =>
    container('b', `id${i}`, `name-${i}-${long}`, {
      bizline: bizline(i),
      tier: i % 4,
      status: `Up ${long}`,
      state: i % 3 ? 'running' : 'exited',
      ips: { n1: `10.0.${i}.1`, n2: `10.1.${i}.2`, n3: `10.2.${i}.3`, [`net-${long}`]: `10.3.${i}.4` },
    }),
  );
  events.push(listed('b', containers));
  events.push({
    type: 'stats.sampled',
    samples: containers.map((c, i) => ({
      host: 'b', id: c.id, at: 1_700_000_000_000, cpuPercent: 1234.5 * i, memBytes: 1e12 * i, memLimitBytes: 0,
      rxBytesPerSec: 99.7 * i, txBytesPerSec: 1e15 * i,
    })),
  });
  for (let i = 0; i < 100; i++) {
    events.push({ type: 'container.event', event: { host: 'b', id: `id${i % 80}`, name: `name-${i}-${long}`, action: `exec_start: sh -c ${long}`, timeNano: at(i) } });
  }
  return createFleetStore(applyEvents(initialFleetState(), events));
}

/** Ink 6 redraws everything when a frame is as tall as the terminal (engine-facts.md): stay below. */
function expectFits(frame: string, size: Size, what: string) {
  const lines = frameLines(frame);
  expect(lines.length, `${what}: lines`).toBeLessThan(size.rows);
  for (const line of lines) expect(stringWidth(line), `${what}: ${line}`).toBeLessThanOrEqual(size.columns);
}

const SCREENS: Array<[string, Route]> = [
  ['lines', { kind: 'lines' }],
  ['hosts', { kind: 'hosts' }],
  ['containers', { kind: 'containers' }],
  ['containers on a host', { kind: 'containers', host: 'b' }],
  ['ips', { kind: 'ips' }],
  ['events', { kind: 'events' }],
];

for (const size of [
  { columns: 80, rows: 24 },
  { columns: 200, rows: 60 },
]) {
  describe(`${size.columns}x${size.rows}: every screen fits`, () => {
    for (const [what, route] of SCREENS) {
      it(what, async () => {
        const r = await renderApp(crowdedFleet(), size, { initialRoute: route });
        const frame = r.lastFrame()!;
        expectFits(frame, size, what);
        // The body is full: title, table, the filter/command line, status line.
        expect(frameLines(frame)).toHaveLength(size.rows - 1);
        // Columns that don't fit leave whole: no header is cut to '…'.
        expect(frameLines(frame)[1], 'header').not.toContain('…');
        // Moving to the bottom and sorting keep it so.
        await press(r, 'G');
        expectFits(await press(r, 'O'), size, `${what}, sorted, at the bottom`);
      });
    }

    it('help', async () => {
      const r = await renderApp(crowdedFleet(), size);
      const help = await press(r, '?', (f) => f.includes('keys (any key closes)'));
      expectFits(help, size, 'help');
    });

    it('the command line with many candidates, and a long error', async () => {
      const r = await renderApp(crowdedFleet(), size);
      await press(r, ':');
      await press(r, 'host ');
      expectFits(await press(r, '\t'), size, 'host candidates');
      await press(r, `x${long}`);
      const err = await press(r, '\r', (f) => f.includes('no host'));
      expectFits(err, size, 'error');
    });

    it('a long filter', async () => {
      const r = await renderApp(crowdedFleet(), size, { initialRoute: { kind: 'containers' } });
      await press(r, '/');
      expectFits(await press(r, `name-1-${long}`), size, 'typing');
      expectFits(await press(r, '\r'), size, 'kept');
    });
  });
}
