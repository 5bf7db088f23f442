import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrationEnd, migrationJournal, migrationState, type MigrationRecord, type MoveStatus } from '../../src/migrate/journal.js';
import { preflight } from '../../src/migrate/preflight.js';
import { DEFAULT_MOVE_OPTIONS, type MovePlan } from '../../src/migrate/types.js';
import { liveSource, host, shopApiListed, shopApiNoData, target } from './fixtures/migrate/inspect.js';
import { fileStateAt } from '../support/file-state.js';
import { LAN, pools } from './ip-fixtures.js';

// Issue 6, item 6: where a migration stands from its journal alone, and how it ends.

const op = { user: 'ann', from: 'jump-1' };
const RUN = '20261125T190000Z-k3x9qa';
const t = (s: number) => `2026-11-25T19:00:${String(s).padStart(2, '0')}.000Z`;

/** A real plan: shop-api from h1 to h2. */
function plan(): MovePlan {
  const r = preflight(
    { name: 'shop-api', source: liveSource(), target: target(), fleet: [host('h1', { containers: [shopApiListed()] }), target()] },
    pools(LAN),
    DEFAULT_MOVE_OPTIONS,
  );
  if (!r.ok) throw new Error(r.blocker.message);
  return r.plan;
}

const PLANS = [plan(), { ...plan(), name: 'shop-web' }];
const start: MigrationRecord = { at: t(0), kind: 'mig.start', runId: RUN, what: 'migrate', host: null, operator: op, parallel: 2, moves: PLANS };
const intent = (s: number, move: number, step: Extract<MigrationRecord, { kind: 'step.intent' }>['step']): MigrationRecord => ({ at: t(s), kind: 'step.intent', runId: RUN, move, step });
const outcome = (
  s: number,
  move: number,
  step: Extract<MigrationRecord, { kind: 'step.outcome' }>['step'],
  result: 'done' | 'failed' | 'skipped' = 'done',
  more: { error?: string; data?: Record<string, unknown> } = {},
): MigrationRecord => ({ at: t(s), kind: 'step.outcome', runId: RUN, move, step, outcome: result, ...more });

describe('migrationState', () => {
  it('reads the start: every move pending, the run running', () => {
    const v = migrationState([start]);
    expect(v).toMatchObject({ runId: RUN, what: 'migrate', host: null, operator: op, parallel: 2, started: t(0), ended: null, status: 'running' });
    expect(v.moves.map((m) => [m.index, m.plan.name, m.status, m.steps, m.data, m.stoppedAt, m.downtimeMs])).toEqual([
      [0, 'shop-api', 'pending', [], {}, null, null],
      [1, 'shop-web', 'pending', [], {}, null, null],
    ]);
  });

  it('is empty and running with no records', () => {
    expect(migrationState([])).toMatchObject({ runId: '', what: null, started: null, status: 'running', moves: [], parallel: 1 });
  });

  it('moves a move pending → running → done, with each step latest state and what the steps learned', () => {
    const records: MigrationRecord[] = [
      start,
      intent(1, 0, 'create'),
      outcome(2, 0, 'create', 'done', { data: { targetId: 'a9b8c7d6e5f4' } }),
      intent(3, 0, 'stop-source'),
      outcome(4, 0, 'stop-source', 'done', { data: { wasRunning: true } }),
      intent(5, 0, 'start-target'),
      outcome(6, 0, 'start-target'),
      { at: t(7), kind: 'move.end', runId: RUN, move: 0, status: 'done', downtimeMs: 2150 },
    ];
    const status = (n: number) => migrationState(records.slice(0, n)).moves[0]!.status;
    expect([1, 2, 3, 7, 8].map(status)).toEqual(['pending', 'running', 'running', 'running', 'done']);
    const m = migrationState(records).moves[0]!;
    expect(m.steps).toEqual([
      { step: 'create', state: 'done', at: t(2) },
      { step: 'stop-source', state: 'done', at: t(4) },
      { step: 'start-target', state: 'done', at: t(6) },
    ]);
    expect(m.data).toEqual({ targetId: 'a9b8c7d6e5f4', wasRunning: true });
    expect(m.stoppedAt).toBe(t(4));
    expect(m.downtimeMs).toBe(2150);
    expect(migrationState(records).moves[1]!.status).toBe('pending');
  });

  it('shows a step in flight until its outcome', () => {
    const m = migrationState([start, intent(1, 0, 'create')]).moves[0]!;
    expect(m.steps).toEqual([{ step: 'create', state: 'in-flight', at: t(1) }]);
  });

  it('takes stoppedAt only from a stop-source that was done', () => {
    expect(migrationState([start, intent(1, 0, 'stop-source')]).moves[0]!.stoppedAt).toBeNull();
    expect(migrationState([start, intent(1, 0, 'stop-source'), outcome(2, 0, 'stop-source', 'failed', { error: 'TIMEOUT: x' })]).moves[0]!.stoppedAt).toBeNull();
    expect(migrationState([start, intent(1, 0, 'park-source'), outcome(2, 0, 'park-source')]).moves[0]!.stoppedAt).toBeNull();
    expect(migrationState([start, intent(1, 1, 'stop-source'), outcome(3, 1, 'stop-source')]).moves[1]!.stoppedAt).toBe(t(3));
  });

  it('is rolling-back from the first rollback step, then ends as move.end says, with its error', () => {
    const records: MigrationRecord[] = [
      start,
      intent(1, 0, 'create'),
      outcome(2, 0, 'create'),
      intent(3, 0, 'gate'),
      outcome(4, 0, 'gate', 'failed', { error: 'GATE: unhealthy' }),
      intent(5, 0, 'remove-target'),
    ];
    const v = migrationState(records);
    expect(v.moves[0]!.status).toBe('rolling-back');
    expect(v.moves[0]!.steps.map((s) => [s.step, s.state, s.error])).toEqual([
      ['create', 'done', undefined],
      ['gate', 'failed', 'GATE: unhealthy'],
      ['remove-target', 'in-flight', undefined],
    ]);
    const ended = migrationState([
      ...records,
      outcome(6, 0, 'remove-target'),
      { at: t(7), kind: 'move.end', runId: RUN, move: 0, status: 'rolled-back', downtimeMs: 4000, error: 'GATE: unhealthy' },
    ]).moves[0]!;
    expect([ended.status, ended.downtimeMs, ended.error]).toEqual(['rolled-back', 4000, 'GATE: unhealthy']);
  });

  it('clears a step error when the step is tried again', () => {
    const m = migrationState([start, intent(1, 0, 'image'), outcome(2, 0, 'image', 'failed', { error: 'NOT_FOUND: x' }), intent(3, 0, 'image')]).moves[0]!;
    expect(m.steps).toHaveLength(1);
    expect(m.steps[0]!.state).toBe('in-flight');
    expect(m.steps[0]!.at).toBe(t(3));
    expect(m.steps[0]!.error).toBeUndefined();
  });

  it('ignores records about a move the start does not list', () => {
    const v = migrationState([start, intent(1, 7, 'create'), { at: t(2), kind: 'move.end', runId: RUN, move: 7, status: 'done', downtimeMs: 1 }]);
    expect(v.moves.map((m) => m.status)).toEqual(['pending', 'pending']);
  });

  it('takes the end from mig.end, and is running again after mig.resume', () => {
    const ended = [start, { at: t(9), kind: 'mig.end', runId: RUN, status: 'partial' } as MigrationRecord];
    expect(migrationState(ended)).toMatchObject({ status: 'partial', ended: t(9) });
    expect(migrationState([...ended, { at: t(10), kind: 'mig.resume', runId: RUN, operator: op }])).toMatchObject({ status: 'running', ended: null });
  });
});

describe('migrationJournal', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-mig-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('leaves out a torn last line, and appends the next record on a line of its own', async () => {
    let s = 0;
    const j = migrationJournal(fileStateAt(dir, { now: () => new Date(t(s++)) }));
    await j.append({ kind: 'mig.start', runId: RUN, what: 'migrate', host: null, operator: op, parallel: 2, moves: PLANS });
    await j.append({ kind: 'step.intent', runId: RUN, move: 0, step: 'create' });
    const file = path.join(dir, 'migrations', `${RUN}.jsonl`);
    // A crash in the middle of writing the outcome.
    fs.appendFileSync(file, `{"at":"${t(2)}","kind":"step.outcome","runId":"${RUN}","move":0,"step":"cre`);

    const torn = await j.read(RUN);
    expect(torn.map((r) => r.kind)).toEqual(['mig.start', 'step.intent']);
    const v = migrationState(torn);
    expect(v.moves[0]!.status).toBe('running');
    expect(v.moves[0]!.steps).toEqual([{ step: 'create', state: 'in-flight', at: t(1) }]);

    await j.append({ kind: 'mig.resume', runId: RUN, operator: op });
    const after = await j.read(RUN);
    expect(after.map((r) => r.kind)).toEqual(['mig.start', 'step.intent', 'mig.resume']);
    expect(after[2]!.at).toBe(t(2));
    expect(await j.runs()).toEqual([RUN]);
  });
});

describe('migrationEnd', () => {
  const of = (...s: MoveStatus[]) => s.map((status) => ({ status }));

  it('is done when every move is done, cancelled or not', () => {
    expect(migrationEnd(of('done', 'done'), false)).toBe('done');
    expect(migrationEnd(of('done', 'done'), true)).toBe('done');
  });

  it('is cancelled when cancelled before every move was done', () => {
    expect(migrationEnd(of('done', 'skipped'), true)).toBe('cancelled');
    expect(migrationEnd(of('skipped', 'skipped'), true)).toBe('cancelled');
  });

  it('is partial when some moves are done, failed when none is', () => {
    expect(migrationEnd(of('done', 'rolled-back'), false)).toBe('partial');
    expect(migrationEnd(of('failed', 'done', 'done'), false)).toBe('partial');
    expect(migrationEnd(of('failed', 'rolled-back'), false)).toBe('failed');
    expect(migrationEnd(of('rolled-back'), false)).toBe('failed');
  });
});
