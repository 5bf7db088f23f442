import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockpit, FLEET_DIR, readFleet } from '../support/fleet.js';
import { writeConfig } from '../support/configs.js';

// Issue 16, item 3 and its Done-means line: `dockpit config check` on a good config (exit 0), a bad one
// (file:line, exit 2, nothing contacted) and one with a host that does not answer (exit 1, its row says so).

const fleet = readFleet();
/** The fleet's config with every transport: unix, tcp, ssh, and the TLS-only engine t1. */
const ALL_TRANSPORTS = path.join(FLEET_DIR, 'dockpit-tls.yaml');

interface CheckJson {
  config: string;
  valid: boolean;
  ok: boolean;
  hosts: Array<{ name: string; transport: string; address: string; ok: boolean; engineVersion: string | null; latencyMs: number | null; error: string | null }>;
  error?: { file: string; line: number; field: string; message: string };
}

/** The table's row of a host, split into its columns (HOST TRANSPORT ADDRESS RESULT). */
const row = (stdout: string, host: string) => stdout.split('\n').find((l) => l.startsWith(`${host} `))?.split(/\s{2,}/);

describe('dockpit config check', () => {
  it('a good config: a row per host with its engine version and latency, exit 0; --json the same', async () => {
    const text = await dockpit(['config', 'check', '--config', ALL_TRANSPORTS]);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(/^HOST\s+TRANSPORT\s+ADDRESS\s+RESULT$/);
    expect(row(text.stdout, 'h1')?.slice(0, 3)).toEqual(['h1', 'unix', fleet.hosts[0]!.socket]);
    expect(row(text.stdout, 'h2')?.slice(0, 3)).toEqual(['h2', 'tcp', `${fleet.hosts[1]!.addr}:2375`]);
    expect(row(text.stdout, 'h3')?.slice(0, 3)).toEqual(['h3', 'ssh', `root@${fleet.hosts[2]!.addr}:22 → ${fleet.hosts[2]!.socket}`]);
    expect(row(text.stdout, 't1')?.[1]).toBe('tls');
    for (const h of ['h1', 'h2', 'h3', 't1']) expect(row(text.stdout, h)?.slice(3).join('  ')).toMatch(/^ok {2}engine \S+ \(API 1\.\d+\) {2}[\d.]+m?s$/);
    expect(text.stdout).toContain(`config ${ALL_TRANSPORTS}: valid; all 4 hosts answered`);

    const json = await dockpit(['config', 'check', '--json', '--config', ALL_TRANSPORTS]);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout) as CheckJson;
    expect(out).toMatchObject({ config: ALL_TRANSPORTS, valid: true, ok: true });
    expect(out.hosts.map((h) => [h.name, h.transport, h.ok, h.error])).toEqual([
      ['h1', 'unix', true, null],
      ['h2', 'tcp', true, null],
      ['h3', 'ssh', true, null],
      ['t1', 'tls', true, null],
    ]);
    for (const h of out.hosts) {
      expect(h.engineVersion).toMatch(/^\d+\.\d+/);
      expect(h.latencyMs).toBeGreaterThan(0);
    }
  });

  it('a bad config: the file:line error, exit 2, nothing contacted; --json says the same', async () => {
    const bad = writeConfig(['hosts:', `  - name: h1`, `    url: unix://${fleet.hosts[0]!.socket}`, '  - name: h2', '    url: ftp://10.0.0.1', ''].join('\n'));
    const text = await dockpit(['config', 'check', '--config', bad]);
    expect(text.code).toBe(2);
    expect(text.stdout).toBe('');
    expect(text.stderr).toMatch(new RegExp(`^dockpit: ${bad}:5: hosts\\[1\\]\\.url: expected a URL`));

    const json = await dockpit(['config', 'check', '--json', '--config', bad]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ config: bad, valid: false, ok: false, error: { file: bad, line: 5, field: 'hosts[1].url' } });
  });

  it('a host that does not answer: its row says why, the others are ok, exit 1 within the deadline', async () => {
    // An address on the fleet's LAN where nothing listens (as unreachable-hosts.test.ts). The default
    // timeouts (3 s): shorter ones failed the real hosts too on this machine under load.
    const ghost = `${fleet.hosts[0]!.addr.replace(/\.\d+$/, '.99')}:2375`;
    const config = writeConfig(
      [
        'hosts:',
        `  - { name: h1, url: "unix://${fleet.hosts[0]!.socket}" }`,
        `  - { name: ghost, url: "tcp://${ghost}" }`,
        `  - { name: h2, url: "${fleet.hosts[1]!.tcp}" }`,
        '',
      ].join('\n'),
    );
    // What starting dockpit costs on this machine now (a loaded machine takes seconds), for the bound below.
    const start = await dockpit(['--version']);
    const r = await dockpit(['config', 'check', '--config', config]);
    expect(r.code, r.stdout).toBe(1);
    expect(row(r.stdout, 'ghost')?.slice(0, 3)).toEqual(['ghost', 'tcp', ghost]);
    // The call's deadline, or the kernel giving up on the address (no ARP answer, about 3 s): whichever is first.
    expect(row(r.stdout, 'ghost')?.slice(3).join('  ')).toMatch(/^FAILED {2}(TIMEOUT: no answer in 3000 ms|UNREACHABLE: .*EHOSTUNREACH)/);
    expect(row(r.stdout, 'h1')?.[3], r.stdout).toMatch(/^ok/);
    expect(row(r.stdout, 'h2')?.[3], r.stdout).toMatch(/^ok/);
    expect(r.stdout).toContain('valid; 1 of 3 hosts did not answer: ghost');
    // The deadline plus process start, not a TCP timeout of minutes.
    expect(r.ms).toBeLessThan(3000 + 3000 + 2 * start.ms);
  });
});
