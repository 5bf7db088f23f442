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
