import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import stringWidth from 'string-width';
import type { PlanPreview, RunProgress } from '../../src/plans/types.js';
import { fakeActions } from './fake-actions.js';
import { double11Preview, DOUBLE11, fakePlans } from './fake-plans.js';
import { hFleet } from './fleet-fixture.js';
import { ENTER, frameLines, press, renderApp } from './render-app.js';

// Issue 5, TUI: no plan screen is ever taller (rows − 1, engine-facts.md) or wider than the terminal, however
// long the plan; long lists scroll.

afterEach(() => cleanup());

function expectFits(frame: string, columns: number, rows: number) {
  const lines = frameLines(frame);
  expect(lines.length).toBeLessThan(rows);
  for (const line of lines) expect(stringWidth(line), line).toBeLessThanOrEqual(columns);
}

const LONG = 'x'.repeat(220);

/** 300 stops with long names on 30 hosts, 50 skipped, a long refusal-free plan. */
function hugePreview(): PlanPreview {
  const base = double11Preview();
  const actions = Array.from({ length: 300 }, (_, i) => ({ ...base.actions[0]!, host: `host-${i % 30}-${LONG}`, id: `id-${i}`, name: `web-${i}-${LONG}`, line: `line-${LONG}` }));
  const skipped = Array.from({ length: 50 }, (_, i) => ({ step: 0, host: `host-${i}`, name: `db-${i}`, reason: `protected tier 0 ${LONG}` }));
  const perHost = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`host-${i % 30}-${LONG}`, { actions: 10, cpuPercent: 1, memBytes: 1 }]));
  return { ...base, actions, skipped, perHost, perLine: { [`line-${LONG}`]: { running: 300, down: 300, cpuPercent: 1, memBytes: 1 } } };
}

function hugeReport(status: RunProgress['status']): RunProgress {
  return {
    runId: `run-${LONG}`,
    plan: DOUBLE11,
    status,
    kind: 'apply',
    startedAt: new Date().toISOString(),
    actions: Array.from({ length: 300 }, (_, i) => ({
      step: i % 3,
      host: `host-${i % 30}-${LONG}`,
      name: `web-${i}-${LONG}`,
      action: 'stop',
      outcome: i % 4 === 0 ? 'failed' : 'done',
      ...(i % 4 === 0 ? { error: `boom ${LONG}` } : {}),
      ms: 1234,
    })),
  };
}

describe('plan screens fit the terminal', () => {
  for (const size of [{ columns: 80, rows: 24 }, { columns: 200, rows: 60 }]) {
    it(`${size.columns}×${size.rows}: list, preview (scrolled to the end), confirmation, progress`, async () => {
      const plans = fakePlans({ preview: () => hugePreview() });
      const list = plans.list;
      plans.list = () => [...list(), ...Array.from({ length: 100 }, (_, i) => ({ name: `plan-${i}-${LONG}`, description: LONG, steps: i }))];
      const r = await renderApp(hFleet(), size, { actions: { ...fakeActions(), plans } });
      expectFits(await press(r, 'p', (f) => f.includes('degradation plans')), size.columns, size.rows);
      // The list scrolls: the last plan comes into view.
      const last = await press(r, 'G', (f) => f.includes('plan-99-'));
      expectFits(last, size.columns, size.rows);
      await press(r, 'g', (f) => f.includes('double11'));
      const preview = await press(r, ENTER, (f) => f.includes('plan double11'));
      expectFits(preview, size.columns, size.rows);
      const end = await press(r, 'G', (f) => f.includes('freed per line'));
      expectFits(end, size.columns, size.rows);
      expectFits(await press(r, 'a', (f) => f.includes('type "double11"')), size.columns, size.rows);
      await press(r, `${DOUBLE11}\r`, (f) => f.includes('plan run'));
      plans.applies[0]!.onProgress(hugeReport('running'));
      expectFits(await press(r, '', (f) => f.includes('failed 75')), size.columns, size.rows);
      plans.applies[0]!.resolve(hugeReport('partial'));
      expectFits(await press(r, '', (f) => f.includes('R restore the last run')), size.columns, size.rows);
      expectFits(await press(r, 'G', (f) => f.includes('web-299')), size.columns, size.rows);
    });
  }
});
