import { afterEach, describe, expect, it } from 'vitest';
import { migrateDeps } from '../../src/app/migrate-deps.js';
import { planEvacuationOn } from '../../src/app/migrate-facts.js';
import { startTeamWatcher, type TeamWatcher } from '../../src/app/team-watch.js';
import { executeMigration } from '../../src/migrate/execute.js';
import { DEFAULT_MOVE_OPTIONS } from '../../src/migrate/types.js';
import type { StateStore } from '../../src/state/types.js';
import { applyEvents } from '../../src/store/apply-event.js';
import { createFleetStore } from '../../src/store/fleet-store.js';
import { MemoryEngine } from '../support/memory-engine.js';
import { memoryFleet, openFileState, tempDir } from '../support/memory-fleet.js';
import { waitFor } from '../support/fleet.js';
import { BIZ_NET, inspectOf, MiB } from './fixtures/migrate/inspect.js';

// Issue 14: the team watch (src/app/team-watch.ts) feeding a real store, while another operator's process
// evacuates a host of the memory engine on the same state folder: what bob's cockpit store holds as it goes.

const opened: StateStore[] = [];
let watcher: TeamWatcher | null = null;
afterEach(async () => {
  watcher?.stop();
  watcher = null;
  for (const s of opened.splice(0)) await s.close();
});

const ALICE = { user: 'alice', from: 'jump-a' };
const BOB = { user: 'bob', from: 'jump-b' };

/** h1 runs web-1 and web-2; h2 and h3 have the pool's network. Alice's state handle, bob's store and watcher. */
function setup(opts: { keepEndedMs?: number; own?: (runId: string) => boolean } = {}) {
  const engine = new MemoryEngine().addHost('h1', { networks: [BIZ_NET] }).addHost('h2', { networks: [BIZ_NET] }).addHost('h3', { networks: [BIZ_NET] });
  engine.put('h1', inspectOf('web-1', '1'.repeat(64), 'shop', 64 * MiB, '10.88.1.11'));
  engine.put('h1', inspectOf('web-2', '2'.repeat(64), 'shop', 64 * MiB, '10.88.1.12'));
  const dir = tempDir('app-team');
  const fleet = memoryFleet(engine, dir);
  const alice = openFileState(dir, ALICE, opened);
  const store = createFleetStore();
  const seen: string[] = [];
  watcher = startTeamWatcher({
    state: openFileState(dir, BOB, opened),
    emit: (e) => store.setState(applyEvents(store.getState(), [e]), true),
    debounceMs: 20,
    keepEndedMs: opts.keepEndedMs ?? 60_000,
    ...(opts.own && { isOwn: opts.own }),
  });
  store.subscribe((s) => {
    const r = s.team[0];
    const line = r ? `${r.title} ${r.status} ${r.done}/${r.total} ${r.operator}${r.own ? ' own' : ''}` : 'none';
    if (seen.at(-1) !== line) seen.push(line);
  });
  const evacuate = async (runId: string) => {
    const ev = await planEvacuationOn(fleet.config, alice.records, fleet.source(), 'h1', [], DEFAULT_MOVE_OPTIONS);
    expect(ev.unplaced).toEqual([]);
    return executeMigration(migrateDeps(fleet.config, alice, engine), { runId, what: 'evacuate', host: 'h1', moves: ev.moves, parallel: 1 });
  };
  return { engine, store, seen, evacuate };
}

describe('the team watch, into the store', () => {
  it('alice’s evacuation shows in bob’s store as it runs and when it ends, named and counted', async () => {
    const s = setup();
    const r = await s.evacuate('20261204T101500Z-evac');
    expect(r.status).toBe('done');
    expect(s.engine.listed('h1')).toEqual([]);
    await waitFor(() => s.store.getState().team[0]?.status === 'done', 2000);
    expect(s.store.getState().team).toEqual([
      expect.objectContaining({ kind: 'migration', runId: '20261204T101500Z-evac', title: 'evacuate h1', status: 'done', done: 2, total: 2, operator: 'alice@jump-a', own: false }),
    ]);
    // What the store went through: the run showed while it ran (each move takes its gate's polls, some 400 ms).
    expect(s.seen[0]).toMatch(/^evacuate h1 running [01]\/2 alice@jump-a$/);
    expect(s.seen.at(-1)).toBe('evacuate h1 done 2/2 alice@jump-a');
  });

  it('a run of this process is marked own; an ended run leaves the store after keepEndedMs', async () => {
    const s = setup({ keepEndedMs: 300, own: (id) => id.endsWith('-mine') });
    await s.evacuate('20261204T101600Z-mine');
    await waitFor(() => s.store.getState().team[0]?.own === true && s.store.getState().team[0]?.status === 'done', 2000);
    const { ms } = await waitFor(() => s.store.getState().team.length === 0, 3000);
    expect(ms).toBeLessThan(3000);
    expect(s.seen).toContain('evacuate h1 done 2/2 alice@jump-a own');
    expect(s.seen.at(-1)).toBe('none');
  });
});
