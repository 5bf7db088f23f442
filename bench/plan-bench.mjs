// Issue 5 benchmark on the real test fleet: the wall time of `dockpit plan apply` stopping 100 containers
// across the fleet, against the docker CLI stopping the same containers with the same parallelism
// (4 per host, 12 overall on 3 hosts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fmt, run, timeIt } from './lib.mjs';

const FLEET_ID = process.env.DOCKPIT_FLEET_ID;
const FLEET_DIR = process.env.DOCKPIT_FLEET_DIR ?? `/tmp/dockpit-fleet${FLEET_ID ? `-${FLEET_ID}` : ''}`;
const CLI = path.resolve('dist/cli.js');
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

function writeConfig(dir) {
  // The fleet's own `state:` gives way to the benchmark's.
  const base = fs.readFileSync(path.join(FLEET_DIR, 'dockpit.yaml'), 'utf8').replace(/^state: .*\n/m, '');
  const stateDir = path.join(dir, 'state');
  const cfg = `${base.trimEnd()}
state: ${stateDir}
plans:
  - name: ${PLAN}
    description: stop the ${LINE} line (benchmark)
    guards: { protectTiers: [], maxDownPerLine: 1, parallelPerHost: ${PER_HOST}, parallel: 12, stopTimeout: 1 }
    steps:
      - select: { lines: [${LINE}] }
        action: stop
`;
  const file = path.join(dir, 'dockpit.yaml');
  fs.writeFileSync(file, cfg);
  return file;
}

/** The docker CLI: per host, xargs keeps PER_HOST `docker stop -t 1` running; the hosts in parallel. */
function cliStop(fleet, names) {
  return Promise.all(fleet.hosts.map((h, hi) =>
    run('bash', ['-c', 'printf "%s\\n" "${@:2}" | xargs -P"$1" -n1 docker -H "unix://$0" stop -t 1 >/dev/null', h.socket, String(PER_HOST), ...names[hi]])));
}

export async function planBench({ total = 100 } = {}) {
  const fleet = JSON.parse(fs.readFileSync(path.join(FLEET_DIR, 'fleet.json'), 'utf8'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-planbench-'));
  try {
    await removeOurs(fleet);
    const names = await create(fleet, total);
    const up = await runningCount(fleet);
    if (up !== total) throw new Error(`plan bench: ${up} of ${total} containers running after create`);
    const config = writeConfig(dir);

    let stdout = '';
    const dockpitMs = await timeIt(async () => {
      try {
        ({ stdout } = await run('node', [CLI, 'plan', 'apply', PLAN, '--yes', '--json', '--config', config], { maxBuffer: 64 * 1024 * 1024 }));
      } catch (e) {
        // Exit 5/6 (partial/refused) still print the JSON: report what it says below.
        stdout = e.stdout ?? '';
        if (!stdout.trim()) throw new Error(`plan bench: plan apply failed (exit ${e.code}): ${e.stderr ?? e.message}`);
      }
    });
    const result = JSON.parse(stdout);
    const done = result.actions.filter((a) => a.outcome === 'done').length;
    if (result.status !== 'done' || result.actions.length !== total || done !== total) {
      throw new Error(`plan bench: apply ended ${result.status} with ${result.actions.length} actions (${done} done), expected done with ${total}`);
    }
    const left = await runningCount(fleet);
    if (left !== 0) throw new Error(`plan bench: ${left} containers still running after plan apply`);

    await Promise.all(fleet.hosts.map((h, hi) => dk(h, 'start', ...names[hi])));
    const again = await runningCount(fleet);
    if (again !== total) throw new Error(`plan bench: ${again} of ${total} containers running after restart`);

    const cliMs = await timeIt(() => cliStop(fleet, names));
    const left2 = await runningCount(fleet);
    if (left2 !== 0) throw new Error(`plan bench: ${left2} containers still running after docker stop`);

    const parallel = PER_HOST * fleet.hosts.length;
    return [{
      metric: `plan stopping ${total} containers across ${fleet.hosts.length} hosts, \`dockpit plan apply --yes --json\` process, ${PER_HOST} per host / ${parallel} overall `
        + '(busybox `sleep` as PID 1 ignores SIGTERM: every stop waits its 1 s timeout, on both sides)',
      value: `${fmt(dockpitMs / 1000, 2)} s`,
      reference: `docker CLI, \`docker stop -t 1\`, ${PER_HOST} at a time per host, hosts in parallel: ${fmt(cliMs / 1000, 2)} s`,
      ratio: fmt(dockpitMs / cliMs, 2),
    }];
  } finally {
    await removeOurs(fleet).catch((e) => console.error(`plan bench: cleanup failed: ${e.message}`));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
