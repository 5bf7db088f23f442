// Issue 16, fast start, on the real 3-host test fleet (unix, tcp, ssh):
// - `dockpit ps --json` against the docker CLI listing the same 3 engines in parallel (same transports);
//   for `node dist/cli.cjs`, for the single executable (release/dockpit-linux-x64, when built) and, with
//   DOCKPIT_BENCH_BEFORE=DIR (a checkout built before the change), for DIR/dist/cli.cjs (cli.js before it), and DOCKPIT_BENCH_ALSO=
//   A/cli.cjs,B/cli.cjs (other builds): one run, rounds alternated.
// - launch → the cockpit's lines screen with every host up and every container counted, against the slowest
//   host's list (curl on the same sockets, all hosts at once, measured just before each launch).
// - what `ps --json` loads: no Ink, React, yoga or src/views (fails the bench otherwise), and which packages.
//
//   DOCKPIT_FLEET_ID=N node bench/start-bench.mjs     (the fleet up; `npm run bench` runs it too)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { curlEach, FLEET_DIR, populate } from './fleet-bench.mjs';
import { launchOnce } from './scale-bench.mjs';
import { fmt, median, run } from './lib.mjs';

const CONFIG = path.join(FLEET_DIR, 'dockpit.yaml');
const CLI = path.resolve(process.env.DOCKPIT_BENCH_CLI ?? 'dist/cli.cjs');
const EXE = path.resolve('release/dockpit-linux-x64');
const UI_INPUT = /(^|\/)node_modules\/(ink|react|react-reconciler|yoga-layout)\/|^src\/views\/|^yoga-sync:/;

/**
 * `docker -H ssh://` runs `ssh … -- HOST docker system dial-stdio`: a wrapper named ssh first in PATH adds the
 * fleet's key and known_hosts and points the far end's docker at the host's engine socket.
 */
function sshWrapper(fleet, dir) {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const sockets = fleet.hosts.map((h) => `    ${h.addr}) sock=${h.socket} ;;`).join('\n');
  fs.writeFileSync(path.join(bin, 'ssh'), `#!/bin/bash
host=""; out=()
for a in "$@"; do
  case "$a" in
    ${fleet.hosts.map((h) => h.addr).join('|')}) host=$a; out+=("$a") ;;
    docker) case "$host" in
${sockets}
      esac; out+=("docker -H unix://$sock") ;;
    *) out+=("$a") ;;
  esac
done
exec /usr/bin/ssh -i ${fleet.identityFile} -o UserKnownHostsFile=${fleet.knownHosts} -o StrictHostKeyChecking=yes -o BatchMode=yes "\${out[@]}"
`, { mode: 0o755 });
  return { ...process.env, PATH: `${bin}:${process.env.PATH}` };
}

/** The docker CLI listing each host over dockpit's transport for it (unix, tcp, ssh in turn), all at once. */
function dockerAll(fleet, env) {
  return Promise.all(
    fleet.hosts.map((h, i) => {
      const where = [`unix://${h.socket}`, h.tcp, `ssh://root@${h.addr}`][i % 3];
      return run('docker', ['-H', where, 'ps', '-a', '--format', 'json'], { env, maxBuffer: 1 << 24 });
    }),
  );
}

async function timed(fn) {
  const t0 = performance.now();
  const r = await fn();
  return { ms: performance.now() - t0, r };
}

/** Each round runs every program once, in a rotating order; medians and each program's ratio to the docker CLI. */
async function psVsDocker(fleet, programs, rounds, env) {
  const times = new Map([['docker', []], ...programs.map((p) => [p.name, []])]);
  const runners = [
    ['docker', () => dockerAll(fleet, env)],
    ...programs.map((p) => [p.name, () => run(p.argv[0], [...p.argv.slice(1), 'ps', '--json', '--config', CONFIG], { maxBuffer: 1 << 24 })]),
  ];
  // One of each first, unmeasured: the page cache and the engines warm for everyone alike.
  for (const [, fn] of runners) await fn();
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < runners.length; k++) {
      const [name, fn] = runners[(r + k) % runners.length];
      const { ms, r: out } = await timed(fn);
      if (name !== 'docker' && JSON.parse(out.stdout).length === 0) throw new Error(`${name}: ps --json listed nothing`);
      times.get(name).push(ms);
    }
  }
  return Object.fromEntries([...times].map(([k, v]) => [k, { median: median(v), all: v.map(Math.round) }]));
}

/** The slowest of the hosts' lists, curl on the same sockets all at once (as fleet-bench's reference). */
async function slowestList(fleet) {
  const t0 = performance.now();
  const each = await Promise.all(curlEach(fleet).map((p) => p.then(() => ({ ms: performance.now() - t0 }))));
  return Math.max(...each.map((e) => e.ms));
}

/** Launches each program `rounds` times, in a rotating order, each after the slowest list measured just before it. */
async function launchVsSlowest(fleet, programs, total, rounds) {
  const res = new Map(programs.map((p) => [p.name, { launches: [], slowest: [] }]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < programs.length; k++) {
      const p = programs[(r + k) % programs.length];
      const ref = await slowestList(fleet);
      const { screen, ms } = await launchOnce(null, CONFIG, fleet.hosts.length, total, [], p.argv);
      await screen.quit();
      if (!Number.isFinite(ms)) throw new Error(`${p.argv.join(' ')}: the lines screen never showed every host up and ${total} containers`);
      res.get(p.name).launches.push(ms);
      res.get(p.name).slowest.push(ref);
    }
  }
  return Object.fromEntries([...res].map(([name, { launches, slowest }]) => [name, {
    launch: median(launches), slowest: median(slowest), over: median(launches.map((l, i) => l - slowest[i])),
    launches: launches.map(Math.round), slowestAll: slowest.map(Math.round),
  }]));
}

/**
 * The bundle's modules a `ps --json` run evaluates (test/support/module-trace.cjs logs them), by the packages
 * and dockpit folders they are of, with their size in the bundle (its metafile).
 */
export async function psLoads(cli = CLI, config = CONFIG) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-loads-'));
  const log = path.join(dir, 'modules.log');
  try {
    await run(process.execPath, ['--require', path.resolve('test/support/module-trace.cjs'), cli, 'ps', '--json', '--config', config], { maxBuffer: 1 << 24, env: { ...process.env, DOCKPIT_MODULE_LOG: log } });
    const lines = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
    if (!lines.some((l) => l.startsWith('bundle '))) throw new Error(`${cli}: the run did not go through the bundle's launcher (not the CommonJS build?)`);
    const ran = new Set(lines.filter((l) => !l.startsWith('bundle ')));
    const metaFile = path.join(path.dirname(cli), 'bundle-meta.json');
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
    const inputs = Object.values(meta.outputs).find((o) => o.entryPoint === 'src/cli.ts')?.inputs;
    if (!inputs) throw new Error(`${metaFile}: no output has src/cli.ts as its entry`);
    const parts = new Map();
    const ui = [];
    let modules = 0;
    // The wrapped modules that ran, and those never wrapped (evaluated at the bundle's start by every command).
    const code = fs.readFileSync(path.join(path.dirname(cli), 'dockpit.cjs'), 'latin1');
    for (const [input, { bytesInOutput }] of Object.entries(inputs)) {
      // esbuild's lazy wrappers are methods keyed by the module's path (test/support/bundle-modules.ts).
      if (!bytesInOutput || !(ran.has(input) || !code.includes(`${JSON.stringify(input)}(`))) continue;
      modules++;
      if (UI_INPUT.test(input)) ui.push(input);
      const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(input);
      const part = m ? m[1] : input.replace(/^(src\/[^/]+)\/.*$/, '$1');
      parts.set(part, (parts.get(part) ?? 0) + bytesInOutput);
    }
    return { modules, ui, parts: [...parts].sort((a, b) => b[1] - a[1]) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function startBench({ rounds = 10, launchRounds = 10, perHost = 14 } = {}) {
  const fleet = JSON.parse(fs.readFileSync(path.join(FLEET_DIR, 'fleet.json'), 'utf8'));
  // 14 a host: about the 41 containers of the issue's measurement.
  await populate(fleet, perHost);
  const total = Number((await Promise.all(fleet.hosts.map((h) => run('docker', ['-H', `unix://${h.socket}`, 'ps', '-aq'])))).reduce((n, r) => n + r.stdout.trim().split('\n').filter(Boolean).length, 0));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-start-'));
  const rows = [];
  const raw = {};
  try {
    const env = sshWrapper(fleet, dir);
    const programs = [{ name: `node ${path.relative(process.cwd(), CLI)}`, argv: ['node', CLI] }];
    const exe = fs.existsSync(EXE);
    if (exe) programs.push({ name: 'release/dockpit-linux-x64', argv: [EXE] });
    else console.log(`start-bench: ${EXE} is absent (\`npm run package\` builds it): its rows are skipped`);
    const before = process.env.DOCKPIT_BENCH_BEFORE;
    if (before) programs.push({ name: `before (${before})`, argv: ['node', ['dist/cli.cjs', 'dist/cli.js'].map((f) => path.join(before, f)).find((f) => fs.existsSync(f))] });
    // More builds to compare in the same run (e.g. a bundle built with other options): paths of their entries.
    for (const also of (process.env.DOCKPIT_BENCH_ALSO ?? '').split(',').filter(Boolean)) programs.push({ name: `node ${also}`, argv: ['node', path.resolve(also)] });

    const loads = await psLoads();
    raw.psLoads = loads;
    if (loads.ui.length) throw new Error(`\`ps --json\` loaded UI code: ${[...new Set(loads.ui)].slice(0, 5).join(', ')}`);
    const kib = (b) => `${Math.round(b / 1024)} KiB`;
    rows.push({
      metric: '`ps --json`: the bundle\'s modules it evaluates (no Ink, React, yoga or src/views: checked)',
      value: `${loads.modules} modules; ${loads.parts.slice(0, 6).map(([p, b]) => `${p} ${kib(b)}`).join(', ')}`, reference: '', ratio: '',
    });

    const ps = await psVsDocker(fleet, programs, rounds, env);
    raw.ps = ps;
    for (const p of programs) {
      rows.push({
        metric: `\`dockpit ps --json\`, ${p.name} (${fleet.hosts.length} hosts: unix, tcp, ssh; ${total} containers; target ≤ 2.5×)`,
        value: `${fmt(ps[p.name].median, 0)} ms`, reference: `docker CLI, the same 3 hosts in parallel: ${fmt(ps.docker.median, 0)} ms`, ratio: fmt(ps[p.name].median / ps.docker.median, 2),
      });
    }

    const launches = await launchVsSlowest(fleet, programs, total, launchRounds);
    raw.launch = launches;
    for (const p of programs) {
      const l = launches[p.name];
      rows.push({
        metric: `launch → lines screen complete (all ${fleet.hosts.length} hosts up, ${total} containers), ${p.name} (target ≤ slowest list + 300 ms)`,
        value: `${fmt(l.launch, 0)} ms`, reference: `slowest host's list, curl, all hosts at once: ${fmt(l.slowest, 0)} ms`, ratio: `${fmt(l.over, 0)} ms over`,
      });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { rows, raw };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rows, raw } = await startBench({ rounds: Number(process.env.DOCKPIT_BENCH_ROUNDS ?? 10), launchRounds: Number(process.env.DOCKPIT_BENCH_LAUNCHES ?? 10) });
  for (const r of rows) console.log(`| ${r.metric} | ${r.value} | ${r.reference} | ${r.ratio} |`);
  if (process.env.DOCKPIT_BENCH_RAW) fs.writeFileSync(process.env.DOCKPIT_BENCH_RAW, JSON.stringify(raw, null, 2));
}
