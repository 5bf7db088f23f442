import type { Fleet } from '../support/fleet.js';
import type { Violation } from './invariants.js';

// A chaos scenario (issue 17, item 2): one seeded run drives real operations through the real binary,
// injects its fault at a moment chosen by `random`, and returns the violations the invariants found (empty:
// a clean run). What it chose (the moment, the host) goes in `chose`, printed beside the seed.

export interface RunContext {
  seed: number;
  random: () => number;
  fleet: Fleet;
  /** A fresh temporary folder for this run (its state folder, its configs); removed after the run. */
  tmp: string;
  log: (line: string) => void;
}

export interface RunOutcome {
  violations: Violation[];
  /** What the seed chose, e.g. `crash-during:call:2:150` or `stop-engine h2 after 1200 ms`. */
  chose: string;
}

export interface Scenario {
  id: string;
  title: string;
  run(ctx: RunContext): Promise<RunOutcome>;
}
