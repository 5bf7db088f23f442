import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAOS_FULL, chaosSeed, rng } from '../support/chaos.js';
import { docker, dockpit, readFleet, TEST_LABEL } from '../support/fleet.js';
import { poolConfig, removeByPrefix } from '../support/pool-config.js';
import { closeTestStates, testState } from '../support/state-backend.js';

// Issue 13, item 4 (finding 3): `dockpit run` and, moments later on another host, a hand-made
// `docker run --ip <the address it takes>`. Each engine allocates addresses alone, so only a census of every
// host after the start can see it: `run` never exits 0 while another running container holds its address;
// when it finds one it exits 5, names both holders, stops its own container and keeps the reservation.
// The hand container starts at seeded moments around dockpit's start (3 here, 10 under `npm run chaos`).

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);
const P = 'pzr-';
const NAME = `${P}race`;
const POOLS = poolConfig(`ipPools:
  - name: lan
    network: biz
    driver: bridge
    subnet: 10.88.0.0/16
    gateway: 10.88.0.1
    ranges: { pzr: 10.88.70.0/24 }
lines:
  pzr: { tier: 1, pool: lan, hosts: [h1] }
`);
const CONFIG = POOLS.file;
const SEED = chaosSeed();
const TRIES = CHAOS_FULL ? 10 : 3;

interface RunJson {
  host: string;
  ip: string;
  id: string;
  verifiedAt?: string;
  conflict?: { others: { host: string; name: string; id: string }[]; container: string };
}

const run = (...extra: string[]) => dockpit(['run', '--config', CONFIG, '--name', NAME, '--line', 'pzr', '--json', ...extra, fleet.image, 'sleep', '86400']);

/** The hand container on h2 with `ip`, after `delayMs`; its start time (engine clock) or null if the engine refused it. */
async function handAfter(delayMs: number, name: string, ip: string): Promise<number | null> {
  await new Promise((r) => setTimeout(r, delayMs));
  try {
    await docker('h2', 'run', '-d', '--stop-timeout', '1', '--name', name, '--label', `${TEST_LABEL}=1`, '--network', 'biz', '--ip', ip, fleet.image, 'sleep', '86400');
  } catch {
    return null; // the engine refused the address: nothing holds it on h2
  }
  return Date.parse(await docker('h2', 'inspect', '-f', '{{.State.StartedAt}}', name));
}

describe('dockpit run verifies its address after the start (issue 13, item 4)', () => {
  beforeAll(async () => {
    console.log(`run-address-race: DOCKPIT_CHAOS_SEED=${SEED}`);
    await removeByPrefix(hosts, P);
  });
  afterAll(async () => {
    await removeByPrefix(hosts, P);
    await POOLS.dispose();
    await closeTestStates();
  });

  it('never exits 0 while another running container anywhere holds its address', async () => {
    // A first run reserves the name's address; every try after it gets the same one (its reservation).
    const first = await run();
    expect(first.code, first.stderr).toBe(0);
    const { ip } = JSON.parse(first.stdout) as RunJson;
    await docker('h1', 'rm', '-f', NAME);

    const random = rng(SEED);
    // Spread over dockpit's own time to its start (about 1 s here): before its snapshot, between snapshot
    // and start, during the census, after it.
    const delays = Array.from({ length: TRIES }, (_, i) => Math.round(((i + random()) / TRIES) * 2600));
    const outcomes: string[] = [];
    for (const [i, delay] of delays.entries()) {
      const hand = `${P}hand-${i}`;
      const [r, handStart] = await Promise.all([run(), handAfter(delay, hand, ip)]);
      const why = `try ${i} (hand after ${delay} ms): exit ${r.code}\n${r.stderr}`;
      if (r.code === 0) {
        const got = JSON.parse(r.stdout) as RunJson;
        expect(got.verifiedAt, why).toBeDefined();
        // Exit 0 is honest only if the hand container did not hold the address when the census began.
        if (handStart !== null && got.ip === ip) expect(handStart, why).toBeGreaterThan(Date.parse(got.verifiedAt!));
        outcomes.push(handStart === null ? 'ok (hand refused)' : got.ip === ip ? 'ok (hand after census)' : 'ok (other address)');
      } else if (r.code === 1) {
        // The hand container was there before dockpit's snapshot: the placement refused, nothing was created.
        expect(r.stderr, why).toMatch(new RegExp(`reserved address ${ip.replace(/\./g, '\\.')} is in use by ${hand} on h2`));
        expect(await docker('h1', 'ps', '-aq', '--filter', `name=^${NAME}$`), why).toBe('');
        outcomes.push('refused before placing (exit 1)');
      } else {
        expect(r.code, why).toBe(5);
        const got = JSON.parse(r.stdout) as RunJson;
        expect(got.conflict?.others.map((o) => `${o.host}/${o.name}`), why).toEqual([`h2/${hand}`]);
        expect(r.stderr, why).toMatch(new RegExp(`${ip.replace(/\./g, '\\.')} is held by two running containers: h1/${NAME} .*h2/${hand}`));
        expect(got.conflict?.container, why).toBe('stopped');
        expect(await docker('h1', 'inspect', '-f', '{{.State.Running}}', NAME), why).toBe('false');
        outcomes.push('conflict (exit 5)');
      }
      await Promise.all([docker('h1', 'rm', '-f', NAME).catch(() => ''), docker('h2', 'rm', '-f', hand).catch(() => '')]);
    }
    console.log(`run-address-race: ${delays.map((d, i) => `${d} ms → ${outcomes[i]}`).join('; ')}`);
    // The address stays the name's through every conflict.
    const reservation = (await testState(CONFIG).ledger.list()).find((e) => e.name === NAME);
    expect(reservation?.ip).toBe(ip);
    // Each failure is in the audit log with both holders.
    const failed = (await testState(CONFIG).audit.read()).filter((e) => e.action === 'container.run' && e.outcome === 'failed');
    expect(failed.length).toBe(outcomes.filter((o) => o.startsWith('conflict')).length);
  }, 120_000);
});
