import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { effectiveLimits, limitBody, MEMORY_UNLIMITED, restoreBody, priorOf } from '../../src/plans/engine-state.js';
import { executePlan, restoreRun, resumeRun, stateCalls, type ExecuteDeps } from '../../src/plans/execute.js';
import { planJournal, runState, type Journal } from '../../src/plans/journal.js';
import { DEFAULT_GUARDS, type PlannedAction, type PriorState } from '../../src/plans/types.js';
import { fileContainerLock } from '../../src/state/file/container-lock.js';
import { fileStateAt, readAuditLog } from '../support/file-state.js';
import { FakeEngine } from './plan-fake-engine.js';

const op = { user: 'ann', from: 'jump-1' };
const MiB = 2 ** 20;
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

describe('limits on containers without limits (issue 12)', () => {
  const NONE = { NanoCpus: 0, CpuQuota: 0, CpuPeriod: 0, CpuShares: 0, Memory: 0, MemorySwap: 0 };

  it('a limit applies by quota; restore lifts it to no limit in effect, checks it, and a second restore calls nothing', async () => {
    const engine = new FakeEngine();
    engine.add('h1', 'u1', 'running', NONE);
    const prior = priorOf({ State: { Status: 'running' }, HostConfig: { ...NONE, RestartPolicy: { Name: 'always' } } });
    const d = deps(engine);
    const r = await executePlan({ ...d, runId: 'r1', plan: 'p', actions: [act('h1', 'u1', 'limit')] });
    expect(r.status).toBe('done');
    expect(engine.containers.get('u1')!.hc).toMatchObject({ NanoCpus: 0, CpuPeriod: 100_000, CpuQuota: 50_000, Memory: 256 * MiB, MemorySwap: 512 * MiB, CpuShares: 256 });
    const restored = await restoreRun('r1', d);
    expect(restored.status).toBe('done');
    const hc = engine.containers.get('u1')!.hc;
    expect(hc).toMatchObject({ NanoCpus: 0, CpuQuota: -1, Memory: MEMORY_UNLIMITED, MemorySwap: MEMORY_UNLIMITED, CpuShares: 1024 });
    expect(effectiveLimits(priorOf({ HostConfig: hc }))).toEqual(effectiveLimits(prior));
    const n = engine.mutatingCalls().length;
    expect((await restoreRun('r1', d)).status).toBe('done');
    expect(engine.mutatingCalls()).toHaveLength(n);
  });

  it('restore checks the engine after the call: a limit it kept fails the restore, naming what differs', async () => {
    const engine = new FakeEngine();
    engine.add('h1', 'u1', 'running', NONE);
    const d = deps(engine);
    await executePlan({ ...d, runId: 'r1', plan: 'p', actions: [act('h1', 'u1', 'limit')] });
    // An engine that answers the update but keeps the CPU cap (what NanoCpus would do).
    const deaf = { client: (h: string) => ({ getContainer: (id: string) => ({ ...engine.client(h)!.getContainer(id), update: async () => ({}) }) }), records: (h: string) => engine.records(h) };
    const r = await restoreRun('r1', { ...d, engine: deaf });
    expect(r.status).toBe('partial');
    expect(r.actions[0]!.error).toBe('CONFLICT: h1/c-u1: after restore the engine shows cpu 0.5 CPUs, was no CPU limit; memory 268435456 bytes, was no limit; memory+swap 536870912 bytes, was no limit; cpu shares 256, was 1024');
  });
});

describe('refused actions (issue 12: the preview is the run)', () => {
  const refusedAct = (host: string, id: string): PlannedAction => ({ ...act(host, id), refused: { code: 'protected-tier', reason: 'tier 0 is protected (guards.protectTiers)' } });

  it('a refused action is reported in its place with its reason, never called nor locked, audited as refused; the run ends partial', async () => {
    const engine = new FakeEngine();
    engine.add('h1', 'a');
    engine.add('h1', 'b');
    const d = deps(engine);
    const r = await executePlan({ ...d, runId: 'r1', plan: 'p', actions: [act('h1', 'a'), refusedAct('h1', 'b')] });
    expect(r.status).toBe('partial');
    expect(r.actions).toEqual([
      { host: 'h1', container: 'c-a', action: 'stop', outcome: 'done' },
      { host: 'h1', container: 'c-b', action: 'stop', outcome: 'refused', error: 'tier 0 is protected (guards.protectTiers)' },
    ]);
    expect(engine.calls.filter((c) => c.id === 'b')).toEqual([]);
    expect(engine.containers.get('b')!.state).toBe('running');
    const audit = await readAuditLog(dir);
    expect(audit.map((e) => [e.targets[0], e.outcome])).toEqual(expect.arrayContaining([['h1/c-a', 'ok'], ['h1/c-b', 'refused']]));
    // Resume does not retry a refusal (its reason holds), and restore puts back only what the run touched.
    expect((await resumeRun('r1', d)).actions[1]!.outcome).toBe('refused');
    expect((await restoreRun('r1', d)).actions.map((a) => [a.container, a.outcome])).toEqual([['c-a', 'done']]);
    expect(engine.containers.get('a')!.state).toBe('running');
    expect(engine.calls.filter((c) => c.id === 'b')).toEqual([]);
  });

  it('checked again live: a container removed since the preview, a CPU limit over the host count — refused, nothing changed', async () => {
    const engine = new FakeEngine();
    engine.add('h1', 'a');
    engine.ncpu.set('h1', 2);
    const over = { ...act('h1', 'a', 'limit'), limit: { nanoCpus: 3e9, memoryBytes: null, cpuShares: null } };
    const before = structuredClone(engine.containers.get('a')!.hc);
    const r = await executePlan({ ...deps(engine), runId: 'r1', plan: 'p', actions: [over, act('h1', 'gone')] });
    expect(r.actions.map((a) => [a.outcome, a.error])).toEqual([
      ['refused', 'cpus 3 is more than the 2 CPUs of h1: the engine refuses such a limit'],
      ['refused', 'no such container on h1 any more (removed since the preview)'],
    ]);
    expect(engine.containers.get('a')!.hc).toEqual(before);
    expect(engine.mutatingCalls()).toEqual([]);
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
  it('limitBody: NanoCpus only where NanoCpus is set, else a quota (liftable); MemorySwap always sent', () => {
    expect(limitBody({ nanoCpus: 5e8, memoryBytes: 100, cpuShares: null }, p)).toEqual({ CpuPeriod: 100_000, CpuQuota: 50_000, Memory: 100, MemorySwap: 200 });
    expect(limitBody({ nanoCpus: 5e8, memoryBytes: 100, cpuShares: null }, { ...p, nanoCpus: 1e9, memoryBytes: 512, memorySwapBytes: 1024 })).toEqual({ NanoCpus: 5e8, Memory: 100, MemorySwap: 1024 });
    expect(limitBody({ nanoCpus: 5e8, memoryBytes: 100, cpuShares: 2 }, { ...p, cpuQuota: 80_000, cpuPeriod: 50_000, memoryBytes: 512, memorySwapBytes: -1 })).toEqual({ CpuPeriod: 50_000, CpuQuota: 25_000, Memory: 100, MemorySwap: MEMORY_UNLIMITED, CpuShares: 2 });
    // Lifted by an earlier restore: no limit in effect, so swap is twice the memory, as for a fresh container.
    expect(limitBody({ nanoCpus: null, memoryBytes: 100, cpuShares: null }, { ...p, memoryBytes: MEMORY_UNLIMITED, memorySwapBytes: MEMORY_UNLIMITED })).toEqual({ Memory: 100, MemorySwap: 200 });
  });
  it('effectiveLimits: 0, -1 and the largest page-aligned value all mean no limit; shares 0 is 1024', () => {
    const none = { nanoCpus: null, memoryBytes: null, memorySwapBytes: null, cpuShares: 1024 };
    expect(effectiveLimits(p)).toEqual(none);
    expect(effectiveLimits({ ...p, cpuQuota: -1, cpuPeriod: 100_000, memoryBytes: MEMORY_UNLIMITED, memorySwapBytes: -1, cpuShares: 1024 })).toEqual(none);
    expect(effectiveLimits({ ...p, cpuQuota: 25_000, cpuPeriod: 50_000, memoryBytes: 512, memorySwapBytes: 0 })).toEqual({ nanoCpus: 5e8, memoryBytes: 512, memorySwapBytes: null, cpuShares: 1024 });
    expect(effectiveLimits({ ...p, nanoCpus: 1e9, cpuQuota: 1 })).toMatchObject({ nanoCpus: 1e9 });
  });
  it('restoreBody: only what differs in effect, memory and swap together, no limit sent as the engine lifts it', () => {
    expect(restoreBody(p, p)).toEqual({});
    expect(restoreBody(p, { ...p, cpuQuota: -1, cpuPeriod: 100_000, memoryBytes: MEMORY_UNLIMITED, memorySwapBytes: MEMORY_UNLIMITED, cpuShares: 1024 })).toEqual({});
    expect(restoreBody(p, { ...p, cpuQuota: 50_000, cpuPeriod: 100_000, memoryBytes: 100, memorySwapBytes: 200, cpuShares: 2, restartPolicy: { name: 'no', maximumRetryCount: 0 } })).toEqual({
      CpuQuota: -1, Memory: MEMORY_UNLIMITED, MemorySwap: MEMORY_UNLIMITED, CpuShares: 1024, RestartPolicy: { Name: 'always', MaximumRetryCount: 0 },
    });
    const capped = { ...p, nanoCpus: 1e9, memoryBytes: 512 * MiB, memorySwapBytes: 1024 * MiB };
    expect(restoreBody(capped, { ...capped, nanoCpus: 5e8, memoryBytes: 256 * MiB })).toEqual({ NanoCpus: 1e9, Memory: 512 * MiB, MemorySwap: 1024 * MiB });
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
