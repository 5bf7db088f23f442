import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { checkNoStrayWarning } from './stray-warnings.js';

const run = promisify(execFile);

const FLEET_ID = process.env.DOCKPIT_FLEET_ID;
/** Where fleet.sh keeps the fleet (DOCKPIT_FLEET_ID runs a separate one beside the default). */
export const FLEET_DIR = process.env.DOCKPIT_FLEET_DIR ?? `/tmp/dockpit-fleet${FLEET_ID ? `-${FLEET_ID}` : ''}`;
export const FLEET_SCRIPT = path.resolve('test/fleet/fleet.sh');
export const CLI = path.resolve('dist/cli.cjs');

export interface FleetHost {
  name: string;
  netns: string;
  addr: string;
  socket: string;
  tcp: string;
  ssh: string;
  liveRestore: boolean;
}

export interface EtcdUser {
  user: string;
  password: string;
}

export interface EtcdMember {
  /** e1, e2, e3 */
  name: string;
  addr: string;
  netns: string;
  /** http://ADDR:2379 */
  clientUrl: string;
  peerUrl: string;
  pidfile: string;
  log: string;
  dataDir: string;
}

/** The fleet's 3-member etcd cluster (always 3, whatever the number of hosts). Auth is enabled. */
export interface FleetEtcd {
  /** Plain client URLs of all members, http://ADDR:2379. */
  endpoints: string[];
  /** e1 over TLS (server authentication only): https://ADDR:2381. Not advertised in the member list. */
  tlsEndpoint: string;
  tlsClientCertRequired: false;
  /** e2 over mutual TLS: a client certificate signed by `ca` is required. Not advertised. */
  mtlsEndpoint: string;
  mtlsClientCertRequired: true;
  /** CA of the members' server certificate (IP SANs of e1 and e2) and of the client certificate. */
  ca: string;
  /** Client certificate (no CN: it names no etcd user) and its key, signed by `ca`. */
  clientCert: string;
  clientKey: string;
  /** An unrelated CA, for "wrong CA" tests. */
  otherCa: string;
  /** dockpit's key prefix, /dockpit/ */
  prefix: string;
  /** etcd's auth token type: 'simple' tokens are valid only on the member that issued them. */
  authToken: 'simple';
  users: {
    /** readwrite on /dockpit/ only */
    dockpit: EtcdUser & { prefix: string };
    /** the etcd root user */
    root: EtcdUser & { passwordFile: string };
    /** readwrite on /other/ only: can't read dockpit's keys */
    other: EtcdUser & { prefix: string };
  };
  members: EtcdMember[];
}

/** A jump host: an empty network namespace on the fleet's LAN, to run dockpit in (see jumpCommand). */
export interface JumpHost {
  /** j1, j2 */
  name: string;
  netns: string;
  addr: string;
}

/** Issue 17: t1, an engine that listens only on TCP with --tlsverify; not one of `hosts` (see dockpit-tls.yaml). */
export interface FleetTlsHost {
  name: 't1';
  netns: string;
  addr: string;
  /** https://ADDR:2376, an address its certificate names (with DNS "t1"). */
  url: string;
  /** The same engine by an address its certificate does not name. */
  otherNameUrl: string;
  /** The CA that signed the engine's and the client's certificates, the client certificate and key (0600). */
  ca: string;
  cert: string;
  key: string;
  /** An unrelated CA, for "wrong CA" tests. */
  otherCa: string;
  serverCert: string;
  pidfile: string;
  log: string;
  /** dockpit.yaml's hosts plus t1 over https. */
  config: string;
}

/** Issue 17: the private registry (Debian's docker-registry), plain HTTP on the LAN; every engine may pull from it. */
export interface FleetRegistry {
  /** host:port, as a config's `registry:` and an image reference's prefix. */
  addr: string;
  /** The fleet's image as the registry holds it (pushed at `up`). */
  image: string;
  /** Hosts whose engine has it as --registry-mirror. */
  mirrorOn: string[];
  pidfile: string;
  log: string;
  dataDir: string;
}

export interface Fleet {
  dir: string;
  hosts: FleetHost[];
  tlsHost: FleetTlsHost;
  registry: FleetRegistry;
  identityFile: string;
  knownHosts: string;
  image: string;
  network: string;
  subnet: string;
  etcd: FleetEtcd;
  jumpHosts: JumpHost[];
}

export function readFleet(): Fleet {
  return JSON.parse(fs.readFileSync(path.join(FLEET_DIR, 'fleet.json'), 'utf8')) as Fleet;
}

export const FLEET_CONFIG = path.join(FLEET_DIR, 'dockpit.yaml');
/** dockpit.yaml with `state: { etcd: { endpoints, prefix, user: dockpit, password } }` instead of a state folder. */
export const FLEET_ETCD_CONFIG = path.join(FLEET_DIR, 'dockpit-etcd.yaml');

/** The docker CLI against one fleet host's unix socket. */
export async function docker(host: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('docker', ['-H', `unix://${FLEET_DIR}/${host}/docker.sock`, ...args], { maxBuffer: 64 << 20 });
  return stdout.trim();
}

/** The docker CLI against the TLS engine t1, verified, with the fleet's client certificate. */
export async function dockerTls(...args: string[]): Promise<string> {
  const t = readFleet().tlsHost;
  const { stdout } = await run('docker', ['--tlsverify', '--tlscacert', t.ca, '--tlscert', t.cert, '--tlskey', t.key,
    '-H', t.url.replace(/^https:/, 'tcp:'), ...args], { maxBuffer: 64 << 20 });
  return stdout.trim();
}

export function fleetCommand(...args: string[]): string {
  return execFileSync('bash', [FLEET_SCRIPT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// --- etcd and jump hosts ---------------------------------------------------------

/** SIGKILLs etcd member `name` (e1..e3), and any `more`. */
export function etcdStop(name: string, ...more: string[]): string {
  return fleetCommand('etcd-stop', name, ...more);
}

/**
 * Starts member `name` (and any `more`) again with the same flags and data; returns once each is healthy in the
 * cluster. Members that together restore quorum must be started in one call.
 */
export function etcdStart(name: string, ...more: string[]): string {
  return fleetCommand('etcd-start', name, ...more);
}

/** The current leader's name, e1..e3 (waits up to 10 s through an election). */
export function etcdLeader(): string {
  return fleetCommand('etcd-leader').trim();
}

/** Jump host `jump` (j1, j2) can no longer reach any etcd member: packets are dropped, so calls hang. Engines stay reachable. */
export function cutEtcd(jump: string): string {
  return fleetCommand('cut-etcd', jump);
}

/** Undoes cutEtcd. */
export function healEtcd(jump: string): string {
  return fleetCommand('heal-etcd', jump);
}

function jumpHost(jump: string): JumpHost {
  const j = readFleet().jumpHosts.find((h) => h.name === jump);
  if (!j) throw new Error(`no jump host ${jump} in ${FLEET_DIR}/fleet.json`);
  return j;
}

/**
 * The argv prefix that runs a command in jump host `jump`'s network namespace (same filesystem,
 * environment and stdio): `spawn(p[0], [...p.slice(1), 'node', CLI, ...args], { env })`.
 */
export function jumpCommand(jump: string): ['nsenter', string, '--'] {
  return ['nsenter', `--net=/var/run/netns/${jumpHost(jump).netns}`, '--'];
}

/** Runs the real dockpit binary inside jump host `jump`; `env` is added to this process's environment. */
export async function dockpitOn(jump: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runResult('nsenter', [...jumpCommand(jump).slice(1), 'node', CLI, ...args], env);
}

export interface EtcdctlOptions {
  /** etcd user from fleet.json (default root). */
  as?: 'root' | 'dockpit' | 'other';
  /** Run it inside this jump host. */
  jump?: string;
  /** Default: every member's plain client URL. */
  endpoints?: string[];
}

/** etcdctl (v3) against the fleet's cluster as one of its users; never throws, returns code and output. */
export async function etcdctl(args: string[], opts: EtcdctlOptions = {}): Promise<CliResult> {
  const { etcd } = readFleet();
  const u = etcd.users[opts.as ?? 'root'];
  const env = {
    ETCDCTL_API: '3',
    ETCDCTL_ENDPOINTS: (opts.endpoints ?? etcd.endpoints).join(','),
    ETCDCTL_USER: `${u.user}:${u.password}`,
  };
  if (opts.jump) return runResult('nsenter', [...jumpCommand(opts.jump).slice(1), 'etcdctl', ...args], env);
  return runResult('etcdctl', args, env);
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the real dockpit binary. */
export async function dockpit(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const r = await runResult('node', [CLI, ...args], env);
  checkNoStrayWarning(r.stderr, `dockpit ${args.join(' ')}`);
  return r;
}

async function runResult(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const t0 = performance.now();
  try {
    const { stdout, stderr } = await run(cmd, args, { env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
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
