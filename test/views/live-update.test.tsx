import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { applyEvent } from '../../src/store/apply-event.js';
import { container } from '../unit/fixtures.js';
import { smallFleet } from './fleet-fixture.js';
import { ENTER, frameLines, press, renderApp, rowCells, waitForFrame } from './render-app.js';

afterEach(() => cleanup());

describe('store updates reach the screen without input', () => {
  it('a new container via host.listed shows on the containers screen', async () => {
    const store = smallFleet();
    const r = await renderApp(store);
    await press(r, 'j');
    await press(r, ENTER, (f) => f.includes('containers on bravo (2)'));
    const bravo = store.getState().containers.bravo!;
    store.setState(
      applyEvent(store.getState(), {
        type: 'host.listed',
        host: 'bravo',
        containers: [...bravo.order.map((id) => bravo.byId[id]!), container('bravo', 'b3', 'cache-b3', { bizline: 'shop' })],
      }),
      true,
    );
    const frame = await waitForFrame(r, (f) => f.includes('cache-b3'));
    expect(frameLines(frame)[0]).toBe('dockpit · containers on bravo (3)  test');
    expect(frameLines(frame).slice(2, 5).map((l) => l.trim().split(/\s+/)[1])).toEqual(['cache-b3', 'db-b2', 'web-b1']);
    expect(frameLines(frame).at(-1)).toMatch(/^hosts 2\/3 up │ containers 4\/6 running/);
  });

  it('a host status change and a new container update the hosts screen', async () => {
    const store = smallFleet();
    const r = await renderApp(store);
    store.setState(applyEvent(store.getState(), { type: 'host.status', host: 'charlie', patch: { state: 'up', error: null, engineVersion: '25.0.1', latencyMs: 12, liveRestore: true } }), true);
    store.setState(applyEvent(store.getState(), { type: 'host.listed', host: 'charlie', containers: [container('charlie', 'c1', 'x')] }), true);
    const frame = await waitForFrame(r, (f) => f.includes('25.0.1') && f.includes('1/1'));
    expect(rowCells(frame, 'charlie').slice(0, 7)).toEqual(['charlie', 'tcp', 'up', '25.0.1', '12ms', '1/1', 'on']);
    expect(frameLines(frame).find((l) => l.startsWith('charlie '))).not.toContain('REFUSED');
    expect(frameLines(frame).at(-1)).toMatch(/^hosts 3\/3 up │ containers 4\/6 running  *j\/k move/);
  });
});
