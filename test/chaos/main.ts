import fs from 'node:fs';
import { FLEET_DIR, readFleet } from '../support/fleet.js';
import { runOne } from './run-one.js';
import { SCENARIOS } from './scenarios/index.js';
import { parseChaosArgs, runSeeds } from './seeds.js';
import { tableLines, type RunRow } from './table.js';

// `npm run chaos [-- --seed N --runs K --only F3,F4]` (issue 17, item 2): each scenario K times (default 20)
// on the running fleet (DOCKPIT_FLEET_ID), seeds derived from N, then the table. Exit 0 only with no
// violation; 2 for bad arguments or no fleet.

async function main(): Promise<number> {
  let args;
  try {
    args = parseChaosArgs(process.argv.slice(2), () => Math.floor(Math.random() * 2 ** 31));
  } catch (err) {
    console.error(`chaos: ${(err as Error).message}`);
    return 2;
  }
  const known = SCENARIOS.map((s) => s.id);
  const unknown = (args.only ?? []).filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    console.error(`chaos: --only ${unknown.join(',')}: not implemented (scenarios: ${known.join(', ')})`);
    return 2;
  }
  if (!fs.existsSync(`${FLEET_DIR}/fleet.json`)) {
    console.error(`chaos: no fleet at ${FLEET_DIR}: start one first (DOCKPIT_FLEET_ID=N bash test/fleet/fleet.sh up)`);
    return 2;
  }
  const fleet = readFleet();
  const chosen = SCENARIOS.filter((s) => args.only === null || args.only.includes(s.id));
  const seeds = runSeeds(args.seed, args.runs);
  console.log(`chaos: seed ${args.seed}, ${args.runs} run(s) of ${chosen.map((s) => s.id).join(', ')} on ${FLEET_DIR}`);
  const rows: RunRow[] = [];
  for (const s of chosen) {
    for (const seed of seeds) {
      const row = await runOne(s, seed, fleet, (l) => process.env.DOCKPIT_CHAOS_VERBOSE && console.log(`  ${l}`));
      rows.push(row);
      const bad = row.violations.length + (row.error ? 1 : 0);
      console.log(`${s.id} seed ${seed}: ${bad === 0 ? 'ok' : `${bad} violation(s)`} in ${(row.ms / 1000).toFixed(1)} s (${row.chose})`);
    }
  }
  console.log('');
  for (const l of tableLines(rows, args.seed)) console.log(l);
  return rows.some((r) => r.violations.length > 0 || r.error) ? 1 : 0;
}

process.exitCode = await main();
