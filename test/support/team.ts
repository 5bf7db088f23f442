import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeConfig } from './configs.js';
import { strayWarning, StrayWarningError } from './stray-warnings.js';
import { CLI, docker, FLEET_CONFIG, readFleet, type CliResult, type FleetEtcd } from './fleet.js';

export { cutEtcd, etcdLeader, etcdStart, etcdStop, healEtcd } from './fleet.js';

// Issue 11's tests: two "jump hosts" are two dockpit processes, each in a network namespace of its own (so
// one can be cut off from etcd), with a hostname of its own (a UTS namespace), and its own HOME and
// operator, against the fleet's 3-member etcd cluster.

export function etcdInfo(): FleetEtcd {
  return readFleet().etcd;
}

/** A prefix no other test uses. */
export function freshPrefix(tag: string): string {
  return `/dockpit/t-${tag}-${crypto.randomBytes(4).toString('hex')}/`;
}

/** The `state:` block of a config on the fleet's etcd, as dockpit's own etcd user. */
export function etcdStateYaml(prefix: string, opts: { leaseTtl?: number; callTimeout?: number } = {}): string {
  const e = etcdInfo();
  return [
    'state:',
    '  etcd:',
    `    endpoints: [${e.endpoints.join(', ')}]`,
    `    prefix: ${prefix}`,
    `    user: ${e.users.dockpit.user}`,
    `    password: ${e.users.dockpit.password}`,
    ...(opts.leaseTtl !== undefined ? [`    leaseTtl: ${opts.leaseTtl}`] : []),
    ...(opts.callTimeout !== undefined ? [`    callTimeout: ${opts.callTimeout}`] : []),
  ].join('\n');
}

/** The fleet's hosts with `state` in place of the fleet's own, then `tail` (pools, lines, plans …). */
export function configWithState(state: string, tail = ''): string {
  const hosts = fs.readFileSync(FLEET_CONFIG, 'utf8').replace(/^state: .*\n/m, '');
  return writeConfig(`${hosts}\n${state}\n${tail}`);
}

export interface Jump {
  name: 'j1' | 'j2';
  /** Its hostname (what the audit log's `from` and the locks' `host` say). */
  hostname: string;
  operator: string;
  home: string;
}

export function jumpHost(name: 'j1' | 'j2'): Jump {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `dockpit-${name}-home-`));
  return { name, hostname: `jump-${name}`, operator: name === 'j1' ? 'alice' : 'bob', home };
}

function netnsOf(j: Jump): string {
  const ns = readFleet().jumpHosts.find((x) => x.name === j.name);
  if (!ns) throw new Error(`fleet.json has no jump host ${j.name}`);
  return ns.netns;
}

/** Starts dockpit on a jump host: its own network namespace, hostname, HOME and operator (SUDO_USER). */
export function spawnOn(j: Jump, args: string[]): ChildProcess {
  return spawn(
    'nsenter',
    [`--net=/var/run/netns/${netnsOf(j)}`, '--', 'unshare', '--uts', '--', 'sh', '-c', 'hostname "$0" && exec "$@"', j.hostname, process.execPath, CLI, ...args],
    { env: { ...process.env, HOME: j.home, SUDO_USER: j.operator, USER: j.operator }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
}

/** Runs dockpit on a jump host to its end. */
export function dockpitOn(j: Jump, args: string[]): Promise<CliResult> {
  const t0 = performance.now();
  const child = spawnOn(j, args);
  return collect(child, t0);
}

export function collect(child: ChildProcess, t0 = performance.now()): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) =>
    child.on('close', (code, signal) => {
      const w = strayWarning(stderr);
      if (w !== null) reject(new StrayWarningError(`${child.spawnargs.join(' ')}`, w));
      else resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr, ms: performance.now() - t0 });
    }),
  );
}

/** SIGKILLs a spawned dockpit and everything it started (it runs in a process group of its own). */
export function killHard(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

export interface EngineEvent {
  status?: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  timeNano: number;
}

/** The engine's own record of what happened to containers whose names start with `prefix`, since `sinceSec`. */
export async function engineEvents(host: string, sinceSec: number, prefix: string): Promise<EngineEvent[]> {
  const until = Math.ceil(Date.now() / 1000) + 1;
  const out = await docker(host, 'events', '--since', String(sinceSec), '--until', String(until), '--filter', 'type=container', '--format', '{{json .}}');
  return out
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as EngineEvent)
    .filter((e) => (e.Actor.Attributes.name ?? '').startsWith(prefix));
}

/** How many times each container name got `action`, across hosts. */
export function countBy(events: readonly EngineEvent[], action: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of events) if (e.Action === action) out.set(e.Actor.Attributes.name!, (out.get(e.Actor.Attributes.name!) ?? 0) + 1);
  return out;
}

/** A line `line` with its own range of the fleet's pool, and a plan `shed` stopping it `parallel` at a time. */
export function shedTail(line: string, range: string, parallel: number): string {
  return `ipPools:
  - name: lan
    network: biz
    driver: bridge
    subnet: 10.88.0.0/16
    gateway: 10.88.0.1
    ranges: { ${line}: ${range} }
lines:
  ${line}: { tier: 3, pool: lan }
plans:
  - name: shed
    guards: { protectTiers: [0], maxDownPerLine: 1, parallelPerHost: 1, parallel: ${parallel}, stopTimeout: 1, actionTimeout: 30 }
    steps:
      - select: { lines: [${line}] }
        action: stop
`;
}
