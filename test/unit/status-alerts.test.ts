import { describe, expect, it } from 'vitest';
import { layoutStatus } from '../../src/views/status-parts.js';

// Issue 15: the status line's alert count comes right after the fleet's summary, before IP conflicts, the
// others' runs, the error and the help: what pages people outranks the rest when room runs short.

const summary = 'hosts 3/3 up │ containers 11/12 running';

describe('layoutStatus with alerts firing', () => {
  it('after the summary, before the IP alert', () => {
    const p = layoutStatus(160, { summary, alerts: '⚠ 2 alerts', alert: '⚠ 1 IP conflict', team: [], error: null });
    expect(p.alerts).toBe(' │ ⚠ 2 alerts');
    expect(p.summary + p.alerts + p.alert).toBe(`${summary} │ ⚠ 2 alerts │ ⚠ 1 IP conflict`);
  });

  it('kept when room is short; the IP alert, the error and the help give way first', () => {
    const p = layoutStatus(summary.length + 14, { summary, alerts: '⚠ 2 alerts', alert: '⚠ 1 IP conflict', team: [], error: 'h2: REFUSED' });
    expect(p.alerts).toBe(' │ ⚠ 2 alerts');
    expect(p.alert).toBe('');
    expect(p.help).toBe('');
  });

  it('none firing: no part, the line as before', () => {
    const before = layoutStatus(120, { summary, alert: '', team: [], error: null });
    const none = layoutStatus(120, { summary, alerts: '', alert: '', team: [], error: null });
    expect(none).toEqual(before);
    expect(none.alerts).toBe('');
  });
});
