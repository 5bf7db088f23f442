import { describe, expect, it } from 'vitest';
import { fencedLeftovers, retireSteps, startFencedReturn, type FencedReturnEngine } from '../../src/app/fenced-return.js';
import type { SourceInspect } from '../../src/migrate/container-spec.js';
import { migrationState, type MigrationRecord } from '../../src/migrate/journal.js';
import type { MovePlan } from '../../src/migrate/types.js';
import type { AuditRecord } from '../../src/state/types.js';
import { waitFor } from '../support/fleet.js';
import { createFleetStore } from '../../src/store/fleet-store.js';
import type { HostStatus } from '../../src/engine/types.js';
import { initialFleetState } from '../../src/store/state.js';

// Chaos F7/F8 (src/app/fenced-return.ts): when a host a fenced evacuation moved containers off comes back,
// the sources still there are kept from restarting and stopped, once, audited; nothing else is touched.

const OP = { user: 'u', from: 'j' };
const plan = (name: string, id: string, mode: 'recorded' | 'live', from = 'h1'): MovePlan =>
  ({ name, from, to: 'h2', sourceId: id, sourceMode: mode, steps: mode === 'live' ? ['create', 'stop-source', 'park-source', 'start-target', 'gate', 'remove-source'] : ['create', 'start-target', 'gate'] }) as unknown as MovePlan;

function run(runId: string, moves: Array<[MovePlan, 'done' | 'rolled-back']>): MigrationRecord[] {
  return [
    { at: 't', kind: 'mig.start', runId, what: 'evacuate', host: 'h1', operator: OP, parallel: 2, moves: moves.map(([p]) => p) },
    ...moves.map(([, status], move): MigrationRecord => ({ at: 't', kind: 'move.end', runId, move, status, downtimeMs: null })),
    { at: 't', kind: 'mig.end', runId, status: 'done' },
  ];
}

const RUNS: Record<string, MigrationRecord[]> = {
  r1: run('r1', [
    [plan('a', 'A', 'recorded'), 'done'],
    [plan('b', 'B', 'recorded'), 'rolled-back'],
    [plan('c', 'C', 'live'), 'done'],
  ]).flatMap((r) => (r.kind === 'move.end' && r.move === 2 ? [{ at: 't', kind: 'step.outcome', runId: 'r1', move: 2, step: 'remove-source', outcome: 'done' } as MigrationRecord, r] : [r])),
  r2: run('r2', [[plan('d', 'D', 'recorded', 'h3'), 'done']]),
  // A live move whose remove-source failed (its engine died after the gate): the parked source is left.
  r3: [
    ...run('r3', [[plan('e', 'E', 'live'), 'done']]).slice(0, 1),
    { at: 't', kind: 'step.outcome', runId: 'r3', move: 0, step: 'remove-source', outcome: 'failed', error: 'UNREACHABLE' },
    ...run('r3', [[plan('e', 'E', 'live'), 'done']]).slice(1),
  ],
};

const inspect = (status: string, policy: string): SourceInspect =>
  ({ Id: 'x', Name: '/x', Image: 'i', State: { Status: status, Running: status === 'running' }, Config: { StopTimeout: 1 }, HostConfig: { RestartPolicy: { Name: policy } } }) as unknown as SourceInspect;

describe('fenced return', () => {
  it('finds the sources done moves left on the hosts asked: made from a record, or parked and not removed', () => {
    const views = Object.values(RUNS).map(migrationState);
    expect(fencedLeftovers(views, new Set(['h1'])).map((l) => `${l.runId}:${l.host}/${l.name}:${l.id}:${l.why}`)).toEqual(['r1:h1/a:A:fenced', 'r3:h1/e:E:not removed']);
    expect(fencedLeftovers(views, new Set(['h1', 'h3'])).map((l) => l.name)).toEqual(['a', 'd', 'e']);
  });

  it('retires what would run: the restart policy first, then a stop; nothing once stopped without one', () => {
    expect(retireSteps(inspect('running', 'always'))).toEqual(['no-restart', 'stop']);
    expect(retireSteps(inspect('running', 'no'))).toEqual(['stop']);
    expect(retireSteps(inspect('exited', 'unless-stopped'))).toEqual(['no-restart']);
    expect(retireSteps(inspect('exited', 'no'))).toEqual([]);
    expect(retireSteps(inspect('restarting', ''))).toEqual(['stop']);
  });

  it('acts when the host comes up, audits each container, and does nothing more once retired', async () => {
    const store = createFleetStore(initialFleetState());
    const setHost = (state: HostStatus['state']) =>
      store.setState((s) => ({ hostOrder: ['h1', 'h2'], hosts: { ...s.hosts, h1: { name: 'h1', state } as HostStatus, h2: { name: 'h2', state: 'up' } as HostStatus } }));
    const live = new Map([['A', { ...inspect('running', 'always'), Name: '/a' }]]);
    const calls: string[] = [];
    let connected = false; // listed up a moment before the client is handed out (host-connection.ts)
    const engine: FencedReturnEngine = {
      connected: () => connected,
      inspect: async (h, id) => (calls.push(`inspect ${h} ${id}`), live.get(id) ?? null), // E: removed by hand since
      disableRestart: async (h, id) => {
        calls.push(`no-restart ${h} ${id}`);
        live.set(id, { ...live.get(id)!, HostConfig: { RestartPolicy: { Name: 'no' } } });
      },
      stop: async (h, id, seconds) => {
        calls.push(`stop ${h} ${id} ${seconds}`);
        live.set(id, { ...live.get(id)!, State: { Status: 'exited', Running: false } });
      },
    };
    const audit: AuditRecord[] = [];
    setHost('down');
    const f = startFencedReturn({
      store,
      engine,
      journal: { runs: async () => Object.keys(RUNS), read: async (id) => RUNS[id] ?? [] },
      audit: { ready: async () => undefined, append: async (r) => (audit.push(r), { ...r, at: 't', user: 'u', from: 'j' }) },
      callTimeoutMs: 1000,
    });
    await f.idle();
    expect(calls).toEqual([]); // h1 down: nothing to reach
    setHost('up');
    await f.idle();
    expect(calls).toEqual([]);
    connected = true;
    await waitFor(() => calls.length === 4 || undefined, 2000);
    await f.idle();
    expect(calls.sort()).toEqual(['inspect h1 A', 'inspect h1 E', 'no-restart h1 A', 'stop h1 A 1']);
    expect(audit.map((a) => [a.action, a.targets, a.outcome, a.details.steps])).toEqual([['migrate.fenced-return', ['h1/a'], 'ok', ['no-restart', 'stop']]]);
    // Down and up again: looked at, left alone.
    setHost('down');
    setHost('up');
    await f.idle();
    expect(calls.slice(4).sort()).toEqual(['inspect h1 A', 'inspect h1 E']);
    expect(audit).toHaveLength(1);
    await f.stop();
  });
});
