import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startLedgerPoller, type LedgerPoller } from '../../src/app/ledger-watch.js';
import { migrateDeps } from '../../src/app/migrate-deps.js';
import { moveFacts } from '../../src/app/migrate-facts.js';
import { executeMigration } from '../../src/migrate/execute.js';
import { preflight } from '../../src/migrate/preflight.js';
import { DEFAULT_MOVE_OPTIONS } from '../../src/migrate/types.js';
import type { StateStore } from '../../src/state/types.js';
import { applyEvents } from '../../src/store/apply-event.js';
import { createFleetStore } from '../../src/store/fleet-store.js';
import { MemoryEngine } from '../support/memory-engine.js';
import { memoryFleet, openFileState, tempDir } from '../support/memory-fleet.js';
import { waitFor } from '../support/fleet.js';
import { BIZ_NET, shopApiNoData } from './fixtures/migrate/inspect.js';
import { LAN, pools, reservation } from './ip-fixtures.js';

// Issue 14: the ledger watch (src/app/ledger-watch.ts) feeding a real store from the file state, while
// another process changes the ledger: what the cockpit's store holds, not the events alone.

const opened: StateStore[] = [];
let poller: LedgerPoller | null = null;
afterEach(async () => {
  poller?.stop();
  poller = null;
  for (const s of opened.splice(0)) await s.close();
});

/** The cockpit's side: its own state handle, a store, the poller between them (interval long: the watch must do it). */
function cockpit(dir: string) {
  const store = createFleetStore();
  const state = openFileState(dir, { user: 'bob', from: 'jump-b' }, opened);
  poller = startLedgerPoller({ state, pools: pools(LAN), emit: (e) => store.setState(applyEvents(store.getState(), [e]), true), intervalMs: 60_000 });
  const shown = () => store.getState().reservations.list.map((r) => `${r.name} ${r.ip}@${r.host ?? '-'}`);
  return { store, shown };
}

describe('the ledger watch, into the store', () => {
  it('the pools, then the ledger; a reservation another process makes shows at once', async () => {
    const dir = tempDir('app-ledger');
    const c = cockpit(dir);
    await waitFor(() => c.store.getState().reservations.loaded, 2000);
    expect(c.store.getState().pools.map((p) => p.name)).toEqual(['lan']);
    expect(c.shown()).toEqual([]);
    const other = openFileState(dir, undefined, opened);
    await other.ledger.update((cur) => ({ next: [...cur, reservation('web-1', 'lan', '10.88.1.11', { host: 'h1' })], result: undefined }));
    const { ms } = await waitFor(() => c.shown().length === 1, 2000);
    expect(c.shown()).toEqual(['web-1 10.88.1.11@h1']);
    expect(ms).toBeLessThan(2000); // the watch, not the 60 s interval
  });

  it('a migration by another process moves the name’s host in the store; the address stays', async () => {
    const dir = tempDir('app-ledger');
    const engine = new MemoryEngine().addHost('h1', { networks: [BIZ_NET] }).addHost('h2', { networks: [BIZ_NET] });
    engine.put('h1', shopApiNoData());
    const fleet = memoryFleet(engine, dir);
    const alice = openFileState(dir, undefined, opened);
    await alice.ledger.update(() => ({ next: [reservation('shop-api', 'lan', '10.88.1.20', { host: 'h1' })], result: undefined }));
    const c = cockpit(dir);
    await waitFor(() => c.shown().length === 1, 2000);
    expect(c.shown()).toEqual(['shop-api 10.88.1.20@h1']);

    const pf = preflight(await moveFacts(fleet.config, alice.records, fleet.source(), 'shop-api', 'h2'), fleet.config.pools, DEFAULT_MOVE_OPTIONS);
    if (!pf.ok) throw new Error(pf.blocker.message);
    const r = await executeMigration(migrateDeps(fleet.config, alice, engine), { runId: 'm-ledger', what: 'migrate', host: null, moves: [pf.plan], parallel: 1 });
    expect(r.status).toBe('done');
    await waitFor(() => c.shown()[0]?.endsWith('@h2'), 2000);
    expect(c.shown()).toEqual(['shop-api 10.88.1.20@h2']);
  });

  it('a ledger made unreadable: the store keeps what it had and says why', async () => {
    const dir = tempDir('app-ledger');
    const other = openFileState(dir, undefined, opened);
    await other.ledger.update(() => ({ next: [reservation('web-1', 'lan', '10.88.1.11')], result: undefined }));
    const c = cockpit(dir);
    await waitFor(() => c.shown().length === 1, 2000);
    fs.writeFileSync(path.join(dir, '.ledger.tmp'), '{ torn');
    fs.renameSync(path.join(dir, '.ledger.tmp'), path.join(dir, 'ledger.json'));
    await waitFor(() => c.store.getState().reservations.error !== null, 2000);
    expect(c.store.getState().reservations.error).toMatch(/^PARSE: ledger .*ledger\.json: not JSON/);
    expect(c.shown()).toEqual(['web-1 10.88.1.11@-']);
  });
});
