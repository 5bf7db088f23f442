import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockHolders, migrationTeamRun, planTeamRun, shownUntil, startTeamWatcher, type TeamWatcher } from '../../src/app/team-watch.js';
import { DEFAULT_RETENTION } from '../../src/config/state-config.js';
import type { DomainEvent, TeamEvent, TeamRun } from '../../src/engine/types.js';
import type { MigrationRecord } from '../../src/migrate/journal.js';
import type { MovePlan } from '../../src/migrate/types.js';
import { planJournal, type JournalRecord } from '../../src/plans/journal.js';
import type { PlannedAction } from '../../src/plans/types.js';
import { fileState } from '../../src/state/file/file-state.js';
import type { Operator, StateStore } from '../../src/state/types.js';
import { waitFor } from '../support/fleet.js';

// Issue 11, item 4: the team watcher reads other operators' runs from the shared state's journals (here
// the file backend: two StateStores on one folder are two processes) and tells the store as they go.

const ALICE: Operator = { user: 'alice', from: 'jump-a' };
const BOB: Operator = { user: 'bob', from: 'jump-b' };
const T0 = '2026-12-03T10:15:02.000Z';
const at = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString();

function action(i: number): PlannedAction {
  return { step: 0, host: `h${(i % 3) + 1}`, id: `id-ads-${i}`, name: `ads-${i}`, line: 'ads', tier: 2, action: 'stop', frees: { cpuPercent: 0, memBytes: 0 } };
}
const ACTIONS = Array.from({ length: 9 }, (_, i) => action(i));

describe('a run as the team sees it (pure)', () => {
  const start: JournalRecord = { at: at(0), kind: 'run.start', runId: 'R1', plan: 'shed', operator: ALICE, actions: ACTIONS };
  const outcome = (seq: number, s: number): JournalRecord => ({ at: at(s), kind: 'outcome', runId: 'R1', seq, outcome: 'done' });
  const live = new Set(['R1']);

  it('a plan run: its plan, who started it, actions with an outcome of all', () => {
    const run = planTeamRun([start, outcome(0, 1), outcome(1, 2), outcome(2, 3)], { own: false, live, now: Date.parse(at(4)) });
    expect(run).toEqual<TeamRun>({
      kind: 'plan', runId: 'R1', title: 'plan shed', operator: 'alice@jump-a', status: 'running', done: 3, total: 9, started: at(0), ended: null, own: false,
    });
  });

  it('ended: its status and when; resumed by someone else: that operator, running again', () => {
    const end: JournalRecord = { at: at(9), kind: 'run.end', runId: 'R1', status: 'partial' };
    expect(planTeamRun([start, outcome(0, 1), end], { own: true, live, now: 0 })).toMatchObject({ status: 'partial', ended: at(9), own: true });
    const resume: JournalRecord = { at: at(20), kind: 'run.resume', runId: 'R1', operator: BOB };
    expect(planTeamRun([start, end, resume], { own: false, live, now: 0 })).toMatchObject({ status: 'running', ended: null, operator: 'bob@jump-b' });
  });

  it('running in the journal but nobody holds its locks: interrupted, once past the moment it takes them', () => {
    // A start record alone: the run takes its locks right after writing it, so a short grace.
    expect(planTeamRun([start], { own: false, live: new Set(), now: Date.parse(at(3)) })?.status).toBe('running');
    expect(planTeamRun([start], { own: false, live: new Set(), now: Date.parse(at(60)) })?.status).toBe('interrupted');
    // Any later record was written holding the locks (issue 13): nobody holds them now, so interrupted at once.
    const records = [start, outcome(0, 1), outcome(1, 2)];
    expect(planTeamRun(records, { own: false, live: new Set(), now: Date.parse(at(3)) })).toMatchObject({ status: 'interrupted', ended: at(2) });
    expect(planTeamRun(records, { own: false, live: new Set(), now: Date.parse(at(60)) })).toMatchObject({ status: 'interrupted', ended: at(2) });
    // Locks unknown (unreadable): not called interrupted.
    expect(planTeamRun(records, { own: false, live: null, now: Date.parse(at(60)) })?.status).toBe('running');
  });

  it('an interrupted run stays shown until it is resumed or abandoned (issue 13); an ended one for a while', () => {
    const run = planTeamRun([start, outcome(0, 1)], { own: false, live: new Set(), now: Date.parse(at(60)) })!;
    expect(shownUntil(run, 1000)).toBe(Infinity);
    expect(shownUntil({ ...run, status: 'partial' }, 1000)).toBe(Date.parse(at(1)) + 1000);
  });

  it('no start record yet: nothing to show', () => {
    expect(planTeamRun([], { own: false, live, now: 0 })).toBeNull();
  });

  it('a migration: `migrate NAME → TO` or `evacuate HOST`, moves ended of all', () => {
    const move = (name: string, to: string) => ({ name, from: 'h3', to }) as unknown as MovePlan;
    const mig = (what: 'migrate' | 'evacuate', moves: MovePlan[]): MigrationRecord => ({ at: at(0), kind: 'mig.start', runId: 'M1', what, host: what === 'evacuate' ? 'h3' : null, operator: ALICE, parallel: 4, moves });
    expect(migrationTeamRun([mig('migrate', [move('shop-api', 'h2')])], { own: false, live: new Set(['M1']), now: 0 })).toMatchObject({ kind: 'migration', title: 'migrate shop-api → h2', done: 0, total: 1 });
    const evac = [
      mig('evacuate', [move('a', 'h1'), move('b', 'h2'), move('c', 'h1')]),
      { at: at(5), kind: 'move.end', runId: 'M1', move: 0, status: 'done', downtimeMs: 900 },
      { at: at(6), kind: 'move.end', runId: 'M1', move: 2, status: 'rolled-back', downtimeMs: null },
    ] satisfies MigrationRecord[];
    expect(migrationTeamRun(evac, { own: false, live: new Set(['M1']), now: 0 })).toMatchObject({ title: 'evacuate h3', operator: 'alice@jump-a', done: 2, total: 3, status: 'running' });
  });
});

describe('the team watcher on a shared state folder', () => {
  let watcher: TeamWatcher | null = null;
  const states: StateStore[] = [];
  afterEach(async () => {
    watcher?.stop();
    watcher = null;
    for (const s of states.splice(0)) await s.close();
  });

  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-team-'));
  const open = (dir: string, operator: Operator, now?: () => Date) => {
    const s = fileState({ kind: 'file', dir, retention: { ...DEFAULT_RETENTION } }, { operator, ...(now && { now }) });
    states.push(s);
    return s;
  };
  const teamEvents = (events: DomainEvent[]) => events.filter((e): e is TeamEvent => e.type === 'team.run' || e.type === 'team.gone');
  const lastOf = (events: DomainEvent[], runId: string) => teamEvents(events).filter((e) => (e.type === 'team.run' ? e.run.runId : e.runId) === runId).at(-1);

  /** Alice's process: starts plan `shed` on nine containers and holds their locks. */
  async function aliceStarts(dir: string, runId: string) {
    const alice = open(dir, ALICE);
    const journal = planJournal(alice);
    await journal.append({ kind: 'run.start', runId, plan: 'shed', operator: ALICE, actions: ACTIONS });
    const hold = await alice.locks.acquire(runId, 'alice@jump-a', ACTIONS.map((a) => ({ id: a.id, label: `${a.host}/${a.name}` })));
    return { alice, journal, hold };
  }

  it('at start: a run going on and one that ended a moment ago; not one that ended long ago', async () => {
    const dir = tmp();
    const old = open(dir, ALICE, () => new Date(Date.now() - 10 * 60_000));
    await planJournal(old).append({ kind: 'run.start', runId: '20261203T090000Z-old', plan: 'shed', operator: ALICE, actions: ACTIONS });
    await planJournal(old).append({ kind: 'run.end', runId: '20261203T090000Z-old', status: 'done' });
    const recent = open(dir, ALICE, () => new Date(Date.now() - 5_000));
    await planJournal(recent).append({ kind: 'run.start', runId: '20261203T100000Z-recent', plan: 'shed', operator: ALICE, actions: ACTIONS });
    await planJournal(recent).append({ kind: 'run.end', runId: '20261203T100000Z-recent', status: 'partial' });
    await aliceStarts(dir, '20261203T101502Z-live');

    const events: DomainEvent[] = [];
    watcher = startTeamWatcher({ state: open(dir, BOB), emit: (e) => events.push(e) });
    await waitFor(() => teamEvents(events).length >= 2, 2000);
    await watcher.scan();
    expect(teamEvents(events).map((e) => e.type === 'team.run' && `${e.run.runId} ${e.run.status}`).sort()).toEqual([
      '20261203T100000Z-recent partial',
      '20261203T101502Z-live running',
    ]);
  });

  it('live: progress as alice’s run writes it, then its end, then it is dropped after a while', async () => {
    const dir = tmp();
    const events: DomainEvent[] = [];
    watcher = startTeamWatcher({ state: open(dir, BOB), emit: (e) => events.push(e), keepEndedMs: 600, debounceMs: 50 });
    const runId = '20261203T101502Z-alice';
    const { journal, hold } = await aliceStarts(dir, runId);
    await waitFor(() => lastOf(events, runId)?.type === 'team.run', 4000, 10, () => JSON.stringify(events));
    for (let seq = 0; seq < 3; seq++) await journal.append({ kind: 'outcome', runId, seq, outcome: 'done' });
    const { ms } = await waitFor(() => {
      const e = lastOf(events, runId);
      return e?.type === 'team.run' && e.run.done === 3;
    }, 2000);
    console.log(`alice's progress seen after ${ms.toFixed(0)} ms`);
    expect(lastOf(events, runId)).toMatchObject({ run: { title: 'plan shed', operator: 'alice@jump-a', status: 'running', total: 9, own: false } });
    await journal.append({ kind: 'run.end', runId, status: 'partial' });
    await hold.release();
    await waitFor(() => {
      const e = lastOf(events, runId);
      return e?.type === 'team.run' && e.run.status === 'partial';
    }, 2000);
    await waitFor(() => lastOf(events, runId)?.type === 'team.gone', 3000);
    // A rescan does not bring an expired run back.
    await watcher.scan();
    expect(lastOf(events, runId)?.type).toBe('team.gone');
  });

  it('this process’s own runs are marked own', async () => {
    const dir = tmp();
    const events: DomainEvent[] = [];
    const runId = '20261203T101502Z-mine';
    watcher = startTeamWatcher({ state: open(dir, BOB), emit: (e) => events.push(e), isOwn: (id) => id === runId, debounceMs: 20 });
    await aliceStarts(dir, runId);
    await waitFor(() => lastOf(events, runId)?.type === 'team.run', 4000);
    expect(lastOf(events, runId)).toMatchObject({ run: { own: true } });
  });

  it('heldBy names the holder of each locked container, and nothing for free ones', async () => {
    const dir = tmp();
    await aliceStarts(dir, '20261203T101502Z-held');
    const heldBy = lockHolders(open(dir, BOB));
    const held = await heldBy([{ id: 'id-ads-3', label: 'h1/ads-3' }, { id: 'id-free', label: 'h2/free' }]);
    expect(held).toEqual([
      { id: 'id-ads-3', label: 'h1/ads-3', owner: expect.objectContaining({ runId: '20261203T101502Z-held', operator: 'alice@jump-a', pid: process.pid, host: os.hostname() }) },
    ]);
  });
});
