import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { ConfigCache } from './config-cache.js';
import { ConfigError } from './config-error.js';
import { configSchema, type RawConfig } from './schema.js';
import { HostFieldError, resolveHost } from './resolve-host.js';
import { DEFAULT_LABELS, DEFAULT_STATE_DIR, DEFAULT_TUNING, type FleetConfig } from './types.js';
import { expandPath } from './paths.js';
import { PoolFieldError, resolveLines, resolvePools } from './validate-pools.js';
import { describeIssue, documentLines, documentValue, fieldName, keptLines, lineOf, type LineFinder } from './yaml-location.js';
import { resolvePlans } from '../plans/load-plans.js';
import { resolveState, StateFieldError } from './state-config.js';
import { AlertsFieldError, resolveAlerts } from '../alerts/rules-config.js';

/** A config's text, parsed and checked against the schema; a ConfigError (file:line) if it is not YAML or does not fit. */
function parseRaw(text: string, file: string): { raw: RawConfig; doc: Document; counter: LineCounter } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = counter.linePos(yamlError.pos[0]).line;
    throw new ConfigError(`invalid YAML: ${yamlError.message.split('\n')[0]}`, file, line);
  }
  const result = configSchema.safeParse(documentValue(doc, counter, file) ?? {});
  if (!result.success) {
    const { message, at, lineAt } = describeIssue(result.error.issues);
    return fail(new ConfigError(message, file, lineOf(doc, counter, lineAt), fieldName(at)));
  }
  return { raw: result.data, doc, counter };
}

/**
 * Parses and validates a config file's text. Contacts nothing. With `cache` (the cockpit's launch), a text this
 * build has read before is not parsed again (config-cache.ts says what is kept and what is read each time).
 */
export function parseConfig(text: string, file: string, cache?: ConfigCache): FleetConfig {
  const kept = cache?.read(file, text);
  if (kept) {
    const where = keptLines(kept.lines, () => {
      const { doc, counter } = parseRaw(text, file);
      return documentLines(doc, counter);
    });
    return resolveConfig(kept.raw, file, where);
  }
  const { raw, doc, counter } = parseRaw(text, file);
  const where = documentLines(doc, counter);
  const config = resolveConfig(raw, file, where);
  cache?.write(file, text, { raw, lines: where.asked });
  return config;
}

/** The schema's output made a config: hosts, pools, lines, plans, state and alerts resolved, each error at its line. */
function resolveConfig(raw: RawConfig, file: string, where: LineFinder): FleetConfig {
  const seen = new Map<string, number>();
  const baseDir = path.dirname(path.resolve(file));
  const hosts = raw.hosts.map((h, i) => {
    const previous = seen.get(h.name);
    if (previous !== undefined) {
      throw new ConfigError(
        `duplicate host name "${h.name}" (also hosts[${previous}])`,
        file,
        where.lineOf(['hosts', i, 'name']),
        `hosts[${i}].name`,
      );
    }
    seen.set(h.name, i);
    try {
      return resolveHost(h, baseDir);
    } catch (err) {
      if (!(err instanceof HostFieldError)) throw err;
      throw new ConfigError(err.message, file, where.lineOf(['hosts', i, err.field]), `hosts[${i}].${err.field}`);
    }
  });
  let pools;
  let lines;
  try {
    pools = resolvePools(raw.ipPools ?? []);
    lines = resolveLines(raw.lines ?? {}, pools, hosts.map((h) => h.name));
  } catch (err) {
    if (!(err instanceof PoolFieldError)) throw err;
    throw new ConfigError(err.message, file, where.lineOf(err.at), fieldName(err.at));
  }
  const plans = resolvePlans({
    fromConfig: raw.plans ?? [],
    config: { file, lines: where },
    plansDir: raw.plansDir === undefined ? null : expandPath(raw.plansDir, baseDir),
    lines,
    hosts: hosts.map((h) => h.name),
  });
  let state;
  try {
    state = resolveState(raw.state, baseDir, DEFAULT_STATE_DIR);
  } catch (err) {
    if (!(err instanceof StateFieldError)) throw err;
    const at = ['state', ...err.at];
    throw new ConfigError(err.message, file, where.lineOf(at), fieldName(at));
  }
  let alerts;
  try {
    alerts = resolveAlerts(raw.alerts);
  } catch (err) {
    if (!(err instanceof AlertsFieldError)) throw err;
    const at = ['alerts', ...err.at];
    throw new ConfigError(err.message, file, where.lineOf(at), fieldName(at));
  }
  const e = raw.engine ?? {};
  return {
    source: file,
    labels: { ...DEFAULT_LABELS, ...raw.labels },
    engine: {
      callTimeoutMs: e.callTimeout ?? DEFAULT_TUNING.callTimeoutMs,
      connectTimeoutMs: e.connectTimeout ?? DEFAULT_TUNING.connectTimeoutMs,
      probeIntervalMs: e.probeInterval ?? scaledDefault(DEFAULT_TUNING.probeIntervalMs, PROBE_MS_PER_HOST, hosts.length),
      slowThresholdMs: e.slowThreshold ?? DEFAULT_TUNING.slowThresholdMs,
      resyncIntervalMs: e.resyncInterval ?? scaledDefault(DEFAULT_TUNING.resyncIntervalMs, RESYNC_MS_PER_HOST, hosts.length),
      statsPerSecond: e.statsPerSecond ?? DEFAULT_TUNING.statsPerSecond,
    },
    hosts,
    pools,
    lines,
    plans,
    stateDir: state.dir,
    alerts,
    ...(state.config !== undefined && { state: state.config }),
    ...(raw.registry !== undefined && { registry: raw.registry }),
  };
}

/**
 * Unless configured, probes and resyncs keep to a fleet-wide pace (issue 7): 200 hosts probed every 2 s and
 * re-listed every 15 s were about 115 requests a second, most of dockpit's idle CPU. A dead engine still
 * shows at once (its events stream breaks); only a hung one takes up to a probe interval longer to show.
 */
const PROBE_MS_PER_HOST = 100; // at most 10 probes a second
const RESYNC_MS_PER_HOST = 500; // at most 2 re-lists a second

function scaledDefault(base: number, perHost: number, hosts: number): number {
  return Math.max(base, perHost * hosts);
}

function fail(err: ConfigError): never {
  throw err;
}

export function loadConfigFile(file: string, cache?: ConfigCache): FleetConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'error'})`, file);
  }
  return parseConfig(text, file, cache);
}
