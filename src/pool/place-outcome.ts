import type { AddressHolder } from './address-holders.js';
import type { PlacementDecision } from './place.js';

// Issue 14: how a placement ended, as a value. The placement service (src/app/place-container.ts) answers
// with it; `dockpit run` and the cockpit's form print it (src/render/place-lines.ts) and choose the exit.

/** What became of a started container whose address another running container holds (issue 13, item 4). */
export type ConflictContainer = 'stopped' | 'kept' | 'stop failed';

export type PlaceOutcome = { warnings: string[] } & (
  /** A dry run's decision: nothing written, nothing created. */
  | { kind: 'planned'; decision: PlacementDecision }
  | { kind: 'started'; decision: PlacementDecision; id: string; verifiedAt: string }
  /** Refused before any change: the planner's refusal code, BUSY (the name's lock) or CLAIMED (a run's claim). */
  | { kind: 'refused'; code: string; message: string }
  /**
   * ledger: nothing reserved, nothing created. create: no container is left; a reservation made by this run
   * is released again (`released`: issue 17, item 6), one the name had before stays. audit: the container
   * was started (`id`) but the audit log could not be written.
   */
  | { kind: 'failed'; stage: 'ledger' | 'create' | 'audit'; message: string; decision: PlacementDecision | null; id: string | null; released?: true }
  | { kind: 'conflict'; decision: PlacementDecision; id: string; others: AddressHolder[]; container: ConflictContainer }
);
