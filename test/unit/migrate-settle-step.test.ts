import { describe, expect, it } from 'vitest';
import type { EngineMark } from '../../src/engine/call-settlement.js';
import { migrationState, type MigrationRecord } from '../../src/migrate/journal.js';
import type { MigrateHost } from '../../src/migrate/engine-port.js';
import { earlierIntents, stopOnce } from '../../src/migrate/settle-step.js';

// Issue 12, item 3, for migration steps: a stop-source (or a rollback's stop of the target) that was in
// flight when dockpit died is settled from the engine's events before any stop is sent again.

/** A container that records the calls made to it; its events are what `records` returns. */
function engine(running: boolean, marks: EngineMark[]) {
  const calls: string[] = [];
  // Only the calls stopOnce may make; any other would fail the test.
  const docker: Pick<MigrateHost, 'inspect' | 'stop' | 'waitStopped'> = {
    inspect: async (id) => (calls.push('inspect'), { Id: id, Name: '/c', Image: 'sha256:i', Config: {}, HostConfig: {}, State: { Running: running, Paused: false } }),
    stop: async () => void calls.push('stop'),
    waitStopped: async () => void calls.push('wait'),
  };
  const records = { now: () => 1000, marks: async (_id: string, since: number) => (calls.push(`marks since ${since}`), marks) };
  return { docker, records, calls };
}

const signal = new AbortController().signal;

describe('stopOnce', () => {
  it('no earlier intent: stops a running container, leaves a stopped one alone', async () => {
    const a = engine(true, []);
    expect(await stopOnce(a.docker as MigrateHost, a.records, 'c1', true, undefined, 1, signal)).toBe('stopped');
    expect(a.calls).toEqual(['stop']);
    const b = engine(false, []);
    expect(await stopOnce(b.docker as MigrateHost, b.records, 'c1', false, undefined, 1, signal)).toBe('was-stopped');
    expect(b.calls).toEqual([]);
  });
  it('in flight, the engine logged kill 15 and it still runs: waits for the stop, sends none', async () => {
    const e = engine(true, [{ action: 'kill', signal: '15', timeNano: 999.5e9 }]);
    expect(await stopOnce(e.docker as MigrateHost, e.records, 'c1', true, { at: '2026-01-01T00:00:00Z', engineAt: 999 }, 1, signal)).toBe('waited');
    expect(e.calls).toEqual(['marks since 998', 'inspect', 'wait']); // read from 1 s before the intent
  });
  it('in flight, but no sign of it on the engine: stops it once', async () => {
    const e = engine(true, []);
    expect(await stopOnce(e.docker as MigrateHost, e.records, 'c1', true, { at: '2026-01-01T00:00:00Z', engineAt: 999 }, 1, signal)).toBe('stopped');
    expect(e.calls.filter((c) => c === 'stop')).toHaveLength(1);
  });
  it('stopped by this run and started again since: refused, not stopped twice', async () => {
    const e = engine(true, [{ action: 'kill', signal: '15', timeNano: 999.5e9 }, { action: 'stop', signal: null, timeNano: 999.7e9 }, { action: 'start', signal: null, timeNano: 999.9e9 }]);
    await expect(stopOnce(e.docker as MigrateHost, e.records, 'c1', true, { at: '2026-01-01T00:00:00Z', engineAt: 999 }, 1, signal)).rejects.toThrow(/not stopped twice/);
    expect(e.calls).not.toContain('stop');
  });
});

describe('earlierIntents', () => {
  it('the steps with an intent and no outcome (or a failed one), with the engine time of their last intent', () => {
    const at = '2026-01-01T00:00:00.000Z';
    const records: MigrationRecord[] = [
      { at, kind: 'mig.start', runId: 'm', what: 'migrate', host: null, operator: { user: 'u', from: 'j' }, parallel: 1, moves: [{} as never] },
      { at, kind: 'step.intent', runId: 'm', move: 0, step: 'create', engineAt: 10 },
      { at, kind: 'step.outcome', runId: 'm', move: 0, step: 'create', outcome: 'done' },
      { at, kind: 'step.intent', runId: 'm', move: 0, step: 'stop-source', engineAt: 12.5 },
    ];
    const view = migrationState(records);
    expect([...earlierIntents(view.moves[0]!.steps)]).toEqual([['stop-source', { at, engineAt: 12.5 }]]);
  });
});
