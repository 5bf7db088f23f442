import { afterEach, describe, expect, it } from 'vitest';
import { migrateDeps } from '../../src/app/migrate-deps.js';
import { evacuationFacts, moveFacts } from '../../src/app/migrate-facts.js';
import { StateError, type InspectRecords, type StateStore } from '../../src/state/types.js';
import { executeMigration } from '../../src/migrate/execute.js';
import { preflight } from '../../src/migrate/preflight.js';
import { DEFAULT_MOVE_OPTIONS, type MovePlan } from '../../src/migrate/types.js';
import { MemoryEngine } from '../support/memory-engine.js';
import { memoryFleet, openFileState, tempDir } from '../support/memory-fleet.js';
import { BIZ_NET, SHOP_ID, SHOP_IMAGE, shopApiNoData } from './fixtures/migrate/inspect.js';
import { reservation } from './ip-fixtures.js';

// Issue 14: the migration's app services (facts gathering, the executor's state deps) against the in-memory
// engine and the file state: what they ask the engines goes through the port, and a state write that fails
// is said (item 5), never swallowed.

const opened: StateStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

/** shop-api running on h1 at 10.88.1.20 on biz; h2 has the network but not the image; h3 is down. */
function fleet() {
  const engine = new MemoryEngine().addHost('h1', { networks: [BIZ_NET] }).addHost('h2', { networks: [BIZ_NET] }).addHost('h3');
  engine.put('h1', shopApiNoData());
  engine.refusing.add('h3');
  const dir = tempDir('app-migrate');
  const f = memoryFleet(engine, dir);
  const state = openFileState(dir, undefined, opened);
  return { ...f, dir, state };
}

/** Records whose every write fails, as a full disk would. */
const failingSaves = (records: InspectRecords): InspectRecords => ({
  ...records,
  save: async () => {
    throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
  },
  load: (h, n) => records.load(h, n),
  list: (h) => records.list(h),
  hosts: () => records.hosts(),
  remove: (h, n) => records.remove(h, n),
});

async function plan(f: ReturnType<typeof fleet>, records: InspectRecords = f.state.records): Promise<MovePlan> {
  const pf = preflight(await moveFacts(f.config, records, f.source(), 'shop-api', 'h2'), f.config.pools, DEFAULT_MOVE_OPTIONS);
  if (!pf.ok) throw new Error(pf.blocker.message);
  return pf.plan;
}

describe('migration facts on the port', () => {
  it('inspects the source live, records it, and asks the target for its network, image and memory', async () => {
    const f = fleet();
    const p = await plan(f);
    expect(p.sourceMode).toBe('live');
    expect(p.image.action).toBe('stream');
    expect(p.networkAction).toBe('present');
    expect(p.warnings.filter((w) => w.startsWith('not recorded'))).toEqual([]);
    expect((await f.state.records.load('h1', 'shop-api'))?.id).toBe(SHOP_ID);
    expect(f.engine.mutatingCalls()).toEqual([]);
    expect(f.engine.calls.filter((c) => c.host === 'h2').map((c) => c.op).sort()).toEqual(['image.find', 'image.present', 'memory', 'network.find']);
  });

  it('a record that cannot be written is a warning of the move, naming why (issue 14, item 5)', async () => {
    const f = fleet();
    const p = await plan(f, failingSaves(f.state.records));
    expect(p.blockers).toEqual([]);
    expect(p.warnings).toContainEqual(expect.stringMatching(/^not recorded: UNKNOWN: record: ENOSPC.*a later move from h1, once it is down, would have no record of it$/));
  });

  it('an evacuation of a live host says which records failed; of a down host it reads the records', async () => {
    const f = fleet();
    const live = await evacuationFacts(f.config, failingSaves(f.state.records), f.source(), 'h1', []);
    expect(live.containers.map((c) => c.Id)).toEqual([SHOP_ID]);
    expect(live.source.recordError).toMatch(/^shop-api: UNKNOWN: record: ENOSPC/);

    await evacuationFacts(f.config, f.state.records, f.source(), 'h1', []); // recorded now
    f.engine.refusing.add('h1');
    f.relist();
    const down = await evacuationFacts(f.config, f.state.records, f.source(), 'h1', []);
    expect(down.source.state).toBe('down');
    expect(down.containers.map((c) => c.Id)).toEqual([SHOP_ID]);
    expect(down.source.recordedAt).not.toBeNull();
  });
});

describe('a migration on the memory engine, with the app’s state deps', () => {
  it('moves the container: created, started and gated on h2, source removed; ledger and records follow', async () => {
    const f = fleet();
    await f.state.ledger.update(() => ({ next: [reservation('shop-api', 'lan', '10.88.1.20', { host: 'h1' })], result: undefined }));
    const p = await plan(f);
    const r = await executeMigration(migrateDeps(f.config, f.state, f.engine), { runId: 'm-1', what: 'migrate', host: null, moves: [p], parallel: 1 });
    expect(r.status).toBe('done');
    expect(r.moves[0]).toMatchObject({ status: 'done', from: 'h1', to: 'h2' });
    expect(r.moves[0]!.error).toBeUndefined();
    expect(f.engine.get('h1', SHOP_ID)).toBeUndefined();
    const moved = f.engine.get('h2', 'shop-api')!;
    expect(moved.State?.Running).toBe(true);
    expect(moved.Image).toBe(SHOP_IMAGE);
    expect(moved.NetworkSettings?.Networks?.['biz']?.IPAddress).toBe('10.88.1.20');
    expect((await f.state.ledger.list()).map((x) => `${x.name}@${x.host}`)).toEqual(['shop-api@h2']);
    expect(await f.state.records.load('h1', 'shop-api')).toBeNull();
  });

  it('a ledger that cannot be written after the gate: the move stays done, its end, result and audit say so; the record still goes', async () => {
    const f = fleet();
    await f.state.records.save('h1', (await plan(f)).source as never); // recorded, as the cockpit would
    const p = await plan(f);
    const brokenLedger: StateStore = Object.create(f.state, {
      ledger: { value: { ...f.state.ledger, update: async () => Promise.reject(new StateError('the ledger cannot be written (test)')) } },
    }) as StateStore;
    const r = await executeMigration(migrateDeps(f.config, brokenLedger, f.engine), { runId: 'm-2', what: 'migrate', host: null, moves: [p], parallel: 1 });
    expect(r.moves[0]!.status).toBe('done');
    expect(r.moves[0]!.error).toMatch(/^moved, but the state was not updated: STATE: ledger: STATE: .*the ledger cannot be written \(test\)/);
    expect(f.engine.get('h2', 'shop-api')?.State?.Running).toBe(true);
    // Each part is tried on its own: the ledger's failure does not keep the source host's record.
    expect(await f.state.records.load('h1', 'shop-api')).toBeNull();
    const audit = await f.state.audit.read();
    expect(audit.filter((e) => e.action === 'migrate.moved')).toEqual([expect.objectContaining({ outcome: 'failed', error: expect.stringMatching(/ledger/) })]);
  });
});
