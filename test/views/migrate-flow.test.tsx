import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { activeKeymap } from '../../src/views/keymap.js';
import { fakeActions } from './fake-actions.js';
import { evacuationOf, fakeMigrate, JournalScript, moveFleet, planOf, SHOP_ID, type FakeMigrate } from './fake-migrate.js';
import { ENTER, ESCAPE, frameLines, press, renderApp, settle, waitForFrame, type Rendered } from './render-app.js';

// Issue 6 items 1 and 5 in the cockpit: `m` on a container (target picker → preview → typed name →
// progress), `E` on a host (evacuation preview → typed host name → progress per container).

afterEach(() => cleanup());

const SIZE = { columns: 140, rows: 40 };
const STEPS = ['create', 'stop-source', 'park-source', 'start-target', 'gate', 'remove-source'] as const;

async function onContainers(migrate: FakeMigrate, readOnly = false): Promise<Rendered> {
  return renderApp(moveFleet(), SIZE, { actions: { ...fakeActions(), migrate }, initialRoute: { kind: 'containers', host: 'h1' }, readOnly });
}

/** m on shop-api, then Enter on h2: its preview. */
async function previewOnH2(migrate: FakeMigrate): Promise<Rendered> {
  const r = await onContainers(migrate);
  await press(r, 'm', (f) => f.includes('PREFLIGHT') && f.includes('h4'));
  await press(r, ENTER, (f) => f.includes('shop-api h1 → h2: preview') && f.includes('1. create'));
  return r;
}

/** Keys that must change nothing: written, then a moment for any frame they would cause. */
async function typeIdle(r: Rendered, keys: string): Promise<void> {
  r.stdin.write(keys);
  await settle();
  await settle();
}

const lineWith = (frame: string, text: string) => frameLines(frame).find((l) => l.includes(text)) ?? '';

describe('m: the target picker', () => {
  it('lists the other hosts with state, free memory, containers, the line there and the preflight verdict', async () => {
    const migrate = fakeMigrate();
    const r = await onContainers(migrate);
    const f = await press(r, 'm', (x) => x.includes('h4'));
    expect(frameLines(f)[0]).toContain('dockpit · migrate shop-api from h1: target');
    expect(f).toContain('shop-api: line shop, memory limit 64MiB, on h1 (up)');
    expect(lineWith(f, 'HOST ')).toMatch(/HOST\s+STATE\s+FREE MEM\s+CONTAINERS\s+SAME LINE\s+PREFLIGHT/);
    // h2: room, one container of line shop, only the volume in the way (L lifts it).
    expect(lineWith(f, 'h2 ')).toMatch(/^h2\s+up\s+3\.0GiB\s+1\s+1\s+needs L \(leave data behind\)/);
    // h3 has a leftover of that name: blocked, and why.
    expect(lineWith(f, 'h3 ')).toMatch(/^h3\s+up\s+512MiB\s+1\s+0\s+blocked: h3 already has a leftover exited container named shop-api/);
    expect(lineWith(f, 'h4 ')).toMatch(/^h4\s+down\s+-\s+0\s+0\s+blocked: h4 is down/);
    // Esc goes back to the list.
    expect(frameLines(await press(r, ESCAPE, (x) => x.includes('containers on h1')))[0]).toContain('containers on h1');
  });

  it('m works from the detail screen too', async () => {
    const migrate = fakeMigrate();
    const r = await onContainers(migrate);
    await press(r, 'd', (f) => f.includes('container shop-api on h1'));
    const f = await press(r, 'm', (x) => x.includes('PREFLIGHT'));
    expect(frameLines(f)[0]).toContain('migrate shop-api from h1: target');
  });
});

describe('m: preview and typed confirmation', () => {
  it('local data blocks until L; a wrong name or Esc does nothing; the right name runs the move as previewed', async () => {
    const migrate = fakeMigrate();
    const r = await previewOnH2(migrate);
    let f = frameLines(r.lastFrame()).join('\n');
    expect(f).toContain('L leave data behind: off');
    expect(f).toContain('BLOCKED: data on h1 cannot move: volume shop-data → /data');
    expect(f).toContain('press L to leave it behind');
    expect(f).toMatch(/1\. create shop-api on h2 with 10\.88\.1\.20/);
    // Enter while blocked: no confirmation.
    f = await press(r, ENTER, (x) => x.includes('local data blocks it: L leaves it behind (nothing done)'));
    expect(f).not.toContain('type "shop-api"');
    // L: the preview is asked again with the data left behind; nothing blocks now.
    f = await press(r, 'L', (x) => x.includes('L leave data behind: ON') && x.includes('data left behind: volume'));
    expect(migrate.previewCalls.at(-1)).toEqual({ to: 'h2', choices: { leaveData: true, fenced: false } });
    expect(f).not.toContain('BLOCKED');
    // The confirmation: blast radius first, then the name.
    f = await press(r, ENTER, (x) => x.includes('type "shop-api"'));
    expect(f).toContain('migrate shop-api: h1 → h2, keeps 10.88.1.20');
    expect(f).toContain('shop-api is down from its stop on h1 until it runs on h2');
    expect(f).toContain('data left behind on h1: 1 mount');
    // A wrong name: nothing runs, and it says so.
    await press(r, 'shop-ap');
    f = await press(r, ENTER, (x) => x.includes('"shop-ap" is not "shop-api": nothing done'));
    expect(migrate.runs).toHaveLength(0);
    // Esc: cancelled, nothing done.
    f = await press(r, ESCAPE, (x) => x.includes('migrate cancelled: nothing done'));
    expect(migrate.runs).toHaveLength(0);
    expect(f).toContain('shop-api h1 → h2: preview');
    // Keys typed into the confirmation are text, not commands (q does not quit, L does not toggle).
    await press(r, ENTER, (x) => x.includes('type "shop-api"'));
    await press(r, 'qL', (x) => x.includes(': qL█'));
    await press(r, '\x7f\x7f', (x) => x.includes('(Esc cancels): █'));
    await press(r, 'shop-api');
    f = await press(r, ENTER, (x) => x.includes('dockpit · migration'));
    expect(migrate.runs).toHaveLength(1);
    expect(migrate.runs[0]).toMatchObject({ kind: 'migrate', args: { host: 'h1', name: 'shop-api', to: 'h2' }, choices: { leaveData: true, fenced: false } });
  });

  it('a source host that cannot be reached: said first, and its name is typed as "I confirm it is fenced" before the container’s', async () => {
    const migrate = fakeMigrate({ recorded: true });
    const r = await previewOnH2(migrate);
    let f = await press(r, 'L', (x) => x.includes('L leave data behind: ON'));
    expect(frameLines(f)[2]).toContain('h1 CANNOT BE REACHED: dockpit will not touch it');
    expect(f).toContain('⏎ confirm (type h1, then shop-api)');
    expect(f).toContain('NEEDS YOUR WORD: h1 is fenced');
    f = await press(r, ENTER, (x) => x.includes('I confirm h1 is fenced'));
    expect(f).toContain('dockpit cannot stop shop-api on h1');
    expect(f).toMatch(/h1 is unreachable: I confirm h1 is fenced \(powered off or cut from the LAN\): type "h1"/);
    expect(f).toContain('then: move shop-api h1 → h2');
    // The container's name first is not the fencing confirmation.
    await press(r, 'shop-api');
    await press(r, ENTER, (x) => x.includes('"shop-api" is not "h1": nothing done'));
    await press(r, '\x7f'.repeat(8));
    await press(r, 'h1');
    f = await press(r, ENTER, (x) => x.includes('✓ h1 is unreachable: I confirm h1 is fenced'));
    expect(migrate.runs).toHaveLength(0);
    await press(r, 'shop-api');
    await press(r, ENTER, (x) => x.includes('dockpit · migration'));
    expect(migrate.runs[0]).toMatchObject({ args: { host: 'h1', name: 'shop-api', to: 'h2' }, choices: { leaveData: true, fenced: true } });
  });

  it('a target the preflight blocks: the preview shows why in red and Enter does nothing', async () => {
    const migrate = fakeMigrate();
    const r = await onContainers(migrate);
    await press(r, 'm', (f) => f.includes('h4'));
    await press(r, 'j');
    const f = await press(r, ENTER, (x) => x.includes('h1 → h3: preview') && x.includes('BLOCKED (NAME_TAKEN)'));
    expect(f).toContain('blocked: cannot move as the fleet is now');
    await press(r, ENTER, (x) => x.includes('blocked: see the red lines'));
    expect(migrate.runs).toHaveLength(0);
  });
});

/** Confirms the move to h2 (data left behind): the progress screen is open. */
async function runToH2(migrate: FakeMigrate): Promise<Rendered> {
  const r = await previewOnH2(migrate);
  await press(r, 'L', (x) => x.includes('L leave data behind: ON'));
  await press(r, ENTER, (x) => x.includes('type "shop-api"'));
  await press(r, 'shop-api');
  await press(r, ENTER, (x) => x.includes('dockpit · migration'));
  return r;
}

describe('m: progress', () => {
  it('steps with their state as the journal says, then done with the downtime; Esc goes back to the list', async () => {
    const migrate = fakeMigrate();
    const r = await runToH2(migrate);
    const plan = planOf('h2', { leaveData: true, fenced: false });
    const j = new JournalScript('run-42', [plan]);
    const run = migrate.runs[0]!;
    run.onView(j.steps(0, ['create', 'stop-source']).intent(0, 'park-source').view());
    let f = await press(r, '', (x) => x.includes('run run-42') && x.includes('▸ park-source'));
    expect(f).toContain('RUNNING');
    expect(f).toMatch(/✓ create\s+done/);
    expect(f).toMatch(/✓ stop-source\s+done/);
    expect(f).toMatch(/· start-target/);
    expect(f).toContain('esc back (it keeps running; M shows it)');
    j.outcome(0, 'park-source').steps(0, ['start-target', 'gate', 'remove-source']).end(0, 'done', 1500).finish('done');
    run.resolve({ view: j.view() });
    f = await press(r, '', (x) => x.includes('DONE'));
    expect(f).toContain('done: shop-api is on h2 with 10.88.1.20 · downtime 1.50 s');
    for (const s of STEPS) expect(f).toMatch(new RegExp(`✓ ${s}\\s+done`));
    f = await press(r, ESCAPE, (x) => x.includes('containers on h1'));
    expect(frameLines(f)[0]).toContain('containers on h1');
  });

  it('a failed step rolls back: the reason, and that the source runs again', async () => {
    const migrate = fakeMigrate();
    const r = await runToH2(migrate);
    const j = new JournalScript('run-43', [planOf('h2', { leaveData: true, fenced: false })]);
    j.steps(0, ['create', 'stop-source', 'park-source']).intent(0, 'start-target').outcome(0, 'start-target', 'failed', 'CONFLICT: address already in use');
    j.steps(0, []).intent(0, 'remove-target').outcome(0, 'remove-target').intent(0, 'unpark-source').outcome(0, 'unpark-source').intent(0, 'start-source').outcome(0, 'start-source');
    j.end(0, 'rolled-back', null, 'start-target: CONFLICT: address already in use; rolled back').finish('failed');
    migrate.runs[0]!.resolve({ view: j.view() });
    const f = await press(r, '', (x) => x.includes('FAILED'));
    expect(f).toMatch(/✗ start-target\s+failed: CONFLICT: address already in use/);
    expect(f).toMatch(/✓ start-source\s+done/);
    expect(f).toContain('rolled back: shop-api is on h1 again · start-target: CONFLICT: address already in use; rolled back');
  });

  it('refused when planned again (the fleet changed): nothing was changed, in red', async () => {
    const migrate = fakeMigrate();
    const r = await runToH2(migrate);
    migrate.runs[0]!.resolve({ refused: '10.88.1.20 is held by h2/intruder (running)' });
    const f = await press(r, '', (x) => x.includes('REFUSED'));
    expect(f).toContain('REFUSED, nothing was changed: 10.88.1.20 is held by h2/intruder (running)');
  });

  it('Esc while it runs: every screen says it still runs, M brings it back, the end is announced; q asks twice', async () => {
    const migrate = fakeMigrate();
    const r = await runToH2(migrate);
    const j = new JournalScript('run-44', [planOf('h2', { leaveData: true, fenced: false })]);
    migrate.runs[0]!.onView(j.steps(0, ['create']).intent(0, 'stop-source').view());
    await press(r, '', (x) => x.includes('▸ stop-source'));
    let f = await press(r, ESCAPE, (x) => x.includes('containers on h1'));
    expect(frameLines(f).at(-2)).toContain('▸ migrate shop-api h1 → h2 running: 0/1 ended · M shows it');
    // A second migration cannot start meanwhile.
    f = await press(r, 'm', (x) => x.includes('a migration is running: M shows it'));
    expect(frameLines(f)[0]).toContain('containers on h1');
    // q warns first; the cockpit is still there.
    f = await press(r, 'q', (x) => x.includes('q again quits'));
    expect(r.stdin.listenerCount('readable')).toBe(1);
    f = await press(r, 'M', (x) => x.includes('dockpit · migration') && x.includes('▸ stop-source'));
    await press(r, ESCAPE, (x) => x.includes('containers on h1'));
    j.outcome(0, 'stop-source').steps(0, ['park-source', 'start-target', 'gate', 'remove-source']).end(0, 'done', 900).finish('done');
    migrate.runs[0]!.resolve({ view: j.view() });
    f = await press(r, '', (x) => x.includes('migrate shop-api h1 → h2 done: 1/1 moved (M shows it)'));
    expect(f).not.toContain('running: 0/1');
  });
});

describe('E: evacuate a host', () => {
  async function evacuation(migrate: FakeMigrate): Promise<Rendered> {
    const r = await renderApp(moveFleet(), SIZE, { actions: { ...fakeActions(), migrate } });
    await press(r, 'E', (f) => f.includes('evacuate h1: preview') && f.includes('web-9'));
    return r;
  }

  it('preview per container, typed host name, progress per container from the journal, c cancels the rest', async () => {
    const migrate = fakeMigrate();
    const r = await evacuation(migrate);
    let f = frameLines(r.lastFrame()).join('\n');
    expect(f).toContain('evacuate h1 (up): 2 containers → h2 2');
    expect(f).toMatch(/NAME\s+TO\s+IP\s+IMAGE\s+GATE\s+NOTE/);
    expect(f).toMatch(/shop-api\s+h2\s+10\.88\.1\.20\s+present\s+health\s+local data \(1 mount\): L leaves it behind/);
    expect(f).toMatch(/web-9\s+h2\s+10\.88\.1\.21\s+present/);
    expect(f).toContain('local data blocks it');
    await press(r, ENTER, (x) => x.includes('local data blocks it: L leaves it behind (nothing done)'));
    f = await press(r, 'L', (x) => x.includes('L leave data behind: ON') && x.includes('leaves 1 mount behind'));
    f = await press(r, ENTER, (x) => x.includes('type "h1"'));
    expect(f).toContain('evacuate h1: 2 containers → h2 2');
    expect(f).toContain('each stops on h1 and starts on its target, 4 at a time');
    await press(r, 'h2');
    await press(r, ENTER, (x) => x.includes('"h2" is not "h1": nothing done'));
    expect(migrate.runs).toHaveLength(0);
    await press(r, '\x7f\x7fh1');
    await press(r, ENTER, (x) => x.includes('dockpit · migration'));
    expect(migrate.runs[0]).toMatchObject({ kind: 'evacuate', choices: { leaveData: true, fenced: false } });

    const plan = evacuationOf({ leaveData: true, fenced: false });
    const j = new JournalScript('run-50', plan.moves, 'evacuate');
    j.steps(0, ['create', 'stop-source', 'park-source', 'start-target', 'gate', 'remove-source']).end(0, 'done', 2100);
    j.intent(1, 'create');
    migrate.runs[0]!.onView(j.view());
    f = await press(r, '', (x) => x.includes('run run-50'));
    expect(f).toContain('done 1 · moving 1 · of 2');
    expect(f).toMatch(/shop-api\s+h2\s+10\.88\.1\.20\s+done\s+2\.10 s/);
    expect(f).toMatch(/web-9\s+h2\s+10\.88\.1\.21\s+running\s+-\s+create…/);
    expect(f).toContain('c cancel the rest');
    await press(r, 'c', (x) => x.includes('cancelling'));
    expect(migrate.runs[0]!.signal.aborted).toBe(true);
    j.outcome(1, 'create', 'failed', 'TIMEOUT: create').intent(1, 'remove-target').outcome(1, 'remove-target').end(1, 'rolled-back', null, 'create: TIMEOUT: create; rolled back').finish('partial');
    migrate.runs[0]!.resolve({ view: j.view() });
    f = await press(r, '', (x) => x.includes('PARTIAL'));
    expect(f).toContain('done 1 · rolled back 1 · of 2');
    expect(f).toContain('create: TIMEOUT: create; rolled back');
  });

  it('E binds on the hosts screen only', async () => {
    const migrate = fakeMigrate();
    const r = await onContainers(migrate);
    await typeIdle(r, 'E');
    expect(frameLines(r.lastFrame())[0]).toContain('containers on h1');
  });
});

describe('--read-only', () => {
  it('m, E, L and M are not bound, and help does not list them', async () => {
    const migrate = fakeMigrate();
    const r = await onContainers(migrate, true);
    await typeIdle(r, 'm');
    expect(frameLines(r.lastFrame())[0]).toContain('containers on h1');
    const help = await press(r, '?', (f) => f.includes('keys (any key closes)'));
    expect(help).not.toContain('move to another host');
    expect(help).not.toContain('evacuate the host');
    for (const c of ['migrate', 'evacuate', 'leaveData', 'moveProgress']) expect(activeKeymap(true).some((b) => b.command === c)).toBe(false);
  });

  it('without migrate actions the keys are not bound either; with them, help lists them', async () => {
    const r = await renderApp(moveFleet(), SIZE, { actions: fakeActions(), initialRoute: { kind: 'containers', host: 'h1' } });
    await typeIdle(r, 'm');
    expect(frameLines(r.lastFrame())[0]).toContain('containers on h1');
    cleanup();
    const r2 = await onContainers(fakeMigrate());
    const help = await press(r2, '?', (f) => f.includes('keys (any key closes)'));
    expect(help).toMatch(/^m\s+move to another host: pick, preview, type its name {2}\[containers\]/m);
    expect(help).toMatch(/^E\s+evacuate the host: all its containers elsewhere {2}\[hosts\]/m);
    expect(help).toMatch(/^L\s+preview: leave volumes\/binds behind \(on\/off\) {2}\[migration\]/m);
    expect(help).toMatch(/^M\s+the running \(or last\) migration\s*$/m);
  });
});

describe('the picker while the fleet is read', () => {
  it('says so, then shows the hosts; an error says why', async () => {
    let fail: (e: Error) => void = () => undefined;
    const migrate = fakeMigrate({ targets: () => new Promise((_, reject) => (fail = reject)) });
    const r = await onContainers(migrate);
    await press(r, 'm', (f) => f.includes('reading the fleet'));
    fail(new Error('TIMEOUT: h2 did not answer'));
    await waitForFrame(r, (f) => f.includes('error: TIMEOUT: h2 did not answer'));
    expect(SHOP_ID).toHaveLength(64);
  });
});
