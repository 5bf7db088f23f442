import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { migrationLeftovers, planLeftovers } from '../../src/render/abandon-lines.js';
import { claimOn, liveOwners, livenessOf, RunClaimedError, type RunClaim } from '../../src/app/run-claims.js';
import { migrationState, type MigrationRecord } from '../../src/migrate/journal.js';
import type { MovePlan } from '../../src/migrate/types.js';
import { parkName } from '../../src/migrate/container-spec.js';
import { runState, type JournalRecord } from '../../src/plans/journal.js';

// Issue 13, items 1 and 2 (pure parts): who is alive, what an unsettled run claims, what abandon leaves.

const T0 = Date.parse('2026-12-04T02:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const OP = { user: 'ann', from: 'j1' };

describe('livenessOf', () => {
  const start = { at: at(0), kind: 'mig.start', runId: 'M1' };
  const step = { at: at(1), kind: 'step.intent', runId: 'M1' };
  it('a live holder: running; none: interrupted, but a start record alone has a grace', () => {
    expect(livenessOf([start, step], new Set(['M1']), T0 + 60_000)).toBe('running');
    expect(livenessOf([start, step], new Set(), T0 + 2_000)).toBe('interrupted');
    expect(livenessOf([start], new Set(), T0 + 2_000)).toBe('running');
    expect(livenessOf([start], new Set(), T0 + 60_000)).toBe('interrupted');
  });
});

describe('liveOwners', () => {
  it("an owner on this jump host whose pid is gone is not live, whatever the backend still holds (etcd: the lease's TTL)", async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid!; // exited: its pid is free
    const owner = (runId: string, pid: number, host: string) => ({ runId, operator: 'ann@j1', since: at(0), pid, host });
    const held = new Map([
      ['id-a', owner('A', process.pid, os.hostname())],
      ['id-b', owner('B', dead, os.hostname())],
      ['id-c', owner('C', dead, 'another-jump-host')], // its pid means nothing here: the backend decides
    ]);
    const live = await liveOwners({ locks: { holders: async () => held, acquire: () => Promise.reject(new Error('unused')) } });
    expect([...live.keys()].sort()).toEqual(['A', 'C']);
  });
});

const claim = (over: Partial<RunClaim>): RunClaim => ({
  kind: 'migration', runId: 'M1', title: 'migrate pz-33 → h2', operator: 'ann@j1', owner: null, liveness: 'interrupted', names: ['pz-33', 'pz-33_parked_x'], ids: ['abc'], ...over,
});

describe('claimOn', () => {
  it('by name or by id; never the run itself', () => {
    expect(claimOn([claim({})], [{ name: 'pz-33' }])?.claim.runId).toBe('M1');
    expect(claimOn([claim({})], [{ name: 'renamed', id: 'abc' }])?.names).toEqual(['renamed']);
    expect(claimOn([claim({})], [{ name: 'pz-34', id: 'def' }])).toBeNull();
    expect(claimOn([claim({})], [{ name: 'pz-33' }], 'M1')).toBeNull();
  });
  it('the refusal names the run, its owner dead or alive, and both commands', () => {
    const dead = new RunClaimedError(claim({}), ['pz-33']).message;
    expect(dead).toContain('pz-33 is claimed by the unfinished migration M1 (migrate pz-33 → h2) of ann@j1');
    expect(dead).toContain('not running (interrupted');
    expect(dead).toContain('dockpit migration resume M1');
    expect(dead).toContain('dockpit migration abandon M1');
    const alive = new RunClaimedError(claim({ owner: { runId: 'M1', operator: 'ann@j1', since: at(0), pid: 42, host: 'j1' }, liveness: 'running' }), ['pz-33']).message;
    expect(alive).toContain('its dockpit is running (pid 42 on j1');
  });
});

describe('what abandon leaves', () => {
  it('a plan run: done, in flight, untouched', () => {
    const action = (i: number) => ({ step: 0, host: 'h1', id: `id${i}`, name: `c${i}`, line: 'l', tier: 2, action: 'stop' as const, frees: { cpuPercent: 0, memBytes: 0 } });
    const prior = { state: 'running' as const, nanoCpus: 0, memoryBytes: 0, cpuShares: 0, restart: { name: 'no', maximumRetryCount: 0 } };
    const records = [
      { at: at(0), kind: 'run.start', runId: 'R1', plan: 'shed', operator: OP, actions: [action(0), action(1), action(2)] },
      { at: at(1), kind: 'intent', runId: 'R1', seq: 0, host: 'h1', id: 'id0', name: 'c0', action: 'stop', prior },
      { at: at(2), kind: 'outcome', runId: 'R1', seq: 0, outcome: 'done' },
      { at: at(3), kind: 'intent', runId: 'R1', seq: 1, host: 'h1', id: 'id1', name: 'c1', action: 'stop', prior },
    ] as unknown as JournalRecord[];
    expect(planLeftovers(runState(records)).map((l) => l.left)).toEqual([
      'stopped by this run: plan restore R1 puts it back',
      'its stop was in flight: it may be stopped; plan restore R1 puts it back',
      'untouched by this run',
    ]);
  });
  it('a move killed after parking its source: the target created, the parked copy never started again', () => {
    const plan = { name: 'pz-33', from: 'h4', to: 'h2', steps: ['create', 'stop-source', 'park-source', 'start-target', 'gate', 'remove-source'] } as unknown as MovePlan;
    const rec = (s: number, kind: string, step: string) => ({ at: at(s), kind, runId: '20261204T020000Z-abcdef', move: 0, step, ...(kind === 'step.outcome' && { outcome: 'done' }) });
    const records = [
      { at: at(0), kind: 'mig.start', runId: '20261204T020000Z-abcdef', what: 'migrate', host: null, operator: OP, parallel: 1, moves: [plan] },
      rec(1, 'step.intent', 'create'), rec(2, 'step.outcome', 'create'),
      rec(3, 'step.intent', 'stop-source'), rec(4, 'step.outcome', 'stop-source'),
      rec(5, 'step.intent', 'park-source'), rec(6, 'step.outcome', 'park-source'),
    ] as unknown as MigrationRecord[];
    expect(migrationLeftovers(migrationState(records))).toEqual([{
      container: 'h4/pz-33 → h2',
      state: 'running',
      left: `pz-33 may exist on h2, not started; the source may be parked as ${parkName('pz-33', '20261204T020000Z-abcdef')} on h4 (stopped): dockpit never starts it again`,
    }]);
  });
});
