import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { limitBody, restoreBody, priorOf } from '../../src/plans/engine-state.js';
import { executePlan, restoreRun, resumeRun, stateCalls, type ExecuteDeps } from '../../src/plans/execute.js';
import { planJournal, runState, type Journal } from '../../src/plans/journal.js';
import { DEFAULT_GUARDS, type PlannedAction, type PriorState } from '../../src/plans/types.js';
import { fileContainerLock } from '../../src/state/file/container-lock.js';
import { fileStateAt, readAuditLog } from '../support/file-state.js';
import { FakeEngine } from './plan-fake-engine.js';

const op = { user: 'ann', from: 'jump-1' };
const act = (host: string, id: string, action: PlannedAction['action'] = 'stop', step = 0): PlannedAction => ({
  step, host, id, name: `c-${id}`, line: 'ads', tier: 2, action, frees: { cpuPercent: 0, memBytes: 0 },
  ...(action === 'limit' && { limit: { nanoCpus: 500_000_000, memoryBytes: 256 * 2 ** 20, cpuShares: 256 } }),
});

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-exec-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The journal, lock and audit log of the state in `stateDir`. */
function stateDeps(stateDir: string): Pick<ExecuteDeps, 'journal' | 'lock' | 'audit'> {
  const state = fileStateAt(stateDir, { operator: op });
  return { journal: planJournal(state), lock: state.locks, audit: state.audit };
}

function deps(engine: FakeEngine, over: Partial<ExecuteDeps> = {}): ExecuteDeps {
  return {
    engine,
    ...stateDeps(dir),
    guards: { ...DEFAULT_GUARDS, actionTimeout: 5 },
    ...over,
  };
}

/** Three hosts, a stop, a pause and a limit on each. */
function fleet(): { engine: FakeEngine; actions: PlannedAction[] } {
  const engine = new FakeEngine();
  const actions: PlannedAction[] = [];
  for (const h of ['h1', 'h2', 'h3']) {
    for (const [i, a] of (['stop', 'pause', 'limit'] as const).entries()) {
      // Already CPU-capped, shares set: an update cannot take a NanoCpus cap away again (see the uncapped test below).
      engine.add(h, `${h}x${i}`, 'running', { NanoCpus: 2e9, CpuShares: 1024 });
      actions.push(act(h, `${h}x${i}`, a, i === 2 ? 1 : 0));
    }
  }
  return { engine, actions };
}

const inspectAll = (e: FakeEngine) => new Map([...e.containers].map(([id, c]) => [id, { state: c.state, hc: structuredClone(c.hc) }]));

describe('executePlan', () => {
  it('stops, pauses and limits, journals intent before outcome, audits each action', async () => {
    const { engine, actions } = fleet();
    const d = deps(engine);
    const res = await executePlan({ ...d, runId: 'r1', plan: 'double11', actions });
    expect(res.status).toBe('done');
    expect(res.actions[0]).toEqual({ host: 'h1', container: 'c-h1x0', action: 'stop', outcome: 'done' });
    expect(engine.containers.get('h1x0')!.state).toBe('exited');
    expect(engine.containers.get('h1x1')!.state).toBe('paused');
    expect(engine.containers.get('h1x2')!.hc).toMatchObject({ NanoCpus: 500_000_000, Memory: 256 * 2 ** 20, CpuShares: 256, MemorySwap: 2 ** 30 });
    expect(engine.calls.find((c) => c.op === 'stop')!.opts.t).toBe(DEFAULT_GUARDS.stopTimeout);
    const kinds = (await d.journal.read('r1')).map((r) => r.kind);
    expect(kinds[0]).toBe('run.start');
    expect(kinds.at(-1)).toBe('run.end');
    expect(kinds.filter((k) => k === 'intent')).toHaveLength(9);
    const audit = await readAuditLog(dir);
    expect(audit).toHaveLength(9);
    expect(audit[0]).toMatchObject({ user: 'ann', from: 'jump-1', outcome: 'ok', details: { runId: 'r1', plan: 'double11' } });
    expect(fs.readdirSync(path.join(dir, 'locks')).filter((n) => n.endsWith('.json'))).toEqual([]);
  });

  it('keeps to parallelPerHost and parallel', async () => {
    const engine = new FakeEngine();
    engine.delayMs = 5;
    const actions: PlannedAction[] = [];
    for (const h of ['h1', 'h2', 'h3']) for (let i = 0; i < 8; i++) (engine.add(h, `${h}y${i}`), actions.push(act(h, `${h}y${i}`)));
    const res = await executePlan({ ...deps(engine, { guards: { ...DEFAULT_GUARDS, parallelPerHost: 2, parallel: 4 } }), runId: 'r1', plan: 'p', actions });
    expect(res.status).toBe('done');
    expect(Math.max(...engine.maxInFlight.values())).toBeLessThanOrEqual(2);
    expect(engine.maxInFlightAll).toBeLessThanOrEqual(4);
    expect(engine.maxInFlightAll).toBeGreaterThan(2);
  });

  it('a missing host and a refusing host fail their actions, the others finish: partial', async () => {
    const { engine, actions } = fleet();
    engine.missing.add('h2');
    engine.refusing.add('h3');
    const res = await executePlan({ ...deps(engine), runId: 'r1', plan: 'p', actions });
    expect(res.status).toBe('partial');
    expect(res.actions.filter((a) => a.host === 'h1').every((a) => a.outcome === 'done')).toBe(true);
    const failed = res.actions.filter((a) => a.outcome === 'failed');
    expect(failed.map((a) => a.host)).toEqual(['h2', 'h2', 'h2', 'h3', 'h3', 'h3']);
    expect(failed[0]!.error).toMatch(/^UNREACHABLE/);
    // h3's step-0 actions were in flight together; once refused, its step-1 action fails without a call.
    expect(engine.calls.filter((c) => c.host === 'h3' && c.id === 'h3x2')).toEqual([]);
    expect((await readAuditLog(dir)).filter((e) => e.outcome === 'failed')).toHaveLength(6);
  });

  it('cancel: pending actions are skipped, the run is cancelled', async () => {
    const { engine, actions } = fleet();
    engine.delayMs = 10;
    const ctl = new AbortController();
    const d = deps(engine, { signal: ctl.signal, guards: { ...DEFAULT_GUARDS, parallel: 1, parallelPerHost: 1 } });
    setTimeout(() => ctl.abort(), 25);
    const res = await executePlan({ ...d, runId: 'r1', plan: 'p', actions });
    expect(res.status).toBe('cancelled');
    const skipped = res.actions.filter((a) => a.outcome === 'skipped');
    expect(skipped.length).toBeGreaterThan(0);
    expect(res.actions.every((a) => a.outcome === 'done' || a.outcome === 'skipped')).toBe(true);
    expect(engine.mutatingCalls()).toHaveLength(res.actions.length - skipped.length);
  });

  it('refused when another live run holds a container: nothing changed, the refusal names the holder', async () => {
    const { engine, actions } = fleet();
    await fileContainerLock(dir, { pid: process.ppid }).acquire('r0', 'bob@jump-1', [{ id: 'h2x1', label: 'h2/c-h2x1' }]);
    const res = await executePlan({ ...deps(engine), runId: 'r1', plan: 'p', actions });
    expect(res.status).toBe('refused');
    expect(res.error).toMatch(/h2\/c-h2x1 is locked by run r0 of bob@jump-1 on \S+ \(pid \d+\) since/);
    expect(engine.calls).toEqual([]);
    expect((await readAuditLog(dir))[0]).toMatchObject({ action: 'plan.apply', outcome: 'refused' });
  });
});

describe('restoreRun', () => {
  it('puts state, limits and restart policy back exactly; a second restore makes no mutating call', async () => {
    const { engine, actions } = fleet();
    engine.add('h1', 'pz', 'paused', { CpuQuota: 50_000, CpuPeriod: 100_000, CpuShares: 1024 });
    actions.push(act('h1', 'pz', 'stop'), { ...act('h1', 'pz', 'limit', 2) });
    const before = inspectAll(engine);
    const d = deps(engine);
    await executePlan({ ...d, runId: 'r1', plan: 'p', actions });
    engine.containers.get('h2x0')!.hc.RestartPolicy = { Name: 'no', MaximumRetryCount: 0 }; // changed since
    const r = await restoreRun('r1', d);
    expect(r.status).toBe('done');
    expect(inspectAll(engine)).toEqual(before);
    const n = engine.mutatingCalls().length;
    const again = await restoreRun('r1', d);
    expect(again.status).toBe('done');
    expect(engine.mutatingCalls()).toHaveLength(n);
    expect(runState(await d.journal.read('r1')).actions.every((a) => a.restore === 'done')).toBe(true);
  });

  it('restores a failed run once the host is back, including actions that failed', async () => {
    const { engine, actions } = fleet();
    const before = inspectAll(engine);
    engine.refusing.add('h3');
    const d = deps(engine);
    expect((await executePlan({ ...d, runId: 'r1', plan: 'p', actions })).status).toBe('partial');
    engine.refusing.delete('h3');
    expect((await restoreRun('r1', d)).status).toBe('done');
    expect(inspectAll(engine)).toEqual(before);
  });
});

describe('restoreRun, engine limits', () => {
  it('a limit on a container that has none is refused, unchanged: the engine could never lift it again', async () => {
    const engine = new FakeEngine();
    engine.add('h1', 'u1');
    const before = JSON.stringify(engine.containers.get('u1')!.hc);
    const d = deps(engine);
    const r = await executePlan({ ...d, runId: 'r1', plan: 'p', actions: [act('h1', 'u1', 'limit')] });
    expect(r.status).toBe('partial');
    expect(r.actions[0]!.outcome).toBe('failed');
    expect(r.actions[0]!.error).toMatch(/^CONFLICT: h1\/c-u1 has no (CPU|memory) limit, and the engine cannot remove one once set: restore could not put it back/);
    expect(JSON.stringify(engine.containers.get('u1')!.hc)).toBe(before);
    const restored = await restoreRun('r1', d);
    expect(restored.status).toBe('done');
  });
});

describe('resumeRun after a crash at every journal record', () => {
  /** A journal that snapshots the engine before each append: what a crash just before that record leaves. */
  function recording(inner: Journal, engine: FakeEngine, snaps: FakeEngine[]): Journal {
    return { ...inner, append: async (r) => (snaps.push(engine.snapshot()), inner.append(r)) };
  }

  it('never applies an action twice, finishes the run, a second resume makes no call, restore is exact', async () => {
    const { engine, actions } = fleet();
    const before = inspectAll(engine);
    const snaps: FakeEngine[] = [];
    const master = planJournal(fileStateAt(path.join(dir, 'master')));
    await executePlan({ ...deps(engine, { guards: { ...DEFAULT_GUARDS, parallel: 1, parallelPerHost: 1 } }), journal: recording(master, engine, snaps), runId: 'r1', plan: 'p', actions });
    const text = fs.readFileSync(path.join(dir, 'master', 'runs', 'r1.jsonl'), 'utf8');
    const lines = text.split('\n').slice(0, -1);
    snaps.push(engine.snapshot());
    // Cut after k whole records (and with record k torn): the engine is as it was just before record k.
    for (let k = 1; k < lines.length; k++) {
      for (const torn of [false, true]) {
        const state = path.join(dir, `cut-${k}-${torn}`);
        fs.mkdirSync(path.join(state, 'runs'), { recursive: true });
        fs.writeFileSync(path.join(state, 'runs', 'r1.jsonl'), lines.slice(0, k).join('\n') + '\n' + (torn ? lines[k]!.slice(0, 30) : ''));
        const e = snaps[k]!.snapshot();
        const d = { ...deps(e), ...stateDeps(state) };
        const res = await resumeRun('r1', d);
        expect(res.status, `cut ${k}`).toBe('done');
        for (const c of e.containers.values()) expect(c.mutations, `cut ${k} ${c.id}`).toBe(1);
        const n = e.mutatingCalls().length;
        await resumeRun('r1', d);
        expect(e.mutatingCalls(), `second resume, cut ${k}`).toHaveLength(n);
        expect((await restoreRun('r1', d)).status).toBe('done');
        expect(inspectAll(e), `restore after cut ${k}`).toEqual(before);
      }
    }
  }, 30_000); // some 40 resumes and restores on real files, each fsynced: seconds on a busy machine
});

describe('pure pieces', () => {
  const p: PriorState = { state: 'running', nanoCpus: 0, cpuQuota: 0, cpuPeriod: 0, cpuShares: 0, memoryBytes: 0, memorySwapBytes: 0, restartPolicy: { name: 'always', maximumRetryCount: 0 } };
  it('limitBody: NanoCpus, or a quota when the container is capped by quota; MemorySwap always sent', () => {
    expect(limitBody({ nanoCpus: 5e8, memoryBytes: 100, cpuShares: null }, p)).toEqual({ NanoCpus: 5e8, Memory: 100, MemorySwap: 200 });
    expect(limitBody({ nanoCpus: 5e8, memoryBytes: 100, cpuShares: 2 }, { ...p, cpuQuota: 80_000, cpuPeriod: 100_000, memorySwapBytes: -1 })).toEqual({ CpuPeriod: 100_000, CpuQuota: 50_000, Memory: 100, MemorySwap: -1, CpuShares: 2 });
  });
  it('restoreBody: only what differs, memory and swap together, 0 sent as -1', () => {
    expect(restoreBody(p, p)).toEqual({});
    expect(restoreBody(p, { ...p, memoryBytes: 100, memorySwapBytes: 200, restartPolicy: { name: 'no', maximumRetryCount: 0 } })).toEqual({ Memory: -1, MemorySwap: -1, RestartPolicy: { Name: 'always', MaximumRetryCount: 0 } });
  });
  it('stateCalls and priorOf', () => {
    expect(stateCalls('running', 'exited')).toEqual(['start']);
    expect(stateCalls('running', 'paused')).toEqual(['unpause']);
    expect(stateCalls('paused', 'exited')).toEqual(['start', 'pause']);
    expect(stateCalls('paused', 'running')).toEqual(['pause']);
    expect(stateCalls('exited', 'running')).toEqual([]);
    expect(priorOf({ State: { Status: 'paused' }, HostConfig: { Memory: 5, RestartPolicy: { Name: 'no' } } })).toMatchObject({ state: 'paused', memoryBytes: 5, restartPolicy: { name: 'no', maximumRetryCount: 0 } });
  });
});

describe('resumeRun retries failed actions', () => {
  it('a host that was down: resume performs its failed actions, once', async () => {
    const { engine, actions } = fleet();
    const d = deps(engine);
    engine.refusing.add('h2');
    const first = await executePlan({ ...d, runId: 'r1', plan: 'p', actions });
    expect(first.status).toBe('partial');
    engine.refusing.delete('h2');
    const callsBefore = engine.mutatingCalls().length;
    const resumed = await resumeRun('r1', d);
    expect(resumed.status).toBe('done');
    const retried = engine.mutatingCalls().slice(callsBefore);
    expect(retried.every((c) => c.host === 'h2')).toBe(true);
    expect(retried.length).toBeGreaterThan(0);
    const again = engine.mutatingCalls().length;
    await resumeRun('r1', d);
    expect(engine.mutatingCalls().length).toBe(again);
  });
});
