import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

// Colours are off without a TTY; conflicts are marked in red, so turn them on before chalk loads.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

import { cleanup } from 'ink-testing-library';
import stringWidth from 'string-width';
import type { Container, DomainEvent } from '../../src/engine/types.js';
import { applyEvent, applyEvents } from '../../src/store/apply-event.js';
import { createFleetStore, type FleetStore } from '../../src/store/fleet-store.js';
import { initialFleetState } from '../../src/store/state.js';
import { ipsScreen } from '../../src/views/screens/ips-screen.js';
import { container, hostUp, listed } from '../unit/fixtures.js';
import { LAN, pools, reservation } from '../unit/ip-fixtures.js';
import { frameLines, headersOf, plain, press, renderApp, tableRows, waitForFrame, type Size } from './render-app.js';

afterEach(() => cleanup());
afterAll(() => {
  delete process.env.FORCE_COLOR;
});

// Issue 4: the IP view (`:ip`): pools with usage bars and per-line ranges at the top, conflicts and drift
// first in the table, and a mark in the status line on every screen.

/** The foreground colour code in force where `text` starts in a raw (ANSI) line. */
function colorAt(raw: string, text: string): string | null {
  const at = raw.indexOf(text);
  if (at < 0) throw new Error(`"${text}" not in: ${raw}`);
  let color: string | null = null;
  for (const m of raw.slice(0, at).matchAll(/\u001B\[([0-9;]*)m/g)) {
    for (const code of m[1]!.split(';')) if (/^(3[0-9]|9[0-7])$/.test(code)) color = code === '39' ? null : code;
  }
  return color;
}

const RED = '31';
const HEADERS = headersOf(ipsScreen);

function ipEvents(extra: Container[] = []): DomainEvent[] {
  return [
    { type: 'pools.configured', pools: pools(LAN) },
    hostUp('h1'),
    hostUp('h2'),
    listed('h1', [
      container('h1', 'w1', 'web-1', { bizline: 'news', ips: { biz: '10.88.1.10' } }),
      container('h1', 'a1', 'api-1', { bizline: 'news', ips: { biz: '10.88.1.11' } }),
      container('h1', 'f1', 'forum-1', { bizline: 'forum', ips: { biz: '10.88.2.10' } }),
      ...extra,
    ]),
    listed('h2', [
      container('h2', 'd2', 'db-2', { bizline: 'news', state: 'paused', ips: { biz: '10.88.1.11' } }),
      container('h2', 'm2', 'moved-2', { bizline: 'news', ips: { biz: '10.88.1.30' } }),
    ]),
    {
      type: 'ledger.read',
      reservations: [
        reservation('web-1', 'lan', '10.88.1.10', { line: 'news' }),
        reservation('moved-2', 'lan', '10.88.1.12', { line: 'news' }),
        reservation('gone', 'lan', '10.88.2.50', { line: 'forum' }),
      ],
    },
  ];
}

function ipFleet(extra: Container[] = []): FleetStore {
  return createFleetStore(applyEvents(initialFleetState(), ipEvents(extra)));
}

/** Many more addresses than any terminal here has rows. */
const many = Array.from({ length: 120 }, (_, i) => container('h1', `n${i}`, `node-${String(i).padStart(3, '0')}`, { bizline: 'forum', ips: { biz: `10.88.2.${100 + i}` } }));

function expectFits(frame: string, size: Size) {
  const lines = frameLines(frame);
  expect(lines).toHaveLength(size.rows - 1);
  for (const line of lines) expect(stringWidth(line), line).toBeLessThanOrEqual(size.columns);
}

describe('the IP view', () => {
  it('shows the problems, then each pool with its usage bar, then the per-line ranges, above the table', async () => {
    const r = await renderApp(ipFleet(), { columns: 200, rows: 60 }, { initialRoute: { kind: 'ips' } });
    const lines = frameLines(plain(r.lastFrame()));
    expect(lines[0]).toMatch(/^dockpit · addresses \(6\)/);
    expect(lines[1]!.trimEnd()).toBe('⚠ 1 IP conflict · 1 drift · 0 outside · 1 stale · 3 reservations');
    // in use: .1.10 .1.11 .2.10 .1.30; reserved besides: .1.12 .2.50 → 6 of 65271 (issue 12: less the ip-range and the ranges' edges)
    expect(lines[2]!.trimEnd()).toBe('lan 10.88.0.0/16 █░░░░░░░░░░░ 6/65271  65265 free  network biz');
    expect(lines[3]!.trimEnd()).toBe('  news 10.88.1.0/24 █░░░░░░░ 4/253  forum 10.88.2.0/24 █░░░░░░░ 2/254');
    expect(lines[4]).toMatch(/^IP\s+ISSUE\s+NETWORK\s+HOST\s+CONTAINER\s+LINE\s+STATE\s+NOTE/);
  });

  it('lists conflicts first, then drift, then the rest by address; reservations no container holds too', async () => {
    const r = await renderApp(ipFleet(), { columns: 200, rows: 60 }, { initialRoute: { kind: 'ips' } });
    const rows = tableRows(plain(r.lastFrame()), HEADERS).map((x) => [x.IP, x.ISSUE, x.HOST, x.CONTAINER, x.STATE, x.NOTE]);
    expect(rows).toEqual([
      ['10.88.1.11', 'CONFLICT', 'h1', 'api-1', 'running', 'also db-2@h2'],
      ['10.88.1.11', 'CONFLICT', 'h2', 'db-2', 'paused', 'also api-1@h1'],
      ['10.88.1.30', 'DRIFT', 'h2', 'moved-2', 'running', 'reserved 10.88.1.12'],
      ['10.88.2.50', 'STALE', '-', 'gone', 'reserved', 'gone: no container'],
      ['10.88.1.10', '', 'h1', 'web-1', 'running', 'reserved'],
      ['10.88.2.10', '', 'h1', 'forum-1', 'running', ''],
    ]);
  });

  it('marks a conflict in red: its address, its ISSUE cell and the status line', async () => {
    const r = await renderApp(ipFleet(), { columns: 200, rows: 60 }, { initialRoute: { kind: 'ips' } });
    const raw = r.lastFrame()!.split('\n');
    // the second conflict row: the first is under the cursor
    const second = raw.filter((l) => plain(l).startsWith('10.88.1.11'))[1]!;
    expect(colorAt(second, '10.88.1.11')).toBe(RED);
    expect(colorAt(second, 'CONFLICT')).toBe(RED);
    expect(colorAt(second, 'db-2')).toBeNull();
    const drift = raw.find((l) => plain(l).startsWith('10.88.1.30'))!;
    expect(colorAt(drift, 'DRIFT')).toBe('33');
    const status = raw.at(-1)!;
    expect(colorAt(status, '⚠ 1 IP conflict')).toBe(RED);
    expect(plain(status)).toContain('│ ⚠ 1 IP conflict, 1 IP drift');
    // the summary's problems line too
    expect(colorAt(raw[1]!, '⚠ 1 IP conflict')).toBe(RED);
  });

  it('the status line shows the mark on every screen, and it follows the store', async () => {
    const store = createFleetStore(applyEvents(initialFleetState(), ipEvents().filter((e) => e.type !== 'ledger.read')));
    const r = await renderApp(store, { columns: 120, rows: 30 });
    const status = () => frameLines(plain(r.lastFrame())).at(-1)!;
    expect(status()).toMatch(/^hosts 2\/2 up │ containers 4\/5 running │ ⚠ 1 IP conflict /);
    // db-2 moves off the address: no conflict any more
    store.setState(applyEvent(store.getState(), { type: 'container.patched', host: 'h2', id: 'd2', patch: { ips: { biz: '10.88.1.13' } } }), true);
    await waitForFrame(r, (f) => !frameLines(f).at(-1)!.includes('conflict'));
    expect(status()).not.toContain('⚠');
    // the ledger says moved-2 should have .1.12: drift
    store.setState(applyEvent(store.getState(), { type: 'ledger.read', reservations: [reservation('moved-2', 'lan', '10.88.1.12')] }), true);
    await waitForFrame(r, (f) => frameLines(f).at(-1)!.includes('⚠ 1 IP drift'));
  });

  it('no pools configured: no summary, no mark, the table as before', async () => {
    const store = createFleetStore(applyEvents(initialFleetState(), ipEvents().filter((e) => e.type !== 'pools.configured')));
    const r = await renderApp(store, { columns: 120, rows: 30 }, { initialRoute: { kind: 'ips' } });
    const lines = frameLines(plain(r.lastFrame()));
    expect(lines[1]).toMatch(/^IP\s+ISSUE/);
    expect(lines.at(-1)).not.toContain('⚠');
    // the same address on one network name is still noted
    expect(tableRows(plain(r.lastFrame()), HEADERS).filter((x) => x.IP === '10.88.1.11').map((x) => x.NOTE)).toEqual(['same IP: 1 other', 'same IP: 1 other']);
  });

  it('/ finds by address and by name', async () => {
    const r = await renderApp(ipFleet(), { columns: 200, rows: 60 }, { initialRoute: { kind: 'ips' } });
    await press(r, '/');
    const byIp = await press(r, '10.88.1.11', (f) => f.includes('addresses (2)'));
    expect(tableRows(byIp, HEADERS).map((x) => `${x.CONTAINER}@${x.HOST}`)).toEqual(['api-1@h1', 'db-2@h2']);
    await press(r, '\u001B', (f) => f.includes('addresses (6)'));
    await press(r, '/');
    const byName = await press(r, 'gone', (f) => f.includes('addresses (1)'));
    expect(tableRows(byName, HEADERS).map((x) => x.IP)).toEqual(['10.88.2.50']);
  });

  for (const size of [
    { columns: 80, rows: 24 },
    { columns: 200, rows: 60 },
  ]) {
    it(`${size.columns}x${size.rows}: the summary takes its lines from the table, the frame fits`, async () => {
      const r = await renderApp(ipFleet(many), size, { initialRoute: { kind: 'ips' } });
      const frame = plain(r.lastFrame());
      expectFits(frame, size);
      const lines = frameLines(frame);
      expect(lines[1]).toMatch(/^⚠ 1 IP conflict/);
      expect(lines.some((l) => l.startsWith('lan 10.88.0.0/16 █'))).toBe(true);
      // conflicts first, on screen
      expect(tableRows(frame, HEADERS)[0]).toMatchObject({ IP: '10.88.1.11', ISSUE: 'CONFLICT' });
      // the table fills the rest: title + summary + table + bottom line + status line = rows − 1
      const header = lines.findIndex((l) => l.startsWith('IP '));
      expect(tableRows(frame, HEADERS)).toHaveLength(size.rows - 1 - header - 3);
      // at the bottom and sorted, still so
      expectFits(await press(r, 'G'), size);
      expectFits(await press(r, 'O'), size);
    });
  }

  it('on a very short terminal the summary gives way to the table', async () => {
    const size = { columns: 80, rows: 12 };
    const r = await renderApp(ipFleet(many), size, { initialRoute: { kind: 'ips' } });
    const frame = plain(r.lastFrame());
    expectFits(frame, size);
    expect(frameLines(frame)[1]).toMatch(/^IP\s+ISSUE/);
    // the status line still says it
    expect(frameLines(frame).at(-1)).toContain('⚠ 1 IP conflict');
  });

  it('many pools and ranges: at most a third of the body, the last line says how many more', async () => {
    const raw = Array.from({ length: 12 }, (_, i) => ({
      name: `p${i}`,
      network: `net${i}`,
      driver: 'bridge' as const,
      subnet: `10.${100 + i}.0.0/16`,
      gateway: `10.${100 + i}.0.1`,
      ranges: { news: `10.${100 + i}.1.0/24`, forum: `10.${100 + i}.2.0/24` },
    }));
    const store = createFleetStore(applyEvents(initialFleetState(), [{ type: 'pools.configured', pools: pools(...raw) }, hostUp('h1')]));
    const size = { columns: 80, rows: 24 };
    const r = await renderApp(store, size, { initialRoute: { kind: 'ips' } });
    const frame = plain(r.lastFrame());
    expectFits(frame, size);
    const lines = frameLines(frame);
    // body 20 lines: 6 for the summary, of its 25 (problems, then a pool line and a range line each)
    expect(lines[6]).toMatch(/^… 20 more lines \(a taller terminal shows them\)/);
    expect(lines[7]).toMatch(/^IP\s+ISSUE/);
  });

  it('the ledger not read yet, or unreadable, is said in the summary', async () => {
    const store = createFleetStore(applyEvents(initialFleetState(), ipEvents().filter((e) => e.type !== 'ledger.read')));
    const r = await renderApp(store, { columns: 160, rows: 30 }, { initialRoute: { kind: 'ips' } });
    expect(frameLines(plain(r.lastFrame()))[1]).toContain('· ledger not read yet');
    store.setState(applyEvent(store.getState(), { type: 'ledger.failed', error: 'PARSE: ledger /s/ledger.json: not JSON' }), true);
    const frame = await waitForFrame(r, (f) => f.includes('ledger: PARSE'));
    expect(frameLines(frame)[1]).toContain('· ledger: PARSE: ledger /s/ledger.json: not JSON');
  });
});
