import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resumeRun, type ExecuteDeps } from '../../src/plans/execute.js';
import { planJournal, type Journal } from '../../src/plans/journal.js';
import { DEFAULT_GUARDS, type PlannedAction, type PriorState } from '../../src/plans/types.js';
import { fileStateAt } from '../support/file-state.js';
import { FakeEngine } from './plan-fake-engine.js';

// Issue 12, item 3: a run killed with an action in flight (intent journaled, no outcome). Resume settles it
// from the engine's own events and state before calling anything: a stop still going is waited for, a call
// that reached the engine is never made again, one that did not is made once.

const op = { user: 'ann', from: 'jump-1' };
const act = (id: string, action: PlannedAction['action']): PlannedAction => ({
  step: 0, host: 'h1', id, name: `c-${id}`, line: 'ads', tier: 2, action, frees: { cpuPercent: 0, memBytes: 0 },
  ...(action === 'limit' && { limit: { nanoCpus: 500_000_000, memoryBytes: null, cpuShares: null } }),
});
const prior: PriorState = { state: 'running', nanoCpus: 2e9, cpuQuota: 0, cpuPeriod: 0, cpuShares: 1024, memoryBytes: 512 * 2 ** 20, memorySwapBytes: 2 ** 30, restartPolicy: { name: 'always', maximumRetryCount: 0 } };

let dir: string;
let journal: Journal;
let engine: FakeEngine;
let deps: ExecuteDeps;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-settle-'));
  const state = fileStateAt(dir, { operator: op });
  journal = planJournal(state);
  engine = new FakeEngine();
  deps = { engine, journal, lock: state.locks, audit: state.audit, guards: { ...DEFAULT_GUARDS, actionTimeout: 5 } };
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A run killed right after the intent of each action (what a crash mid-call leaves in the journal). */
async function killedAfterIntents(actions: PlannedAction[], engineAt: number | null = Date.now() / 1000): Promise<void> {
  await journal.append({ kind: 'run.start', runId: 'r1', plan: 'p', operator: op, actions });
  for (const [seq, a] of actions.entries()) {
    await journal.append({ kind: 'intent', runId: 'r1', seq, host: a.host, id: a.id, name: a.name, action: a.action, prior, ...(engineAt !== null && { engineAt }) });
  }
}

describe('resume of an action in flight', () => {
  it('a stop still going on the engine (kill 15 logged, still running): waited for, not sent again', async () => {
    engine.add('h1', 's1', 'running', { NanoCpus: 2e9, CpuShares: 1024 });
    await killedAfterIntents([act('s1', 'stop')]);
    engine.beginStop('s1');
    const resumed = resumeRun('r1', deps);
    await new Promise((r) => setTimeout(r, 50));
    expect(engine.containers.get('s1')!.state).toBe('running'); // resume waits on the engine's stop
    engine.endStop('s1');
    const res = await resumed;
    expect(res.status).toBe('done');
    expect(engine.mutatingCalls()).toEqual([]);
    expect(engine.events.filter((e) => e.action === 'stop')).toHaveLength(1);
  });

  it('calls that reached the engine and finished: nothing called again', async () => {
    engine.add('h1', 's1', 'running', { NanoCpus: 2e9, CpuShares: 1024 });
    engine.add('h1', 'p1', 'running', { NanoCpus: 2e9, CpuShares: 1024 });
    engine.add('h1', 'l1', 'running', { NanoCpus: 2e9, CpuShares: 1024 });
    const actions = [act('s1', 'stop'), act('p1', 'pause'), act('l1', 'limit')];
    await killedAfterIntents(actions);
    const c = (id: string) => engine.client('h1')!.getContainer(id);
    await c('s1').stop();
    await c('p1').pause();
    await c('l1').update({ NanoCpus: 500_000_000 });
    const calls = engine.mutatingCalls().length;
    expect((await resumeRun('r1', deps)).status).toBe('done');
    expect(engine.mutatingCalls()).toHaveLength(calls);
  });

  it('no sign of the call on the engine: made, once; a second resume makes none', async () => {
    engine.add('h1', 's1', 'running', { NanoCpus: 2e9, CpuShares: 1024 });
    engine.add('h1', 'p1', 'running', { NanoCpus: 2e9, CpuShares: 1024 });
    await killedAfterIntents([act('s1', 'stop'), act('p1', 'pause')]);
    expect((await resumeRun('r1', deps)).status).toBe('done');
    expect(engine.mutatingCalls().map((c) => `${c.id}:${c.op}`).sort()).toEqual(['p1:pause', 's1:stop']);
    await resumeRun('r1', deps);
    expect(engine.mutatingCalls()).toHaveLength(2);
  });

  it('a pause that reached the engine and was undone since by someone else: reported, not paused twice', async () => {
    engine.add('h1', 'p1', 'running', { NanoCpus: 2e9, CpuShares: 1024 });
    await killedAfterIntents([act('p1', 'pause')]);
    const c = engine.client('h1')!.getContainer('p1');
    await c.pause();
    await c.unpause();
    const res = await resumeRun('r1', deps);
    expect(res.status).toBe('partial');
    expect(res.actions[0]).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/undone since by someone else; not done twice/) });
    expect(engine.mutatingCalls().map((x) => x.op)).toEqual(['pause', 'unpause']);
  });

  it('an intent from an older journal (no engine time): settled from its local time', async () => {
    engine.add('h1', 's1', 'running', { NanoCpus: 2e9, CpuShares: 1024 });
    await killedAfterIntents([act('s1', 'stop')], null);
    engine.beginStop('s1');
    const resumed = resumeRun('r1', deps);
    setTimeout(() => engine.endStop('s1'), 30);
    expect((await resumed).status).toBe('done');
    expect(engine.mutatingCalls()).toEqual([]);
  });
});
