import { afterEach, describe, expect, it } from 'vitest';
import { cockpitMigrations } from '../../src/app/migrations.js';
import { StateError, type StateStore } from '../../src/state/types.js';
import { MemoryEngine } from '../support/memory-engine.js';
import { memoryFleet, openFileState, tempDir } from '../support/memory-fleet.js';
import { BIZ_NET, inspectOf, MiB, SHOP_ID, shopApiNoData } from './fixtures/migrate/inspect.js';

// Issue 14: the cockpit's migrations service (src/app/migrations.ts) on the in-memory engine and the file
// state. A run is store data (`runs.move`, one `run.move` event per journal record as written): what the
// progress screen selects is what is asserted, with the engines.

const opened: StateStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

const KEEP = { leaveData: false, fenced: false };

/** shop-api, web-1 and web-2 on h1; h2 and h3 have the pool's network; the service on a store fed as the engine feeds it. */
function setup(state?: (s: StateStore) => StateStore) {
  const engine = new MemoryEngine().addHost('h1', { networks: [BIZ_NET] }).addHost('h2', { networks: [BIZ_NET] }).addHost('h3', { networks: [BIZ_NET] });
  engine.put('h1', shopApiNoData());
  engine.put('h1', inspectOf('web-1', '1'.repeat(64), 'web', 32 * MiB, '10.88.1.31'));
  engine.put('h1', inspectOf('web-2', '2'.repeat(64), 'web', 32 * MiB, '10.88.1.32'));
  const dir = tempDir('app-migrations');
  const fleet = memoryFleet(engine, dir);
  const opened1 = openFileState(dir, undefined, opened);
  const seen: string[] = [];
  fleet.store.subscribe((s, prev) => {
    const r = s.runs.move;
    if (!r || r === prev.runs.move) return;
    const moves = r.view?.moves.map((m) => `${m.plan.name}:${m.status}`).join(',') ?? '-';
    seen.push(`${r.what} ${r.view?.status ?? (r.refused ? 'refused' : 'starting')} ${moves}${r.endedAt !== null ? ' ended' : ''}`);
  });
  const m = cockpitMigrations({ config: fleet.config, state: state ? state(opened1) : opened1, engine, store: fleet.store, emit: (e) => fleet.apply(e) });
  return { engine, fleet, state: opened1, actions: m.actions, drain: m.drain, seen };
}

describe('the migrations service on the memory engine', () => {
  it('migrate: the run reaches the store record by record and ends done; the container runs on the target with its address', async () => {
    const s = setup();
    const targets = await s.actions.targets('h1', 'shop-api');
    expect(targets.refusal).toBeNull();
    expect(targets.targets.map((t) => `${t.host} ${t.blockers.map((b) => b.code).join(',') || 'ok'}`)).toEqual(['h2 ok', 'h3 ok']);
    const run = await s.actions.migrate('h1', 'shop-api', 'h2', KEEP);
    expect(run.view?.status).toBe('done');
    expect(s.fleet.store.getState().runs.move).toBe(run);
    expect(run.view?.moves.map((m) => [m.status, m.error])).toEqual([['done', undefined]]);
    expect(s.engine.get('h1', SHOP_ID)).toBeUndefined();
    expect(s.engine.get('h2', 'shop-api')?.NetworkSettings?.Networks?.['biz']?.IPAddress).toBe('10.88.1.20');
    expect(s.seen[0]).toBe('migrate starting -');
    expect(s.seen).toContain('migrate running shop-api:running');
    expect(s.seen.at(-1)).toBe('migrate done shop-api:done ended');
  });

  it('a move the preflight blocks is refused in the store, and no engine is changed', async () => {
    const s = setup();
    s.engine.refusing.add('h3');
    s.fleet.relist();
    const run = await s.actions.migrate('h1', 'shop-api', 'h3', KEEP);
    expect(run.refused).toMatch(/h3/);
    expect(run.view).toBeNull();
    expect(s.fleet.store.getState().runs.move?.refused).toBe(run.refused);
    expect(s.engine.mutatingCalls()).toEqual([]);
  });

  it('evacuate: what was confirmed runs, every container leaves h1; one run at a time', async () => {
    const s = setup();
    const plan = await s.actions.evacuationPreview('h1', KEEP);
    expect(plan.unplaced).toEqual([]);
    expect(plan.moves.map((m) => m.name).sort()).toEqual(['shop-api', 'web-1', 'web-2']);
    const running = s.actions.evacuate(plan, KEEP);
    await expect(s.actions.migrate('h1', 'web-1', 'h2', KEEP)).rejects.toThrow(/a migration is running/);
    const run = await running;
    expect(run.view?.status).toBe('done');
    expect(s.engine.listed('h1')).toEqual([]);
    expect(new Set(plan.moves.map((m) => m.to))).toEqual(new Set(['h2', 'h3'])); // spread by placement's rank
    expect(s.seen.at(-1)).toBe('evacuate done shop-api:done,web-1:done,web-2:done ended');
    expect(await s.drain(() => undefined)).toBeNull(); // nothing left to wait for at quit
  });

  it('the state not updated after a move is shown with the move in the store (issue 14, item 5)', async () => {
    const s = setup((state) => Object.create(state, { ledger: { value: { ...state.ledger, update: () => Promise.reject(new StateError('ledger write failed (test)')) } } }) as StateStore);
    const run = await s.actions.migrate('h1', 'shop-api', 'h2', KEEP);
    const move = s.fleet.store.getState().runs.move?.view?.moves[0];
    expect(run.view?.status).toBe('done');
    expect(move?.status).toBe('done');
    expect(move?.error).toMatch(/^moved, but the state was not updated: .*ledger write failed \(test\)/);
  });
});
