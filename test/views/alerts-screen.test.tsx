// Issue 15, item 1 (cockpit half): `:alerts`, the status line's count, `a` acknowledges through the port.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import type { Alert } from '../../src/alerts/types.js';
import { formatClock } from '../../src/render/alert-lines.js';
import { applyEvent } from '../../src/store/apply-event.js';
import type { FleetStore } from '../../src/store/fleet-store.js';
import { activeKeymap } from '../../src/views/keymap.js';
import { alertsScreen } from '../../src/views/screens/alerts-screen.js';
import { alert, sampleAlerts } from '../unit/alert-fixtures.js';
import { fakeActions } from './fake-actions.js';
import { fakeAlerts } from './fake-alerts.js';
import { fakePlans } from './fake-plans.js';
import { smallFleet } from './fleet-fixture.js';
import { ENTER, ESCAPE, TAB, frameLines, headersOf, press, renderApp, settle, tableRows, waitForFrame } from './render-app.js';

afterEach(() => cleanup());

const SIZE = { columns: 140, rows: 24 };
const ALERTS = { kind: 'alerts' } as const;

/** The evaluator's commit, as the coalescer applies it. */
function emit(store: FleetStore, alerts: readonly Alert[]): void {
  store.setState(applyEvent(store.getState(), { type: 'alerts.changed', alerts }), true);
}

function storeWith(alerts: readonly Alert[]): FleetStore {
  const store = smallFleet();
  emit(store, alerts);
  return store;
}

const statusLine = (frame: string) => frameLines(frame).find((l) => /^hosts \d+\/\d+ up/.test(l)) ?? '';
const bottomLine = (frame: string) => {
  const lines = frameLines(frame);
  return lines[lines.findIndex((l) => /^hosts \d+\/\d+ up/.test(l)) - 1] ?? '';
};

describe(':alerts', () => {
  it('lists firing (critical first), pending, then resolved: severity, name, subject, summary, since, state', async () => {
    const store = storeWith(sampleAlerts(Date.now()));
    const r = await renderApp(store, SIZE, { initialRoute: ALERTS });
    const frame = await waitForFrame(r, (f) => f.includes('web-3'));
    expect(frameLines(frame)[0]).toMatch(/^dockpit · alerts \(5\), 3 firing {2}test/);
    const rows = tableRows(frame, headersOf(alertsScreen));
    expect(rows.map((x) => [x.SEVERITY, x.ALERT, x.SUBJECT, x.SINCE, x.STATE])).toEqual([
      ['critical', 'restartLoop', 'h1/web-3', '3m', 'FIRING'],
      ['critical', 'hostDown', 'h2', '45s', 'FIRING'],
      ['warning', 'lineDegraded', 'forum (tier 2)', '3m', 'FIRING'],
      ['warning', 'unhealthy', 'h3/api-1', '20s', 'pending'],
      ['critical', 'oomKilled', 'h1/batch', '2m', 'resolved'],
    ]);
    expect(rows[0]!.SUMMARY).toBe('web-3 restarted 4 times in 2m');
  });

  it('an acknowledged alert says until when and by whom', async () => {
    const now = Date.now();
    const until = now + 3600_000;
    const store = storeWith([alert('restartLoop', 'critical', { host: 'h1', container: 'web-3' }, { ackedUntil: until, ackedBy: 'alice@jump-a' }, now)]);
    const r = await renderApp(store, SIZE, { initialRoute: ALERTS });
    const frame = await waitForFrame(r, (f) => f.includes('web-3'));
    expect(tableRows(frame, headersOf(alertsScreen))[0]!.STATE).toBe(`acked until ${formatClock(until)} by alice@jump-a`);
  });

  it('SINCE moves by itself (a second under a minute), with no alert changing', async () => {
    const now = Date.now();
    const store = storeWith([alert('hostDown', 'critical', { host: 'h2' }, { firingSince: now - 58_500 }, now)]);
    const r = await renderApp(store, SIZE, { initialRoute: ALERTS });
    const first = await waitForFrame(r, (f) => f.includes('hostDown'));
    expect(tableRows(first, headersOf(alertsScreen))[0]!.SINCE).toMatch(/^5[89]s$/);
    const later = await waitForFrame(r, (f) => tableRows(f, headersOf(alertsScreen))[0]!.SINCE === '1m', 3000);
    expect(tableRows(later, headersOf(alertsScreen))[0]!.STATE).toBe('FIRING');
  });

  it('none: says so', async () => {
    const r = await renderApp(smallFleet(), SIZE, { initialRoute: ALERTS });
    expect(await waitForFrame(r, (f) => f.includes('no alerts'))).toContain('no alerts: nothing firing, pending or resolved lately');
  });

  it('`:alerts` from the command line, Tab completes it, Esc goes back', async () => {
    const store = storeWith(sampleAlerts(Date.now()));
    const r = await renderApp(store, SIZE);
    await press(r, ':');
    const completed = await press(r, 'al' + TAB, (f) => f.includes(':alerts'));
    expect(bottomLine(completed)).toMatch(/^:alerts█/);
    const shown = await press(r, ENTER, (f) => f.includes('dockpit · alerts'));
    expect(shown).toContain('restartLoop');
    const back = await press(r, ESCAPE, (f) => f.includes('dockpit · hosts'));
    expect(back).not.toContain('restartLoop');
  });

  it('`/` filters it like the other tables', async () => {
    const store = storeWith(sampleAlerts(Date.now()));
    const r = await renderApp(store, SIZE, { initialRoute: ALERTS });
    await press(r, '/');
    const filtered = await press(r, 'h1', (f) => !f.includes('hostDown'));
    expect(tableRows(filtered, headersOf(alertsScreen)).map((x) => x.ALERT)).toEqual(['restartLoop', 'oomKilled']);
    expect(frameLines(filtered)[0]).toMatch(/^dockpit · alerts \(2\)/);
  });

  it('Enter: the detail, with its labels and times', async () => {
    const store = storeWith(sampleAlerts(Date.now()));
    const r = await renderApp(store, SIZE, { initialRoute: ALERTS, actions: { ...fakeActions(), alerts: fakeAlerts() } });
    const detail = await press(r, ENTER, (f) => f.includes('dockpit · alert restartLoop h1/web-3'));
    const lines = frameLines(detail);
    expect(lines[1]).toMatch(/^a acknowledges · esc back/);
    expect(lines).toContainEqual(expect.stringMatching(/^state {5}FIRING/));
    expect(lines).toContainEqual(expect.stringMatching(/^firing {4}\d{4}-\d\d-\d\dT.* \(3m ago\)/));
    for (const label of ['alertname=restartLoop', 'bizline=shop', 'container=web-3', 'host=h1', 'severity=critical', 'tier=1']) {
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^  ${label}`)));
    }
  });
});

describe('the status line counts the alerts firing', () => {
  it('appears with the first, counts, and goes when none fires (or all are acknowledged)', async () => {
    const store = smallFleet();
    const r = await renderApp(store, SIZE);
    expect(statusLine(r.lastFrame() ?? '')).not.toContain('alert');
    const now = Date.now();
    const [loop, down, degraded] = sampleAlerts(now);
    emit(store, [degraded!]);
    let frame = await waitForFrame(r, (f) => statusLine(f).includes('⚠ 1 alert'));
    expect(statusLine(frame)).toMatch(/^hosts 2\/3 up │ containers \d+\/\d+ running │ ⚠ 1 alert /);
    emit(store, [loop!, down!, degraded!]);
    frame = await waitForFrame(r, (f) => statusLine(f).includes('⚠ 3 alerts'));
    emit(store, [{ ...loop!, ackedUntil: now + 3600_000, ackedBy: 'a@b' }, { ...down!, state: 'resolved', resolvedAt: now }]);
    frame = await waitForFrame(r, (f) => !statusLine(f).includes('alert'));
    expect(statusLine(frame)).toMatch(/^hosts 2\/3 up │ containers \d+\/\d+ running /);
  });
});

describe('`a` acknowledges', () => {
  it('a firing alert: through the port, and the bottom line says what it did', async () => {
    let answer!: (v: { ok: boolean; message: string }) => void;
    const alerts = fakeAlerts(() => new Promise((resolve) => (answer = resolve)));
    const store = storeWith(sampleAlerts(Date.now()));
    const r = await renderApp(store, SIZE, { initialRoute: ALERTS, actions: { ...fakeActions(), alerts } });
    await press(r, 'j');
    const asking = await press(r, 'a', (f) => bottomLine(f).startsWith('acknowledging'));
    expect(bottomLine(asking)).toMatch(/^acknowledging hostDown h2…/);
    expect(alerts.acks).toEqual(['hostDown/h2']);
    answer({ ok: true, message: 'acknowledged hostDown h2 for 1h (audit log; Alertmanager silence 4f2…)' });
    const done = await waitForFrame(r, (f) => bottomLine(f).startsWith('acknowledged'));
    expect(bottomLine(done)).toMatch(/^acknowledged hostDown h2 for 1h \(audit log; Alertmanager silence 4f2…\)/);
  });

  it('a refusal from the port is said as it is', async () => {
    const alerts = fakeAlerts(() => Promise.resolve({ ok: false, message: 'hostDown h2: not acknowledged: STATE_UNREACHABLE: etcd cut off' }));
    const r = await renderApp(storeWith(sampleAlerts(Date.now())), SIZE, { initialRoute: ALERTS, actions: { ...fakeActions(), alerts } });
    await press(r, 'j');
    const said = await press(r, 'a', (f) => bottomLine(f).includes('not acknowledged'));
    expect(bottomLine(said)).toMatch(/^hostDown h2: not acknowledged: STATE_UNREACHABLE: etcd cut off/);
  });

  it('a pending, resolved or already acknowledged alert: said, the port not called', async () => {
    const now = Date.now();
    const list = sampleAlerts(now);
    list[0] = { ...list[0]!, ackedUntil: now + 3600_000, ackedBy: 'bob@jump-b' };
    const alerts = fakeAlerts();
    const r = await renderApp(storeWith(list), SIZE, { initialRoute: ALERTS, actions: { ...fakeActions(), alerts } });
    let f = await press(r, 'a', (x) => bottomLine(x).includes('already'));
    expect(bottomLine(f)).toMatch(/^restartLoop h1\/web-3: already acked until \d\d:\d\d by bob@jump-b/);
    await press(r, 'jjj');
    f = await press(r, 'a', (x) => bottomLine(x).includes('pending'));
    expect(bottomLine(f)).toMatch(/^unhealthy h3\/api-1 is pending: only a firing alert is acknowledged/);
    await press(r, 'j');
    f = await press(r, 'a', (x) => bottomLine(x).includes('resolved'));
    expect(bottomLine(f)).toMatch(/^oomKilled h1\/batch is resolved/);
    expect(alerts.acks).toEqual([]);
  });

  it('on the detail too', async () => {
    const alerts = fakeAlerts();
    const r = await renderApp(storeWith(sampleAlerts(Date.now())), SIZE, { initialRoute: ALERTS, actions: { ...fakeActions(), alerts } });
    await press(r, 'jj');
    await press(r, ENTER, (f) => f.includes('dockpit · alert lineDegraded'));
    await press(r, 'a', (f) => bottomLine(f).startsWith('acknowledged'));
    expect(alerts.acks).toEqual(['lineDegraded/forum/2']);
  });

  it('with degradation plans configured too, `a` on :alerts acknowledges and `a` on a plan still applies it', async () => {
    const alerts = fakeAlerts();
    const plans = fakePlans();
    const r = await renderApp(storeWith(sampleAlerts(Date.now())), SIZE, { initialRoute: ALERTS, actions: { ...fakeActions(), alerts, plans } });
    await press(r, 'a', (f) => bottomLine(f).startsWith('acknowledged'));
    expect(alerts.acks).toEqual(['restartLoop/h1/web-3/shop/1']);
    await press(r, 'p', (f) => f.includes('degradation plans'));
    await press(r, ENTER, (f) => f.includes('dockpit · plan double11'));
    await press(r, 'a', (f) => f.includes('type "double11"'));
    expect(alerts.acks).toHaveLength(1);
  });

  it('--read-only, or no alert port: `a` is not bound (nothing called, nothing said) and help does not list it', async () => {
    for (const options of [{ readOnly: true, actions: { ...fakeActions(), alerts: fakeAlerts() } }, { actions: fakeActions() }]) {
      const r = await renderApp(storeWith(sampleAlerts(Date.now())), { columns: 140, rows: 40 }, { initialRoute: ALERTS, ...options });
      r.stdin.write('a');
      await settle();
      await settle();
      expect(bottomLine(r.lastFrame() ?? '').trim()).toBe('');
      expect((options.actions as { alerts?: { acks: string[] } }).alerts?.acks ?? []).toEqual([]);
      const help = await press(r, '?', (f) => f.includes('keys (any key closes)'));
      expect(help).not.toContain('acknowledge');
      cleanup();
    }
    expect(activeKeymap(true).some((b) => b.command === 'ackAlert')).toBe(false);
  });

  it('help lists `a` on alerts where it is bound, and :alerts among the commands', async () => {
    const r = await renderApp(smallFleet(), { columns: 140, rows: 40 }, { actions: { ...fakeActions(), alerts: fakeAlerts() } });
    const help = await press(r, '?', (f) => f.includes('keys (any key closes)'));
    expect(help).toMatch(/a +acknowledge the alert \(silenced a while; audit log\) +\[alerts\]/);
    expect(help).toContain(':alerts');
  });
});
