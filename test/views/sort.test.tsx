import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { hostsScreen } from '../../src/views/screens/hosts-screen.js';
import { smallFleet } from './fleet-fixture.js';
import { ENTER, frameLines, headersOf, press, renderApp, tableRows } from './render-app.js';

afterEach(() => cleanup());

const WIDE = { columns: 200, rows: 40 };
const hosts = (frame: string) => tableRows(frame, headersOf(hostsScreen)).map((r) => r.HOST);
const header = (frame: string) => frameLines(frame)[1]!;

describe('o / O sort', () => {
  it('o sorts by the first column (▲), O reverses it (▼)', async () => {
    const r = await renderApp(smallFleet(), WIDE);
    expect(header(r.lastFrame()!)).not.toMatch(/[▲▼]/);
    const asc = await press(r, 'o', (f) => f.includes('HOST▲'));
    expect(header(asc)).toMatch(/^HOST▲ /);
    expect(hosts(asc)).toEqual(['alpha', 'bravo', 'charlie']);
    const desc = await press(r, 'O', (f) => f.includes('HOST▼'));
    expect(header(desc)).toMatch(/^HOST▼ /);
    expect(header(desc)).not.toContain('▲');
    expect(hosts(desc)).toEqual(['charlie', 'bravo', 'alpha']);
  });

  it('o again moves to the next column, keeping the direction; equal values keep their order', async () => {
    const r = await renderApp(smallFleet(), WIDE);
    await press(r, 'O', (f) => f.includes('HOST▼'));
    const next = await press(r, 'o', (f) => !f.includes('HOST▼'));
    // Descending: tcp before ssh; alpha and charlie (both tcp) stay in fleet order.
    expect(frameLines(next).slice(2, 5).map((l) => l.split(' ')[0])).toEqual(['alpha', 'charlie', 'bravo']);
    const asc = await press(r, 'O', (f) => frameLines(f)[2]!.startsWith('bravo'));
    expect(frameLines(asc).slice(2, 5).map((l) => l.split(' ')[0])).toEqual(['bravo', 'alpha', 'charlie']);
  });

  // BUG (reported): Table appends the mark to the header and then fits it to the column, so a header as wide
  // as its column (TRANSPORT 9, RUN/TOTAL 9, TIER 4, LIVE-RESTORE 12) shows 'TRANSPOR…': the mark is cut off
  // and the operator can't see what the table is sorted by.
  it('the sort mark shows on a header as wide as its column', async () => {
    const r = await renderApp(smallFleet(), WIDE);
    await press(r, 'O', (f) => f.includes('HOST▼'));
    const transport = await press(r, 'o', (f) => !f.includes('HOST▼'));
    expect(header(transport)).toMatch(/TRANSPOR\S*▼/);
    const lines = await renderApp(smallFleet(), WIDE, { initialRoute: { kind: 'lines' } });
    await press(lines, 'o', (f) => f.includes('LINE▲'));
    const tier = await press(lines, 'o', (f) => !f.includes('LINE▲'));
    expect(header(tier)).toMatch(/TI\S*▲/);
  });

  it('a numeric column sorts by number: LATENCY 3.3ms < 1250ms, no latency last', async () => {
    const r = await renderApp(smallFleet(), WIDE);
    const col = headersOf(hostsScreen).indexOf('LATENCY');
    let frame = '';
    for (let i = 0; i <= col; i++) frame = await press(r, 'o');
    expect(header(frame)).toContain('LATENCY▲');
    expect(hosts(frame)).toEqual(['alpha', 'bravo', 'charlie']);
    frame = await press(r, 'O', (f) => f.includes('LATENCY▼'));
    expect(hosts(frame)).toEqual(['charlie', 'bravo', 'alpha']);
  });

  it('Enter opens the row under the cursor in the sorted order', async () => {
    const r = await renderApp(smallFleet(), WIDE);
    await press(r, 'O', (f) => f.includes('HOST▼'));
    const opened = await press(r, ENTER, (f) => f.includes('containers on'));
    expect(frameLines(opened)[0]).toBe('dockpit · containers on charlie (0)  test');
  });

  it('each screen has its own sort', async () => {
    const r = await renderApp(smallFleet(), WIDE);
    await press(r, 'O', (f) => f.includes('HOST▼'));
    const opened = await press(r, ENTER, (f) => f.includes('containers on'));
    expect(header(opened)).not.toMatch(/[▲▼]/);
  });
});
