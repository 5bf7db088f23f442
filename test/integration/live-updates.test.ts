import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerRows } from '../../src/store/selectors.js';
import { docker, readFleet, removeTestContainers, runContainer, waitFor } from '../support/fleet.js';
import { watchFleet, type Watch } from '../support/watch.js';

// Done means: a container started, stopped or removed with the docker CLI is in the store within 1 s.

const hosts = readFleet().hosts.map((h) => h.name);
let watch: Watch;

function stateOf(host: string, name: string): string | undefined {
  return containerRows(watch.store.getState(), { host }).find((c) => c.name === name)?.state;
}

describe('the store follows the docker CLI', () => {
  beforeAll(async () => {
    await removeTestContainers(hosts);
    watch = watchFleet();
    await watch.engine.settled();
  });
  afterAll(async () => {
    await watch.stop();
    await removeTestContainers(hosts);
  });

  for (const host of hosts) {
    it(`start, stop and remove on ${host} reach the store within 1 s`, async () => {
      const name = `live-${host}`;
      await runContainer(host, { name, bizline: 'news', tier: 1 });
      const started = await waitFor(() => stateOf(host, name) === 'running', 1000);
      await docker(host, 'stop', '-t', '0', name);
      const stopped = await waitFor(() => stateOf(host, name) === 'exited', 1000);
      await docker(host, 'rm', name);
      const removed = await waitFor(() => stateOf(host, name) === undefined, 1000);
      console.log(`${host}: start ${started.ms.toFixed(0)} ms, stop ${stopped.ms.toFixed(0)} ms, rm ${removed.ms.toFixed(0)} ms`);
      expect(Math.max(started.ms, stopped.ms, removed.ms)).toBeLessThan(1000);
    });
  }

  it('keeps the full row (status, IPs) after an event, from the re-list', async () => {
    await runContainer('h2', { name: 'live-ip', ip: '10.88.3.3' });
    const { value } = await waitFor(
      () => containerRows(watch.store.getState(), { host: 'h2' }).find((c) => c.name === 'live-ip' && c.ips.biz === '10.88.3.3'),
      1000,
    );
    expect(value.status).toMatch(/^Up/);
  });
});
