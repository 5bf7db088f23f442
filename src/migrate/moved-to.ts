import type { MigrationView } from './journal.js';

// Issue 13, item 5: where a container lives after migrations moved it. A plan's restore knows a container by
// the host and ID it had when the plan touched it; an evacuation since then recreated it elsewhere under a
// new ID (the old one is gone). The migration journals say where it went: pure, from their views.

export interface Location {
  host: string;
  id: string;
}

/**
 * The container's location after every completed move of it, in the order they ended; null when no move
 * took it away. A move counts once it is `done` (its target exists and its source was removed or parked).
 */
export function movedTo(views: readonly MigrationView[], from: Location): Location | null {
  const moves = views
    .flatMap((v) => v.moves)
    .filter((m) => m.status === 'done' && m.data.targetId !== undefined);
  let at = from;
  let moved = false;
  // A chain of moves (h1 → h2, later h2 → h3); bounded: a journal cannot make this loop.
  for (let hop = 0; hop < moves.length; hop++) {
    const next = moves.find((m) => m.plan.from === at.host && m.plan.sourceId === at.id);
    if (!next) break;
    at = { host: next.plan.to, id: next.data.targetId! };
    moved = true;
  }
  return moved ? at : null;
}
