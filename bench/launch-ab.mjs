// Issue 16: launch → complete fleet view on the 200 hollow hosts × 50, builds alternated on one hollow fleet
// (before/after a change measured in the same run). Each launch is preceded by the reference: every host's
// list by one curl, all hosts at once (scale-bench's), and reported as the median over the slowest list.
// Also: the CPU used by the complete view, and how long the first key pressed right after it takes to show.
//
//   node bench/launch-ab.mjs [--rounds 10] CLI_A CLI_B ...   (each a dist/cli.cjs, or an executable)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startHollowFleet } from './hollow/fleet-process.mjs';
import { curlListTimes, launchOnce } from './scale-bench.mjs';
import { epochMs } from './hollow/pty-screen.mjs';
import { cpuSeconds, fmt, median } from './lib.mjs';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string' }, hosts: { type: 'string' } } });
const rounds = Number(values.rounds ?? 10);
const hosts = Number(values.hosts ?? 200);
const perHost = 50;
const clis = positionals.map((p) => path.resolve(p));
if (clis.length === 0) throw new Error('usage: node bench/launch-ab.mjs [--rounds N] CLI...');
const program = (cli) => (/\.c?js$/.test(cli) ? ['node', cli] : [cli]);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-launch-ab-'));
const hollow = await startHollowFleet({ hosts, perHost });
try {
  const config = hollow.writeConfig(path.join(dir, 'dockpit.yaml'));
  try {
    // As scale-bench: a jump host where dockpit ran before (every container's record current).
    const [cmd, ...args] = program(clis[0]);
    execFileSync(cmd, [...args, 'record', '--config', config], { stdio: 'ignore' });
  } catch {
    // exit 1: some container could not be recorded; the cockpit's recorder inspects those itself
  }
  const over = new Map(clis.map((c) => [c, []]));
  const launch = new Map(clis.map((c) => [c, []]));
  // CPU by the complete view (all of dockpit's threads; the hollow engines' during the launch): is the launch bound by the cores?
  const cpu = new Map(clis.map((c) => [c, []]));
  const hollowCpu = new Map(clis.map((c) => [c, []]));
  // The first key pressed once the complete view is out (`:` opens the command line): is the cockpit usable at once?
  const firstKey = new Map(clis.map((c) => [c, []]));
  const slowest = [];
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < clis.length; k++) {
      const cli = clis[(r + k) % clis.length];
      const ref = Math.max(...curlListTimes(hollow));
      slowest.push(ref);
      const h0 = cpuSeconds(hollow.pid);
      const l = await launchOnce(null, config, hosts, hosts * perHost, [], program(cli));
      cpu.get(cli).push(cpuSeconds(l.screen.pid()) * 1000);
      hollowCpu.get(cli).push((cpuSeconds(hollow.pid) - h0) * 1000);
      const shown = l.screen.waitFor(/:█/, 5000);
      const t0 = epochMs();
      l.screen.write(':');
      const key = await shown;
      firstKey.get(cli).push(key ? key.at - t0 : NaN);
      await l.screen.quit();
      launch.get(cli).push(l.ms);
      over.get(cli).push(l.ms - ref);
    }
  }
  console.log(`launch → complete fleet view, ${hosts} hollow hosts × ${perHost}, medians of ${rounds} (slowest list median ${fmt(median(slowest), 0)} ms)`);
  for (const c of clis) {
    console.log(`  ${c}: ${fmt(median(launch.get(c)), 0)} ms, ${fmt(median(over.get(c)), 0)} ms over the slowest list  (${launch.get(c).map(Math.round).join(' ')})`);
    console.log(`    CPU by the complete view: dockpit ${fmt(median(cpu.get(c)), 0)} ms (all its threads), the hollow engines ${fmt(median(hollowCpu.get(c)), 0)} ms; ${os.availableParallelism()} cores`);
    console.log(`    the first key pressed then (\`:\`) → its frame: ${fmt(median(firstKey.get(c)), 0)} ms  (${firstKey.get(c).map(Math.round).join(' ')})`);
  }
} finally {
  await hollow.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
