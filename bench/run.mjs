// `npm run bench`: starts the test fleet (unless DOCKPIT_KEEP_FLEET says it is up), runs the benchmarks,
// prints a Markdown table and writes bench/results/latest.json.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fleetBench } from './fleet-bench.mjs';
import { migrateBench } from './migrate-bench.mjs';
import { planBench } from './plan-bench.mjs';

const script = path.resolve('test/fleet/fleet.sh');
const reuse = process.env.DOCKPIT_BENCH_REUSE_FLEET === '1';
if (!reuse) execFileSync('bash', [script, 'up', '3'], { stdio: 'inherit' });
let rows;
try {
  rows = await fleetBench();
  rows.push(...(await planBench()));
  rows.push(...(await migrateBench()));
} finally {
  if (!reuse) execFileSync('bash', [script, 'down'], { stdio: 'inherit' });
}
const lines = ['| metric | dockpit | reference (same run) | ratio |', '| --- | --- | --- | --- |'];
for (const r of rows) lines.push(`| ${r.metric} | ${r.value} | ${r.reference} | ${r.ratio} |`);
console.log(`\n${lines.join('\n')}\n`);
fs.mkdirSync('bench/results', { recursive: true });
fs.writeFileSync('bench/results/latest.json', JSON.stringify({ at: new Date().toISOString(), rows }, null, 2));
