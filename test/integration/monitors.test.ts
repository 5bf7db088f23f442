import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { fleetCommand } from '../support/fleet.js';
import {
  monitors,
  psql,
  setPromTargets,
  waitForAlert,
  waitForProm,
  waitForZabbixHistory,
  zabbixEnsureHost,
  zabbixSend,
} from '../support/monitors.js';

// Issue 15: the fleet's monitoring services answer, and test/support/monitors.ts reads back what is sent to them.
// dockpit's own sinks are tested against these services by their own tests; here only the services and the helpers.

const run = `m${process.pid}`; // labels, hosts and series of this run only: the services live as long as the fleet

describe('monitoring services of the test fleet', () => {
  let metrics: http.Server | undefined;
  afterAll(async () => {
    setPromTargets([]);
    await new Promise<void>((resolve) => (metrics ? metrics.close(() => resolve()) : resolve()));
  });

  it('Alertmanager keeps a POSTed alert and drops it once it is resolved', async () => {
    const labels = { alertname: 'FleetMonitorsTest', run, severity: 'warning' };
    const startsAt = new Date().toISOString(); // kept when resolving: Alertmanager refuses endsAt before startsAt (400)
    const post = (endsAt?: string) =>
      fetch(`${monitors().alertmanager}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ labels, annotations: { summary: 'from monitors.test' }, startsAt, ...(endsAt ? { endsAt } : {}) }]),
      });
    expect((await post()).status).toBe(200);
    const alert = await waitForAlert(labels, { state: 'active', timeoutMs: 5_000 });
    expect(alert.labels).toEqual(labels);
    expect(alert.annotations.summary).toBe('from monitors.test');
    expect(Date.parse(alert.endsAt)).toBeGreaterThan(Date.now()); // no endsAt sent: now + resolve_timeout
    // A dockpit in a jump host reaches Alertmanager (and the Zabbix trapper) on the LAN address.
    const { alertmanagerLan, zabbix } = monitors();
    const fromJump = fleetCommand('jump-exec', 'j1', 'curl', '-sf', '--max-time', '3', `${alertmanagerLan}/api/v2/alerts?filter=run="${run}"`);
    expect((JSON.parse(fromJump) as Array<{ fingerprint: string }>).map((a) => a.fingerprint)).toEqual([alert.fingerprint]);
    fleetCommand('jump-exec', 'j1', 'bash', '-c', `exec 3<>/dev/tcp/${zabbix.serverLan.replace(':', '/')}`);

    expect((await post(new Date().toISOString())).status).toBe(200);
    expect(await waitForAlert(labels, { state: 'resolved', timeoutMs: 5_000 })).toBeNull();
  });

  it('Prometheus scrapes a /metrics server named in its targets file, and promQuery reads the value', async () => {
    let value = 42;
    metrics = http.createServer((req, res) => {
      if (req.url !== '/metrics') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(`# TYPE fleet_monitors_test gauge\nfleet_monitors_test{run="${run}"} ${value}\n`);
    });
    await new Promise<void>((resolve) => metrics?.listen(0, '127.0.0.1', resolve));
    const { port } = metrics.address() as AddressInfo;
    setPromTargets([`127.0.0.1:${port}`]);

    const expr = `fleet_monitors_test{job="dockpit", run="${run}"}`;
    expect(await waitForProm(expr, (v) => v === 42, 10_000)).toBe(42);
    value = 7;
    expect(await waitForProm(expr, (v) => v === 7, 5_000)).toBe(7);
  });

  it('Zabbix: a host and trapper items made by SQL take values over the trapper protocol, read back from history', async () => {
    expect(await psql('SELECT mandatory FROM dbversion')).toBe('6000000'); // the package's 6.0 schema
    const host = `dockpit-${run}`;
    await zabbixEnsureHost(host, [{ key: 'dockpit.running', valueType: 'uint' }, 'dockpit.alert']);
    await zabbixEnsureHost(host, ['dockpit.alert']); // again: nothing is duplicated
    expect(await psql(`SELECT count(*) FROM items i JOIN hosts h USING (hostid) WHERE h.host = '${host}'`)).toBe('2');

    const clock = Math.floor(Date.now() / 1000);
    const sent = await zabbixSend([
      { host, key: 'dockpit.running', value: '3', clock },
      { host, key: 'dockpit.alert', value: 'RestartLoop h1/web firing', clock },
      { host, key: 'dockpit.unknown', value: '1', clock },
    ]);
    expect(sent).toMatchObject({ response: 'success', processed: 2, failed: 1, total: 3 });

    const running = await waitForZabbixHistory(host, 'dockpit.running', (r) => r.length > 0, { sinceSec: clock, timeoutMs: 10_000 });
    expect(running.map((r) => [r.clock, r.value])).toEqual([[clock, '3']]);
    const alerts = await waitForZabbixHistory(host, 'dockpit.alert', (r) => r.length > 0, { sinceSec: clock, timeoutMs: 10_000 });
    expect(alerts.map((r) => r.value)).toEqual(['RestartLoop h1/web firing']);
  });
});
