import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import stringWidth from 'string-width';
import { fakeActions, inspectOf } from './fake-actions.js';
import { smallFleet } from './fleet-fixture.js';
import { ESCAPE, frameLines, press, renderApp, waitForFrame, type Size } from './render-app.js';

afterEach(() => cleanup());

const SMALL: Size = { columns: 60, rows: 12 };
const ALPHA = { initialRoute: { kind: 'containers', host: 'alpha' } } as const;
const numbered = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);

/** The log rows of a frame: between the status line of the screen and the footer (flash and status lines). */
function logRows(frame: string): string[] {
  return frameLines(frame).slice(2, -2).map((l) => l.trimEnd());
}

async function openLogs(size = SMALL) {
  const actions = fakeActions();
  const r = await renderApp(smallFleet(), size, { ...ALPHA, actions });
  await press(r, 'l', (f) => f.includes('log of api on alpha'));
  const stream = actions.streams[0]!;
  return { r, actions, stream };
}

describe('container log', () => {
  it('l opens the log of the container under the cursor: the tail, then new lines, following', async () => {
    const { r, stream } = await openLogs();
    expect(stream).toMatchObject({ host: 'alpha', id: 'a1', tail: 500 });
    stream.push(['hello', 'world']);
    const frame = await waitForFrame(r, (f) => f.includes('world'));
    expect(frameLines(frame)[0]).toMatch(/^dockpit · log of api on alpha {2}test/);
    expect(frameLines(frame)[1]).toMatch(/^following · 2 lines · f pauses/);
    // Fewer lines than rows: they sit at the top.
    expect(logRows(frame).slice(0, 3)).toEqual(['hello', 'world', '']);
  });

  it('follow keeps the newest line visible at the bottom as lines arrive', async () => {
    const { r, stream } = await openLogs();
    stream.push(numbered(1, 100));
    let frame = await waitForFrame(r, (f) => f.includes('line 100'));
    expect(logRows(frame).at(-1)).toBe('line 100');
    expect(frameLines(frame)[1]).toMatch(/^following · 100 lines/);
    stream.push(numbered(101, 105));
    frame = await waitForFrame(r, (f) => f.includes('line 105'));
    expect(logRows(frame).at(-1)).toBe('line 105');
    expect(logRows(frame)).toHaveLength(SMALL.rows - 1 - 4);
    expect(frameLines(frame).every((l) => stringWidth(l) <= SMALL.columns)).toBe(true);
  });

  it('k pauses where the view is and scrolls up; new lines wait; G follows again', async () => {
    const { r, stream } = await openLogs();
    stream.push(numbered(1, 100));
    await waitForFrame(r, (f) => f.includes('line 100'));
    const up = await press(r, 'k', (f) => f.includes('paused'));
    expect(logRows(up).at(-1)).toBe('line 99');
    stream.push(['line 101']);
    const held = await waitForFrame(r, (f) => f.includes('1 new'));
    expect(frameLines(held)[1]).toMatch(/^paused · 100 lines · 1 new \(G shows\) · f follows/);
    expect(logRows(held).at(-1)).toBe('line 99');
    const top = await press(r, 'g', (f) => logRows(f)[0] === 'line 1');
    expect(logRows(top)[0]).toBe('line 1');
    const following = await press(r, 'G', (f) => f.includes('following'));
    expect(logRows(following).at(-1)).toBe('line 101');
    expect(frameLines(following)[1]).toMatch(/^following · 101 lines/);
  });

  it('f pauses at the newest page and f follows again', async () => {
    const { r, stream } = await openLogs();
    stream.push(numbered(1, 50));
    await waitForFrame(r, (f) => f.includes('line 50'));
    const paused = await press(r, 'f', (f) => f.includes('paused'));
    expect(logRows(paused).at(-1)).toBe('line 50');
    const following = await press(r, 'f', (f) => f.includes('following'));
    expect(logRows(following).at(-1)).toBe('line 50');
  });

  it('keeps at most 5,000 lines and shows control characters harmlessly', async () => {
    const { r, stream } = await openLogs();
    stream.push(numbered(1, 6000));
    stream.push(['\u001b[31mred\u001b[0m\ttab\u0007']);
    const frame = await waitForFrame(r, (f) => f.includes('red'));
    expect(frameLines(frame)[1]).toMatch(/^following · 5000 lines · 1001 older dropped/);
    expect(logRows(frame).at(-1)).toBe('red    tab?');
  });

  it('shows the end of the stream, and an error as CODE: message', async () => {
    const { r, stream } = await openLogs();
    stream.push(['bye']);
    stream.end(null);
    let frame = await waitForFrame(r, (f) => f.includes('stream ended'));
    expect(frameLines(frame)[1]).toMatch(/^following · 1 lines · stream ended/);

    const other = await openLogs();
    other.stream.end('STREAM_ENDED: log stream closed');
    frame = await waitForFrame(other.r, (f) => f.includes('STREAM_ENDED'));
    expect(frameLines(frame)[1]).toMatch(/^following · 0 lines · STREAM_ENDED: log stream closed/);
  });

  it('Esc goes back and stops the stream; l from the detail opens the same log', async () => {
    const actions = fakeActions(async (_h, id) => inspectOf(id, 'api'));
    const r = await renderApp(smallFleet(), SMALL, { ...ALPHA, actions });
    await press(r, 'd', (f) => f.includes('container api on alpha'));
    await press(r, 'l', (f) => f.includes('log of api on alpha'));
    expect(actions.streams).toHaveLength(1);
    expect(actions.streams[0]!.stopped).toBe(false);
    const back = await press(r, ESCAPE, (f) => f.includes('container api on alpha'));
    expect(frameLines(back)[0]).toMatch(/^dockpit · container api on alpha/);
    expect(actions.streams[0]!.stopped).toBe(true);
  });
});
