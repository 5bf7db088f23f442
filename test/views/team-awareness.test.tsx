import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import type { TeamRun } from '../../src/engine/types.js';
import { applyEvent, applyEvents } from '../../src/store/apply-event.js';
import type { FleetStore } from '../../src/store/fleet-store.js';
import type { LockTarget } from '../../src/state/types.js';
import type { HeldContainer } from '../../src/app/ports.js';
import { fakeActions } from './fake-actions.js';
import { fakeMigrate, moveFleet } from './fake-migrate.js';
import { DOUBLE11, fakePlans, type FakePlans } from './fake-plans.js';
import { hFleet } from './fleet-fixture.js';
import { ENTER, frameLines, press, renderApp, settle, waitForFrame } from './render-app.js';

// Issue 11, item 4 in the cockpit: other operators' runs on the status line of every screen, and a
// change whose containers another run holds refused before its name is asked, naming the holder.

afterEach(() => cleanup());

const SIZE = { columns: 140, rows: 40 };
/** Wide enough for a refusal's whole line. */
const WIDE = { columns: 200, rows: 40 };

function aliceRun(over: Partial<TeamRun> = {}): TeamRun {
  return {
    kind: 'plan', runId: '20261203T101502Z-k3j2h1', title: 'plan shed', operator: 'alice@jump-a', status: 'running',
    done: 3, total: 9, started: '2026-12-03T10:15:02.000Z', ended: null, own: false, ...over,
  };
}

const ALICE_HOLDS = { runId: '20261203T101502Z-k3j2h1', operator: 'alice@jump-a', since: '2026-12-03T10:15:02.318Z', pid: 4242, host: 'jump-a' };

/** heldBy as the composition root gives it: these ids are held by alice's run. */
function heldBy(ids: readonly string[], calls: LockTarget[][] = []) {
  return async (targets: readonly LockTarget[]): Promise<HeldContainer[]> => {
    calls.push([...targets]);
    return targets.filter((t) => ids.includes(t.id)).map((t) => ({ ...t, owner: ALICE_HOLDS }));
  };
}

const statusLine = (frame: string) => frameLines(frame).at(-1) ?? '';

/** What the team watcher tells the store (through the coalescer in the cockpit). */
function tell(store: FleetStore, ...runs: TeamRun[]): void {
  store.setState(applyEvents(store.getState(), runs.map((run) => ({ type: 'team.run', run }))));
}

describe('the status line: other operators’ runs', () => {
  it('shows another operator’s run on every screen, its progress, then its end; own runs are not counted', async () => {
    const store = hFleet();
    const r = await renderApp(store, SIZE);
    expect(statusLine(r.lastFrame()!)).not.toContain('▶');
    tell(store, aliceRun({ runId: 'own-1', own: true, title: 'plan mine' }), aliceRun());
    let f = await waitForFrame(r, (x) => statusLine(x).includes('▶'));
    expect(statusLine(f)).toMatch(/^hosts 2\/2 up │ containers \d+\/\d+ running │ ▶ alice@jump-a: plan shed 3\/9/);
    expect(f).not.toContain('plan mine');

    f = await press(r, ':', (x) => x.includes(':█'));
    f = await press(r, `events${ENTER}`, (x) => x.includes('dockpit · fleet events'));
    expect(statusLine(f)).toContain('▶ alice@jump-a: plan shed 3/9');

    // A second operator's run: +1.
    const carol = aliceRun({ runId: '20261203T101600Z-x', operator: 'carol@jump-c', kind: 'migration', title: 'evacuate h3', done: 0, total: 4 });
    tell(store, aliceRun({ done: 4 }), carol);
    f = await waitForFrame(r, (x) => statusLine(x).includes('+1'));
    expect(statusLine(f)).toContain('▶ carol@jump-c: evacuate h3 0/4 +1');

    store.setState(applyEvent(store.getState(), { type: 'team.gone', runId: carol.runId }));
    tell(store, aliceRun({ status: 'done', done: 9, ended: '2026-12-03T10:16:30.000Z' }));
    f = await waitForFrame(r, (x) => statusLine(x).includes('✓'));
    expect(statusLine(f)).toContain('✓ alice@jump-a: plan shed done');
  });

  it('80×24 with a host down: still one line; a shorter form keeps room for the error', async () => {
    const store = moveFleet();
    tell(store, aliceRun());
    const r = await renderApp(store, { columns: 80, rows: 24 });
    const lines = frameLines(r.lastFrame());
    expect(lines).toHaveLength(23);
    const line = statusLine(r.lastFrame()!);
    expect(line.length).toBeLessThanOrEqual(80);
    expect(line).toMatch(/^hosts 3\/4 up │ containers \d+\/\d+ running │ ▶ alice: shed 3\/9 │ h4: REFUSED/);
  });
});

describe('a change whose containers another run holds', () => {
  async function onPlanPreview(plans: FakePlans, held: string[], calls: LockTarget[][] = []) {
    const r = await renderApp(hFleet(), WIDE, { actions: { ...fakeActions(), plans, heldBy: heldBy(held, calls) } });
    await press(r, 'p', (f) => f.includes('degradation plans'));
    await press(r, ENTER, (f) => f.includes(`plan ${DOUBLE11}`));
    return r;
  }

  it('a on the plan preview: refused at once, naming the holder; the name is not asked', async () => {
    const plans = fakePlans();
    const calls: LockTarget[][] = [];
    const r = await onPlanPreview(plans, ['id-web-2', 'id-api-1'], calls);
    const f = await press(r, 'a', (x) => x.includes('is held by'));
    expect(f).toContain('refused: h2/web-2 is held by alice@jump-a (run 20261203T101502Z-k3j2h1, pid 4242 on jump-a, since 2026-12-03T10:15:02Z) and 1 more (nothing done)');
    expect(f).not.toContain('type "double11"');
    // Every container the plan would lock was asked about.
    expect(calls[0]).toEqual([
      { id: 'id-web-1', label: 'h1/web-1' },
      { id: 'id-web-2', label: 'h2/web-2' },
      { id: 'id-api-1', label: 'h1/api-1' },
    ]);
    // Typing the name now types nothing anywhere, and nothing runs.
    r.stdin.write(`${DOUBLE11}${ENTER}`);
    await settle();
    await settle();
    expect(plans.applies).toEqual([]);
  });

  it('nothing held: the typed confirmation opens as before', async () => {
    const plans = fakePlans();
    const r = await onPlanPreview(plans, []);
    const f = await press(r, 'a', (x) => x.includes('type "double11"'));
    expect(f).not.toContain('is held by');
  });

  it('a slow answer (etcd far away): says it is asking, then opens the confirmation', async () => {
    const plans = fakePlans();
    let answer: (held: HeldContainer[]) => void = () => undefined;
    const r = await renderApp(hFleet(), SIZE, { actions: { ...fakeActions(), plans, heldBy: () => new Promise((resolve) => (answer = resolve)) } });
    await press(r, 'p', (f) => f.includes('degradation plans'));
    await press(r, ENTER, (f) => f.includes(`plan ${DOUBLE11}`));
    r.stdin.write('a');
    await waitForFrame(r, (f) => f.includes('asking who holds these containers…'));
    answer([]);
    const f = await waitForFrame(r, (x) => x.includes('type "double11"'));
    expect(f).not.toContain('asking who holds');
  });

  it('the locks cannot be read: refused, and why', async () => {
    const plans = fakePlans();
    const r = await renderApp(hFleet(), SIZE, {
      actions: { ...fakeActions(), plans, heldBy: () => Promise.reject(new Error('STATE: etcd unreachable')) },
    });
    await press(r, 'p', (f) => f.includes('degradation plans'));
    await press(r, ENTER, (f) => f.includes(`plan ${DOUBLE11}`));
    const f = await press(r, 'a', (x) => x.includes('locks cannot be read'));
    expect(f).toContain('refused: the locks cannot be read: STATE: etcd unreachable (nothing done)');
    expect(f).not.toContain('type "double11"');
  });

  it('E on a host whose container another run holds: refused on the preview, naming the holder', async () => {
    const migrate = fakeMigrate();
    const r = await renderApp(moveFleet(), SIZE, { actions: { ...fakeActions(), migrate, heldBy: heldBy(['b'.repeat(64)]) }, initialRoute: { kind: 'hosts' } });
    await press(r, 'E', (f) => f.includes('evacuate h1'));
    await press(r, 'L', (x) => x.includes('L leave data behind: ON'));
    const f = await press(r, ENTER, (x) => x.includes('is held by'));
    expect(f).toContain('refused: h1/web-9 is held by alice@jump-a (run 20261203T101502Z-k3j2h1, pid 4242 on jump-a,');
    expect(f).not.toContain('type "h1"');
    expect(migrate.runs).toEqual([]);
  });

  it('m: the move’s confirmation is refused the same way', async () => {
    const migrate = fakeMigrate();
    const r = await renderApp(moveFleet(), SIZE, { actions: { ...fakeActions(), migrate, heldBy: heldBy([SHOP]) }, initialRoute: { kind: 'containers', host: 'h1' } });
    await press(r, 'm', (f) => f.includes('PREFLIGHT') && f.includes('h4'));
    await press(r, ENTER, (f) => f.includes('shop-api h1 → h2: preview'));
    await press(r, 'L', (x) => x.includes('L leave data behind: ON'));
    const f = await press(r, ENTER, (x) => x.includes('is held by'));
    expect(f).toContain('refused: h1/shop-api is held by alice@jump-a (run 20261203T101502Z-k3j2h1');
    expect(f).not.toContain('type "shop-api"');
  });
});

const SHOP = '3f1c9a0e7b2d4c5e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012a3b4c5d6e7';
