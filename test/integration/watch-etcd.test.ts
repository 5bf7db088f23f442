import { afterAll, describe, expect, it } from 'vitest';
import { docker, readFleet, removeTestContainers, runContainer, waitFor } from '../support/fleet.js';
import { monitors, waitForAlert } from '../support/monitors.js';
import { configWithState, etcdStateYaml, freshPrefix } from '../support/team.js';
import { startReceiver, startWatchProcess, type WatchLine, type WatchProc } from './watch-process.js';

// Issue 15, item 5 (done means): two `dockpit watch` on one etcd state elect one sender through a lease.
// Both evaluate; each alert reaches the webhook receiver from the sender only, once, and Alertmanager. The sender killed with -9,
// the other takes over within the lease TTL and sends.

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);
const TTL_MS = 4000;
const procs: WatchProc[] = [];
/** This run's containers: Alertmanager keeps an earlier run's alerts until their endsAt. */
const RUN = Math.random().toString(16).slice(2, 6);
const [C1, C2] = [`we-${RUN}-1`, `we-${RUN}-2`];
afterAll(async () => {
  for (const p of procs) await p.stop('SIGKILL');
  await removeTestContainers(hosts);
});

const firing = (key: string) => (l: WatchLine) => l.event === 'alert' && l.kind === 'firing' && l.key === key;

describe('one sender per team (etcd state)', () => {
  it('each alert is sent by the sender only; the sender killed, the other sends within the TTL', async () => {
    const receiver = await startReceiver();
    const config = configWithState(
      etcdStateYaml(freshPrefix('watch')),
      `alerts:\n  evaluateEvery: 250ms\n  rules:\n    liveRestoreOff: off\n  sinks:\n    webhook: { url: 'http://127.0.0.1:${receiver.port}/hook', timeout: 1s }\n` +
        `    alertmanager: { url: '${monitors().alertmanager}' }\n`,
    );
    const env = { DOCKPIT_SENDER_TTL_MS: String(TTL_MS) };
    const a = startWatchProcess(['--config', config], { env });
    procs.push(a);
    await a.line((l) => l.event === 'sender.gained');
    const b = startWatchProcess(['--config', config], { env });
    procs.push(b);
    await b.line((l) => l.event === 'start');

    await runContainer('h1', { name: C1 });
    await runContainer('h1', { name: C2 });
    const keyOf = async (w: WatchProc, name: string) => String((await w.line((l) => l.event === 'alert' && l.alertname === 'containerDied' && (l.labels as Record<string, string>).container === name)).key);
    await docker('h1', 'kill', C1);
    const k1 = await keyOf(a, C1);
    expect((await a.line(firing(k1))).sent).toBe(true);
    expect((await b.line(firing(k1))).sent).toBe(false); // B evaluates too, and sends nothing
    const received = (key: string) => receiver.posts.flatMap((p) => p.transitions).filter((t) => t.alert.key === key && t.kind === 'firing');
    await waitFor(() => received(k1).length === 1, 10_000);
    await waitForAlert({ alertname: 'containerDied', container: C1 }, { state: 'active', timeoutMs: 10_000 });
    expect(b.lines.some((l) => l.event === 'sender.gained')).toBe(false);

    const t0 = performance.now();
    a.child.kill('SIGKILL');
    await b.line((l) => l.event === 'sender.gained', TTL_MS + 5000);
    const takeoverMs = performance.now() - t0;
    console.log(`sender takeover after kill -9: ${Math.round(takeoverMs)} ms (lease TTL ${TTL_MS} ms)`);
    expect(takeoverMs).toBeLessThan(TTL_MS + 1000);

    await docker('h1', 'kill', C2);
    const k2 = await keyOf(b, C2);
    expect((await b.line(firing(k2))).sent).toBe(true);
    await waitFor(() => received(k2).length === 1, 10_000);
    await waitForAlert({ alertname: 'containerDied', container: C2 }, { state: 'active', timeoutMs: 10_000 });
    console.log(`the new sender's first alert in Alertmanager ${Math.round(performance.now() - t0)} ms after the old one was killed`);
    // Over the whole test: one firing POST per alert (B re-sent we-1 as a refresh on taking over, not as new).
    expect(received(k1)).toHaveLength(1);
    expect(await b.stop('SIGTERM')).toBe(0);
    await receiver.close();
  });
});
