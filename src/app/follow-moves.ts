import { hostIsUp } from '../engine/host-up.js';
import { migrationJournal, migrationState } from '../migrate/journal.js';
import { movedTo } from '../migrate/moved-to.js';
import type { ExecuteDeps } from '../plans/execute.js';
import type { StateStore } from '../state/types.js';
import type { FleetState } from '../store/state.js';

/**
 * Issue 13, item 5: a plan's restore follows its containers to where they live now: through the migration
 * journals of the state (read once per restore), else by name on the one other up host that lists it.
 */
export function followMoves(state: Pick<StateStore, 'journal'>, fleet: () => FleetState): NonNullable<ExecuteDeps['follow']> {
  let views: Promise<ReturnType<typeof migrationState>[]> | null = null;
  const read = async () => {
    const journal = migrationJournal(state);
    return Promise.all((await journal.runs()).map(async (id) => migrationState(await journal.read(id))));
  };
  return {
    moved: async (at) => movedTo(await (views ??= read()), at),
    byName: (name, notOn) => {
      const s = fleet();
      const found = s.hostOrder
        .filter((h) => h !== notOn && hostIsUp(s.hosts[h]?.state))
        .flatMap((h) => Object.values(s.containers[h]?.byId ?? {}).filter((c) => c.name === name));
      // Two holders of the name: not for restore to choose.
      return found.length === 1 ? { host: found[0]!.host, id: found[0]!.id } : null;
    },
  };
}
