import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConfigCache } from './config-cache.js';
import { ConfigError } from './config-error.js';
import { loadConfigFile } from './load-config.js';
import { resolveHost } from './resolve-host.js';
import { DEFAULT_LABELS, DEFAULT_STATE_DIR, DEFAULT_TUNING, type FleetConfig } from './types.js';
import { expandPath } from './paths.js';
import { defaultAlertsConfig } from '../alerts/rules-config.js';

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The engine URL of the current docker context, as the docker CLI stores it. */
function currentContextHost(): string | undefined {
  const dockerDir = process.env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker');
  const cfg = readJson(path.join(dockerDir, 'config.json')) as { currentContext?: string } | undefined;
  const name = process.env.DOCKER_CONTEXT ?? cfg?.currentContext;
  if (!name || name === 'default') return undefined;
  const digest = crypto.createHash('sha256').update(name).digest('hex');
  const meta = readJson(path.join(dockerDir, 'contexts', 'meta', digest, 'meta.json')) as
    | { Endpoints?: { docker?: { Host?: string } } }
    | undefined;
  return meta?.Endpoints?.docker?.Host;
}

/** The local engine, when no config file exists: DOCKER_HOST, the current context, then the default socket. */
export function localEngineConfig(): FleetConfig {
  // Set but empty is unset, as the docker CLI reads it (issue 17, item 6).
  const fromEnv = process.env.DOCKER_HOST || undefined;
  const fromContext = fromEnv ? undefined : currentContextHost();
  const url = fromEnv ?? fromContext ?? 'unix:///var/run/docker.sock';
  const source = fromEnv ? 'DOCKER_HOST' : fromContext ? 'docker context' : 'default socket';
  let host;
  try {
    host = resolveHost({ name: 'local', url }, process.cwd());
  } catch (err) {
    throw new ConfigError(`${(err as Error).message} (from ${source}: ${url})`);
  }
  return {
    source: `local engine (${source})`,
    labels: { ...DEFAULT_LABELS },
    engine: { ...DEFAULT_TUNING },
    hosts: [host],
    pools: [],
    lines: {},
    plans: [],
    stateDir: expandPath(DEFAULT_STATE_DIR, process.cwd()),
    alerts: defaultAlertsConfig(),
  };
}

/** `--config FILE`, else ./dockpit.yaml, else ~/.config/dockpit/config.yaml, else the local engine. */
export function locateConfig(explicit?: string, cache?: ConfigCache): FleetConfig {
  if (explicit) return loadConfigFile(explicit, cache);
  const candidates = [path.resolve('dockpit.yaml'), path.join(os.homedir(), '.config', 'dockpit', 'config.yaml')];
  for (const file of candidates) {
    if (fs.existsSync(file)) return loadConfigFile(file, cache);
  }
  return localEngineConfig();
}
