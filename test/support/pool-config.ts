import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeConfig } from './configs.js';
import { docker, FLEET_CONFIG } from './fleet.js';
import { disposeState, stateYaml } from './state-backend.js';

export { folderSnapshot } from './state-backend.js';

// Issue 4's fleet tests: the fleet's dockpit.yaml has no pools, so each test file writes its own config,
// the fleet's hosts plus pools and lines, with a fresh state (ledger, locks, audit log) on the backend under
// test (state-backend.ts): a folder, or a prefix of the fleet's etcd.

export interface PoolConfig {
  file: string;
  /** The state folder (file backend); on etcd, the folder stateYaml remembers the prefix by (never made). */
  stateDir: string;
  /** Closes the state opened on it (etcd: deletes its keys), removes the config's and the state's temp folders. */
  dispose(): Promise<void>;
}

/** The fleet's hosts, `state:` a fresh one (a folder not created yet, or an etcd prefix), then `tail` (ipPools:, lines: …). */
export function poolConfig(tail: string): PoolConfig {
  const stateDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-state-')), 'state');
  // The fleet's own `state:` gives way to this config's fresh one.
  const hosts = fs.readFileSync(FLEET_CONFIG, 'utf8').replace(/^state: .*\n/m, '');
  const file = writeConfig(`${hosts}\n${stateYaml(stateDir, 'pool')}\n${tail}`);
  return {
    file,
    stateDir,
    async dispose() {
      await disposeState(file);
      fs.rmSync(path.dirname(stateDir), { recursive: true, force: true });
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    },
  };
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
        if (id) await removeNetwork(h, n);
      }
    }),
  );
}

/**
 * `docker network rm`, waiting out the engine's endpoint release. After `docker rm -f` of many containers at
 * once, dockerd can still count an endpoint of one of them for a moment ("has active endpoints": a CI run
 * failed on it after 50 were removed); what it still lists is disconnected by force, and the rm tried again.
 */
async function removeNetwork(host: string, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await docker(host, 'network', 'rm', name);
      return;
    } catch (err) {
      if (attempt >= 20 || !/has active endpoints/.test(String(err))) throw err;
      const listed = await docker(host, 'network', 'inspect', '-f', '{{range $id, $c := .Containers}}{{$c.Name}}\n{{end}}', name).catch(() => '');
      for (const ep of listed.split('\n').filter(Boolean)) await docker(host, 'network', 'disconnect', '-f', name, ep).catch(() => '');
      await new Promise((r) => setTimeout(r, 250));
    }
  }
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

/** One container as the engines show it: where it is, its state, its pool address and its line. */
export interface Placed {
  host: string;
  name: string;
  state: string;
  ip: string;
  line: string;
}

/** Every container whose name starts with `prefix`, on every host, from the engines themselves; by name. */
export async function census(hosts: string[], prefix: string): Promise<Placed[]> {
  const out: Placed[] = [];
  for (const h of hosts) {
    const ids = await docker(h, 'ps', '-aq', '--filter', `name=^${prefix}`);
    if (!ids) continue;
    const all = JSON.parse(await docker(h, 'inspect', ...ids.split('\n'))) as Array<{
      Name: string;
      State: { Status: string };
      Config: { Labels: Record<string, string> };
      NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
    }>;
    for (const c of all) {
      out.push({ host: h, name: c.Name.slice(1), state: c.State.Status, ip: c.NetworkSettings.Networks.biz?.IPAddress ?? '', line: c.Config.Labels['dockpit.bizline'] ?? '' });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
