import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rng } from '../support/chaos.js';
import type { Fleet } from '../support/fleet.js';
import type { Scenario } from './scenario.js';
import type { RunRow } from './table.js';

/** One seeded run of a scenario, in a temporary folder of its own; an exception is the run's error, not the runner's. */
export async function runOne(scenario: Scenario, seed: number, fleet: Fleet, log: (line: string) => void): Promise<RunRow> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `dockpit-chaos-${scenario.id.toLowerCase()}-`));
  const t0 = performance.now();
  try {
    const { violations, chose } = await scenario.run({ seed, random: rng(seed), fleet, tmp, log: (l) => log(`${scenario.id} seed ${seed}: ${l}`) });
    return { scenario: scenario.id, title: scenario.title, seed, chose, ms: performance.now() - t0, violations };
  } catch (err) {
    return { scenario: scenario.id, title: scenario.title, seed, chose: '?', ms: performance.now() - t0, violations: [], error: (err as Error).stack ?? String(err) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
