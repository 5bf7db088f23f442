import { describe, expect, it } from 'vitest';
import { endedAs } from '../../src/cli/move-options.js';
import { movesToResume, type MoveResult } from '../../src/migrate/execute.js';
import { migrationState, type MigrationRecord } from '../../src/migrate/journal.js';
import { preflight } from '../../src/migrate/preflight.js';
import { DEFAULT_MOVE_OPTIONS, type MovePlan } from '../../src/migrate/types.js';
import { host, liveSource, shopApiListed, target } from './fixtures/migrate/inspect.js';
import { LAN, pools } from './ip-fixtures.js';

// Issue 13, item 6: a cancelled run's moves not begun are resumed (their status follows the resume), and
// how a run ended is said in words: every move undone reads "rolled back", a cancel says what is left.

const op = { user: 'ann', from: 'jump-1' };
const RUN = '20261204T030000Z-c13a6x';
const t = (s: number) => `2026-12-04T03:00:${String(s).padStart(2, '0')}.000Z`;

function plan(): MovePlan {
  const r = preflight({ name: 'shop-api', source: liveSource(), target: target(), fleet: [host('h1', { containers: [shopApiListed()] }), target()] }, pools(LAN), DEFAULT_MOVE_OPTIONS);
  if (!r.ok) throw new Error(r.blocker.message);
  return r.plan;
}

describe('a cancelled migration, resumed', () => {
  it('a move skipped at the cancel runs again after mig.resume: running, then done', () => {
    const records: MigrationRecord[] = [
      { at: t(0), kind: 'mig.start', runId: RUN, what: 'evacuate', host: 'h1', operator: op, parallel: 2, moves: [plan(), { ...plan(), name: 'shop-web' }] },
      { at: t(1), kind: 'move.end', runId: RUN, move: 1, status: 'skipped', downtimeMs: null, error: 'cancelled before it began' },
      { at: t(2), kind: 'mig.end', runId: RUN, status: 'cancelled' },
      { at: t(3), kind: 'mig.resume', runId: RUN, operator: op },
      { at: t(4), kind: 'step.intent', runId: RUN, move: 1, step: 'create' },
    ];
    const v = migrationState(records);
    expect([v.status, v.parallel, v.moves[1]!.status]).toEqual(['running', 2, 'running']);
    const ended = migrationState([...records, { at: t(5), kind: 'move.end', runId: RUN, move: 1, status: 'done', downtimeMs: 900 }]);
    expect(ended.moves[1]!.status).toBe('done');
  });
});

describe('endedAs', () => {
  const move = (status: MoveResult['status']): MoveResult => ({ name: 'a', from: 'h1', to: 'h2', ip: null, status, downtimeMs: null, steps: [] });
  it('says rolled back when every move was undone, what is left after a cancel, else the status', () => {
    expect(endedAs({ status: 'failed', moves: [move('rolled-back'), move('rolled-back')] })).toMatch(/^rolled back/);
    expect(endedAs({ status: 'failed', moves: [move('rolled-back'), move('failed')] })).toBe('failed');
    expect(endedAs({ status: 'cancelled', moves: [move('done'), move('skipped'), move('skipped')] })).toMatch(/^cancelled \(2 moves not begun: migration resume runs them/);
    expect(endedAs({ status: 'done', moves: [move('done')] })).toBe('done');
  });
});

describe('movesToResume', () => {
  const start: MigrationRecord = { at: t(0), kind: 'mig.start', runId: RUN, what: 'migrate', host: null, operator: op, parallel: 1, moves: [plan()] };
  const forward = ['create', 'stop-source', 'park-source', 'start-target', 'gate'] as const;
  const steps: MigrationRecord[] = forward.flatMap((step, i) => [
    { at: t(1 + 2 * i), kind: 'step.intent', runId: RUN, move: 0, step } as const,
    { at: t(2 + 2 * i), kind: 'step.outcome', runId: RUN, move: 0, step, outcome: 'done' } as const,
  ]);
  const ended = (outcome: 'done' | 'failed'): MigrationRecord[] => [
    start,
    ...steps,
    { at: t(20), kind: 'step.intent', runId: RUN, move: 0, step: 'remove-source' },
    { at: t(21), kind: 'step.outcome', runId: RUN, move: 0, step: 'remove-source', outcome, ...(outcome === 'failed' && { error: 'TIMEOUT: no answer in 3000 ms' }) },
    { at: t(22), kind: 'move.end', runId: RUN, move: 0, status: 'done', downtimeMs: 900 },
    { at: t(23), kind: 'mig.end', runId: RUN, status: 'done' },
  ];
  it('takes up a move done but for its parked source, whose removal failed (chaos F2: the source host cut then)', () => {
    expect(movesToResume(migrationState(ended('failed'))).map((m) => m.index)).toEqual([0]);
  });
  it('leaves a move done to the end alone', () => {
    expect(movesToResume(migrationState(ended('done')))).toEqual([]);
  });
});
