import { afterAll, describe, expect, it } from 'vitest';
import { dockpit, fleetCommand, readFleet } from '../support/fleet.js';
import { writeConfig } from '../support/configs.js';

// Done means: a host whose address does not answer, or whose dockerd is SIGSTOPped, does not hold
// `dockpit ps --json` back beyond its deadline; it shows `down` with the reason, and the other hosts are complete.

const fleet = readFleet();
const CALL_TIMEOUT = 1500;

const config = writeConfig(`
engine: { callTimeout: ${CALL_TIMEOUT}, connectTimeout: ${CALL_TIMEOUT} }
hosts:
  - name: h1
    url: unix://${fleet.hosts[0]!.socket}
  - name: h2
    url: ${fleet.hosts[1]!.tcp}
  - name: ghost
    url: tcp://${fleet.hosts[0]!.addr.replace(/\.\d+$/, '.99')}:2375
`);

interface HostOut {
  name: string;
  state: string;
  error: string | null;
  containers: { total: number };
}

describe('hosts that do not answer', () => {
  afterAll(() => {
    fleetCommand('thaw', 'h2');
  });

  it('an address that does not answer is down with its reason; the others are complete', async () => {
    const r = await dockpit(['hosts', '--json', '--config', config]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as HostOut[];
    const ghost = out.find((h) => h.name === 'ghost')!;
    expect(ghost.state).toBe('down');
    expect(ghost.error).toMatch(/^(TIMEOUT|UNREACHABLE):/);
    expect(out.filter((h) => h.name !== 'ghost').map((h) => h.state)).toEqual(['up', 'up']);
    // The deadline plus process start, not a TCP timeout of minutes.
    expect(r.ms).toBeLessThan(CALL_TIMEOUT + 2500);
  });

  it('a SIGSTOPped dockerd is down with TIMEOUT; ps --json lists the other hosts completely and warns of it on stderr', async () => {
    const before = JSON.parse((await dockpit(['ps', '--json', '--config', config])).stdout) as Array<{ host: string }>;
    fleetCommand('freeze', 'h2');
    const r = await dockpit(['ps', '--json', '--config', config]);
    const hostsOut = JSON.parse((await dockpit(['hosts', '--json', '--config', config])).stdout) as HostOut[];
    fleetCommand('thaw', 'h2');
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(CALL_TIMEOUT + 2500);
    const rows = JSON.parse(r.stdout) as Array<{ host: string }>;
    expect(rows.filter((c) => c.host === 'h1')).toEqual(before.filter((c) => c.host === 'h1'));
    expect(rows.filter((c) => c.host === 'h2')).toEqual([]);
    // stdout is the JSON a script parses; stderr says that it lacks h2, and why.
    expect(r.stderr).toMatch(/^warning: host h2 is down: TIMEOUT: /m);
    const h2 = hostsOut.find((h) => h.name === 'h2')!;
    expect(h2.state).toBe('down');
    expect(h2.error).toMatch(/^TIMEOUT:/);
  });
});
