// `npm run bench`: starts the test fleet (unless DOCKPIT_BENCH_REUSE_FLEET says it is up), runs the benchmarks,
// prints a Markdown table and writes bench/results/latest.json. DOCKPIT_FLEET_ID picks the fleet (fleet.sh
// and the benchmarks both read it). `--only fleet` runs the real-fleet rows (issue 16's start rows last), `--only scale` the hollow ones,
// `--only start` only issue 16's start rows (DOCKPIT_BENCH_BEFORE=DIR adds DIR/dist/cli.cjs (or cli.js, before it), an older build, to them).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fleetBench } from './fleet-bench.mjs';
import { migrateBench } from './migrate-bench.mjs';
import { planBench } from './plan-bench.mjs';
import { scaleBench } from './scale-bench.mjs';
import { startBench } from './start-bench.mjs';
import { stateBench } from './state-bench.mjs';
import { watchBench } from './watch-bench.mjs';

const { values } = parseArgs({ options: { only: { type: 'string' } } });
const only = values.only ?? 'all';
if (!['all', 'fleet', 'scale', 'start'].includes(only)) throw new Error(`--only: expected fleet, scale or start, got ${only}`);

const script = path.resolve('test/fleet/fleet.sh');
const reuse = process.env.DOCKPIT_BENCH_REUSE_FLEET === '1';
const rows = [];
const raw = {};
if (only !== 'scale') {
  if (!reuse) execFileSync('bash', [script, 'up', '3'], { stdio: 'inherit' });
  try {
    if (only !== 'start') {
      rows.push(...(await fleetBench()));
      rows.push(...(await planBench()));
      rows.push(...(await migrateBench()));
      // Issue 11: the state on the fleet's etcd cluster against the state in files.
      const state = await stateBench();
      rows.push(...state.rows);
      raw.state = state.raw;
    }
    // Issue 16: start against the docker CLI, launch against the slowest host's list (last: it repopulates
    // the hosts with about the 41 containers).
    const start = await startBench();
    rows.push(...start.rows);
    raw.start = start.raw;
  } finally {
    if (!reuse) execFileSync('bash', [script, 'down'], { stdio: 'inherit' });
  }
}
if (only === 'scale' || only === 'all') {
  // Issue 7: 200 hollow engines in a process of their own; no real engine runs meanwhile.
  const scale = await scaleBench();
  rows.push(...scale.rows);
  raw.scale = scale.raw;
  // Issue 15: `dockpit watch` on the same hollow fleet's shape, its own fleet process.
  const watch = await watchBench();
  rows.push(...watch.rows);
  raw.watch = watch.raw;
}
const lines = ['| metric | dockpit | reference (same run) | ratio |', '| --- | --- | --- | --- |'];
for (const r of rows) lines.push(`| ${r.metric} | ${r.value} | ${r.reference} | ${r.ratio} |`);
console.log(`\n${lines.join('\n')}\n`);
fs.mkdirSync('bench/results', { recursive: true });
fs.writeFileSync('bench/results/latest.json', JSON.stringify({ at: new Date().toISOString(), rows, raw }, null, 2));
