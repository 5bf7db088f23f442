import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FirstListsInput } from '../engine/first-lists-types.js';
import type { RawConfig } from './schema.js';

/**
 * A config text already read by this very build, as its YAML parse and schema check left it (issue 16): the
 * cockpit's launch reads the same config each time, and at 200 hosts that parse and check took about 50 ms
 * of the main thread, on the launch's path. Only what the text alone decides is kept: the schema's output and
 * the lines asked for (each plan's file:line). Everything the config's meaning takes from elsewhere (the files
 * it names, ~/.ssh/config, the plans folder, the environment) is read again on every launch, and any error
 * then still names its line (the document is parsed for it).
 */
export interface ConfigCacheEntry {
  raw: RawConfig;
  lines: Record<string, number | null>;
  /**
   * The cockpit's first lists' input for this config (first-lists.ts keptListsInput): the launcher
   * (scripts/launch.cjs, keptLists) reads it to start those lists before the bundle loads.
   */
  lists?: FirstListsInput;
}

export interface ConfigCache {
  read(file: string, text: string): ConfigCacheEntry | undefined;
  write(file: string, text: string, entry: ConfigCacheEntry): void;
  /** Adds `lists` to the entry last read or written, unless it holds those already. */
  keepLists(lists: FirstListsInput): void;
}

/** ~/.cache/dockpit (XDG_CACHE_HOME honoured). */
export function defaultCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'dockpit');
}

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

/** Entries not written for this long are removed when another is written (earlier builds' ones, mostly). */
const KEEP_MS = 30 * 24 * 3600 * 1000;

/**
 * One file per config file (by its absolute path) and build, holding the entry of its last text. An entry
 * counts only for the same build (`buildId`, a new one each build: the schema may have changed) and the same
 * text, and only from a file this user owns that no one else can write (its content is trusted as the schema's
 * output).
 */
export function configCache(buildId: string, dir = defaultCacheDir()): ConfigCache {
  const fileOf = (config: string) => path.join(dir, `config-${sha256(`${buildId}\0${path.resolve(config)}`).slice(0, 32)}.json`);
  const keyOf = (text: string) => sha256(`${buildId}\0${text}`);
  const prune = () => {
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      if (name.startsWith('config-') && Date.now() - fs.statSync(file).mtimeMs > KEEP_MS) fs.rmSync(file, { force: true });
    }
  };
  let last: { config: string; text: string; entry: ConfigCacheEntry } | null = null;
  const cache: ConfigCache = {
    read(config, text) {
      try {
        const file = fileOf(config);
        const st = fs.statSync(file);
        if (st.uid !== process.getuid?.() || (st.mode & 0o022) !== 0) return undefined;
        const kept = JSON.parse(fs.readFileSync(file, 'utf8')) as { key?: string; entry?: ConfigCacheEntry };
        if (kept.key !== keyOf(text) || kept.entry === undefined) return undefined;
        last = { config, text, entry: kept.entry };
        return kept.entry;
      } catch {
        return undefined; // none yet, or unreadable: the config is parsed
      }
    },
    write(config, text, entry) {
      last = { config, text, entry };
      const file = fileOf(config);
      const tmp = `${file}.${process.pid}.tmp`;
      try {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        fs.writeFileSync(tmp, JSON.stringify({ key: keyOf(text), entry }), { mode: 0o600 });
        fs.renameSync(tmp, file);
        prune();
      } catch {
        // a cache that cannot be written (a read-only home) only costs the next launch the parse
        try {
          fs.rmSync(tmp, { force: true });
        } catch {
          // nothing was written
        }
      }
    },
    keepLists(lists) {
      if (last === null || JSON.stringify(last.entry.lists) === JSON.stringify(lists)) return;
      cache.write(last.config, last.text, { ...last.entry, lists });
    },
  };
  return cache;
}
