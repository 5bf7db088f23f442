import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configCache, type ConfigCacheEntry } from '../../src/config/config-cache.js';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfigFile } from '../../src/config/load-config.js';
import { lanPoolYaml } from '../support/configs.js';

// Issue 16: the cockpit's launch takes a config text this build has read before from the cache
// (src/config/config-cache.ts) instead of parsing it again; anything that is not the text is read each time.

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-config-cache-'));
  dirs.push(d);
  return d;
}

/** A config with each kind of part (ssh and tcp hosts, a pool, lines, a plan) and the files it names, in a folder of its own. */
function fixture() {
  const dir = tmpDir();
  const identity = path.join(dir, 'id_ed25519');
  const knownHosts = path.join(dir, 'known_hosts');
  fs.writeFileSync(identity, 'key');
  fs.writeFileSync(knownHosts, '');
  const text = `hosts:
  - name: h1
    url: tcp://10.0.0.1:2375
  - name: h2
    url: ssh://root@10.0.0.2
    identityFile: ${identity}
    knownHosts: ${knownHosts}
${lanPoolYaml({ news: { range: '10.88.1.0/24', tier: 1 } })}plans:
  - name: peak
    steps:
      - select: { lines: [news], minTier: 1 }
        action: stop
`;
  const file = path.join(dir, 'dockpit.yaml');
  fs.writeFileSync(file, text);
  return { dir, file, text, identity, cacheDir: path.join(dir, 'cache') };
}

function cacheFile(cacheDir: string): string {
  const [name] = fs.readdirSync(cacheDir);
  return path.join(cacheDir, name!);
}

describe('the config cache', () => {
  it('gives the same config as a parse, plan lines included, and is what a second read uses', () => {
    const f = fixture();
    const cache = configCache('build-1', f.cacheDir);
    const parsed = loadConfigFile(f.file);
    const first = loadConfigFile(f.file, cache);
    expect(first).toEqual(parsed);
    expect(first.plans[0]!.source).toBe(`${f.file}:18`);
    expect(cache.read(f.file, f.text)?.lines).toHaveProperty([JSON.stringify(['plans', 0])], 18);
    const second = loadConfigFile(f.file, cache);
    expect(second).toEqual(parsed);
    // Served from the cache: an entry changed there shows (the same key, another URL).
    const stored = JSON.parse(fs.readFileSync(cacheFile(f.cacheDir), 'utf8')) as { key: string; entry: ConfigCacheEntry };
    stored.entry.raw.hosts[0]!.url = 'tcp://10.0.0.9:2375';
    fs.writeFileSync(cacheFile(f.cacheDir), JSON.stringify(stored));
    expect(loadConfigFile(f.file, cache).hosts[0]!.url).toBe('tcp://10.0.0.9:2375');
  });

  it('is not used for another text, another build, or a file someone else could have written', () => {
    const f = fixture();
    loadConfigFile(f.file, configCache('build-1', f.cacheDir));
    const entry = cacheFile(f.cacheDir);
    const tamper = () => {
      const stored = JSON.parse(fs.readFileSync(entry, 'utf8')) as { key: string; entry: ConfigCacheEntry };
      stored.entry.raw.hosts[0]!.url = 'tcp://10.0.0.9:2375';
      fs.writeFileSync(entry, JSON.stringify(stored));
    };
    tamper();
    expect(loadConfigFile(f.file, configCache('build-1', f.cacheDir)).hosts[0]!.url).toBe('tcp://10.0.0.9:2375');
    expect(loadConfigFile(f.file, configCache('build-2', f.cacheDir)).hosts[0]!.url).toBe('tcp://10.0.0.1:2375');
    expect(fs.readdirSync(f.cacheDir)).toHaveLength(2); // one per build
    fs.chmodSync(entry, 0o666);
    expect(loadConfigFile(f.file, configCache('build-1', f.cacheDir)).hosts[0]!.url).toBe('tcp://10.0.0.1:2375');
    expect(fs.statSync(entry).mode & 0o777).toBe(0o600); // written again, from the parse
    // Another text of the same file: parsed, and what it says is what counts.
    fs.writeFileSync(f.file, f.text.replace('tcp://10.0.0.1:2375', 'tcp://10.0.0.7:2375'));
    expect(loadConfigFile(f.file, configCache('build-1', f.cacheDir)).hosts[0]!.url).toBe('tcp://10.0.0.7:2375');
  });

  it('removes entries not written for 30 days when it writes one', () => {
    const f = fixture();
    loadConfigFile(f.file, configCache('build-1', f.cacheDir));
    const old = cacheFile(f.cacheDir);
    const days40 = Date.now() / 1000 - 40 * 24 * 3600;
    fs.utimesSync(old, days40, days40);
    loadConfigFile(f.file, configCache('build-2', f.cacheDir));
    expect(fs.existsSync(old)).toBe(false);
    expect(fs.readdirSync(f.cacheDir)).toHaveLength(1);
  });

  it('reads the files a config names each time: one gone since is an error at its line', () => {
    const f = fixture();
    const cache = configCache('build-1', f.cacheDir);
    loadConfigFile(f.file, cache);
    fs.rmSync(f.identity);
    let error: unknown;
    try {
      loadConfigFile(f.file, cache);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toBe(`${f.file}:6: hosts[1].identityFile: identity file ${f.identity} does not exist or cannot be read`);
  });

  it('a cache that cannot be written costs nothing but the parse', () => {
    const f = fixture();
    fs.writeFileSync(f.cacheDir, 'not a folder');
    const cache = configCache('build-1', f.cacheDir);
    expect(loadConfigFile(f.file, cache).hosts).toHaveLength(2);
    expect(loadConfigFile(f.file, cache).hosts).toHaveLength(2);
  });
});
