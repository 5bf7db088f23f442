import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { writeConfig } from '../support/configs.js';
import { docker, FLEET_CONFIG, readFleet, removeTestContainers, runContainer } from '../support/fleet.js';
import { monitors, setPromTargets, waitForAlert, waitForProm } from '../support/monitors.js';
import { startWatchProcess, type WatchProc } from './watch-process.js';

// Issue 15, done means (Alertmanager and Prometheus through `dockpit watch`): a container in a restart loop
// fires restartLoop in Alertmanager's API, resolved there once it is removed; the real Prometheus scrapes
// `watch --metrics`, and a business line's running count drops when two of its containers are stopped.

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);
const procs: WatchProc[] = [];
/** This run's loop: Alertmanager keeps an earlier run's alerts until their endsAt. */
const LOOP = `wm-loop-${Math.random().toString(16).slice(2, 6)}`;
afterAll(async () => {
  setPromTargets([]);
  for (const p of procs) await p.stop('SIGKILL');
  await removeTestContainers(hosts);
});

describe('dockpit watch with the real Alertmanager and Prometheus', () => {
  it('restartLoop fires and resolves in Alertmanager; Prometheus sees a line lose two running containers', async () => {
    const { alertmanager } = monitors();
    const config = writeConfig(
      `${fs.readFileSync(FLEET_CONFIG, 'utf8')}\nalerts:\n  evaluateEvery: 250ms\n  rules:\n    liveRestoreOff: off\n    containerDied: off\n` +
        `    restartLoop: { restarts: 3, within: 10s, clear: 1s, severity: critical }\n  sinks:\n    alertmanager: { url: '${alertmanager}' }\n`,
    );
    const w = startWatchProcess(['--config', config, '--metrics', '127.0.0.1:0']);
    procs.push(w);
    const { metrics } = await w.line((l) => l.event === 'start');
    setPromTargets([String(metrics)]);
    await Promise.all(['wm-1', 'wm-2', 'wm-3'].map((name, i) => runContainer(hosts[i % hosts.length]!, { name, bizline: 'wm', tier: 2 })));

    // Docker restarts it after 100 ms, 200 ms, 400 ms …: three dies within the rule's 10 s in about 2 s.
    await docker('h2', 'run', '-d', '--name', LOOP, '--label', 'dockpit.test=1', '--restart', 'always', fleet.image, 'sh', '-c', 'sleep 0.2; exit 3');
    const t0 = performance.now();
    const fired = await waitForAlert({ alertname: 'restartLoop', container: LOOP, host: 'h2' }, { state: 'active', timeoutMs: 20_000 });
    console.log(`restartLoop active in Alertmanager ${Math.round(performance.now() - t0)} ms after the loop started`);
    expect(fired.labels).toMatchObject({ severity: 'critical' });
    expect(fired.annotations.summary).toContain(`${LOOP} on h2: restart loop`);

    await waitForProm('dockpit_line_containers_running{bizline="wm"}', (v) => v === 3, 20_000);
    await docker('h1', 'stop', '-t', '0', 'wm-1');
    await docker('h2', 'stop', '-t', '0', 'wm-2');
    const t1 = performance.now();
    await waitForProm('dockpit_line_containers_running{bizline="wm"}', (v) => v === 1, 20_000);
    console.log(`Prometheus saw the line's running count drop 3 → 1 ${Math.round(performance.now() - t1)} ms after the stops`);

    await docker('h2', 'rm', '-f', LOOP);
    const t2 = performance.now();
    await waitForAlert({ alertname: 'restartLoop', container: LOOP, host: 'h2' }, { state: 'resolved', timeoutMs: 30_000 });
    console.log(`restartLoop resolved in Alertmanager ${Math.round(performance.now() - t2)} ms after the container was removed`);
    await w.line((l) => l.event === 'alert' && l.kind === 'resolved' && l.alertname === 'restartLoop');
    expect(await w.stop('SIGTERM')).toBe(0);
  });
});
