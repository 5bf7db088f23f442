import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rng } from '../support/chaos.js';
import type { Fleet } from '../support/fleet.js';
import type { Scenario } from './scenario.js';
import { removeAll } from './truth.js';
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
    // Every scenario's containers are named cz…: none may outlive its run, whatever path the run ended by (F1's
    // early return when the engine was down at the snapshot left cz1-* behind, and a later evacuation test
    // found them on its host: the CI check of 7e961c1). A host that refuses is logged, not fatal.
    await removeAll(fleet.hosts.map((h) => h.name), 'cz').catch((err: Error) => log(`${scenario.id} seed ${seed}: sweep: ${err.message.split('\n')[0]}`));
  }
}
