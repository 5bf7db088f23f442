import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerRows } from '../../src/store/selectors.js';
import { docker, fleetCommand, readFleet, removeTestContainers, runContainer, waitFor } from '../support/fleet.js';
import { watchFleet, type Watch } from '../support/watch.js';

// Done means: an engine killed and restarted: its host goes down, then up, and the containers match
// again, with no duplicate or ghost rows.

const hosts = readFleet().hosts.map((h) => h.name);
let watch: Watch;

async function truthNames(host: string): Promise<string[]> {
  const out = await docker(host, 'ps', '-a', '--format', '{{.Names}}');
  return out ? out.split('\n').sort() : [];
}

describe('an engine killed and restarted', () => {
  beforeAll(async () => {
    await removeTestContainers(hosts);
    for (let i = 0; i < 4; i++) await runContainer('h2', { name: `rs-${i}`, bizline: 'forum', tier: 2 });
    watch = watchFleet({ probeIntervalMs: 500 });
    await watch.engine.settled();
  });
  afterAll(async () => {
    await watch.stop();
    await removeTestContainers(hosts);
  });

  it('goes down, comes back up, and lists exactly what the engine has', async () => {
    expect(watch.names('h2').sort()).toEqual(await truthNames('h2'));
    fleetCommand('stop-engine', 'h2');
    const down = await waitFor(() => watch.store.getState().hosts.h2?.state === 'down', 5000);
    expect(watch.store.getState().hosts.h2?.error).toBeTruthy();
    // Other hosts are not disturbed.
    expect(watch.store.getState().hosts.h1?.state).toBe('up');

    fleetCommand('start-engine', 'h2');
    // The restarted engine stopped the containers (no live-restore on h2); change more while it is back.
    await docker('h2', 'rm', '-f', 'rs-0');
    await runContainer('h2', { name: 'rs-new', bizline: 'forum', tier: 2 });
    const up = await waitFor(() => watch.store.getState().hosts.h2?.state === 'up', 15_000);
    const want = await truthNames('h2');
    await waitFor(() => JSON.stringify(watch.names('h2').sort()) === JSON.stringify(want), 3000);
    const rows = containerRows(watch.store.getState(), { host: 'h2' });
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    expect(rows.map((r) => r.name).sort()).toEqual(want);
    const truthStates = await docker('h2', 'ps', '-a', '--format', '{{.Names}}={{.State}}');
    expect(rows.map((r) => `${r.name}=${r.state}`).sort()).toEqual(truthStates.split('\n').sort());
    console.log(`down after ${down.ms.toFixed(0)} ms, up after ${up.ms.toFixed(0)} ms`);
  });
});
