import { describe, expect, it } from 'vitest';
import { migrationState, type MigrationRecord } from '../../src/migrate/journal.js';
import { movedTo } from '../../src/migrate/moved-to.js';
import type { MovePlan } from '../../src/migrate/types.js';
import { endStatus, runState, type JournalRecord } from '../../src/plans/journal.js';
import type { PlannedAction } from '../../src/plans/types.js';

// Issue 13, item 5: restore follows a container through the migrations that moved it.

const op = { user: 'ops', from: 'j1', pid: 1 } as never;
const move = (name: string, from: string, to: string, sourceId: string) => ({ name, from, to, sourceId } as unknown as MovePlan);

function migration(runId: string, moves: MovePlan[], ends: Array<{ move: number; targetId: string; status: 'done' | 'rolled-back' }>) {
  const at = '2026-12-04T00:00:00.000Z';
  const records: MigrationRecord[] = [{ at, kind: 'mig.start', runId, what: 'evacuate', host: 'h1', operator: op, parallel: 2, moves }];
  for (const e of ends) {
    records.push({ at, kind: 'step.outcome', runId, move: e.move, step: 'create', outcome: 'done', data: { targetId: e.targetId } });
    records.push({ at, kind: 'move.end', runId, move: e.move, status: e.status, downtimeMs: 1 });
  }
  return migrationState(records);
}

describe('movedTo', () => {
  it('follows done moves, chained across runs; a rolled-back move or another container does not count', () => {
    const a = migration('r1', [move('web-1', 'h1', 'h2', 'id1'), move('web-2', 'h1', 'h3', 'id2')], [
      { move: 0, targetId: 'id1b', status: 'done' },
      { move: 1, targetId: 'id2b', status: 'rolled-back' },
    ]);
    const b = migration('r2', [move('web-1', 'h2', 'h4', 'id1b')], [{ move: 0, targetId: 'id1c', status: 'done' }]);
    expect(movedTo([a, b], { host: 'h1', id: 'id1' })).toEqual({ host: 'h4', id: 'id1c' });
    expect(movedTo([a], { host: 'h1', id: 'id1' })).toEqual({ host: 'h2', id: 'id1b' });
    expect(movedTo([a, b], { host: 'h1', id: 'id2' })).toBeNull();
    expect(movedTo([a, b], { host: 'h3', id: 'id1' })).toBeNull();
  });
});

describe('a plan run with unseen hosts (issue 13, item 3)', () => {
  const action = (host: string, name: string, refused?: PlannedAction['refused']): PlannedAction =>
    ({ step: 0, host, id: `${host}-${name}`, name, line: 'pz', tier: 2, action: 'stop', frees: { cpuPercent: 0, memBytes: 0 }, ...(refused && { refused }) });
  const at = '2026-12-04T00:00:00.000Z';

  it('stays partial while a host is unseen; a resume that sees it again adds its actions and clears it', () => {
    const start: JournalRecord = { at, kind: 'run.start', runId: 'r', plan: 'p', operator: op, actions: [action('h1', 'a')], unseen: ['h3'] };
    const done: JournalRecord = { at, kind: 'outcome', runId: 'r', seq: 0, outcome: 'done' };
    const v = runState([start, done]);
    expect(v.unseen).toEqual(['h3']);
    expect(endStatus(v.actions, false, v.unseen)).toBe('partial');
    const extended = runState([start, done, { at, kind: 'run.extend', runId: 'r', hosts: ['h3'], actions: [action('h3', 'b')] }]);
    expect(extended.unseen).toEqual([]);
    expect(extended.actions.map((a) => `${a.seq} ${a.action.host} ${a.state}`)).toEqual(['0 h1 done', '1 h3 pending']);
    const all = runState([start, done, { at, kind: 'run.extend', runId: 'r', hosts: ['h3'], actions: [action('h3', 'b')] }, { at, kind: 'outcome', runId: 'r', seq: 1, outcome: 'done' }]);
    expect(endStatus(all.actions, false, all.unseen)).toBe('done');
  });
});
