// Issue 14: the idle part of the scale bench alone (and optionally the 1,000 events/s latency), for quick
// iteration and A/B comparisons on a noisy machine. One hollow fleet; each round launches every given build
// in turn (A, B, A, B, ...), lets it settle, then measures idle CPU and RSS, what it asks of the engines a
// second (by kind) and what it writes to the terminal a second (frames).
//
//   npm run build && node bench/idle-bench.mjs [--cli dist/cli.cjs --cli /tmp/base/dist/cli.cjs] [--rounds 2]
//     [--settle 20] [--idle 15] [--storm 1000] [--prof DIR] [--hosts 200 --per-host 50]
//
// --prof runs each launch under `node --cpu-prof` and prints the idle window's profile by category and
// function (bench/profile-summary.mjs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { startHollowFleet } from './hollow/fleet-process.mjs';
import { fmt, median, threadCpuSeconds } from './lib.mjs';
import { formatSummary, summarise } from './profile-summary.mjs';
import { launchOnce, probeLatency, showProbes, usage } from './scale-bench.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

const { values } = parseArgs({
  options: {
    cli: { type: 'string', multiple: true },
    rounds: { type: 'string', default: '1' },
    settle: { type: 'string', default: '20' },
    idle: { type: 'string', default: '15' },
    storm: { type: 'string' },
    prof: { type: 'string' },
    hosts: { type: 'string', default: '200' },
    'per-host': { type: 'string', default: '50' },
  },
});
const clis = (values.cli ?? ['dist/cli.cjs']).map((c) => path.resolve(c));
const hosts = Number(values.hosts);
const perHost = Number(values['per-host']);
const probes = 10;

const diff = (a, b) => Object.fromEntries(Object.keys(b).map((k) => [k, (b[k] ?? 0) - (a[k] ?? 0)]).filter(([, v]) => v > 0));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-idle-'));
const hollow = await startHollowFleet({ hosts, perHost, probes });
const results = new Map(clis.map((c) => [c, []]));
/** Each probe container's renames so far: the hollow fleet outlives each launch. */
let probeSeq = new Map();
try {
  const config = hollow.writeConfig(path.join(dir, 'dockpit.yaml'));
  const probeHosts = hollow.hosts.slice(0, probes).map((h) => h.name);
  try {
    execFileSync(process.execPath, [clis[0], 'record', '--config', config], { stdio: 'ignore' });
  } catch {
    // exit 1: some container could not be recorded; the cockpit's recorder inspects those itself
  }
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const [k, cli] of clis.entries()) {
      const label = `${String.fromCharCode(65 + k)} r${round}`;
      const profName = `idle-${k}-${round}-${Date.now()}.cpuprofile`;
      const flags = values.prof ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values.prof)}`, `--cpu-prof-name=${profName}`] : [];
      const { screen, ms } = await launchOnce(cli, config, hosts, hosts * perHost, flags);
      try {
        const pid = screen.pid();
        await sleep(Number(values.settle) * 1000);
        const req0 = await hollow.requests();
        const bytes0 = screen.bytes;
        const threads0 = threadCpuSeconds(pid);
        const from = nowUs();
        const u = await usage(pid, Number(values.idle) * 1000);
        const to = nowUs();
        const secs = (to - from) / 1e6;
        const threads1 = threadCpuSeconds(pid);
        const threads = Object.entries(threads1).map(([name, s]) => [name, ((s - (threads0[name] ?? 0)) / secs) * 100]).filter(([, p]) => p > 0).sort((a, b) => b[1] - a[1]);
        const req = Object.fromEntries(Object.entries(diff(req0, await hollow.requests())).map(([kind, n]) => [kind, n / secs]));
        const r = { launchMs: ms, cpu: u.cpuPercent, rss: u.rssMiB, ptyBytesPerSec: (screen.bytes - bytes0) / secs, req, threads, from, to };
        if (values.storm) {
          await showProbes(screen, probeHosts, probeSeq);
          await hollow.setRate(Number(values.storm));
          await sleep(1000);
          r.storm = await probeLatency(screen, hollow, probeHosts, 80, 100);
          probeSeq = screen.probeSeq;
          await hollow.setRate(0);
        }
        results.get(cli).push(r);
        const reqText = Object.entries(req).map(([kind, n]) => `${kind} ${fmt(n, 1)}/s`).join(', ');
        console.log(`${label} ${path.relative(process.cwd(), cli)}: launch ${fmt(ms, 0)} ms; idle CPU ${fmt(r.cpu, 2)} % of a core, RSS ${fmt(r.rss, 0)} MiB (threads: ${threads.map(([n, p]) => `${n} ${fmt(p, 2)}`).join(', ')}); terminal ${fmt(r.ptyBytesPerSec, 0)} B/s; ${reqText}${r.storm ? `; 1,000/s event → screen p50 ${fmt(r.storm.p50, 0)} ms p99 ${fmt(r.storm.p99, 0)} ms (${r.storm.missed} missed)` : ''}`);
      } finally {
        await screen.quit();
      }
      if (values.prof) {
        const file = path.join(path.resolve(values.prof), profName);
        for (let i = 0; i < 50 && !fs.existsSync(file); i++) await sleep(100);
        if (fs.existsSync(file)) {
          const { from, to } = results.get(cli).at(-1);
          console.log(formatSummary(summarise(JSON.parse(fs.readFileSync(file, 'utf8')), from, to), 20));
        } else console.log(`(no profile written: ${file})`);
      }
    }
  }
  for (const [k, cli] of clis.entries()) {
    const rs = results.get(cli);
    const stormP99 = rs.filter((r) => r.storm).map((r) => r.storm.p99);
    console.log(`${String.fromCharCode(65 + k)} ${path.relative(process.cwd(), cli)}: idle CPU median ${fmt(median(rs.map((r) => r.cpu)), 2)} % (${rs.map((r) => fmt(r.cpu, 2)).join(', ')}), RSS max ${fmt(Math.max(...rs.map((r) => r.rss)), 0)} MiB${stormP99.length ? `, p99 ${stormP99.map((x) => fmt(x, 0)).join(', ')} ms` : ''}`);
  }
} finally {
  await hollow.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
