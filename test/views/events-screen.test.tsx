import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { applyEvent } from '../../src/store/apply-event.js';
import { eventsScreen } from '../../src/views/screens/events-screen.js';
import { at, hFleet } from './fleet-fixture.js';
import { ENTER, frameLines, headersOf, press, renderApp, tableRows, waitForFrame } from './render-app.js';

afterEach(() => cleanup());

const rows = (frame: string) => tableRows(frame, headersOf(eventsScreen)).map((r) => [r.TIME, r.HOST, r.CONTAINER, r.ACTION]);

describe(':events, the fleet timeline', () => {
  it('shows every host’s container events, newest first, in engine time order', async () => {
    const r = await renderApp(hFleet());
    await press(r, ':');
    await press(r, 'events');
    const frame = await press(r, ENTER, (f) => f.includes('fleet events'));
    expect(frameLines(frame)[0]).toBe('dockpit · fleet events (newest first) (3)  test');
    expect(rows(frame)).toEqual([
      ['10:00:03.000', 'h2', 'db-2', 'die'],
      ['10:00:02.000', 'h2', 'web-2', 'restart'],
      ['10:00:01.000', 'h1', 'web-1', 'start'],
    ]);
  });

  it('a new event goes on top without a key', async () => {
    const store = hFleet();
    const r = await renderApp(store, undefined, { initialRoute: { kind: 'events' } });
    store.setState(
      applyEvent(store.getState(), { type: 'container.event', event: { host: 'h1', id: 'id-api-1', name: 'api-1', action: 'kill', timeNano: at(4) } }),
      true,
    );
    const frame = await waitForFrame(r, (f) => f.includes('(4)'));
    expect(rows(frame)[0]).toEqual(['10:00:04.000', 'h1', 'api-1', 'kill']);
    expect(rows(frame)).toHaveLength(4);
  });

  it('Enter on an event opens its container’s detail', async () => {
    const r = await renderApp(hFleet(), undefined, { initialRoute: { kind: 'events' } });
    const frame = await press(r, ENTER, (f) => f.includes('container db-2 on h2'));
    expect(frameLines(frame)[0]).toBe('dockpit · container db-2 on h2  test');
  });

  it('an empty timeline says so', async () => {
    const store = hFleet();
    store.setState({ ...store.getState(), timeline: [] }, true);
    const r = await renderApp(store, undefined, { initialRoute: { kind: 'events' } });
    expect(frameLines(r.lastFrame())[2]).toBe('no container events since dockpit started');
  });
});
