import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import stringWidth from 'string-width';
import type { MoveTarget } from '../../src/app/ports.js';
import { fakeActions } from './fake-actions.js';
import { evacuationOf, fakeMigrate, JournalScript, moveFleet, planOf } from './fake-migrate.js';
import { ENTER, ESCAPE, frameLines, press, renderApp } from './render-app.js';

// Issue 6 in the cockpit: no migration screen is ever taller (rows − 1, engine-facts.md) or wider than the
// terminal, whatever the names, errors or number of hosts and moves; long reasons fold, long lists scroll.

afterEach(() => cleanup());

function expectFits(frame: string, columns: number, rows: number, what: string) {
  const lines = frameLines(frame);
  expect(lines.length, `${what}: lines`).toBeLessThan(rows);
  for (const line of lines) expect(stringWidth(line), `${what}: ${line}`).toBeLessThanOrEqual(columns);
}

const LONG = 'x'.repeat(220);

function manyTargets(): MoveTarget[] {
  return Array.from({ length: 60 }, (_, i) => ({
    host: `host-${i}-${LONG}`,
    state: i % 5 ? 'up' : 'down',
    error: i % 5 ? null : `REFUSED: ${LONG}`,
    freeBytes: i % 5 ? i * 2 ** 30 : null,
    containers: i * 100,
    ofLine: i,
    lineAllows: i % 2 === 0,
    blockers: i % 3 ? [] : [{ code: 'IP_TAKEN', message: `10.88.1.20 is held by ${LONG}` }],
  }));
}

describe('migration screens fit the terminal', () => {
  for (const size of [{ columns: 80, rows: 24 }, { columns: 200, rows: 60 }]) {
    it(`${size.columns}×${size.rows}: picker (scrolled), preview (scrolled), confirmation, progress`, async () => {
      const migrate = fakeMigrate();
      const base = migrate.targets;
      migrate.targets = async (h, n) => ({ ...(await base(h, n)), targets: manyTargets() });
      const r = await renderApp(moveFleet(), size, { actions: { ...fakeActions(), migrate }, initialRoute: { kind: 'containers', host: 'h1' } });
      expectFits(await press(r, 'm', (f) => f.includes('host-0-')), size.columns, size.rows, 'picker');
      expectFits(await press(r, 'G', (f) => f.includes('host-59-')), size.columns, size.rows, 'picker, last host');
      await press(r, 'g', (f) => f.includes('host-0-'));
      // A preview of the first target (the fake plans shop-api → it like any other host).
      const preview = await press(r, ENTER, (f) => f.includes('shop-api h1 → host-0-') && f.includes('1. create'));
      expectFits(preview, size.columns, size.rows, 'preview');
      expectFits(await press(r, 'G', (f) => f.includes('press L')), size.columns, size.rows, 'preview, end');
      await press(r, 'L', (f) => f.includes('leave data behind: ON'));
      expectFits(await press(r, ENTER, (f) => f.includes('type "shop-api"')), size.columns, size.rows, 'confirmation');
      await press(r, 'shop-api');
      expectFits(await press(r, ENTER, (f) => f.includes('dockpit · migration')), size.columns, size.rows, 'progress, waiting');
      const j = new JournalScript(`run-${LONG}`, [planOf('h2', { leaveData: true, fenced: false })]);
      j.steps(0, ['create', 'stop-source', 'park-source']).intent(0, 'start-target').outcome(0, 'start-target', 'failed', `CONFLICT: ${LONG}`);
      j.intent(0, 'remove-target').outcome(0, 'remove-target', 'failed', `TIMEOUT: ${LONG}`).end(0, 'failed', null, `rollback failed: ${LONG}`).finish('failed');
      migrate.runs[0]!.resolve({ view: j.view() });
      const ended = await press(r, '', (f) => f.includes('FAILED'));
      expectFits(ended, size.columns, size.rows, 'progress, failed');
      expectFits(await press(r, 'G'), size.columns, size.rows, 'progress, end');
    });

    it(`${size.columns}×${size.rows}: evacuation of 80 containers: preview, confirmation, progress`, async () => {
      const migrate = fakeMigrate();
      migrate.evacuationPreview = async (_h, choices) => evacuationOf(choices, 80);
      const r = await renderApp(moveFleet(), size, { actions: { ...fakeActions(), migrate } });
      expectFits(await press(r, 'E', (f) => f.includes('bulk-0-')), size.columns, size.rows, 'evacuation preview');
      expectFits(await press(r, 'G', (f) => f.includes('bulk-79-')), size.columns, size.rows, 'evacuation preview, end');
      await press(r, 'L', (f) => f.includes('leave data behind: ON'));
      expectFits(await press(r, ENTER, (f) => f.includes('type "h1"')), size.columns, size.rows, 'evacuation confirmation');
      await press(r, 'h1');
      await press(r, ENTER, (f) => f.includes('dockpit · migration'));
      const plan = evacuationOf({ leaveData: true, fenced: false }, 80);
      const j = new JournalScript('run-9', plan.moves, 'evacuate');
      plan.moves.forEach((_, i) => (i % 2 ? j.intent(i, 'create') : j.steps(i, ['create']).intent(i, 'stop-source').outcome(i, 'stop-source', 'failed', `TIMEOUT: ${LONG}`)));
      migrate.runs[0]!.onView(j.view());
      expectFits(await press(r, '', (f) => f.includes('run run-9')), size.columns, size.rows, 'evacuation progress');
      expectFits(await press(r, 'G', (f) => f.includes('bulk-79-')), size.columns, size.rows, 'evacuation progress, end');
      // Out of sight, the note at the bottom fits too.
      expectFits(await press(r, ESCAPE, (f) => f.includes('M shows it')), size.columns, size.rows, 'background note');
    });
  }
});
