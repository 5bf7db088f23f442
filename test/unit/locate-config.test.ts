import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { localEngineConfig, locateConfig } from '../../src/config/locate-config.js';
import { defaultAlertsConfig } from '../../src/alerts/rules-config.js';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-locate-'));
  // No docker CLI config of the machine leaks in.
  vi.stubEnv('DOCKER_CONFIG', path.join(dir, 'docker'));
  vi.stubEnv('DOCKER_CONTEXT', undefined);
  vi.stubEnv('HOME', dir);
});

afterEach(() => {
  vi.unstubAllEnvs();
  fs.rmSync(dir, { recursive: true, force: true });
});

const DEFAULT_TUNING = {
  callTimeoutMs: 3000,
  connectTimeoutMs: 3000,
  probeIntervalMs: 2000,
  slowThresholdMs: 1000,
  resyncIntervalMs: 15000,
  statsPerSecond: 20,
};

describe('localEngineConfig', () => {
  it('uses DOCKER_HOST=unix://…', () => {
    vi.stubEnv('DOCKER_HOST', 'unix:///run/user/1000/docker.sock');
    expect(localEngineConfig()).toEqual({
      source: 'local engine (DOCKER_HOST)',
      labels: { bizline: 'dockpit.bizline', tier: 'dockpit.tier' },
      engine: DEFAULT_TUNING,
      hosts: [
        {
          name: 'local',
          url: 'unix:///run/user/1000/docker.sock',
          transport: 'unix',
          endpoint: { kind: 'unix', socketPath: '/run/user/1000/docker.sock' },
          labels: {},
        },
      ],
      pools: [],
      lines: {},
      plans: [],
      alerts: defaultAlertsConfig(),
      stateDir: '/var/lib/dockpit',
    });
  });

  it('uses DOCKER_HOST=tcp://…, with and without a port', () => {
    vi.stubEnv('DOCKER_HOST', 'tcp://10.0.0.7:12375');
    expect(localEngineConfig().hosts[0]).toMatchObject({ transport: 'tcp', endpoint: { kind: 'tcp', host: '10.0.0.7', port: 12375 } });
    vi.stubEnv('DOCKER_HOST', 'tcp://10.0.0.7');
    expect(localEngineConfig().hosts[0]!.endpoint).toEqual({ kind: 'tcp', host: '10.0.0.7', port: 2375 });
  });

  it('falls back to the default socket', () => {
    vi.stubEnv('DOCKER_HOST', undefined);
    const cfg = localEngineConfig();
    expect(cfg.source).toBe('local engine (default socket)');
    expect(cfg.hosts[0]!.endpoint).toEqual({ kind: 'unix', socketPath: '/var/run/docker.sock' });
  });

  it('reads the current docker context', async () => {
    vi.stubEnv('DOCKER_HOST', undefined);
    const crypto = await import('node:crypto');
    const digest = crypto.createHash('sha256').update('remote').digest('hex');
    const meta = path.join(dir, 'docker', 'contexts', 'meta', digest);
    fs.mkdirSync(meta, { recursive: true });
    fs.writeFileSync(path.join(dir, 'docker', 'config.json'), JSON.stringify({ currentContext: 'remote' }));
    fs.writeFileSync(path.join(meta, 'meta.json'), JSON.stringify({ Endpoints: { docker: { Host: 'tcp://10.9.9.9:2375' } } }));
    const cfg = localEngineConfig();
    expect(cfg.source).toBe('local engine (docker context)');
    expect(cfg.hosts[0]!.endpoint).toEqual({ kind: 'tcp', host: '10.9.9.9', port: 2375 });
  });

  it('reports a bad DOCKER_HOST as a ConfigError naming where it came from', () => {
    vi.stubEnv('DOCKER_HOST', 'tcp://10.0.0.7:0');
    expect(() => localEngineConfig()).toThrow(ConfigError);
    expect(() => localEngineConfig()).toThrow('expected a port from 1 to 65535, got "0" (from DOCKER_HOST: tcp://10.0.0.7:0)');
  });

  it('reports an unsupported DOCKER_HOST scheme as such, not as a missing tls setting', () => {
    // DOCKER_HOST skips the config schema's URL check; resolveHost casts any scheme to a Transport,
    // so http:// falls into the https branch and the user is told to add tls.
    vi.stubEnv('DOCKER_HOST', 'http://10.0.0.7:2375');
    expect(() => localEngineConfig()).toThrow(
      'expected a URL starting with unix://, tcp://, https:// or ssh:// (from DOCKER_HOST: http://10.0.0.7:2375)',
    );
  });
});

describe('locateConfig', () => {
  it('an explicit file that does not exist is a ConfigError "no such file"', () => {
    const missing = path.join(dir, 'nope.yaml');
    let err: unknown;
    try {
      locateConfig(missing);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe('no such file');
    expect((err as ConfigError).file).toBe(missing);
    expect(String(err)).toBe(`${missing}: no such file`);
  });

  it('an explicit file is parsed', () => {
    const file = path.join(dir, 'fleet.yaml');
    fs.writeFileSync(file, 'hosts:\n  - name: a\n    url: tcp://a\n');
    const cfg = locateConfig(file);
    expect(cfg.source).toBe(file);
    expect(cfg.hosts.map((h) => h.name)).toEqual(['a']);
  });

  it('./dockpit.yaml is found before the local engine', () => {
    const cwd = process.cwd();
    fs.writeFileSync(path.join(dir, 'dockpit.yaml'), 'hosts:\n  - name: here\n    url: tcp://here\n');
    process.chdir(dir);
    try {
      expect(locateConfig().hosts[0]!.name).toBe('here');
    } finally {
      process.chdir(cwd);
    }
  });
});
