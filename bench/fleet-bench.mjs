// Issue 2 benchmarks on the real test fleet: launch → complete list against curl, store commit cost,
// idle CPU and RSS of the real binary.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cpuSeconds, fmt, median, rssMiB, run, timeIt } from './lib.mjs';

const FLEET_ID = process.env.DOCKPIT_FLEET_ID;
export const FLEET_DIR = process.env.DOCKPIT_FLEET_DIR ?? `/tmp/dockpit-fleet${FLEET_ID ? `-${FLEET_ID}` : ''}`;
const CONFIG = path.join(FLEET_DIR, 'dockpit.yaml');
const CLI = path.resolve('dist/cli.cjs');

export async function populate(fleet, perHost) {
  await Promise.all(
    fleet.hosts.map(async (h, hi) => {
      const sock = `unix://${h.socket}`;
      const have = (await run('docker', ['-H', sock, 'ps', '-aq', '--filter', 'label=dockpit.bench'])).stdout.trim();
      if (have) await run('docker', ['-H', sock, 'rm', '-f', ...have.split('\n')]);
      for (let i = 0; i < perHost; i++) {
        const line = ['news', 'forum', 'ads'][i % 3];
        await run('docker', ['-H', sock, 'run', '-d', '--name', `bench-${h.name}-${i}`, '--label', 'dockpit.bench=1',
          '--label', `dockpit.bizline=${line}`, '--label', `dockpit.tier=${i % 4}`,
          '--network', 'biz', '--ip', `10.88.${10 + hi}.${10 + i}`, 'dockpit/busybox:latest', 'sleep', '86400']);
      }
    }),
  );
}

/** The reference: the same container lists fetched by curl on the same sockets, all hosts in parallel. */
function curlAll(fleet) {
  return Promise.all(curlEach(fleet));
}

/** Each host's list by curl, all started at once: one promise a host. */
export function curlEach(fleet) {
  return fleet.hosts.map((h, i) => {
    const q = 'http://d/containers/json?all=1';
    if (i % 3 === 0) return run('curl', ['-sf', '--unix-socket', h.socket, q]);
    if (i % 3 === 1) return run('curl', ['-sf', `${h.tcp.replace('tcp://', 'http://')}/containers/json?all=1`]);
    // The SSH host: one ssh connection, curl on the engine socket at the far end (what dockpit's tunnel does).
    return run('ssh', ['-i', fleet.identityFile, '-o', `UserKnownHostsFile=${fleet.knownHosts}`, '-o', 'StrictHostKeyChecking=yes',
      '-o', 'BatchMode=yes', `root@${h.addr}`, 'curl', '-sf', '--unix-socket', h.socket, q]);
  });
}

async function launchVsCurl(fleet, rounds) {
  const dockpitMs = [];
  const curlMs = [];
  const inProcMs = [];
  const { loadConfigFile } = await import('../dist/config/load-config.js');
  const { FleetEngine } = await import('../dist/engine/fleet-engine.js');
  const { createCoalescer, createFleetStore } = await import('../dist/store/fleet-store.js');
  for (let r = 0; r < rounds; r++) {
    curlMs.push(await timeIt(() => curlAll(fleet)));
    dockpitMs.push(await timeIt(() => run('node', [CLI, 'ps', '--json', '--config', CONFIG])));
    const config = loadConfigFile(CONFIG);
    const store = createFleetStore();
    const co = createCoalescer(store);
    const engine = new FleetEngine(config, co.sink);
    inProcMs.push(await timeIt(async () => {
      engine.start();
      await engine.settled();
    }));
    await engine.stop();
    co.stop();
  }
  return { dockpit: median(dockpitMs), inProcess: median(inProcMs), curl: median(curlMs) };
}

async function storeCommitCost() {
  const { applyEvents } = await import('../dist/store/apply-event.js');
  const { createFleetStore } = await import('../dist/store/fleet-store.js');
  const store = createFleetStore();
  const HOSTS = 200;
  const PER = 50;
  const mk = (h, i, state = 'running') => ({
    host: `host-${h}`, id: `${h}-${i}`.padEnd(64, '0'), name: `c-${h}-${i}`, image: 'img', state, status: 'Up', bizline: 'news',
    tier: 1, ips: { biz: `10.88.${h}.${i}` }, labels: { 'dockpit.bizline': 'news' }, created: 1,
  });
  const lists = [];
  for (let h = 0; h < HOSTS; h++) {
    const containers = [];
    for (let i = 0; i < PER; i++) containers.push(mk(h, i));
    lists.push({ type: 'host.listed', host: `host-${h}`, containers });
  }
  store.setState(applyEvents(store.getState(), lists), true);
  // One commit = one coalesced batch: a re-list of one host with one container changed, plus 10 state patches elsewhere.
  const costs = [];
  for (let k = 0; k < 2000; k++) {
    const h = k % HOSTS;
    const containers = lists[h].containers.map((c, i) => (i === k % PER ? mk(h, i, k % 2 ? 'exited' : 'running') : c));
    const batch = [{ type: 'host.listed', host: `host-${h}`, containers }];
    for (let j = 0; j < 10; j++) {
      const hh = (h + j + 1) % HOSTS;
      batch.push({ type: 'container.patched', host: `host-${hh}`, id: `${hh}-${k % PER}`.padEnd(64, '0'), patch: { state: k % 2 ? 'paused' : 'running' } });
    }
    const t0 = performance.now();
    store.setState(applyEvents(store.getState(), batch), true);
    costs.push(performance.now() - t0);
  }
  return { median: median(costs), p99: [...costs].sort((a, b) => a - b)[Math.floor(costs.length * 0.99)] };
}

/** dockerd and its containerd on every host: the engine's own CPU. */
function enginePids(fleet) {
  const pids = [];
  for (const h of fleet.hosts) {
    const dockerd = Number(fs.readFileSync(h.pidfile, 'utf8').trim());
    pids.push(dockerd);
    const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(dockerd)], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean);
    pids.push(...children.map(Number));
  }
  return pids;
}

function cpuOf(pids) {
  return pids.reduce((s, p) => s + cpuSeconds(p), 0);
}

/** The engines' CPU over a window, as % of one core. */
async function engineCpu(fleet, seconds) {
  const pids = enginePids(fleet);
  const c0 = cpuOf(pids);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return ((cpuOf(pids) - c0) / ((performance.now() - t0) / 1000)) * 100;
}

async function idleCost(fleet, seconds) {
  const session = `dockpit-bench-${process.pid}`;
  execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '160', '-y', '50', `env -u CI node ${CLI} --config ${CONFIG}`]);
  try {
    await new Promise((r) => setTimeout(r, 4000)); // connect and settle first
    const pid = Number(execFileSync('tmux', ['display-message', '-p', '-t', session, '#{pane_pid}'], { encoding: 'utf8' }).trim());
    const pids = enginePids(fleet);
    const c0 = cpuSeconds(pid);
    const e0 = cpuOf(pids);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const wall = (performance.now() - t0) / 1000;
    return { cpuPercent: ((cpuSeconds(pid) - c0) / wall) * 100, rssMiB: rssMiB(pid), engineCpuPercent: ((cpuOf(pids) - e0) / wall) * 100 };
  } finally {
    execFileSync('tmux', ['kill-session', '-t', session]);
  }
}

export async function fleetBench({ rounds = 10, perHost = 20, idleSeconds = 10 } = {}) {
  const fleet = JSON.parse(fs.readFileSync(path.join(FLEET_DIR, 'fleet.json'), 'utf8'));
  await populate(fleet, perHost);
  const total = fleet.hosts.length * perHost;
  const launch = await launchVsCurl(fleet, rounds);
  const commit = await storeCommitCost();
  const engineAlone = await engineCpu(fleet, idleSeconds);
  const idle = await idleCost(fleet, idleSeconds);
  return [
    { metric: `launch → complete list, \`dockpit ps --json\` process (${fleet.hosts.length} hosts: unix, tcp, ssh; ${total} containers)`, value: `${fmt(launch.dockpit, 0)} ms`, reference: `curl, same sockets, in parallel: ${fmt(launch.curl, 0)} ms`, ratio: fmt(launch.dockpit / launch.curl, 2) },
    { metric: 'launch → complete list, in process (engine start → every host listed)', value: `${fmt(launch.inProcess, 0)} ms`, reference: `curl: ${fmt(launch.curl, 0)} ms`, ratio: fmt(launch.inProcess / launch.curl, 2) },
    { metric: 'store commit at 10,000 containers (200 hosts × 50; a re-list + 10 patches)', value: `median ${fmt(commit.median, 3)} ms, p99 ${fmt(commit.p99, 3)} ms`, reference: '', ratio: '' },
    { metric: `dockpit TUI idle on the fleet (sampling stats in the background), ${idleSeconds} s`, value: `CPU ${fmt(idle.cpuPercent, 2)} % of a core, RSS ${fmt(idle.rssMiB, 0)} MiB`, reference: '', ratio: '' },
    { metric: `the 3 engines' CPU (dockerd + containerd), ${total} containers, ${idleSeconds} s`, value: `with dockpit sampling: ${fmt(idle.engineCpuPercent, 2)} % of a core`, reference: `without dockpit: ${fmt(engineAlone, 2)} %`, ratio: fmt(idle.engineCpuPercent / engineAlone, 2) },
  ];
}
