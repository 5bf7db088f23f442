import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dockpit, readFleet } from '../support/fleet.js';
import { sshHostYaml, writeConfig } from '../support/configs.js';

// Done means: an unknown SSH host key is refused with a clear error; a malformed config gives file:line and exit 2.

const fleet = readFleet();

describe('SSH host keys are verified', () => {
  it('connects when known_hosts has the key', async () => {
    const r = await dockpit(['hosts', '--json', '--config', writeConfig(`hosts:\n${sshHostYaml(fleet, 'h3')}\n`)]);
    const [h3] = JSON.parse(r.stdout) as Array<{ state: string; error: string | null }>;
    expect(h3).toMatchObject({ state: 'up', error: null });
  });

  it('refuses a host whose key is not in known_hosts, naming the host and the fingerprint', async () => {
    const empty = writeConfig('', 'known_hosts');
    const r = await dockpit(['hosts', '--json', '--config', writeConfig(`hosts:\n${sshHostYaml(fleet, 'h3', empty)}\n`)]);
    expect(r.code).toBe(0);
    const [h3] = JSON.parse(r.stdout) as Array<{ state: string; error: string }>;
    expect(h3!.state).toBe('down');
    expect(h3!.error).toMatch(/^HOSTKEY_UNKNOWN: host h3 \(10\.231\.\d+\.13\) offered ssh-ed25519 key SHA256:[A-Za-z0-9+/]{43}, which is not in /);
  });

  it('refuses a host whose key changed', async () => {
    // h1's key, filed under h3's address: what a replaced machine (or a man in the middle) looks like.
    const lines = fs.readFileSync(fleet.knownHosts, 'utf8').trim().split('\n');
    const [first, , third] = fleet.hosts;
    const h1Key = lines.find((l) => l.startsWith(`${first!.addr} `))!.split(' ').slice(1).join(' ');
    const forged = writeConfig(`${third!.addr} ${h1Key}\n`, 'known_hosts');
    const r = await dockpit(['hosts', '--json', '--config', writeConfig(`hosts:\n${sshHostYaml(fleet, 'h3', forged)}\n`)]);
    const [h3] = JSON.parse(r.stdout) as Array<{ state: string; error: string }>;
    expect(h3!.state).toBe('down');
    expect(h3!.error).toMatch(/^HOSTKEY_CHANGED: host h3 .* does not match /);
  });
});

describe('a malformed config', () => {
  it('gives file:line, the field, and exit 2 without contacting anything', async () => {
    const file = writeConfig(`hosts:\n  - name: h1\n    url: ftp://${fleet.hosts[0]!.addr}\n`);
    for (const cmd of [['ps', '--json'], ['hosts', '--json'], []]) {
      const r = await dockpit([...cmd, '--config', file]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`${file}:3: hosts[0].url: expected a URL starting with unix://, tcp://, https:// or ssh://`);
    }
  });

  it('reports a YAML syntax error at its line', async () => {
    const file = writeConfig(`hosts:\n  - name: h1\n    url: unix:///x\n    url: unix:///y\n`);
    const r = await dockpit(['ps', '--json', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:4: invalid YAML: Map keys must be unique`);
  });

  it('a missing --config file is exit 2', async () => {
    const r = await dockpit(['ps', '--config', '/nonexistent/dockpit.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/nonexistent/dockpit.yaml: no such file');
  });
});
