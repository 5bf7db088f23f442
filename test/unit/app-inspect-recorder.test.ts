import { afterEach, describe, expect, it } from 'vitest';
import { startInspectRecorder, type InspectRecorder } from '../../src/app/inspect-recorder.js';
import type { ContainerInspect } from '../../src/engine/container-inspect.js';
import { inspectRecords } from '../../src/state/file/inspect-records.js';
import type { InspectRecords, StateStore } from '../../src/state/types.js';
import { MemoryEngine } from '../support/memory-engine.js';
import { memoryFleet, openFileState, tempDir } from '../support/memory-fleet.js';
import { waitFor } from '../support/fleet.js';
import { inspectOf, MiB } from './fixtures/migrate/inspect.js';

// Issue 14: the inspect recorder (src/app/inspect-recorder.ts) on the in-memory engine, its records in the
// file state: what reaches the records as the store changes, and what a failed write does.

const opened: StateStore[] = [];
const recorders: InspectRecorder[] = [];
afterEach(async () => {
  await Promise.all(recorders.splice(0).map((r) => r.stop()));
  for (const s of opened.splice(0)) await s.close();
});

const ID = (n: number) => `${n}`.repeat(64).slice(0, 64);

/** Two hosts, two containers on h1 and one on h2, the store listing them; the state in a temp folder. */
function setup() {
  const engine = new MemoryEngine().addHost('h1').addHost('h2');
  engine.put('h1', inspectOf('web-1', ID(1), 'shop', 64 * MiB, '10.88.1.11'));
  engine.put('h1', inspectOf('web-2', ID(2), 'shop', 64 * MiB, '10.88.1.12'));
  engine.put('h2', inspectOf('db-1', ID(3), 'shop', 256 * MiB, '10.88.1.13'));
  const dir = tempDir('app-recorder');
  const fleet = memoryFleet(engine, dir);
  const state = openFileState(dir, undefined, opened);
  return { engine, fleet, dir, state };
}

function start(s: ReturnType<typeof setup>, records: Pick<InspectRecords, 'save' | 'remove' | 'load'> = s.state.records, onError?: (host: string, code: string) => void) {
  const r = startInspectRecorder(s.engine, s.fleet.store, records, {
    debounceMs: 10,
    retryMs: 10,
    stateSettleMs: 30,
    maxPerSecond: 10_000,
    ...(onError && { onError: (host, err) => onError(host, `${err.code} ${err.message}`) }),
  });
  recorders.push(r);
  return r;
}

const recorded = async (state: StateStore, host: string) => (await state.records.list(host)).map((r) => `${r.name} ${r.inspect.HostConfig.Memory / MiB}`);

describe('the inspect recorder on the memory engine', () => {
  it('many hosts waiting on its budget at once: no leak warning (it was written over the cockpit at 200 hosts)', async () => {
    const engine = new MemoryEngine();
    for (let h = 1; h <= 15; h++) {
      engine.addHost(`h${h}`);
      for (let c = 0; c < 2; c++) engine.put(`h${h}`, inspectOf(`web-${h}-${c}`, `${h}-${c}-`.padEnd(64, '0'), 'shop', 64 * MiB, `10.88.${h}.${10 + c}`));
    }
    const dir = tempDir('app-recorder-many');
    const fleet = memoryFleet(engine, dir);
    const state = openFileState(dir, undefined, opened);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      // 30 containers at 100 a second: every host's batch waits its turn on the shared budget.
      const rec = startInspectRecorder(engine, fleet.store, state.records, { debounceMs: 10, retryMs: 10, stateSettleMs: 30, maxPerSecond: 100 });
      recorders.push(rec);
      await rec.idle();
      await new Promise((r) => setImmediate(r)); // a warning is emitted on the next tick
      expect((await state.records.list('h15')).map((r) => r.name).sort()).toEqual(['web-15-0', 'web-15-1']);
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('records what the store lists, a container that appears, a limit that changes; drops one the engine destroys', async () => {
    const s = setup();
    const rec = start(s);
    await rec.idle();
    expect(await recorded(s.state, 'h1')).toEqual(['web-1 64', 'web-2 64']);
    expect(await recorded(s.state, 'h2')).toEqual(['db-1 256']);
    expect(s.engine.calls.filter((c) => c.op === 'inspect')).toHaveLength(3);

    // A container run since, and a limit updated (an `update` event: no state change), reach the records.
    s.engine.put('h2', inspectOf('db-2', ID(4), 'shop', 128 * MiB, '10.88.1.14'));
    await s.engine.client('h1')!.getContainer(ID(1)).update({ Memory: 96 * MiB, MemorySwap: -1 });
    s.fleet.relist();
    s.fleet.apply({ type: 'container.event', event: { host: 'h1', id: ID(1), name: 'web-1', action: 'update', timeNano: Date.now() * 1e6 } });
    await waitFor(async () => (await recorded(s.state, 'h1'))[0] === 'web-1 96', 2000);
    await rec.idle();
    expect(await recorded(s.state, 'h2')).toEqual(['db-1 256', 'db-2 128']);

    // Destroyed on the engine: its record goes. A host that stops answering keeps its records (they are the point).
    await s.engine.host('h1')!.remove(ID(2), new AbortController().signal);
    s.fleet.relist();
    s.fleet.apply({ type: 'container.event', event: { host: 'h1', id: ID(2), name: 'web-2', action: 'destroy', timeNano: Date.now() * 1e6 + 1 } });
    await waitFor(async () => (await recorded(s.state, 'h1')).length === 1, 2000);
    s.engine.refusing.add('h2');
    s.fleet.relist();
    await rec.idle();
    expect(await recorded(s.state, 'h2')).toEqual(['db-1 256', 'db-2 128']);
  });

  it('a record it cannot write is reported with its host and code, and the other containers are still recorded', async () => {
    const s = setup();
    const errors: string[] = [];
    const records: Pick<InspectRecords, 'save' | 'remove' | 'load'> = {
      save: async (host, inspect) => {
        if (inspect.Name === '/web-2') throw Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' });
        return s.state.records.save(host, inspect);
      },
      remove: (h, n) => s.state.records.remove(h, n),
      load: (h, n) => s.state.records.load(h, n),
    };
    const rec = start(s, records, (host, e) => errors.push(`${host} ${e}`));
    await rec.idle();
    expect(errors).toEqual(['h1 UNKNOWN inspect record of web-2: EROFS: read-only file system']);
    expect(await recorded(s.state, 'h1')).toEqual(['web-1 64']);
    expect(await recorded(s.state, 'h2')).toEqual(['db-1 256']);
  });

  it('two records instances on one folder (the cockpit makes several) save one container in order', async () => {
    const dir = tempDir('app-records');
    const [a, b] = [inspectRecords(dir), inspectRecords(dir)];
    const body = (mb: number) => {
      const i = new MemoryEngine().addHost('h').put('h', inspectOf('web', ID(5), null, mb * MiB, '10.88.1.15'));
      return i as unknown as ContainerInspect; // the engine's whole body, as the records keep it
    };
    // Interleaved across the two: each read-compare-write waits for the one before it, whichever instance.
    const saved = await Promise.all([a.save('h1', body(64)), b.save('h1', body(128)), a.save('h1', body(256)), b.save('h1', body(256))]);
    expect(saved).toEqual([true, true, true, false]);
    expect((await a.load('h1', 'web'))!.inspect.HostConfig.Memory).toBe(256 * MiB);
  });
});
