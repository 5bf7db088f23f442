import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { fakeActions } from './fake-actions.js';
import { fakePlans } from './fake-plans.js';
import { hFleet } from './fleet-fixture.js';
import { ENTER, ESCAPE, frameLines, press, renderApp, settle } from './render-app.js';
import { container, listed } from '../unit/fixtures.js';
import { applyEvents } from '../../src/store/apply-event.js';

// Issue 5 items 2–3, TUI: `:plans` lists the plans, Enter shows the preview computed from the live store.

afterEach(() => cleanup());

const SIZE = { columns: 120, rows: 40 };

describe('the plans screen', () => {
  it('without plans configured, :plans still says so', async () => {
    const r = await renderApp(hFleet(), SIZE, { actions: fakeActions() });
    await press(r, ':plans\r', (f) => f.includes('no degradation plans are configured yet'));
  });

  it(':plans lists name, steps and description; p opens it too', async () => {
    const actions = { ...fakeActions(), plans: fakePlans() };
    const r = await renderApp(hFleet(), SIZE, { actions });
    const frame = await press(r, ':plans\r', (f) => f.includes('dockpit · degradation plans'));
    const lines = frameLines(frame);
    expect(lines.find((l) => l.startsWith('NAME'))).toMatch(/^NAME\s+STEPS\s+DESCRIPTION/);
    expect(lines.find((l) => l.startsWith('double11'))).toMatch(/^double11\s+2\s+shed tier 2\+ for the peak/);
    expect(lines.find((l) => l.startsWith('greedy'))).toMatch(/^greedy\s+1\s+takes too much down/);
    await press(r, ESCAPE, (f) => f.includes('dockpit · hosts'));
    await press(r, 'p', (f) => f.includes('dockpit · degradation plans'));
  });

  it('Enter on a plan shows its preview: per step the containers and actions, the skipped with reasons, freed per host and line', async () => {
    const actions = { ...fakeActions(), plans: fakePlans() };
    const r = await renderApp(hFleet(), SIZE, { actions });
    await press(r, 'p', (f) => f.includes('degradation plans'));
    const frame = await press(r, ENTER, (f) => f.includes('dockpit · plan double11'));
    const lines = frameLines(frame);
    expect(frame).toContain('a apply (type the name to confirm)');
    expect(lines).toContainEqual(expect.stringMatching(/^step 1: 2 changes/));
    expect(lines).toContainEqual(expect.stringMatching(/^\s+h1\s+web-1\s+shop\s+2\s+stop/));
    expect(lines).toContainEqual(expect.stringMatching(/^\s+h2\s+web-2\s+shop\s+2\s+stop/));
    expect(lines).toContainEqual(expect.stringMatching(/^step 2: 1 change, 1 skipped/));
    expect(lines).toContainEqual(expect.stringMatching(/^\s+h1\s+api-1\s+pay\s+1\s+limit cpus 0\.5 mem 256MiB/));
    expect(lines).toContainEqual(expect.stringMatching(/^\s+skip h2\s+db-2\s+protected tier 0/));
    expect(lines).toContainEqual(expect.stringMatching(/^\s+h1\s+2\s+15%\s+64MiB/));
    expect(lines).toContainEqual(expect.stringMatching(/^\s+shop\s+2\s+2\s+20%\s+96MiB/));
  });

  it('the preview is recomputed when the store changes', async () => {
    const plans = fakePlans();
    const store = hFleet();
    const r = await renderApp(store, SIZE, { actions: { ...fakeActions(), plans } });
    await press(r, 'p', (f) => f.includes('degradation plans'));
    await press(r, ENTER, (f) => f.includes('plan double11'));
    const before = plans.previewCalls.length;
    store.setState(applyEvents(store.getState(), [listed('h1', [container('h1', 'id-web-1', 'web-1', { bizline: 'shop', tier: 2 })])]));
    await settle();
    await settle();
    expect(plans.previewCalls.length).toBeGreaterThan(before);
  });

  it('a refused plan shows the refusal in red, and a does not open a confirmation', async () => {
    const plans = fakePlans();
    const r = await renderApp(hFleet(), SIZE, { actions: { ...fakeActions(), plans } });
    await press(r, 'p', (f) => f.includes('degradation plans'));
    await press(r, 'j');
    const frame = await press(r, ENTER, (f) => f.includes('plan greedy'));
    expect(frame).toContain('REFUSED: line shop: 2 of 2 running would go down');
    expect(frame).not.toContain('a apply');
    // Its colour (red) is checked on the lines themselves in test/unit/plan-lines.test.ts: no colours in tests.
    const after = await press(r, 'a', (f) => f.includes('cannot be applied'));
    expect(after).not.toContain('type "greedy"');
    expect(plans.applies).toEqual([]);
  });
});
