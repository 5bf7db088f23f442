import { describe, expect, it } from 'vitest';
import type { RunProgress } from '../../src/plans/types.js';
import { endStatus, formatElapsed, progressCounts, runElapsed } from '../../src/views/plan-progress.js';
import { previewLines, progressLines } from '../../src/views/plan-lines.js';
import { endedPlanRun, isPlanRunning, planRunWithProgress, startedPlanRun } from '../../src/store/own-runs.js';
import { countsText } from '../../src/render/plan-lines.js';
import { double11Preview, double11WithRefusal, report } from '../views/fake-plans.js';

describe('progressCounts', () => {
  it('per host and step, hosts in first-seen order, steps ascending, with totals', () => {
    const p: RunProgress = {
      ...report('running', ['done', 'failed', 'in-flight']),
      actions: [
        { step: 1, host: 'h2', name: 'x', action: 'stop', outcome: 'pending' },
        { step: 0, host: 'h2', name: 'y', action: 'stop', outcome: 'done', ms: 100 },
        { step: 0, host: 'h1', name: 'z', action: 'stop', outcome: 'failed', ms: 50, error: 'e' },
        { step: 0, host: 'h2', name: 'w', action: 'stop', outcome: 'skipped' },
        { step: 0, host: 'h2', name: 'v', action: 'stop', outcome: 'in-flight', ms: -5 },
      ],
    };
    const { cells, totals } = progressCounts(p);
    expect(cells.map((c) => [c.host, c.step])).toEqual([['h2', 0], ['h2', 1], ['h1', 0]]);
    expect(cells[0]).toEqual({ host: 'h2', step: 0, done: 1, failed: 0, pending: 0, inFlight: 1, skipped: 1, refused: 0, total: 3, ms: 100 });
    expect(cells[1]).toEqual({ host: 'h2', step: 1, done: 0, failed: 0, pending: 1, inFlight: 0, skipped: 0, refused: 0, total: 1, ms: 0 });
    expect(totals).toEqual({ done: 1, failed: 1, pending: 1, inFlight: 1, skipped: 1, refused: 0, total: 5, ms: 150 });
  });

  it('an empty run has no cells and zero totals', () => {
    expect(progressCounts({ ...report('done', ['done', 'done', 'done']), actions: [] })).toEqual({
      cells: [],
      totals: { done: 0, failed: 0, pending: 0, inFlight: 0, skipped: 0, refused: 0, total: 0, ms: 0 },
    });
  });
});

describe('formatElapsed and runElapsed', () => {
  it('m:ss, h:mm:ss; - for negative or not finite', () => {
    expect(formatElapsed(0)).toBe('0:00');
    expect(formatElapsed(999)).toBe('0:00');
    expect(formatElapsed(61_000)).toBe('1:01');
    expect(formatElapsed(3_723_000)).toBe('1:02:03');
    expect(formatElapsed(-1)).toBe('-');
    expect(formatElapsed(NaN)).toBe('-');
  });

  it('runs to now while running, to the end once ended; NaN for a bad start', () => {
    const p = { ...report('running', ['done', 'done', 'done']), startedAt: '2026-11-11T00:00:00.000Z' };
    const start = Date.parse(p.startedAt);
    expect(runElapsed(p, start + 5000, null)).toBe(5000);
    expect(runElapsed({ ...p, status: 'done' }, start + 9000, start + 7000)).toBe(7000);
    expect(runElapsed({ ...p, startedAt: 'nope' }, start, null)).toBeNaN();
  });
});

describe('endStatus', () => {
  it('none while running; done, partial (failed count), cancelled (skipped count), refused', () => {
    expect(endStatus(report('running', ['done', 'pending', 'pending']))).toBeNull();
    expect(endStatus(report('done', ['done', 'done', 'done']))).toEqual({ text: 'run run-7 done: 3 actions', color: 'green' });
    expect(endStatus(report('partial', ['done', 'failed', 'failed']))).toEqual({ text: 'run run-7 partial: 2 failed (listed below), retryable', color: 'yellow' });
    expect(endStatus(report('cancelled', ['done', 'skipped', 'skipped']))).toEqual({ text: 'run run-7 cancelled: 2 not started (skipped)', color: 'yellow' });
    expect(endStatus(report('refused', ['skipped', 'skipped', 'skipped']))?.color).toBe('red');
    expect(endStatus(report('done', ['done', 'done', 'done'], 'restore'))?.text).toBe('restore run-7 done: 3 actions');
  });
});

describe('own-runs: the plan run the cockpit started, as the store holds it', () => {
  it('reports update it until it ends; a late report is ignored; an error ends it', () => {
    const r0 = startedPlanRun('double11', 'apply', 1000, true);
    expect(isPlanRunning(r0)).toBe(true);
    const r1 = planRunWithProgress(r0, report('running', ['done', 'pending', 'pending']));
    expect(r1.progress?.status).toBe('running');
    const r2 = endedPlanRun(r1, 2000, { progress: report('done', ['done', 'done', 'done']) });
    expect(isPlanRunning(r2)).toBe(false);
    expect(r2.cancellable).toBe(false);
    expect(planRunWithProgress(r2, report('running', ['pending', 'pending', 'pending']))).toBe(r2);
    expect(endedPlanRun(r0, 3000, { error: 'lock held by ops@jump-1' })).toMatchObject({ error: 'lock held by ops@jump-1', endedAt: 3000, progress: null });
    expect(isPlanRunning(null)).toBe(false);
  });
});

describe('previewLines and progressLines', () => {
  it('a refusal comes first, in red', () => {
    const lines = previewLines({ ...double11Preview(), refusal: 'line shop over maxDownPerLine' });
    expect(lines[0]).toEqual({ text: 'REFUSED: line shop over maxDownPerLine', color: 'red', bold: true });
    expect(lines[1]!.color).toBe('red');
    expect(previewLines(double11Preview()).some((l) => l.color === 'red')).toBe(false);
  });

  it('steps numbered from 1, skipped rows with the reason, escape sequences in names made harmless', () => {
    const p = double11Preview();
    p.actions[0] = { ...p.actions[0]!, name: 'evil\u001b[2Jname' };
    const text = previewLines(p).map((l) => l.text);
    expect(text).toContain('step 1: 2 changes');
    expect(text).toContain('step 2: 1 change, 1 skipped');
    expect(text.some((t) => t.includes('\u001b'))).toBe(false);
    expect(text.find((t) => t.includes('skip h2'))).toMatch(/skip h2\s+db-2\s+protected tier 0$/);
    expect(previewLines({ ...p, actions: [], counts: { feasible: 0, refused: 0, unseen: 0, skipped: 0 }, skipped: [], unseen: [], perHost: {}, perLine: {} })).toEqual([{ text: 'no container is selected by this plan', color: 'gray' }]);
    // Issue 13: a host that does not answer is named, never left out.
    expect(previewLines({ ...p, unseen: [{ host: 'h3', state: 'down', error: 'TIMEOUT: no answer', lastSeen: null }] })).toContainEqual(
      { text: 'not seen: h3 is down (TIMEOUT: no answer); never seen: its containers are unknown; the run will end partial', color: 'yellow' });
  });

  it('refused actions (issue 12): counted up front, each in its step with its reason, and not in the changes', () => {
    const lines = previewLines(double11WithRefusal());
    expect(lines[0]).toEqual({ text: '2 changes will run · 1 refused (marked below, with why): the run does the others and ends partial', color: 'yellow', bold: true });
    expect(lines.map((l) => l.text)).toContain('step 1: 1 change, 1 refused');
    const refused = lines.find((l) => l.text.includes('web-2'))!;
    expect(refused.color).toBe('red');
    expect(refused.text).toMatch(/^\s+h2\s+web-2\s+shop\s+2\s+stop\s+REFUSED: host h2 is down \(REFUSED: connect ECONNREFUSED\)$/);
  });

  it('a plan its guards refuse never says that some of its actions will run', () => {
    const p = { ...double11WithRefusal(), refusal: 'line shop: the plan takes down 3 of its 3 running containers' };
    expect(previewLines(p).some((l) => l.text.includes('will run'))).toBe(false);
    expect(countsText(p)).toBe('3 actions: none will run, the guards refuse the plan (below); 1 container skipped by design');
    expect(countsText(double11WithRefusal())).toBe('3 actions: 2 will run, 1 refused; 1 container skipped by design');
  });

  it('a run whose only shortfall is refusals ends partial, and says so; refused actions are listed with why', () => {
    const p = report('partial', ['done', 'refused', 'done']);
    p.actions[1]!.error = 'host h2 is down';
    const lines = progressLines(p, 1000);
    expect(lines[0]).toEqual({ text: 'run run-7 partial: 1 refused, not done (listed below with why), the rest done', color: 'yellow' });
    expect(lines[1]!.text).toContain('done 2 · failed 0 · refused 1 ·');
    const at = lines.findIndex((l) => l.text === 'refused (1), not called');
    expect(lines[at + 1]).toEqual({ text: expect.stringMatching(/^\s+h2\s+web-2\s+stop\s+host h2 is down$/), color: 'yellow' });
    expect(endStatus(report('partial', ['failed', 'refused', 'done']))?.text).toBe('run run-7 partial: 1 failed (listed below), retryable; 1 refused');
  });

  it('progress: status, totals, a counts row per host and step, failed listed with their errors', () => {
    const lines = progressLines(report('partial', ['done', 'failed', 'done']), 65_000);
    expect(lines[0]).toEqual({ text: 'run run-7 partial: 1 failed (listed below), retryable', color: 'yellow' });
    expect(lines[1]!.text).toBe('elapsed 1:05 · done 2 · failed 1 · refused 0 · in flight 0 · pending 0 · skipped 0 · of 3');
    const failed = lines.findIndex((l) => l.text === 'failed (1)');
    expect(lines[failed + 1]).toEqual({ text: expect.stringMatching(/^\s+h2\s+web-2\s+stop\s+ENGINE_DOWN/), color: 'red' });
  });
});
