import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { thrown } from './thrown.js';
import { ConfigError } from '../../src/config/config-error.js';
import { parseConfig } from '../../src/config/load-config.js';

let dir: string;
let file: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-config-'));
  file = path.join(dir, 'dockpit.yaml');
  for (const name of ['known_hosts', 'id_ed25519', 'ca.pem', 'cert.pem', 'key.pem']) {
    fs.writeFileSync(path.join(dir, name), `${name} contents\n`);
  }
  fs.mkdirSync(path.join(dir, 'home'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  // Hermetic: no ~/.ssh/config or ~/.ssh/known_hosts of the machine, no agent.
  vi.stubEnv('HOME', path.join(dir, 'home'));
  vi.stubEnv('SSH_AUTH_SOCK', undefined);
  return () => vi.unstubAllEnvs();
});

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

const configError = (text: string): ConfigError => thrown(() => parseConfig(text, file), ConfigError, 'parseConfig accepted the config');

describe('parseConfig: valid configs', () => {
  it('applies default labels and engine tuning', () => {
    const cfg = parseConfig(yaml('hosts:', '  - name: local', '    url: unix:///var/run/docker.sock'), file);
    expect(cfg.source).toBe(file);
    expect(cfg.labels).toEqual({ bizline: 'dockpit.bizline', tier: 'dockpit.tier' });
    expect(cfg.engine).toEqual({
      callTimeoutMs: 3000,
      connectTimeoutMs: 3000,
      probeIntervalMs: 2000,
      slowThresholdMs: 1000,
      resyncIntervalMs: 15000,
      statsPerSecond: 20,
    });
    expect(cfg.hosts).toEqual([
      {
        name: 'local',
        url: 'unix:///var/run/docker.sock',
        transport: 'unix',
        endpoint: { kind: 'unix', socketPath: '/var/run/docker.sock' },
        labels: {},
      },
    ]);
  });

  it('overrides one label key and some tuning, keeping the other defaults', () => {
    const cfg = parseConfig(
      yaml(
        'labels:',
        '  bizline: com.example.bizline',
        'engine:',
        '  callTimeout: 5000',
        '  resyncInterval: 60000',
        'hosts:',
        '  - name: a',
        '    url: tcp://10.0.0.1',
        '    labels: { rack: r1 }',
      ),
      file,
    );
    expect(cfg.labels).toEqual({ bizline: 'com.example.bizline', tier: 'dockpit.tier' });
    expect(cfg.engine).toEqual({
      callTimeoutMs: 5000,
      connectTimeoutMs: 3000,
      probeIntervalMs: 2000,
      slowThresholdMs: 1000,
      resyncIntervalMs: 60000,
      statsPerSecond: 20,
    });
    expect(cfg.hosts[0]!.labels).toEqual({ rack: 'r1' });
  });

  it('resolves tcp hosts with the default port 2375 and an explicit port', () => {
    const cfg = parseConfig(
      yaml('hosts:', '  - name: a', '    url: tcp://10.0.0.1', '  - name: b', '    url: tcp://engine-b.lan:12375'),
      file,
    );
    expect(cfg.hosts.map((h) => [h.transport, h.endpoint])).toEqual([
      ['tcp', { kind: 'tcp', host: '10.0.0.1', port: 2375 }],
      ['tcp', { kind: 'tcp', host: 'engine-b.lan', port: 12375 }],
    ]);
  });

  it('resolves an https host with tls files relative to the config file, default port 2376', () => {
    const cfg = parseConfig(
      yaml('hosts:', '  - name: secure', '    url: https://10.0.0.9', '    tls: { ca: ca.pem, cert: cert.pem, key: key.pem }'),
      file,
    );
    expect(cfg.hosts[0]!.transport).toBe('tls');
    expect(cfg.hosts[0]!.endpoint).toEqual({
      kind: 'tls',
      host: '10.0.0.9',
      port: 2376,
      ca: 'ca.pem contents\n',
      cert: 'cert.pem contents\n',
      key: 'key.pem contents\n',
      caFile: path.join(dir, 'ca.pem'),
    });
  });

  it('resolves an https host with a CA and no client certificate (the engine decides whether it needs one)', () => {
    const cfg = parseConfig(yaml('hosts:', '  - name: secure', '    url: https://10.0.0.9:12376', '    tls: { ca: ca.pem }'), file);
    expect(cfg.hosts[0]!.endpoint).toMatchObject({ kind: 'tls', port: 12376, ca: 'ca.pem contents\n', cert: null, key: null });
  });

  it('resolves an ssh host: user, port, remote socket, identity and known_hosts as absolute paths', () => {
    vi.stubEnv('SSH_AUTH_SOCK', '/tmp/agent.sock');
    const cfg = parseConfig(
      yaml(
        'hosts:',
        '  - name: web1',
        '    url: ssh://deploy@web1.example:2222',
        '    socket: /run/docker.sock',
        '    identityFile: id_ed25519',
        `    knownHosts: ${path.join(dir, 'known_hosts')}`,
      ),
      file,
    );
    expect(cfg.hosts[0]!.transport).toBe('ssh');
    expect(cfg.hosts[0]!.endpoint).toEqual({
      kind: 'ssh',
      host: 'web1.example',
      port: 2222,
      username: 'deploy',
      socketPath: '/run/docker.sock',
      identityFile: path.join(dir, 'id_ed25519'),
      knownHosts: path.join(dir, 'known_hosts'),
      agentSocket: '/tmp/agent.sock',
    });
  });

  it('defaults an ssh host to port 22, the local user, /var/run/docker.sock, no identity, no agent', () => {
    const cfg = parseConfig(yaml('hosts:', '  - name: web2', '    url: ssh://web2', '    knownHosts: known_hosts'), file);
    expect(cfg.hosts[0]!.endpoint).toEqual({
      kind: 'ssh',
      host: 'web2',
      port: 22,
      username: os.userInfo().username,
      socketPath: '/var/run/docker.sock',
      identityFile: null,
      knownHosts: path.join(dir, 'known_hosts'),
      agentSocket: null,
    });
  });

  it('honours ~/.ssh/config for an ssh alias, explicit URL parts winning', () => {
    fs.mkdirSync(path.join(dir, 'home', '.ssh'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'home', '.ssh', 'config'),
      'Host db1\n  HostName 10.1.2.3\n  User ops\n  Port 2200\n  IdentityFile ~/.ssh/id_db\n',
    );
    fs.writeFileSync(path.join(dir, 'home', '.ssh', 'id_db'), 'key\n');
    try {
      const cfg = parseConfig(yaml('hosts:', '  - name: db1', '    url: ssh://root@db1', '    knownHosts: known_hosts'), file);
      expect(cfg.hosts[0]!.endpoint).toMatchObject({
        host: '10.1.2.3',
        port: 2200,
        username: 'root',
        identityFile: path.join(dir, 'home', '.ssh', 'id_db'),
      });
    } finally {
      fs.rmSync(path.join(dir, 'home', '.ssh'), { recursive: true, force: true });
    }
  });
});

describe('parseConfig: malformed configs name the file, line and field', () => {
  it('YAML syntax error', () => {
    const err = configError(yaml('hosts:', '  - name: a', '    url: tcp://a', '  - name: b: c', '    url: tcp://b'));
    expect(err.line).toBe(4);
    expect(err.field).toBeUndefined();
    expect(err.message).toBe('invalid YAML: Nested mappings are not allowed in compact mappings');
    expect(err.toString()).toBe(`${file}:4: invalid YAML: Nested mappings are not allowed in compact mappings`);
  });

  it('tab indentation', () => {
    const err = configError(yaml('hosts:', '  - name: a', '    url: tcp://a', '\tname: x'));
    expect(err.line).toBe(4);
    expect(err.message).toBe('invalid YAML: Tabs are not allowed as indentation');
  });

  it('duplicate YAML key', () => {
    const err = configError(yaml('hosts:', '  - name: a', '    url: tcp://a', '    name: b'));
    expect(err.line).toBe(4);
    expect(err.message).toMatch(/^invalid YAML: .*unique/i);
  });

  it('unknown top-level key', () => {
    const err = configError(yaml('hosts:', '  - name: a', '    url: tcp://a', 'colour: blue'));
    expect(err.line).toBe(4);
    expect(err.field).toBe('(top level)');
    expect(err.message).toBe('unknown field "colour"');
    expect(err.toString()).toBe(`${file}:4: (top level): unknown field "colour"`);
  });

  it('probes and resyncs a big fleet at a fleet-wide pace unless configured', () => {
    const hosts = (n: number) => ['hosts:', ...Array.from({ length: n }, (_, i) => [`  - name: h${i}`, `    url: tcp://h${i}`]).flat()];
    expect(parseConfig(yaml(...hosts(3)), file).engine).toMatchObject({ probeIntervalMs: 2000, resyncIntervalMs: 15000 });
    expect(parseConfig(yaml(...hosts(200)), file).engine).toMatchObject({ probeIntervalMs: 20000, resyncIntervalMs: 100000 });
    expect(parseConfig(yaml(...hosts(200), 'engine: { probeInterval: 1000, resyncInterval: 5000 }'), file).engine).toMatchObject({ probeIntervalMs: 1000, resyncIntervalMs: 5000 });
  });

  it('a migration registry: host[:port], anything else refused at its line', () => {
    expect(parseConfig(yaml('hosts:', '  - name: a', '    url: tcp://a', 'registry: reg.lan:5000'), file).registry).toBe('reg.lan:5000');
    expect(parseConfig(yaml('hosts:', '  - name: a', '    url: tcp://a'), file).registry).toBeUndefined();
    const err = configError(yaml('hosts:', '  - name: a', '    url: tcp://a', 'registry: https://reg.lan/x'));
    expect(err.toString()).toBe(`${file}:4: registry: expected host or host:port`);
  });

  it('unknown host key (a typo of identityFile)', () => {
    const err = configError(
      yaml('hosts:', '  - name: a', '    url: tcp://a', '  - name: b', '    url: ssh://b', '    identifyFile: ~/.ssh/id'),
    );
    expect(err.line).toBe(6);
    expect(err.field).toBe('hosts[1]');
    expect(err.message).toBe('unknown field "identifyFile"');
    expect(err.toString()).toBe(`${file}:6: hosts[1]: unknown field "identifyFile"`);
  });

  it('bad URL scheme', () => {
    const err = configError(yaml('hosts:', '  - name: a', '    url: http://a:2375'));
    expect(err.line).toBe(3);
    expect(err.field).toBe('hosts[0].url');
    expect(err.message).toBe('expected a URL starting with unix://, tcp://, https:// or ssh://');
    expect(err.toString()).toMatch(new RegExp(`^${file}:3: hosts\\[0\\]\\.url: `));
  });

  it('missing hosts', () => {
    const err = configError(yaml('labels:', '  tier: t'));
    expect(err.line).toBe(1);
    expect(err.field).toBe('hosts');
    expect(err.message).toMatch(/expected array/);
  });

  it('empty hosts', () => {
    const err = configError(yaml('engine:', '  callTimeout: 100', 'hosts: []'));
    expect(err.line).toBe(3);
    expect(err.field).toBe('hosts');
    expect(err.message).toBe('expected at least one host');
  });

  it('duplicate host name points at the second one', () => {
    const err = configError(
      yaml('hosts:', '  - name: a', '    url: tcp://a', '  - name: b', '    url: tcp://b', '  - name: a', '    url: tcp://c'),
    );
    expect(err.line).toBe(6);
    expect(err.field).toBe('hosts[2].name');
    expect(err.message).toBe('duplicate host name "a" (also hosts[0])');
  });

  it('socket on a tcp host', () => {
    const err = configError(yaml('hosts:', '  - name: a', '    url: tcp://a', '    socket: /run/docker.sock'));
    expect(err.line).toBe(4);
    expect(err.field).toBe('hosts[0].socket');
    expect(err.message).toBe('is only for ssh:// hosts');
  });

  it('tls on a tcp host', () => {
    const err = configError(yaml('hosts:', '  - name: a', '    url: tcp://a', '    tls: { ca: ca.pem, cert: cert.pem, key: key.pem }'));
    expect(err.line).toBe(4);
    expect(err.field).toBe('hosts[0].tls');
    expect(err.message).toBe('is only for https:// hosts');
  });

  it('https without tls points at the host entry', () => {
    const err = configError(yaml('hosts:', '  - name: a', '    url: tcp://a', '  - name: s', '    url: https://s'));
    expect(err.line).toBe(4);
    expect(err.field).toBe('hosts[1].tls');
    expect(err.message).toMatch(/^https:\/\/ hosts need tls: \{ ca, cert, key \}/);
  });

  it('https with a client certificate but no key', () => {
    const err = configError(yaml('hosts:', '  - name: s', '    url: https://s', '    tls: { ca: ca.pem, cert: cert.pem }'));
    expect(err.line).toBe(4);
    expect(err.field).toBe('hosts[0].tls');
    expect(err.message).toBe('a client certificate needs both cert and key');
  });

  it('https with a missing tls file', () => {
    const err = configError(yaml('hosts:', '  - name: s', '    url: https://s', '    tls: { ca: nope.pem, cert: cert.pem, key: key.pem }'));
    expect(err.line).toBe(4);
    expect(err.field).toBe('hosts[0].tls');
    expect(err.message).toBe(`tls.ca ${path.join(dir, 'nope.pem')} does not exist or cannot be read`);
  });

  it('missing identity file', () => {
    const err = configError(
      yaml('hosts:', '  - name: web', '    url: ssh://web', '    knownHosts: known_hosts', '    identityFile: id_missing'),
    );
    expect(err.line).toBe(5);
    expect(err.field).toBe('hosts[0].identityFile');
    expect(err.message).toBe(`identity file ${path.join(dir, 'id_missing')} does not exist or cannot be read`);
  });

  it('missing known_hosts (the default ~/.ssh/known_hosts) points at the host entry', () => {
    const err = configError(yaml('hosts:', '  - name: web', '    url: ssh://web'));
    expect(err.line).toBe(2);
    expect(err.field).toBe('hosts[0].knownHosts');
    expect(err.message).toBe(`known_hosts file ${path.join(dir, 'home', '.ssh', 'known_hosts')} does not exist or cannot be read`);
  });

  it('port 0 is out of range', () => {
    const err = configError(yaml('hosts:', '  - name: a', '    url: tcp://a:0'));
    expect(err.line).toBe(3);
    expect(err.field).toBe('hosts[0].url');
    expect(err.message).toBe('expected a port from 1 to 65535, got "0"');
  });

  it('port 70000 is out of range, and the message says so', () => {
    const err = configError(yaml('hosts:', '  - name: a', '    url: tcp://a', '  - name: b', '    url: ssh://b:70000'));
    expect(err.line).toBe(5);
    expect(err.field).toBe('hosts[1].url');
    // WHATWG URL rejects ports above 65535 before parsePort sees them; the user should still read "port".
    expect(err.message).toBe('expected a port from 1 to 65535, got "70000"');
  });

  it('relative unix socket path', () => {
    const err = configError(yaml('hosts:', '  - name: a', '    url: unix://docker.sock'));
    expect(err.line).toBe(3);
    expect(err.field).toBe('hosts[0].url');
    expect(err.message).toBe('expected unix:///absolute/path, got "unix://docker.sock"');
  });

  it('wrong type: labels: 3', () => {
    const err = configError(yaml('labels: 3', 'hosts:', '  - name: a', '    url: tcp://a'));
    expect(err.line).toBe(1);
    expect(err.field).toBe('labels');
    expect(err.message).toMatch(/expected object, received number/);
    expect(err.toString()).toMatch(new RegExp(`^${file}:1: labels: `));
  });

  it('wrong type: a string engine timeout', () => {
    const err = configError(yaml('engine:', '  probeInterval: fast', 'hosts:', '  - name: a', '    url: tcp://a'));
    expect(err.line).toBe(2);
    expect(err.field).toBe('engine.probeInterval');
    expect(err.message).toMatch(/expected number, received string/);
  });

  it('non-string host label value', () => {
    const err = configError(yaml('hosts:', '  - name: a', '    url: tcp://a', '    labels:', '      rack: r1', '      tier: 3'));
    expect(err.line).toBe(6);
    expect(err.field).toBe('hosts[0].labels.tier');
    expect(err.message).toMatch(/expected string, received number/);
  });

  it('bad host name', () => {
    const err = configError(yaml('hosts:', '  - name: "-web 1"', '    url: tcp://a'));
    expect(err.line).toBe(2);
    expect(err.field).toBe('hosts[0].name');
    expect(err.message).toBe('expected a host name of letters, digits, ".", "_" or "-"');
  });
});
