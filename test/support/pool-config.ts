import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeConfig } from './configs.js';
import { docker, FLEET_CONFIG } from './fleet.js';

// Issue 4's fleet tests: the fleet's dockpit.yaml has no pools, so each test file writes its own config,
// the fleet's hosts plus pools and lines, with a fresh state folder (ledger, locks, audit log).

export interface PoolConfig {
  file: string;
  stateDir: string;
  /** Removes the config's and the state's temp folders. */
  dispose(): void;
}

/** The fleet's hosts, `state:` a fresh folder (not created yet), then `tail` (ipPools:, lines: …). */
export function poolConfig(tail: string): PoolConfig {
  const stateDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-state-')), 'state');
  // The fleet's own `state:` gives way to this config's fresh one.
  const hosts = fs.readFileSync(FLEET_CONFIG, 'utf8').replace(/^state: .*\n/m, '');
  const file = writeConfig(`${hosts}\nstate: ${stateDir}\n${tail}`);
  return {
    file,
    stateDir,
    dispose() {
      fs.rmSync(path.dirname(stateDir), { recursive: true, force: true });
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    },
  };
}

/** Every file under a folder with its content: to show that something changed nothing. */
export function folderSnapshot(dir: string): Record<string, string> {
  if (!fs.existsSync(dir)) return {};
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const p = path.join(e.parentPath, e.name);
    out[path.relative(dir, p)] = e.isFile() ? fs.readFileSync(p, 'utf8') : '(dir)';
  }
  return out;
}

/** Removes the containers whose names start with `prefix` on each host. */
export async function removeByPrefix(hosts: string[], prefix: string): Promise<void> {
  await Promise.all(
    hosts.map(async (h) => {
      const ids = await docker(h, 'ps', '-aq', '--filter', `name=^${prefix}`);
      if (ids) await docker(h, 'rm', '-f', ...ids.split('\n'));
    }),
  );
}

/** Removes these networks on each host where they exist. */
export async function removeNetworks(hosts: string[], names: string[]): Promise<void> {
  await Promise.all(
    hosts.map(async (h) => {
      for (const n of names) {
        const id = await docker(h, 'network', 'ls', '-q', '--filter', `name=^${n}$`);
        if (id) await docker(h, 'network', 'rm', n);
      }
    }),
  );
}

/** What a container's engine says about it. */
export async function inspectOn(host: string, name: string): Promise<ContainerTruth> {
  return (JSON.parse(await docker(host, 'inspect', name)) as ContainerTruth[])[0]!;
}

export interface ContainerTruth {
  Id: string;
  Name: string;
  State: { Status: string };
  Config: { Labels: Record<string, string>; Env: string[]; Cmd: string[] };
  HostConfig: { NanoCpus: number; Memory: number; RestartPolicy: { Name: string; MaximumRetryCount: number } };
  NetworkSettings: { Networks: Record<string, { IPAddress: string; IPAMConfig: { IPv4Address?: string } | null }> };
}

/** The host (if any) holding a container of that name, from the engines themselves. */
export async function whereIs(hosts: string[], name: string): Promise<string[]> {
  const found = await Promise.all(hosts.map(async (h) => ((await docker(h, 'ps', '-aq', '--filter', `name=^${name}$`)) ? h : null)));
  return found.filter((h): h is string => h !== null);
}
