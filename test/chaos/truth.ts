import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { CLI, docker, FLEET_CONFIG, FLEET_SCRIPT } from '../support/fleet.js';
import type { AuditLike, EngineEvent, Seen } from './invariants.js';

const run = promisify(execFile);

// What the invariants are checked against: the engines' own state and event logs (the docker CLI on each
// host's socket) and the raw files of the state folder. Never dockpit's view of either.

/** Every container whose name starts with `prefix` on each of `hosts`, as its engine shows it. */
export async function seen(hosts: readonly string[], prefix: string, network = 'biz'): Promise<Seen[]> {
  const out: Seen[] = [];
  await Promise.all(
    hosts.map(async (h) => {
      const ids = await docker(h, 'ps', '-aq', '--filter', `name=^${prefix}`);
      if (!ids) return;
      const all = JSON.parse(await docker(h, 'inspect', ...ids.split('\n'))) as Array<{
        Name: string;
        State: { Status: string };
        HostConfig: Record<string, unknown>;
        NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
      }>;
      for (const c of all) {
        const hc = c.HostConfig;
        const ip = c.NetworkSettings.Networks[network]?.IPAddress ?? '';
        out.push({
          host: h,
          name: c.Name.slice(1),
          state: c.State.Status,
          ips: ip ? [ip] : [],
          shape: JSON.stringify([c.State.Status, hc.NanoCpus, hc.CpuQuota, hc.CpuPeriod, hc.CpuShares, hc.Memory, hc.MemorySwap, hc.RestartPolicy]),
        });
      }
    }),
  );
  return out.sort((a, b) => `${a.host}/${a.name}`.localeCompare(`${b.host}/${b.name}`));
}

/** The engines' container events of `prefix` between two moments (epoch seconds, both past), in engine order. */
export async function events(hosts: readonly string[], prefix: string, since: number, until: number): Promise<EngineEvent[]> {
  const per = await Promise.all(
    hosts.map(async (h) => {
      const out = await docker(h, 'events', '--since', since.toFixed(3), '--until', until.toFixed(3), '--filter', 'type=container', '--format', '{{json .}}');
      // timeNano is read from the text, not through a JS number (19 digits lose precision).
      return out
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => {
          const e = JSON.parse(l) as { Action: string; Actor: { Attributes: Record<string, string> } };
          const nano = /"timeNano":(\d+)/.exec(l)?.[1] ?? '0';
          return { host: h, name: e.Actor.Attributes.name ?? '', action: e.Action.split(':')[0]!, signal: e.Actor.Attributes.signal ?? null, timeNano: nano };
        })
        .filter((e) => e.name.startsWith(prefix));
    }),
  );
  return per.flat();
}

/** The engine clock is the machine's: a moment to pass to events() (a little margin for the engine's rounding). */
export const now = (): number => Date.now() / 1000;

/** Removes every container of `prefix` on `hosts`. */
export async function removeAll(hosts: readonly string[], prefix: string): Promise<void> {
  await Promise.all(
    hosts.map(async (h) => {
      const ids = await docker(h, 'ps', '-aq', '--filter', `name=^${prefix}`);
      if (ids) await docker(h, 'rm', '-f', ...ids.split('\n'));
    }),
  );
}

/** Every file of the state folder except inspect records (which hold whole inspects by design), with its text. */
export function stateTexts(stateDir: string): Array<{ where: string; text: string }> {
  const out: Array<{ where: string; text: string }> = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (path.relative(stateDir, p) !== 'records') walk(p);
      } else if (e.isFile()) out.push({ where: path.relative(stateDir, p), text: fs.readFileSync(p, 'utf8') });
    }
  };
  walk(stateDir);
  return out;
}

/** The audit log's entries, read from its file. */
export function auditEntries(stateDir: string): AuditLike[] {
  const f = path.join(stateDir, 'audit.log');
  if (!fs.existsSync(f)) return [];
  return fs
    .readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as AuditLike);
}

/** The newest run id of a journal ('runs': plan runs; 'migrations') not in `earlier`. */
export function newRun(stateDir: string, journal: 'runs' | 'migrations', earlier: ReadonlySet<string>): string | undefined {
  return runIds(stateDir, journal).find((r) => !earlier.has(r));
}

export function runIds(stateDir: string, journal: 'runs' | 'migrations'): string[] {
  const d = path.join(stateDir, journal);
  if (!fs.existsSync(d)) return [];
  return fs
    .readdirSync(d)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => f.slice(0, -'.jsonl'.length))
    .sort();
}

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The real binary, with an optional fault armed (DOCKPIT_FAULT) and extra env; resolves however it ends. */
export function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 })));
}

/** fleet.sh's engine faults (stop-engine, start-engine, freeze, thaw) on one host. */
export async function engineFault(cmd: 'stop-engine' | 'start-engine' | 'freeze' | 'thaw', host: string, log?: (line: string) => void): Promise<void> {
  const t0 = performance.now();
  // Asynchronous (fleetCommand blocks): dockpit's output is read while the engine starts again.
  await run('bash', [FLEET_SCRIPT, cmd, host], { env: process.env });
  log?.(`fleet.sh ${cmd} ${host}: ${Math.round(performance.now() - t0)} ms`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** This run's config: the fleet's hosts, a fresh state folder in the run's temp dir, then `tail`. */
export function runConfigFile(ctx: { tmp: string }, tail: string): { config: string; stateDir: string } {
  const stateDir = path.join(ctx.tmp, 'state');
  const hosts = fs.readFileSync(FLEET_CONFIG, 'utf8').replace(/^state: .*\n/m, '');
  const config = path.join(ctx.tmp, 'dockpit.yaml');
  fs.writeFileSync(config, `${hosts}\nstate: ${stateDir}\n${tail}`);
  return { config, stateDir };
}
