import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleModules, moduleTrace, UI_INPUT } from '../support/bundle-modules.js';
import { writeConfig } from '../support/configs.js';
import { docker, dockpit, FLEET_CONFIG, readFleet, removeTestContainers, runContainer, waitFor } from '../support/fleet.js';
import { monitors, waitForAlert } from '../support/monitors.js';
import { metricValue, startReceiver, startWatchProcess, type WatchLine, type WatchProc } from './watch-process.js';

// Issue 15, items 1 and 3: `dockpit watch` is headless (its module graph holds no Ink or React), stops
// cleanly on SIGTERM, refuses bad flags with exit 2, and a webhook receiver that is down blocks nothing: the
// metrics are still served, the alerts still evaluated and sent to Alertmanager, its queue holds at most its bound (5) and drops
// the oldest, counted in dockpit_sink_dropped_total{sink="webhook"}.

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);
const fleetYaml = fs.readFileSync(FLEET_CONFIG, 'utf8');
const procs: WatchProc[] = [];
afterAll(async () => {
  for (const p of procs) await p.stop('SIGKILL');
  await removeTestContainers(hosts);
});

describe('dockpit watch', () => {
  it('loads no Ink or React, logs JSON lines, and exits 0 on SIGTERM; bad flags and config exit 2', async () => {
    const trace = moduleTrace();
    const w = startWatchProcess(['--config', FLEET_CONFIG, '--metrics', '127.0.0.1:0'], { nodeArgs: trace.nodeArgs, env: trace.env });
    procs.push(w);
    const start = await w.line((l) => l.event === 'start');
    expect(start).toMatchObject({ hosts: hosts.length, pid: w.child.pid });
    await w.line((l) => l.event === 'sender.gained'); // file state: the only watch of this jump host sends
    expect(await w.stop('SIGTERM')).toBe(0);
    expect(w.lines.at(-1)).toMatchObject({ event: 'stop', signal: 'SIGTERM', exit: 0 });
    // dist/ is one bundle (issue 16): what matters is which of its modules ran (module-trace.cjs logs them).
    const { bundle, modules } = trace.read();
    trace.dispose();
    expect(bundle).toEqual([path.resolve('dist/dockpit.cjs')]);
    expect(modules).toContain('src/cli/commands/watch.ts'); // the log does see the modules run
    expect(modules.filter((m) => m.startsWith('node_modules/dockerode/')).length).toBeGreaterThan(0);
    const ui = bundleModules(UI_INPUT);
    expect(ui.modules.length).toBeGreaterThan(0);
    expect(ui.eager).toEqual([]); // every UI module is one the log would see run
    expect(modules.filter((m) => UI_INPUT.test(m))).toEqual([]);

    const bad = await dockpit(['watch', '--metrics', 'nine', '--config', FLEET_CONFIG]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--metrics nine: expected HOST:PORT/);
    const badRules = writeConfig(`${fleetYaml}\nalerts:\n  rules:\n    restartLoop: { restarts: -1 }\n`);
    const r = await dockpit(['watch', '--config', badRules]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${badRules}:\\d+`));
  });

  it('a dead webhook receiver blocks nothing: metrics served, alerts evaluated and in Alertmanager, its queue bounded at 5 (oldest dropped, counted)', async () => {
    const receiver = await startReceiver();
    const config = writeConfig(
      `${fleetYaml}\nalerts:\n  evaluateEvery: 250ms\n  sinks:\n    webhook: { url: 'http://127.0.0.1:${receiver.port}/hook', queue: 5, retries: 100, timeout: 1s }\n` +
        `    alertmanager: { url: '${monitors().alertmanager}' }\n`,
    );
    const w = startWatchProcess(['--config', config, '--metrics', '127.0.0.1:0']);
    procs.push(w);
    const { metrics } = await w.line((l) => l.event === 'start');
    const scrape = async () => {
      const t0 = performance.now();
      const text = await (await fetch(`http://${String(metrics)}/metrics`)).text();
      return { text, ms: performance.now() - t0 };
    };
    // Live-restore is off on the fleet's tcp and ssh hosts: two alerts at once, delivered while the receiver is up.
    await waitFor(() => receiver.posts.flatMap((p) => p.transitions).filter((t) => t.alert.rule === 'liveRestoreOff').length >= 2, 20_000);

    await receiver.close();
    // Names of this run only: Alertmanager keeps an earlier run's alerts until their endsAt.
    const run = Math.random().toString(16).slice(2, 6);
    const names = Array.from({ length: 8 }, (_, i) => `wh-${run}-${i}`);
    await Promise.all(names.map((name) => runContainer('h1', { name })));
    await waitFor(async () => metricValue((await scrape()).text, 'dockpit_host_containers_running', { host: 'h1' }) === 8, 20_000, 100);
    await docker('h1', 'kill', ...names);
    const died = (l: WatchLine) => l.event === 'alert' && l.alertname === 'containerDied' && l.kind === 'firing';
    await waitFor(() => w.lines.filter(died).length === 8, 20_000, 50, () => JSON.stringify(w.lines));
    expect(w.lines.filter(died).every((l) => l.sent === true)).toBe(true);
    // The other sink carries on: every one of them is in Alertmanager.
    await Promise.all(names.map((container) => waitForAlert({ alertname: 'containerDied', container }, { state: 'active', timeoutMs: 10_000 })));

    // The receiver is down: the view goes on (the kills are in the metrics, a scrape answers at once) and the
    // queue holds its bound: 8 transitions, 5 kept, 3 dropped (the oldest).
    const { value: after } = await waitFor(async () => {
      const s = await scrape();
      return metricValue(s.text, 'dockpit_sink_dropped_total', { sink: 'webhook' }) === 3 && s;
    }, 20_000, 100);
    expect(after.ms).toBeLessThan(1000);
    expect(metricValue(after.text, 'dockpit_host_containers_running', { host: 'h1' })).toBe(0);
    expect(metricValue(after.text, 'dockpit_sink_queued', { sink: 'webhook' })).toBeLessThanOrEqual(5);
    expect(metricValue(after.text, 'dockpit_sink_up', { sink: 'webhook' })).toBe(0);
    await w.line((l) => l.event === 'sink.failed' && l.sink === 'webhook');

    // Back up: the 5 kept arrive, the 3 oldest never do.
    receiver.posts.length = 0;
    await receiver.reopen();
    const delivered = () => receiver.posts.flatMap((p) => p.transitions).filter((t) => t.alert.rule === 'containerDied');
    await waitFor(() => delivered().length >= 5, 30_000, 100);
    const order = w.lines.filter(died).map((l) => l.key);
    expect(delivered().map((t) => t.alert.key)).toEqual(order.slice(3));
    expect(await w.stop('SIGTERM')).toBe(0);
  });
});
