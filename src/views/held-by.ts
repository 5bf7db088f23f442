import type { LockTarget } from '../state/types.js';
import type { CockpitActions, HeldContainer } from '../app/ports.js';

// Issue 11, item 4: before a typed confirmation (a plan's apply, a move, an evacuation), the cockpit asks
// who holds the containers it would lock. A container held by another run refuses here, naming the holder,
// instead of after the operator typed the name (or half-way through a run).

/** ISO time to the second: the holder may be on a jump host in another time zone. */
const second = (iso: string) => iso.replace(/\.\d+Z$/, 'Z');

/**
 * `h1/ads-3 is held by alice@jump-a (run R, pid 123 on jump-a, since 2026-12-03T10:15:02Z) and 2 more`:
 * who first, as the line is cut at the terminal's width.
 */
export function heldText(held: readonly HeldContainer[]): string {
  const first = held[0];
  if (!first) return '';
  const o = first.owner;
  const more = held.length > 1 ? ` and ${held.length - 1} more` : '';
  return `${first.label} is held by ${o.operator} (run ${o.runId}, pid ${o.pid} on ${o.host}, since ${second(o.since)})${more}`;
}

/** Said when the answer is slow (etcd far away or not answering: its call timeout then decides). */
export const ASKING = 'asking who holds these containers…';
const SLOW_MS = 200;

export interface HeldOutcome {
  /** None is held: go on to the confirmation. */
  free(): void;
  /** Held (the holder named), or the locks could not be read (the run would be refused for the same reason). */
  refuse(why: string): void;
  /** The answer takes a while: say so, as the key otherwise seems to do nothing. */
  waiting(): void;
}

/** Asks who holds `targets`, then tells `outcome`. Without a `heldBy` action, free at once. */
export function whenFree(heldBy: CockpitActions['heldBy'], targets: readonly LockTarget[], outcome: HeldOutcome): void {
  if (!heldBy || targets.length === 0) return outcome.free();
  const slow = setTimeout(() => outcome.waiting(), SLOW_MS);
  heldBy(targets)
    .finally(() => clearTimeout(slow))
    .then(
      (held) => (held.length > 0 ? outcome.refuse(heldText(held)) : outcome.free()),
      (err: unknown) => outcome.refuse(`the locks cannot be read: ${(err as Error).message}`),
    );
}
