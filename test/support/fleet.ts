import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const FLEET_ID = process.env.DOCKPIT_FLEET_ID;
/** Where fleet.sh keeps the fleet (DOCKPIT_FLEET_ID runs a separate one beside the default). */
export const FLEET_DIR = process.env.DOCKPIT_FLEET_DIR ?? `/tmp/dockpit-fleet${FLEET_ID ? `-${FLEET_ID}` : ''}`;
export const FLEET_SCRIPT = path.resolve('test/fleet/fleet.sh');
export const CLI = path.resolve('dist/cli.js');

export interface FleetHost {
  name: string;
  netns: string;
  addr: string;
  socket: string;
  tcp: string;
  ssh: string;
  liveRestore: boolean;
}

export interface Fleet {
  dir: string;
  hosts: FleetHost[];
  identityFile: string;
  knownHosts: string;
  image: string;
  network: string;
  subnet: string;
}

export function readFleet(): Fleet {
  return JSON.parse(fs.readFileSync(path.join(FLEET_DIR, 'fleet.json'), 'utf8')) as Fleet;
}

export const FLEET_CONFIG = path.join(FLEET_DIR, 'dockpit.yaml');

/** The docker CLI against one fleet host's unix socket. */
export async function docker(host: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('docker', ['-H', `unix://${FLEET_DIR}/${host}/docker.sock`, ...args], { maxBuffer: 64 << 20 });
  return stdout.trim();
}

export function fleetCommand(...args: string[]): string {
  return execFileSync('bash', [FLEET_SCRIPT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the real dockpit binary. */
export async function dockpit(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const t0 = performance.now();
  try {
    const { stdout, stderr } = await run('node', [CLI, ...args], { env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr, ms: performance.now() - t0 };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '', ms: performance.now() - t0 };
  }
}

/** Polls `probe` until it returns a truthy value; returns it with the time it took. */
type Truthy<T> = Exclude<T, false | '' | 0 | null | undefined>;

export async function waitFor<T>(
  probe: () => T | Promise<T>,
  timeoutMs: number,
  intervalMs = 10,
  explain?: () => string,
): Promise<{ value: Truthy<T>; ms: number }> {
  const t0 = performance.now();
  let last: T | undefined;
  for (;;) {
    last = await probe();
    const ms = performance.now() - t0;
    if (last) return { value: last as Truthy<T>, ms };
    if (ms > timeoutMs) {
      throw new Error(`condition not met within ${timeoutMs} ms (last: ${JSON.stringify(last)})${explain ? `\n${explain()}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Test containers carry this label so each test file can clean up after itself. */
export const TEST_LABEL = 'dockpit.test';

export async function removeTestContainers(hosts: string[]): Promise<void> {
  await Promise.all(
    hosts.map(async (h) => {
      const ids = await docker(h, 'ps', '-aq', '--filter', `label=${TEST_LABEL}`);
      if (ids) await docker(h, 'rm', '-f', ...ids.split('\n'));
    }),
  );
}

export interface RunSpec {
  name: string;
  bizline?: string;
  tier?: number;
  ip?: string;
  cmd?: string[];
  detach?: boolean;
}

export async function runContainer(host: string, spec: RunSpec): Promise<string> {
  // A short stop timeout: busybox sleep as PID 1 ignores SIGTERM, and an engine restart stops each container.
  const args = ['run', '-d', '--stop-timeout', '1', '--name', spec.name, '--label', `${TEST_LABEL}=1`];
  if (spec.bizline) args.push('--label', `dockpit.bizline=${spec.bizline}`);
  if (spec.tier !== undefined) args.push('--label', `dockpit.tier=${spec.tier}`);
  if (spec.ip) args.push('--network', 'biz', '--ip', spec.ip);
  args.push('dockpit/busybox:latest', ...(spec.cmd ?? ['sleep', '86400']));
  return docker(host, ...args);
}
