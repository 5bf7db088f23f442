import { describe, expect, it, vi } from 'vitest';
import {
  alertCountText,
  alertDetailLines,
  alertRow,
  alertStateText,
  alertSubject,
  formatClock,
  formatSince,
  msUntilRowsChange,
  worstFiring,
} from '../../src/render/alert-lines.js';
import { alert, sampleAlerts, T0 } from './alert-fixtures.js';

// Pure text for the :alerts screen and a future `dockpit alerts --json`: no React, no clock read.
vi.mock('react', () => {
  throw new Error('alert-lines must not import react');
});

describe('formatSince', () => {
  it('seconds, then minutes, hours and minutes, days and hours', () => {
    expect(formatSince(0)).toBe('0s');
    expect(formatSince(999)).toBe('0s');
    expect(formatSince(45_000)).toBe('45s');
    expect(formatSince(59_999)).toBe('59s');
    expect(formatSince(60_000)).toBe('1m');
    expect(formatSince(3 * 60_000 + 59_000)).toBe('3m');
    expect(formatSince(60 * 60_000)).toBe('1h');
    expect(formatSince(125 * 60_000)).toBe('2h5m');
    expect(formatSince(24 * 3600_000)).toBe('1d');
    expect(formatSince(76 * 3600_000)).toBe('3d4h');
  });

  it('a negative age (a clock behind the evaluator\'s) is 0s, not "-3s"', () => {
    expect(formatSince(-3000)).toBe('0s');
    expect(formatSince(Number.NaN)).toBe('0s');
  });
});

describe('alertRow', () => {
  const [loop, down, degraded, pending, resolved] = sampleAlerts();

  it('severity, name, subject, summary, since (of its state) and state', () => {
    expect(alertRow(loop!, T0)).toEqual({
      key: 'restartLoop/h1/web-3/shop/1',
      severity: 'critical',
      alertname: 'restartLoop',
      subject: 'h1/web-3',
      summary: 'web-3 restarted 4 times in 2m',
      since: '3m',
      state: 'FIRING',
    });
    expect(alertRow(down!, T0)).toMatchObject({ subject: 'h2', since: '45s', state: 'FIRING' });
    expect(alertRow(degraded!, T0)).toMatchObject({ subject: 'forum (tier 2)', state: 'FIRING' });
    // Pending since the cause was first seen; resolved since it resolved.
    expect(alertRow(pending!, T0)).toMatchObject({ since: '20s', state: 'pending' });
    expect(alertRow(resolved!, T0)).toMatchObject({ since: '2m', state: 'resolved' });
  });

  it('acknowledged: until when (local time) and by whom, while the silence lasts', () => {
    const until = T0 + 3600_000;
    const acked = alert('restartLoop', 'critical', { host: 'h1', container: 'web-3' }, { ackedUntil: until, ackedBy: 'alice@jump-a' });
    expect(formatClock(until)).toMatch(/^\d\d:\d\d$/);
    expect(alertStateText(acked, T0)).toBe(`acked until ${formatClock(until)} by alice@jump-a`);
    // Run out: firing again, whatever the evaluator has not yet cleared.
    expect(alertStateText(acked, until + 1)).toBe('FIRING');
  });

  it('a run alert names its run; engine text cannot reach the terminal raw', () => {
    expect(alertSubject(alert('runFailed', 'warning', { run: 'plan-7' }))).toBe('plan-7');
    const evil = alert('containerDied', 'warning', { host: 'h1', container: 'x\u001b[2Jy' }, { summary: 'tab\there' });
    expect(alertRow(evil, T0).subject).toBe('h1/xy');
    expect(alertRow(evil, T0).summary).toBe('tab    here');
  });
});

describe('msUntilRowsChange', () => {
  it('no alerts: never (no timer)', () => {
    expect(msUntilRowsChange([], T0)).toBeNull();
  });

  it('the next second while an alert is under a minute old, else the next minute', () => {
    const young = alert('hostDown', 'critical', { host: 'h2' }, { firingSince: T0 - 45_300 });
    expect(msUntilRowsChange([young], T0)).toBe(700);
    const old = alert('hostDown', 'critical', { host: 'h2' }, { firingSince: T0 - 3 * 60_000 - 20_000 });
    expect(msUntilRowsChange([old], T0)).toBe(40_000);
    expect(msUntilRowsChange([old, young], T0)).toBe(700);
  });

  it('an acknowledgement running out sooner comes first', () => {
    const acked = alert('hostDown', 'critical', { host: 'h2' }, { firingSince: T0 - 3 * 60_000, ackedUntil: T0 + 1500, ackedBy: 'a@b' });
    expect(msUntilRowsChange([acked], T0)).toBe(1500);
  });
});

describe('the status line count', () => {
  it('`⚠ N alerts`, one alert singular, none empty', () => {
    expect(alertCountText(0)).toBe('');
    expect(alertCountText(1)).toBe('⚠ 1 alert');
    expect(alertCountText(2)).toBe('⚠ 2 alerts');
  });

  it('worst severity of what it counts: firing and not acknowledged', () => {
    const list = sampleAlerts();
    expect(worstFiring(list)).toBe('critical');
    // The critical ones acknowledged or resolved: the warning is the worst left.
    const calmer = list.map((a) => (a.labels.severity === 'critical' ? { ...a, ackedUntil: T0 + 60_000, ackedBy: 'a@b' } : a));
    expect(worstFiring(calmer)).toBe('warning');
    expect(worstFiring([alert('engineSlow', 'info', { host: 'h1' })])).toBe('info');
    expect(worstFiring(list.filter((a) => a.state !== 'firing'))).toBeNull();
    expect(worstFiring([])).toBeNull();
  });
});

describe('alertDetailLines', () => {
  it('what, state, times (ISO and how long ago) and every label, sorted', () => {
    const [loop] = sampleAlerts();
    expect(alertDetailLines(loop!, T0)).toEqual([
      'alert     restartLoop (rule restartLoop)',
      'severity  critical',
      'subject   h1/web-3',
      'summary   web-3 restarted 4 times in 2m',
      'state     FIRING',
      'since     2026-12-04T09:55:00.000Z (5m ago)',
      'firing    2026-12-04T09:57:00.000Z (3m ago)',
      'resolved  -',
      'acked     -',
      'key       restartLoop/h1/web-3/shop/1',
      'labels',
      '  alertname=restartLoop',
      '  bizline=shop',
      '  container=web-3',
      '  host=h1',
      '  severity=critical',
      '  tier=1',
    ]);
  });
});
