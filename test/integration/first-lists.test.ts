import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load-config.js';
import type { FleetConfig } from '../../src/config/types.js';
import { Worker } from 'node:worker_threads';
import { FIRST_LISTS_BUNDLE, firstListsInput, startFirstLists } from '../../src/engine/first-lists.js';
import type { FirstListAnswer, FirstListResult } from '../../src/engine/first-lists-types.js';
import { FleetEngine } from '../../src/engine/fleet-engine.js';
import { createCoalescer, createFleetStore } from '../../src/store/fleet-store.js';
import { containerRows } from '../../src/store/selectors.js';
import { writeConfig } from '../support/configs.js';
import { docker, dockerTls, FLEET_CONFIG, readFleet, removeTestContainers, runContainer, waitFor } from '../support/fleet.js';

// Issue 16: at launch, the cockpit's first lists of many hosts are taken on a worker thread (src/engine/first-lists.ts,
// the bundle dist/dockpit-lists.cjs that `npm run build` makes) while the main thread loads the cockpit. On the
// test fleet's four engines (h1 unix, h2 tcp, h3 ssh, t1 https with client certificates):
// - the worker lists every host but the SSH one, and its lists are what the engines hold;
// - it trusts only the configured CA, as the host's own connection does;
// - each host's connection begins at describe(), and a host the worker could not list begins at once;
// - after describe() the connections follow the engines' events as without the worker.

const fleet = readFleet();
const t1 = fleet.tlsHost;
const source = fs.readFileSync(path.resolve('dist', FIRST_LISTS_BUNDLE), 'latin1');
const P = 'first-lists-';

function listAll(config: FleetConfig): Promise<Map<string, FirstListResult>> {
  return new Promise((resolve) => {
    const results = new Map<string, FirstListResult>();
    const lists = startFirstLists(config, { minHosts: 1, source });
    expect(lists).not.toBeNull();
    lists!.listen((r) => {
      results.set(r.host, r);
      if (results.size === lists!.hosts.size) resolve(results);
    });
  });
}

/** The engine's container ids, by `docker ps -a` on the host (t1 over its TLS client). */
async function idsOn(host: string): Promise<string[]> {
  const out = host === 't1' ? await dockerTls('ps', '-aq', '--no-trunc') : await docker(host, 'ps', '-aq', '--no-trunc');
  return out.split('\n').filter(Boolean).sort();
}

/** A store and a cockpit-style engine (listsFirst) on `cfg`, its worker from `minHosts` hosts; started. */
function startEngine(cfg: FleetConfig, minHosts: number) {
  const store = createFleetStore();
  const coalescer = createCoalescer(store);
  const engine = new FleetEngine(cfg, coalescer.sink, { listsFirst: true, firstLists: startFirstLists(cfg, { minHosts, source }) });
  engine.start();
  return {
    store,
    coalescer,
    engine,
    async stop() {
      await engine.stop();
      coalescer.stop();
    },
  };
}

describe('first lists on a worker thread', () => {
  const config = loadConfigFile(t1.config);
  beforeAll(async () => {
    await removeTestContainers(['h1', 'h2', 'h3']);
    await runContainer('h1', { name: `${P}a`, bizline: 'news', tier: 1 });
    await runContainer('h2', { name: `${P}b`, bizline: 'forum', tier: 2 });
  });
  afterAll(() => removeTestContainers(['h1', 'h2', 'h3']));

  it('lists every host but the SSH one, as the engines hold them', async () => {
    const results = await listAll(config);
    expect([...results.keys()].sort()).toEqual(['h1', 'h2', 't1']);
    for (const [host, r] of results) {
      if (!r.ok) throw new Error(`${host}: ${r.error}`);
      expect(r.containers.map((c) => c.id).sort()).toEqual(await idsOn(host));
      expect(r.containers.every((c) => c.host === host)).toBe(true);
    }
    const a = (results.get('h1') as Extract<FirstListResult, { ok: true }>).containers.find((c) => c.name === `${P}a`);
    expect(a).toMatchObject({ state: 'running', bizline: 'news', tier: 1 });
  });

  it('takes over the launcher\'s worker: the hosts it was sent already are not sent again, results that came first are kept', async () => {
    const config = loadConfigFile(t1.config);
    const input = firstListsInput(config);
    // As scripts/launch.cjs does: the worker started, h1 (as kept by an earlier launch) sent, its results kept.
    const worker = new Worker(source, { eval: true });
    const sent = { ...input, hosts: input.hosts.filter((h) => h.name === 'h1') };
    const kept: FirstListAnswer[] = [];
    const keep = (a: FirstListAnswer) => kept.push(a);
    worker.on('message', keep);
    worker.postMessage(sent);
    await waitFor(() => kept.length === 1, 5000);
    let asked = 0;
    const post = worker.postMessage.bind(worker);
    worker.postMessage = (m: { hosts: unknown[] }) => {
      asked += m.hosts.length;
      post(m);
    };
    const launched = { worker, sent, early: () => (worker.off('message', keep), kept.splice(0)) };
    const lists = startFirstLists(config, { minHosts: 1, launched })!;
    const results: FirstListResult[] = [];
    lists.listen((r) => results.push(r));
    await waitFor(() => results.length === 3, 5000);
    expect(asked).toBe(2); // h2 and t1: h1 was asked by the launcher
    expect(results.map((r) => `${r.host} ${r.ok}`).sort()).toEqual(['h1 true', 'h2 true', 't1 true']);
    await waitFor(() => worker.threadId === -1, 5000); // ended once every host has answered
  });

  it('refuses an https engine as its own connection does: another CA, no client certificate, a certificate for another name', async () => {
    const t1With = (url: string, tls: string, name: string) =>
      loadConfigFile(writeConfig(`hosts:\n  - name: t1\n    url: ${url}\n    tls: ${tls}\n`, `first-lists-${name}.yaml`));
    const cases = [
      { config: t1With(t1.url, `{ ca: ${t1.otherCa}, cert: ${t1.cert}, key: ${t1.key} }`, 'wrong-ca'), error: /unable to verify the first certificate/ },
      { config: t1With(t1.url, `{ ca: ${t1.ca} }`, 'no-cert'), error: /certificate required|alert/i },
      { config: t1With(t1.otherNameUrl, `{ ca: ${t1.ca}, cert: ${t1.cert}, key: ${t1.key} }`, 'other-name'), error: /altnames|not in the cert/i },
    ];
    for (const c of cases) {
      const r = (await listAll(c.config)).get('t1');
      expect(r?.ok).toBe(false);
      expect(r?.ok === false && r.error).toMatch(c.error);
    }
    // And with the right ones, it lists.
    expect((await listAll(loadConfigFile(t1.config))).get('t1')?.ok).toBe(true);
  });

  it('begins each connection at describe(), at once for a host the worker could not list, and then follows events', async () => {
    // h1 and h2 as configured, and a tcp:// host nothing listens on.
    const base = loadConfigFile(FLEET_CONFIG);
    const refused = { ...base.hosts.find((h) => h.name === 'h2')!, name: 'gone', url: 'tcp://127.0.0.1:9', endpoint: { kind: 'tcp' as const, host: '127.0.0.1', port: 9 } };
    const cfg: FleetConfig = { ...base, hosts: [...base.hosts.filter((h) => h.name === 'h1' || h.name === 'h2'), refused] };
    const { store, coalescer, engine, stop } = startEngine(cfg, 1);
    try {
      await engine.listed();
      coalescer.flush();
      const s = store.getState();
      expect(containerRows(s, { host: 'h1' }).map((c) => c.name)).toContain(`${P}a`);
      expect(containerRows(s, { host: 'h2' }).map((c) => c.name)).toContain(`${P}b`);
      expect(s.hosts.h1?.state).toBe('up');
      // The listed hosts' connections wait for describe(); the refused host's began at once and says why.
      expect(engine.connections.get('h1')!.begun).toBe(false);
      expect(engine.connections.get('h2')!.begun).toBe(false);
      expect(engine.connections.get('gone')!.begun).toBe(true);
      expect(s.hosts.gone?.state).toBe('down');
      expect(s.hosts.gone?.error).toMatch(/^REFUSED:/);

      engine.describe();
      await waitFor(() => engine.connections.get('h1')!.client !== null && engine.connections.get('h2')!.client !== null, 5000);
      await runContainer('h2', { name: `${P}later`, bizline: 'forum', tier: 2 });
      await waitFor(() => containerRows(store.getState(), { host: 'h2' }).some((c) => c.name === `${P}later` && c.state === 'running'), 2000);
      expect(store.getState().hosts.h2?.engineVersion).toBeTruthy();
    } finally {
      await stop();
    }
  });

  it('begins the listed hosts\' connections in waves, and stop() ends those still waiting at once', async () => {
    // h1's engine under twelve names: every one listed by the worker, so every connection waits for describe().
    const base = loadConfigFile(FLEET_CONFIG);
    const h1 = base.hosts.find((h) => h.name === 'h1')!;
    const cfg: FleetConfig = { ...base, hosts: Array.from({ length: 12 }, (_, i) => ({ ...h1, name: `w${i}` })) };
    const { engine, stop } = startEngine(cfg, 1);
    const begun = () => [...engine.connections.values()].filter((c) => c.begun).length;
    try {
      await engine.listed();
      expect(begun()).toBe(0);
      engine.describe();
      for (let i = 0; i < 5; i++) await Promise.resolve(); // microtasks only: no timer, so no second wave, can run
      expect(begun()).toBe(5); // the first wave
      await waitFor(() => begun() === 12, 2000);
      await waitFor(() => [...engine.connections.values()].every((c) => c.client !== null), 5000);
    } finally {
      await stop();
    }
    // Stopped before describe(): nothing waits for a wave.
    const early = startEngine(cfg, 1);
    await early.engine.listed();
    const t0 = performance.now();
    await early.stop();
    expect([...early.engine.connections.values()].every((c) => c.begun)).toBe(true);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('an action right after the first frame waits for its host: begun ahead of its wave; a down host fails at once', async () => {
    const base = loadConfigFile(FLEET_CONFIG);
    const h1 = base.hosts.find((h) => h.name === 'h1')!;
    const refused = { ...base.hosts.find((h) => h.name === 'h2')!, name: 'gone', url: 'tcp://127.0.0.1:9', endpoint: { kind: 'tcp' as const, host: '127.0.0.1', port: 9 } };
    const cfg: FleetConfig = { ...base, hosts: [...Array.from({ length: 12 }, (_, i) => ({ ...h1, name: `w${i}` })), refused] };
    const { engine, stop } = startEngine(cfg, 1);
    try {
      // Asked while its first session is still connecting: the reason it failed, not a wait for the timeout.
      const t0 = performance.now();
      await expect(engine.clientSoon('gone', 5000)).rejects.toMatchObject({ code: 'REFUSED' });
      expect(performance.now() - t0).toBeLessThan(2500);
      await expect(engine.clientSoon('gone', 5000)).rejects.toThrow('host gone is not connected'); // down: at once
      await expect(engine.clientSoon('nowhere', 5000)).rejects.toThrow('host nowhere is not connected');

      await engine.listed();
      engine.describe();
      const soon = engine.clientSoon('w11', 5000);
      for (let i = 0; i < 5; i++) await Promise.resolve(); // microtasks only: the first wave is w0–w4
      expect(engine.connections.get('w11')!.begun).toBe(true);
      expect(engine.connections.get('w10')!.begun).toBe(false);
      const client = await soon;
      expect(String(await client.ping())).toBe('OK');
      expect(await engine.clientSoon('w11', 5000)).toBe(client); // connected: at once, the same client
    } finally {
      await stop();
    }
  });

  it('without the worker (fewer hosts than minHosts) every connection begins at once', async () => {
    const { engine, stop } = startEngine(loadConfigFile(t1.config), 99);
    try {
      await engine.listed();
      expect([...engine.connections.values()].every((c) => c.begun)).toBe(true);
    } finally {
      await stop();
    }
  });
});
