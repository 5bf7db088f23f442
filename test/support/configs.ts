import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Fleet } from './fleet.js';

/** Writes a config file in a fresh temp dir and returns its path. */
export function writeConfig(text: string, name = 'dockpit.yaml'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-test-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

export function sshHostYaml(fleet: Fleet, host: string, knownHosts = fleet.knownHosts): string {
  const h = fleet.hosts.find((x) => x.name === host)!;
  return [
    `  - name: ${h.name}`,
    `    url: ssh://root@${h.addr}:22`,
    `    socket: ${h.socket}`,
    `    identityFile: ${fleet.identityFile}`,
    `    knownHosts: ${knownHosts}`,
  ].join('\n');
}

/**
 * The fleet's `lan` pool (the `biz` network, bridged on every host) with each line's range, and those lines
 * on it: the config block most fleet tests need (each then adds its own plans, engine timings …).
 */
export function lanPoolYaml(lines: Record<string, { range: string; tier: number; extra?: string }>): string {
  const entries = Object.entries(lines);
  return [
    'ipPools:',
    '  - name: lan',
    '    network: biz',
    '    driver: bridge',
    '    subnet: 10.88.0.0/16',
    '    gateway: 10.88.0.1',
    `    ranges: { ${entries.map(([name, l]) => `${name}: ${l.range}`).join(', ')} }`,
    'lines:',
    ...entries.map(([name, l]) => `  ${name}: { tier: ${l.tier}, pool: lan${l.extra ? `, ${l.extra}` : ''} }`),
    '',
  ].join('\n');
}
