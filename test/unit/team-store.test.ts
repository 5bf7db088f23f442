import stringWidth from 'string-width';
import { describe, expect, it, vi } from 'vitest';
import type { TeamRun } from '../../src/engine/types.js';
import { applyEvent, applyEvents } from '../../src/store/apply-event.js';
import { initialFleetState } from '../../src/store/state.js';
import { createTeamStatusSelector, teamStatus } from '../../src/store/team.js';
import { HELP, layoutStatus, teamForms } from '../../src/views/status-parts.js';

// Issue 11, item 4: other operators' runs in the store (pure apply, memoized selector) and in the status
// line's one line (pure layout).

vi.mock('react', () => {
  throw new Error('the store must not import react');
});

function teamRun(runId: string, over: Partial<TeamRun> = {}): TeamRun {
  return {
    kind: 'plan',
    runId,
    title: 'plan shed',
    operator: 'alice@jump-a',
    status: 'running',
    done: 3,
    total: 9,
    started: '2026-12-03T10:15:02.000Z',
    ended: null,
    own: false,
    ...over,
  };
}

describe('team events in the store', () => {
  it('keeps runs sorted by run id (start time), whatever order they are read in', () => {
    const s = applyEvents(initialFleetState(), [
      { type: 'team.run', run: teamRun('20261203T101600Z-b') },
      { type: 'team.run', run: teamRun('20261203T101500Z-a') },
      { type: 'team.run', run: teamRun('20261203T101700Z-c', { kind: 'migration', title: 'evacuate h3' }) },
    ]);
    expect(s.team.map((r) => r.runId)).toEqual(['20261203T101500Z-a', '20261203T101600Z-b', '20261203T101700Z-c']);
  });

  it('a re-read that found the same run changes nothing: the same state object', () => {
    const s1 = applyEvent(initialFleetState(), { type: 'team.run', run: teamRun('r1') });
    expect(applyEvent(s1, { type: 'team.run', run: teamRun('r1') })).toBe(s1);
    expect(applyEvent(s1, { type: 'team.gone', runId: 'nope' })).toBe(s1);
  });

  it('progress replaces the run in place; gone removes it; other slices keep their identity', () => {
    const s1 = applyEvent(initialFleetState(), { type: 'team.run', run: teamRun('r1') });
    const s2 = applyEvent(s1, { type: 'team.run', run: teamRun('r1', { done: 4 }) });
    expect(s2.team).toEqual([teamRun('r1', { done: 4 })]);
    expect(s2.hosts).toBe(s1.hosts);
    expect(s2.reservations).toBe(s1.reservations);
    const s3 = applyEvent(s2, { type: 'team.gone', runId: 'r1' });
    expect(s3.team).toEqual([]);
  });
});

describe('the status line selector', () => {
  it('names the newest of the others’ running runs, +N for the rest; own runs never count', () => {
    const status = teamStatus([
      teamRun('r1'),
      teamRun('r2', { operator: 'carol@jump-c', title: 'evacuate h3', kind: 'migration' }),
      teamRun('r3', { own: true }),
      teamRun('r0', { status: 'done', ended: '2026-12-03T10:16:00.000Z' }),
    ]);
    expect(status.lead?.runId).toBe('r2');
    expect(status.more).toBe(1);
  });

  it('with none running, the one that ended last; with only own runs, nothing', () => {
    expect(teamStatus([teamRun('r1', { status: 'partial', ended: '2026-12-03T10:20:00.000Z' }), teamRun('r2', { status: 'done', ended: '2026-12-03T10:18:00.000Z' })]).lead?.runId).toBe('r1');
    expect(teamStatus([teamRun('r1', { own: true })])).toEqual({ lead: null, more: 0 });
    // Issue 13: interrupted runs come first (they wait for a resume or an abandon), the newest named.
    const ir = teamStatus([teamRun('r1', { status: 'interrupted', ended: 'x' }), teamRun('r2'), teamRun('r3', { status: 'interrupted', ended: 'y' })]);
    expect(ir).toMatchObject({ lead: { runId: 'r3' }, more: 1 });
  });

  it('is stable: the same object while what it says is the same (an own run advancing, another event)', () => {
    const select = createTeamStatusSelector();
    let s = applyEvents(initialFleetState(), [
      { type: 'team.run', run: teamRun('r1') },
      { type: 'team.run', run: teamRun('r2', { own: true }) },
    ]);
    const first = select(s);
    expect(select(s)).toBe(first);
    s = applyEvent(s, { type: 'team.run', run: teamRun('r2', { own: true, done: 5 }) });
    expect(select(s)).toBe(first);
    s = applyEvent(s, { type: 'host.status', host: 'h1', patch: { state: 'up' } });
    expect(select(s)).toBe(first);
    s = applyEvent(s, { type: 'team.run', run: teamRun('r1', { done: 4 }) });
    const second = select(s);
    expect(second).not.toBe(first);
    expect(second.lead?.done).toBe(4);
  });
});

describe('the status line’s team part', () => {
  const running = { lead: teamRun('r1'), more: 0 };
  const summary = 'hosts 3/3 up │ containers 41/41 running';

  it('says who, what and how far, longest form first; +N when several', () => {
    expect(teamForms(running)).toEqual(['▶ alice@jump-a: plan shed 3/9', '▶ alice: plan shed 3/9', '▶ alice: shed 3/9', '▶ alice 3/9']);
    // A migration's title is its short form already.
    expect(teamForms({ lead: teamRun('r1', { kind: 'migration', title: 'evacuate h3', done: 1, total: 4 }), more: 0 })).toEqual(['▶ alice@jump-a: evacuate h3 1/4', '▶ alice: evacuate h3 1/4', '▶ alice 1/4']);
    expect(teamForms({ ...running, more: 2 })[0]).toBe('▶ alice@jump-a: plan shed 3/9 +2');
    expect(teamForms({ lead: teamRun('r1', { status: 'done', done: 9, ended: 'x' }), more: 0 })[0]).toBe('✓ alice@jump-a: plan shed done');
    expect(teamForms({ lead: teamRun('r1', { status: 'partial', done: 9, ended: 'x' }), more: 0 })[0]).toBe('✗ alice@jump-a: plan shed partial 9/9');
    expect(teamForms({ lead: teamRun('r1', { status: 'interrupted', ended: 'x' }), more: 1 })).toEqual([
      '⚠ alice@jump-a: plan shed interrupted 3/9 +1', '⚠ alice: plan shed interrupted 3/9 +1', '⚠ alice: shed interrupted 3/9 +1', '⚠ alice interrupted 3/9 +1',
    ]);
    expect(teamForms({ lead: null, more: 0 })).toEqual([]);
  });

  it('wide: everything, the help too', () => {
    const p = layoutStatus(200, { summary, alert: '', team: teamForms(running), error: null });
    expect(p.team).toBe(' │ ▶ alice@jump-a: plan shed 3/9');
    expect(p.help).toBe(` ${HELP}`);
  });

  it('80 columns with a host error: a shorter form, so the error keeps room; the help leaves first', () => {
    const p = layoutStatus(79, { summary, alert: '', team: teamForms(running), error: 'h2: REFUSED: connect ECONNREFUSED 10.99.0.2:2375' });
    expect(p.team).toBe(' │ ▶ alice: shed 3/9');
    expect(p.error.startsWith(' │ h2: REFUSED')).toBe(true);
    expect(p.help).toBe('');
    expect(stringWidth(p.summary + p.alert + p.team + p.error + p.help)).toBe(79);
  });

  it('80 columns without an error: the longest form', () => {
    const p = layoutStatus(79, { summary, alert: '', team: teamForms(running), error: null });
    expect(p.team).toBe(' │ ▶ alice@jump-a: plan shed 3/9');
  });

  it('an IP conflict outranks it; at 40 columns it is cut, never wrapped', () => {
    for (const width of [20, 40, 50, 60, 79, 119]) {
      const p = layoutStatus(width, { summary, alert: '⚠ 2 IP conflicts', team: teamForms({ ...running, more: 3 }), error: 'h2: REFUSED' });
      const line = p.summary + p.alert + p.team + p.error + p.help;
      expect(stringWidth(line)).toBeLessThanOrEqual(width);
      expect(line).not.toContain('\n');
      if (width >= 60) expect(p.alert).toBe(' │ ⚠ 2 IP conflicts');
    }
  });
});
