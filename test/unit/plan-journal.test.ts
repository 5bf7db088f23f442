import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseJournal, planJournal, runState, type JournalRecord } from '../../src/plans/journal.js';
import type { PlannedAction, PriorState } from '../../src/plans/types.js';
import { fileStateAt } from '../support/file-state.js';

const op = { user: 'ann', from: 'jump-1' };
const act = (host: string, id: string, step = 0): PlannedAction => ({ step, host, id, name: `n-${id}`, line: 'ads', tier: 2, action: 'stop', frees: { cpuPercent: 0, memBytes: 0 } });
const prior: PriorState = { state: 'running', nanoCpus: 0, cpuQuota: 0, cpuPeriod: 0, cpuShares: 0, memoryBytes: 0, memorySwapBytes: 0, restartPolicy: { name: 'no', maximumRetryCount: 0 } };
const at = '2025-11-11T00:00:00.000Z';

const records: JournalRecord[] = [
  { at, kind: 'run.start', runId: 'r1', plan: 'double11', operator: op, actions: [act('h1', 'a'), act('h2', 'b')] },
  { at, kind: 'intent', runId: 'r1', seq: 0, host: 'h1', id: 'a', name: 'n-a', action: 'stop', prior },
  { at, kind: 'outcome', runId: 'r1', seq: 0, outcome: 'done' },
  { at, kind: 'intent', runId: 'r1', seq: 1, host: 'h2', id: 'b', name: 'n-b', action: 'stop', prior },
  { at, kind: 'outcome', runId: 'r1', seq: 1, outcome: 'failed', error: 'REFUSED: no' },
  { at, kind: 'run.end', runId: 'r1', status: 'partial' },
];

describe('runState', () => {
  // Records cut after each one: what a crash at that point leaves.
  const expected: Array<{ states: string[]; status: string }> = [
    { states: [], status: 'running' },
    { states: ['pending', 'pending'], status: 'running' },
    { states: ['in-flight', 'pending'], status: 'running' },
    { states: ['done', 'pending'], status: 'running' },
    { states: ['done', 'in-flight'], status: 'running' },
    { states: ['done', 'failed'], status: 'running' },
    { states: ['done', 'failed'], status: 'partial' },
  ];
  expected.forEach((e, cut) => {
    it(`records cut after ${cut}: ${e.states.join(',') || 'nothing'} / ${e.status}`, () => {
      const v = runState(records.slice(0, cut));
      expect(v.actions.map((a) => a.state)).toEqual(e.states);
      expect(v.status).toBe(e.status);
    });
  });

  it('keeps the first prior when an intent is written again, and lists errors', () => {
    const other = { ...prior, state: 'exited' as const };
    const v = runState([...records.slice(0, 2), { at, kind: 'intent', runId: 'r1', seq: 0, host: 'h1', id: 'a', name: 'n-a', action: 'stop', prior: other }, ...records.slice(2)]);
    expect(v.actions[0]!.prior).toEqual(prior);
    expect(v.actions[1]!.error).toBe('REFUSED: no');
  });

  it('is running again after run.resume, cancelled/refused from run.end, and tracks restores', () => {
    expect(runState([...records, { at, kind: 'run.resume', runId: 'r1', operator: op }]).status).toBe('running');
    expect(runState([records[0]!, { at, kind: 'run.end', runId: 'r1', status: 'refused' }]).status).toBe('refused');
    const v = runState([
      ...records,
      { at, kind: 'restore.intent', runId: 'r1', seq: 0, host: 'h1', id: 'a', name: 'n-a', prior },
      { at, kind: 'restore.intent', runId: 'r1', seq: 1, host: 'h2', id: 'b', name: 'n-b', prior },
      { at, kind: 'restore.outcome', runId: 'r1', seq: 1, outcome: 'failed', error: 'x' },
    ]);
    expect(v.actions.map((a) => a.restore)).toEqual(['in-flight', 'failed']);
  });
});

describe('parseJournal', () => {
  const text = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
  it('reads whole lines, and ignores a torn last line at every cut', () => {
    expect(parseJournal(text, 'f')).toEqual(records);
    for (let cut = 0; cut <= text.length; cut++) {
      const got = parseJournal(text.slice(0, cut), 'f');
      const whole = text.slice(0, cut).split('\n').length - 1;
      expect(got).toEqual(records.slice(0, whole));
    }
  });
  it('skips a torn line followed by records appended later, but refuses other damage', () => {
    const lines = text.split('\n');
    const torn = `${lines[0]}\n${lines[1]!.slice(0, 20)}\n${lines[2]}\n`;
    expect(parseJournal(torn, 'f')).toEqual([records[0], records[2]]);
    expect(() => parseJournal(`${lines[0]}\nhello\n`, 'f')).toThrow(/f:2/);
    expect(() => parseJournal(`${lines[0]}\n{"kind":"nope"}\n`, 'f')).toThrow(/not a journal record/);
  });
});

describe('planJournal on files', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-journal-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('appends one line per record under runs/<runId>.jsonl, reads them back, lists runs', async () => {
    const j = planJournal(fileStateAt(dir, { now: () => new Date(at) }));
    for (const { at: _at, ...r } of records) await j.append(r as never);
    await j.append({ kind: 'run.start', runId: 'r0', plan: 'p', operator: op, actions: [] });
    expect(await j.read('r1')).toEqual(records);
    expect(await j.read('nope')).toEqual([]);
    expect(await j.runs()).toEqual(['r0', 'r1']);
    expect(fs.readFileSync(path.join(dir, 'runs', 'r1.jsonl'), 'utf8').split('\n')).toHaveLength(records.length + 1);
  });

  it('after a torn last line, appends on a fresh line and reads both sides of it', async () => {
    const j = planJournal(fileStateAt(dir, { now: () => new Date(at) }));
    await j.append({ kind: 'run.start', runId: 'r1', plan: 'p', operator: op, actions: [] });
    fs.appendFileSync(path.join(dir, 'runs', 'r1.jsonl'), '{"at":"2025-11-11T00:00:00.000Z","kind":"int');
    expect(await j.read('r1')).toHaveLength(1);
    await j.append({ kind: 'run.end', runId: 'r1', status: 'done' });
    expect((await j.read('r1')).map((r) => r.kind)).toEqual(['run.start', 'run.end']);
  });

  it('refuses run ids that are not plain names', async () => {
    const j = planJournal(fileStateAt(dir));
    await expect(j.read('../x')).rejects.toThrow(/run id/);
  });
});
