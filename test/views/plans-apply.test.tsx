import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { fakeActions } from './fake-actions.js';
import { DOUBLE11, double11WithRefusal, fakePlans, report, type FakePlans } from './fake-plans.js';
import { hFleet } from './fleet-fixture.js';
import { ENTER, ESCAPE, frameLines, press, renderApp, settle, type Rendered } from './render-app.js';

// Issue 5 items 3–4, TUI: apply behind a typed-name confirmation with the blast radius, live progress per
// host and step, cancel, and restore of the last run with one key (R), itself confirmed.

afterEach(() => cleanup());

const SIZE = { columns: 140, rows: 40 };

async function onPreview(plans: FakePlans, readOnly = false): Promise<Rendered> {
  const r = await renderApp(hFleet(), SIZE, { actions: { ...fakeActions(), plans }, readOnly });
  await press(r, 'p', (f) => f.includes('degradation plans'));
  await press(r, ENTER, (f) => f.includes('plan double11'));
  return r;
}

/** The counts row of a host and step on the progress screen, as numbers: done failed flight pending skipped. */
function counts(frame: string, host: string, step: number): number[] {
  const line = frameLines(frame).find((l) => new RegExp(`^\\s+${host}\\s+${step}\\s+\\d`).test(l));
  if (!line) throw new Error(`no counts for ${host} step ${step}:\n${frame}`);
  return line.trim().split(/\s+/).slice(2, 7).map(Number);
}

describe('applying a plan', () => {
  it('a shows the blast radius and asks for the name; a wrong name does nothing and says so', async () => {
    const plans = fakePlans();
    const r = await onPreview(plans);
    const confirm = await press(r, 'a', (f) => f.includes('type "double11"'));
    expect(confirm).toContain('apply double11: changes 3 containers on 2 hosts');
    expect(confirm).toContain('down: shop 2/2');
    const wrong = await press(r, 'double1\r', (f) => f.includes('is not "double11"'));
    expect(wrong).toContain('nothing done');
    expect(plans.applies).toEqual([]);
    // Esc cancels: back on the preview, nothing asked of the executor.
    const back = await press(r, ESCAPE, (f) => !f.includes('type "double11"'));
    expect(back).toContain('apply of double11 cancelled');
    expect(plans.applies).toEqual([]);
  });

  it('refused actions (issue 12): the preview marks each with why; the confirmation says only the feasible ones run', async () => {
    const plans = fakePlans({ preview: () => double11WithRefusal() });
    const r = await onPreview(plans);
    const preview = r.lastFrame() ?? '';
    expect(preview).toContain('2 changes will run · 1 refused (marked below, with why)');
    expect(preview).toMatch(/web-2 .* REFUSED: host h2 is down/);
    expect(preview).toContain('a apply the 2 feasible (1 refused)');
    const confirm = await press(r, 'a', (f) => f.includes('type "double11"'));
    expect(confirm).toContain('apply double11: changes 2 containers on 1 host');
    expect(confirm).toContain('1 action of 3 refused (listed below, with why): applying runs only the 2 others, and the run ends partial');
    await press(r, DOUBLE11, (f) => f.includes('double11█'));
    await press(r, ENTER, (f) => f.includes('dockpit · plan run'));
    expect(plans.applies.map((a) => a.name)).toEqual([DOUBLE11]);
  });

  it('typed letters are text, not keys: q, j, R, c, : and p do nothing but type', async () => {
    const plans = fakePlans();
    const r = await onPreview(plans);
    await press(r, 'a', (f) => f.includes('type "double11"'));
    const frame = await press(r, 'qjRc:p', (f) => f.includes('(Esc cancels): qjRc:p█'));
    expect(frame).toContain('dockpit · plan double11');
    expect(plans.restores).toEqual([]);
    await press(r, '\x7f\x7f\x7f\x7f\x7f\x7f', (f) => f.includes('(Esc cancels): █'));
  });

  it('the exact name then Enter applies; progress pushed by the executor moves the counts; the end stays', async () => {
    const plans = fakePlans();
    const r = await onPreview(plans);
    await press(r, 'a', (f) => f.includes('type "double11"'));
    await press(r, DOUBLE11, (f) => f.includes('double11█'));
    await press(r, ENTER, (f) => f.includes('dockpit · plan run'));
    expect(plans.applies.map((a) => a.name)).toEqual([DOUBLE11]);
    const run = plans.applies[0]!;

    run.onProgress(report('running', ['in-flight', 'pending', 'pending']));
    let frame = await press(r, '', (f) => f.includes('in flight 1'));
    expect(counts(frame, 'h1', 1)).toEqual([0, 0, 1, 0, 0]);
    expect(counts(frame, 'h2', 1)).toEqual([0, 0, 0, 1, 0]);
    expect(frame).toContain('c cancel');

    run.onProgress(report('running', ['done', 'in-flight', 'pending']));
    frame = await press(r, '', (f) => f.includes('done 1 ·'));
    expect(counts(frame, 'h1', 1)).toEqual([1, 0, 0, 0, 0]);
    expect(counts(frame, 'h2', 1)).toEqual([0, 0, 1, 0, 0]);

    run.resolve(report('partial', ['done', 'failed', 'done']));
    frame = await press(r, '', (f) => f.includes('partial'));
    expect(frame).toContain('run run-7 partial: 1 failed');
    expect(frameLines(frame)).toContainEqual(expect.stringMatching(/^failed \(1\)/));
    expect(frameLines(frame)).toContainEqual(expect.stringMatching(/^\s+h2\s+web-2\s+stop\s+ENGINE_DOWN/));
    expect(counts(frame, 'h2', 1)).toEqual([0, 1, 0, 0, 0]);
    expect(frame).not.toContain('c cancel');
    // A late report does not bring the run back.
    run.onProgress(report('running', ['in-flight', 'pending', 'pending']));
    await settle();
    expect(frameLines(r.lastFrame()).join('\n')).toContain('partial');
  });

  it('c cancels: the signal given to apply aborts, and the cancelled end stays on screen', async () => {
    const plans = fakePlans();
    const r = await onPreview(plans);
    await press(r, 'a', (f) => f.includes('type "double11"'));
    await press(r, `${DOUBLE11}\r`, (f) => f.includes('plan run'));
    const run = plans.applies[0]!;
    run.onProgress(report('running', ['in-flight', 'pending', 'pending']));
    await press(r, '', (f) => f.includes('in flight 1'));
    expect(run.signal!.aborted).toBe(false);
    await press(r, 'c', (f) => f.includes('cancelling'));
    expect(run.signal!.aborted).toBe(true);
    run.resolve(report('cancelled', ['done', 'skipped', 'skipped']));
    const frame = await press(r, '', (f) => f.includes('cancelled'));
    expect(frame).toContain('run run-7 cancelled: 2 not started (skipped)');
    expect(counts(frame, 'h2', 1)).toEqual([0, 0, 0, 0, 1]);
  });
});

describe('restore with R', () => {
  it('R on the plans screen restores the last run, after typing its plan name', async () => {
    const plans = fakePlans();
    const r = await renderApp(hFleet(), SIZE, { actions: { ...fakeActions(), plans } });
    await press(r, 'p', (f) => f.includes('degradation plans'));
    const confirm = await press(r, 'R', (f) => f.includes('restore run run-7 of double11'));
    expect(confirm).toContain('type "double11" and press Enter to restore');
    await press(r, 'nope\r', (f) => f.includes('is not "double11"'));
    expect(plans.restores).toEqual([]);
    await press(r, '\x7f\x7f\x7f\x7f', (f) => f.includes('restore (Esc cancels): █'));
    await press(r, `${DOUBLE11}\r`, (f) => f.includes('plan run'));
    expect(plans.restores.map((x) => x.name)).toEqual(['run-7']);
    plans.restores[0]!.onProgress(report('running', ['done', 'in-flight', 'pending'], 'restore'));
    await press(r, '', (f) => f.includes('restoring double11'));
    plans.restores[0]!.resolve(report('done', ['done', 'done', 'done'], 'restore'));
    await press(r, '', (f) => f.includes('restore run-7 done: 3 actions'));
  });

  it('R on the progress screen, once the run has ended, restores it', async () => {
    const plans = fakePlans();
    const r = await onPreview(plans);
    await press(r, 'a', (f) => f.includes('type "double11"'));
    await press(r, `${DOUBLE11}\r`, (f) => f.includes('plan run'));
    plans.applies[0]!.resolve(report('partial', ['done', 'failed', 'done']));
    await press(r, '', (f) => f.includes('R restore the last run'));
    await press(r, 'R', (f) => f.includes('restore run run-7'));
    await press(r, `${DOUBLE11}\r`, (f) => f.includes('restoring') || f.includes('waiting for the first report'));
    expect(plans.restores.map((x) => x.name)).toEqual(['run-7']);
  });

  it('with no run yet, R says so', async () => {
    const plans = fakePlans();
    plans.last = null;
    const r = await renderApp(hFleet(), SIZE, { actions: { ...fakeActions(), plans } });
    await press(r, 'p', (f) => f.includes('degradation plans'));
    await press(r, 'R', (f) => f.includes('no run to restore'));
  });
});

describe('--read-only, or no executor', () => {
  it('read-only: neither a nor R is bound, and help does not list them', async () => {
    const plans = fakePlans();
    const r = await onPreview(plans, true);
    const frame = frameLines(r.lastFrame()).join('\n');
    expect(frame).not.toContain('a apply');
    r.stdin.write('a');
    await settle();
    expect(frameLines(r.lastFrame()).join('\n')).not.toContain('type "double11"');
    await press(r, ESCAPE, (f) => f.includes('degradation plans'));
    r.stdin.write('R');
    await settle();
    await settle();
    expect(frameLines(r.lastFrame()).join('\n')).not.toContain('restore run');
    expect(plans.applies).toEqual([]);
    expect(plans.restores).toEqual([]);
    const help = await press(r, '?', (f) => f.includes('keys (any key closes)'));
    expect(help).not.toContain('apply the plan');
    expect(help).not.toContain('restore the last run');
  });

  it('without apply and restore (plans given read-only by the wiring): a and R are not bound either', async () => {
    const plans = fakePlans({ withRuns: false });
    const r = await onPreview(plans);
    expect(frameLines(r.lastFrame()).join('\n')).not.toContain('a apply');
    r.stdin.write('a');
    await settle();
    expect(frameLines(r.lastFrame()).join('\n')).not.toContain('type "double11"');
  });
});
