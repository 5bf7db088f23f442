import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { expandPath } from '../config/paths.js';
import { DEFAULT_STATE_DIR } from '../config/types.js';
import type { CompletionSources } from './completion-words.js';

// The names shell completion offers, read from the config and the state folder as they are now. This runs on
// every Tab: it reads only the names, with the YAML parser alone (the config's schemas cost more to load than
// the rest of a completion), and never contacts an engine or etcd. Anything unreadable gives no names, never
// an error on the operator's prompt. test/unit/completion-sources.test.ts checks these names against what
// the real loader (load-config.ts) reads from the same files.

type Raw = Record<string, unknown>;

const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const names = (list: unknown): string[] =>
  Array.isArray(list) ? list.flatMap((item) => (isRecord(item) && typeof item.name === 'string' ? [item.name] : [])) : [];

/** Never throws: a broken part gives no names. */
function quietly(read: () => string[]): string[] {
  try {
    return read();
  } catch {
    return [];
  }
}

function readYaml(file: string): unknown {
  return parse(fs.readFileSync(file, 'utf8'));
}

/** The config file the command line names (`--config F`, `-c F`, `--config=F`), else the one dockpit would find. */
export function configFileOf(words: readonly string[], cwd = process.cwd()): string | null {
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = words[i + 1] === '=' ? words[i + 2] : words[i + 1];
    if ((w === '--config' || w === '-c') && next) return path.resolve(cwd, next);
    if (w.startsWith('--config=') && w.length > 9) return path.resolve(cwd, w.slice(9));
  }
  // As locateConfig: ./dockpit.yaml, then ~/.config/dockpit/config.yaml; with neither, the local engine.
  for (const file of [path.resolve(cwd, 'dockpit.yaml'), path.join(os.homedir(), '.config', 'dockpit', 'config.yaml')]) {
    if (fs.existsSync(file)) return file;
  }
  return null;
}

/** The state folder of a config's `state:`, or null when the state is on etcd (not contacted from a prompt). */
function stateDirOf(state: unknown, baseDir: string): string | null {
  if (state === undefined || state === null) return expandPath(DEFAULT_STATE_DIR, baseDir);
  if (typeof state === 'string') return /^[a-z][a-z0-9+.-]*:\/\//.test(state) ? null : expandPath(state, baseDir);
  if (isRecord(state) && state.etcd === undefined) return expandPath(typeof state.dir === 'string' ? state.dir : DEFAULT_STATE_DIR, baseDir);
  return null;
}

function plansOf(config: Raw, baseDir: string): string[] {
  const fromConfig = names(config.plans);
  if (typeof config.plansDir !== 'string') return fromConfig;
  const dir = expandPath(config.plansDir, baseDir);
  const files = quietly(() => fs.readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort());
  // Each file is one plan or a list of plans (load-plans.ts).
  const fromDir = files.flatMap((f) =>
    quietly(() => {
      const value = readYaml(path.join(dir, f));
      return Array.isArray(value) ? names(value) : names([value]);
    }),
  );
  return [...fromConfig, ...fromDir];
}

/** Run ids of a journal in the state folder: `STATE/runs/ID.jsonl`, `STATE/migrations/ID.jsonl` (src/state/file/journal.ts). */
function runIds(stateDir: string | null, journal: 'runs' | 'migrations'): string[] {
  if (stateDir === null) return [];
  return fs.readdirSync(path.join(stateDir, journal)).filter((n) => n.endsWith('.jsonl')).map((n) => n.slice(0, -'.jsonl'.length));
}

/** The names of the config `words` name (or the one dockpit would use), each read when first asked for. */
export function completionSources(words: readonly string[], cwd = process.cwd()): CompletionSources {
  const file = quietly(() => {
    const f = configFileOf(words, cwd);
    return f === null ? [] : [f];
  })[0];
  let cached: { config: Raw; baseDir: string } | null | undefined;
  const config = (): { config: Raw; baseDir: string } | null => {
    if (cached !== undefined) return cached;
    cached = null;
    if (file === undefined) return null;
    try {
      const value = readYaml(file);
      if (isRecord(value)) cached = { config: value, baseDir: path.dirname(file) };
    } catch {
      // Unreadable or not YAML: no names.
    }
    return cached;
  };
  // No config file: the local engine, named "local" (locate-config.ts), with the state in the default folder.
  const localEngine = file === undefined;
  return {
    hosts: () => (localEngine ? ['local'] : names(config()?.config.hosts)),
    lines: () => {
      const lines = config()?.config.lines;
      return isRecord(lines) ? Object.keys(lines) : [];
    },
    pools: () => names(config()?.config.ipPools),
    plans: () => {
      const c = config();
      return c ? quietly(() => plansOf(c.config, c.baseDir)) : [];
    },
    runs: (journal) =>
      quietly(() => {
        if (localEngine) return runIds(DEFAULT_STATE_DIR, journal);
        const c = config();
        return c ? runIds(stateDirOf(c.config.state, c.baseDir), journal) : [];
      }),
  };
}
