import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

// Colours are off without a TTY; severities are coloured, so turn them on before chalk loads.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

import { cleanup } from 'ink-testing-library';
import type { Alert } from '../../src/alerts/types.js';
import { applyEvent } from '../../src/store/apply-event.js';
import type { FleetStore } from '../../src/store/fleet-store.js';
import { sampleAlerts } from '../unit/alert-fixtures.js';
import { smallFleet } from './fleet-fixture.js';
import { plain, renderApp, waitForFrame } from './render-app.js';

afterEach(() => cleanup());
afterAll(() => {
  delete process.env.FORCE_COLOR;
});

// Issue 15: severity coloured (critical red, warning yellow), resolved dimmed, on :alerts and the status line.

const SIZE = { columns: 140, rows: 24 };
const RED = '\u001b[31m';
const YELLOW = '\u001b[33m';
const GRAY = '\u001b[90m';

function emit(store: FleetStore, alerts: readonly Alert[]): void {
  store.setState(applyEvent(store.getState(), { type: 'alerts.changed', alerts }), true);
}

/** The raw line (colour codes kept) whose plain text contains `text`. */
function rawLine(frame: string | undefined, text: string): string {
  return (frame ?? '').split('\n').find((l) => plain(l).includes(text)) ?? '';
}

describe('alert colours', () => {
  it(':alerts: the severity in its colour, a resolved row gray', async () => {
    const store = smallFleet();
    emit(store, sampleAlerts(Date.now()));
    const r = await renderApp(store, SIZE, { initialRoute: { kind: 'alerts' } });
    await waitForFrame(r, (f) => f.includes('oomKilled'));
    // The first row is under the cursor (inverse): the second critical one shows the colour plainly.
    expect(rawLine(r.lastFrame(), 'hostDown')).toContain(`${RED}critical`);
    expect(rawLine(r.lastFrame(), 'hostDown')).toContain(`${RED}FIRING`);
    expect(rawLine(r.lastFrame(), 'lineDegraded')).toContain(`${YELLOW}warning`);
    const resolved = rawLine(r.lastFrame(), 'oomKilled');
    // Every cell gray: chalk draws the row as one gray run.
    expect(resolved).toMatch(/^\u001b\[90mcritical +oomKilled +h1\/batch +batch OOM-killed \(limit 8MiB\) +2m +resolved/);
    expect(resolved).not.toContain(RED);
  });

  it('the status line count: yellow for warnings only, red once a critical one fires', async () => {
    const store = smallFleet();
    const r = await renderApp(store, SIZE);
    const [loop, , degraded] = sampleAlerts(Date.now());
    emit(store, [degraded!]);
    await waitForFrame(r, (f) => f.includes('⚠ 1 alert'));
    // (The summary before it is yellow too, a host being down: chalk joins the two runs.)
    expect(rawLine(r.lastFrame(), '⚠ 1 alert')).toMatch(/\u001b\[33m[^\u001b]*│ ⚠ 1 alert/);
    emit(store, [loop!, degraded!]);
    await waitForFrame(r, (f) => f.includes('⚠ 2 alerts'));
    expect(rawLine(r.lastFrame(), '⚠ 2 alerts')).toMatch(/(\u001b\[31m(\u001b\[1m)?|\u001b\[1m\u001b\[31m) │ ⚠ 2 alerts/);
  });
});
