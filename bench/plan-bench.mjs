// Issue 5 benchmark on the real test fleet: the wall time of `dockpit plan apply` stopping 100 containers
// across the fleet, against the docker CLI stopping the same containers with the same parallelism
// (4 per host, 12 overall on 3 hosts).
// Issue 11: the same apply with the state on the fleet's etcd cluster (a fresh key prefix, deleted after)
// against the state in files, in the order file, etcd, etcd, file (medians), so that drift in the machine's
// load falls on both alike. Goal: etcd ≤ 1.1 × files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fmt, median, run, timeIt } from './lib.mjs';
import { benchPrefix, dropPrefix, etcdStateYaml, fleetConfigBase } from './state-bench.mjs';

const FLEET_ID = process.env.DOCKPIT_FLEET_ID;
const FLEET_DIR = process.env.DOCKPIT_FLEET_DIR ?? `/tmp/dockpit-fleet${FLEET_ID ? `-${FLEET_ID}` : ''}`;
const CLI = path.resolve('dist/cli.cjs');
const LINE = 'benchline';
const PLAN = 'bench-stop';
const PER_HOST = 4;

const dk = (h, ...args) => run('docker', ['-H', `unix://${h.socket}`, ...args], { maxBuffer: 64 * 1024 * 1024 });

/** IDs of this benchmark's containers on a host (running or not). */
async function ours(h, running = false) {
  const out = (await dk(h, 'ps', ...(running ? [] : ['-a']), '-q', '--filter', 'label=dockpit.bench=1', '--filter', `label=dockpit.bizline=${LINE}`)).stdout.trim();
  return out ? out.split('\n') : [];
}

async function removeOurs(fleet) {
  await Promise.all(fleet.hosts.map(async (h) => {
    const ids = await ours(h);
    if (ids.length) await dk(h, 'rm', '-f', ...ids);
  }));
}

/** `total` containers spread over the hosts (the first ones get the remainder), created in parallel per host. */
async function create(fleet, total) {
  const n = fleet.hosts.length;
  const names = fleet.hosts.map((h, hi) => Array.from({ length: Math.floor(total / n) + (hi < total % n ? 1 : 0) }, (_, i) => `pbench-${h.name}-${i}`));
  await Promise.all(fleet.hosts.map((h, hi) => Promise.all(names[hi].map((name) =>
    dk(h, 'run', '-d', '--name', name, '--stop-timeout', '1', '--label', 'dockpit.bench=1', '--label', `dockpit.bizline=${LINE}`,
      '--label', 'dockpit.tier=3', 'dockpit/busybox:latest', 'sleep', '86400')))));
  return names;
}

async function runningCount(fleet) {
  return (await Promise.all(fleet.hosts.map((h) => ours(h, true)))).reduce((s, ids) => s + ids.length, 0);
}

/** A config with the bench's plan and `stateYaml` (the fleet's own `state:` gives way to it). */
function writeConfig(dir, name, stateYaml) {
  const cfg = `${fleetConfigBase()}
${stateYaml}
plans:
  - name: ${PLAN}
    description: stop the ${LINE} line (benchmark)
    guards: { protectTiers: [], maxDownPerLine: 1, parallelPerHost: ${PER_HOST}, parallel: 12, stopTimeout: 1 }
    steps:
      - select: { lines: [${LINE}] }
        action: stop
`;
  const file = path.join(dir, name);
  fs.writeFileSync(file, cfg);
  return file;
}

/** The docker CLI: per host, xargs keeps PER_HOST `docker stop -t 1` running; the hosts in parallel. */
function cliStop(fleet, names) {
  return Promise.all(fleet.hosts.map((h, hi) =>
    run('bash', ['-c', 'printf "%s\\n" "${@:2}" | xargs -P"$1" -n1 docker -H "unix://$0" stop -t 1 >/dev/null', h.socket, String(PER_HOST), ...names[hi]])));
}

/** One `dockpit plan apply` stopping every container of the bench: its wall time (checked: all stopped). */
async function applyOnce(fleet, config, total, what) {
  let stdout = '';
  const ms = await timeIt(async () => {
    try {
      ({ stdout } = await run('node', [CLI, 'plan', 'apply', PLAN, '--yes', '--json', '--config', config], { maxBuffer: 64 * 1024 * 1024 }));
    } catch (e) {
      // Exit 5/6 (partial/refused) still print the JSON: report what it says below.
      stdout = e.stdout ?? '';
      if (!stdout.trim()) throw new Error(`plan bench: plan apply (${what}) failed (exit ${e.code}): ${e.stderr ?? e.message}`);
    }
  });
  const result = JSON.parse(stdout);
  const done = result.actions.filter((a) => a.outcome === 'done').length;
  if (result.status !== 'done' || result.actions.length !== total || done !== total) {
    throw new Error(`plan bench: apply (${what}) ended ${result.status} with ${result.actions.length} actions (${done} done), expected done with ${total}`);
  }
  const left = await runningCount(fleet);
  if (left !== 0) throw new Error(`plan bench: ${left} containers still running after plan apply (${what})`);
  return ms;
}

async function restart(fleet, names, total) {
  await Promise.all(fleet.hosts.map((h, hi) => dk(h, 'start', ...names[hi])));
  const again = await runningCount(fleet);
  if (again !== total) throw new Error(`plan bench: ${again} of ${total} containers running after restart`);
}

export async function planBench({ total = 100, pairs = 2 } = {}) {
  const fleet = JSON.parse(fs.readFileSync(path.join(FLEET_DIR, 'fleet.json'), 'utf8'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-planbench-'));
  const prefix = benchPrefix(fleet, 'plan');
  try {
    await removeOurs(fleet);
    const names = await create(fleet, total);
    const up = await runningCount(fleet);
    if (up !== total) throw new Error(`plan bench: ${up} of ${total} containers running after create`);
    const configs = {
      file: writeConfig(dir, 'dockpit.yaml', `state: ${path.join(dir, 'state')}`),
      etcd: writeConfig(dir, 'dockpit-etcd.yaml', etcdStateYaml(fleet, prefix)),
    };

    // file, etcd, etcd, file, … : each apply stops all of them, a restart puts them back.
    const ms = { file: [], etcd: [] };
    for (let p = 0; p < pairs; p++) {
      for (const kind of p % 2 ? ['etcd', 'file'] : ['file', 'etcd']) {
        ms[kind].push(await applyOnce(fleet, configs[kind], total, `state on ${kind}`));
        await restart(fleet, names, total);
      }
    }

    const cliMs = await timeIt(() => cliStop(fleet, names));
    const left2 = await runningCount(fleet);
    if (left2 !== 0) throw new Error(`plan bench: ${left2} containers still running after docker stop`);

    const dockpitMs = median(ms.file);
    const etcdMs = median(ms.etcd);
    const runs = (xs) => xs.map((x) => fmt(x / 1000, 2)).join(', ');
    const parallel = PER_HOST * fleet.hosts.length;
    return [{
      metric: `plan stopping ${total} containers across ${fleet.hosts.length} hosts, \`dockpit plan apply --yes --json\` process, ${PER_HOST} per host / ${parallel} overall `
        + `(busybox \`sleep\` as PID 1 ignores SIGTERM: every stop waits its 1 s timeout, on both sides); state in files, median of ${ms.file.length}`,
      value: `${fmt(dockpitMs / 1000, 2)} s`,
      reference: `docker CLI, \`docker stop -t 1\`, ${PER_HOST} at a time per host, hosts in parallel: ${fmt(cliMs / 1000, 2)} s`,
      ratio: fmt(dockpitMs / cliMs, 2),
    }, {
      metric: `the same plan apply (${total} containers) with the state on etcd (the fleet's 3 members, as dockpit's user), median of ${ms.etcd.length}, `
        + 'runs in the order file, etcd, etcd, file (goal: ≤ 1.1 × files)',
      value: `${fmt(etcdMs / 1000, 2)} s (runs ${runs(ms.etcd)} s)`,
      reference: `state in files, same run: ${fmt(dockpitMs / 1000, 2)} s (runs ${runs(ms.file)} s)`,
      ratio: fmt(etcdMs / dockpitMs, 2),
    }];
  } finally {
    await removeOurs(fleet).catch((e) => console.error(`plan bench: cleanup failed: ${e.message}`));
    await dropPrefix(prefix).catch((e) => console.error(`plan bench: deleting etcd prefix ${prefix} failed: ${e.stderr ?? e.message}`));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
