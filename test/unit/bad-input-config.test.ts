import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { thrown } from './thrown.js';
import { ConfigError } from '../../src/config/config-error.js';
import { parseConfig } from '../../src/config/load-config.js';

// Issue 17, item 6: config mistakes a new user made, each a config error at file:line (exit 2 in the CLI).

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-bad-config-'));
const file = path.join(dir, 'dockpit.yaml');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;
const where = (text: string): string => thrown(() => parseConfig(text, file), ConfigError, 'parseConfig accepted the config').toString();

const HOSTS = ['hosts:', '  - { name: h1, url: "unix:///var/run/docker.sock" }', '  - { name: h2, url: "tcp://10.0.0.2:2375" }'];
const POOL = ['ipPools:', '  - name: lan', '    network: biz', '    driver: bridge', '    subnet: 10.88.0.0/16', '    gateway: 10.88.0.1'];

describe('pools and lines', () => {
  it('a ranges: key that names no line', () => {
    const text = yaml(...HOSTS, ...POOL, '    ranges: { news: 10.88.1.0/24, newz: 10.88.2.0/24 }', 'lines:', '  news: { tier: 1, pool: lan }');
    expect(where(text)).toBe(`${file}:10: ipPools[0].ranges.newz: unknown line "newz" (lines: news)`);
  });

  it('hosts: [] for a line', () => {
    const text = yaml(...HOSTS, ...POOL, 'lines:', '  news:', '    tier: 1', '    pool: lan', '    hosts: []');
    expect(where(text)).toBe(`${file}:14: lines.news.hosts: expected at least one host (leave hosts: out to allow every host)`);
  });

  it('a host twice in a line', () => {
    const text = yaml(...HOSTS, ...POOL, 'lines:', '  news:', '    tier: 1', '    hosts: [h1, h2, h1]');
    expect(where(text)).toMatch(new RegExp(`^${file}:13: lines\\.news\\.hosts\\[2\\]: host "h1" is listed twice \\(also hosts\\[0\\]\\)$`));
  });
});

describe('YAML and keys', () => {
  it('an alias bomb is a config error at its first alias, the parser\'s alias limit kept', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [k, prev] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e']] as const) {
      bomb.push(`${k}: &${k} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`);
    }
    const text = yaml(...HOSTS, ...bomb);
    const err = where(text);
    expect(err).toMatch(new RegExp(`^${file}:5: invalid YAML: its aliases expand to too many nodes \\(Excessive alias count`));
    expect(err.split('\n')).toHaveLength(1);
  });

  it.each([
    ['tcp://', "hosts[0].url: tcp:// needs the engine's host and port, e.g. tcp://10.0.0.1:2375"],
    ['unix://', 'hosts[0].url: unix:// needs the socket path, e.g. unix:///var/run/docker.sock'],
    ['https://', "hosts[0].url: https:// needs the engine's host and port, e.g. https://10.0.0.1:2376"],
    ['ssh://', 'hosts[0].url: ssh:// needs the user and host, e.g. ssh://root@10.0.0.1:22'],
  ])('url: %s says what is missing', (url, message) => {
    expect(where(yaml('hosts:', '  - name: h1', `    url: "${url}"`))).toBe(`${file}:3: ${message}`);
  });

  it('hostz: is an unknown key, not a missing hosts:', () => {
    expect(where(yaml('hostz:', '  - { name: h1, url: "unix:///x" }'))).toBe(`${file}:2: (top level): unknown field "hostz" (did you mean "hosts"?)`);
  });

  it('an unknown plan action lists the valid ones', () => {
    const text = yaml(...HOSTS, 'plans:', '  - name: p', '    steps:', '      - select: { lines: [news] }', '        action: restart');
    expect(where(text)).toBe(`${file}:8: plans[0].steps[0].action: unknown action "restart" (expected stop, pause, { limit: … } or { scaleDown: … })`);
  });
});
