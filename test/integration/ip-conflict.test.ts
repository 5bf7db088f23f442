import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLedgerPoller, type LedgerPoller } from '../../src/app/ledger-watch.js';
import { detect, type IpReport } from '../../src/pool/detect.js';
import { selectIpAlerts } from '../../src/store/ip-report.js';
import { containerRows } from '../../src/store/selectors.js';
import type { FleetState } from '../../src/store/state.js';
import { writeConfig } from '../support/configs.js';
import { dockpit, readFleet, removeTestContainers, runContainer, waitFor } from '../support/fleet.js';
import { watchFleet, type Watch } from '../support/watch.js';
import { backend, closeTestStates, disposeState, ledgerWhere, putEtcdKey, stateYaml, testState } from '../support/state-backend.js';

// Issue 4, done means: a container started by hand with the docker CLI on an IP already held on another
// host is reported as a conflict within 1 s of its start; and a container whose address is not its
// reservation is reported as drift. On the real fleet, through the engine, the store and `dockpit ip`.
// The state is on the backend under test (state-backend.ts): this file runs on files, on-etcd/ on etcd.

const fleet = readFleet();
const hosts = fleet.hosts.map((h) => h.name);
const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockpit-ip-state-'));
const stateDir = path.join(tmpDir, 'state');
// Files: the state folder is there from the start, so the ledger poller watches it at once.
if (backend === 'file') fs.mkdirSync(stateDir, { mode: 0o700 }); // a state folder open to others is refused (issue 17)
const configFile = writeConfig(
  [
    'hosts:',
    ...fleet.hosts.flatMap((h) => [`  - name: ${h.name}`, `    url: unix://${h.socket}`]),
    stateYaml(stateDir, 'ipc'),
    'ipPools:',
    '  - name: lan',
    `    network: ${fleet.network}`,
    '    driver: bridge',
    '    subnet: 10.88.0.0/16',
    '    gateway: 10.88.0.1',
    '',
  ].join('\n'),
);

let watch: Watch;
let poller: LedgerPoller;

function reportOf(state: FleetState): IpReport {
  return detect({
    hosts: state.hostOrder.map((name) => ({ name, state: state.hosts[name]!.state })),
    containers: containerRows(state),
    pools: state.pools,
    reservations: state.reservations.list,
  });
}

const report = () => reportOf(watch.store.getState());

interface IpJson {
  conflicts: IpReport['conflicts'];
  drift: IpReport['drift'] | null;
  stale: IpReport['stale'] | null;
  pools: Array<{ name: string; used: number }>;
  reservations: Array<{ name: string }> | null;
  ledger: { file: string; error: string | null };
}

async function ipJson(): Promise<IpJson> {
  const r = await dockpit(['ip', '--json', '--config', configFile]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as IpJson;
}

describe('IP conflicts and drift on the real fleet', () => {
  beforeAll(async () => {
    await removeTestContainers(hosts);
    watch = watchFleet({}, configFile);
    poller = startLedgerPoller({ state: testState(configFile), pools: watch.config.pools, emit: watch.sink });
    await watch.engine.settled();
  });
  afterAll(async () => {
    poller?.stop();
    await watch?.stop();
    await removeTestContainers(hosts);
    await disposeState(configFile);
    await closeTestStates();
    fs.rmSync(tmpDir, { recursive: true, force: true });
  });

  it('the same --ip by hand on h1, then on h2: a conflict in the store within 1 s, and in `dockpit ip`', async () => {
    await runContainer('h1', { name: 'ipc-a', ip: '10.88.5.5' });
    await waitFor(() => containerRows(watch.store.getState(), { host: 'h1' }).some((c) => c.name === 'ipc-a' && c.ips.biz === '10.88.5.5'), 2000);
    expect(report().conflicts).toEqual([]);

    await runContainer('h2', { name: 'ipc-b', ip: '10.88.5.5' });
    // Measured from when `docker run` returned: the container is started by then.
    const { value, ms } = await waitFor(() => report().conflicts.find((c) => c.ip === '10.88.5.5' && c.holders.length === 2), 1000, 5);
    console.log(`conflict reported ${ms.toFixed(0)} ms after docker run returned`);
    expect(ms).toBeLessThan(1000);
    expect(value).toMatchObject({ pool: 'lan', network: 'biz', ip: '10.88.5.5' });
    expect(value.holders.map(({ host, name, state }) => ({ host, name, state }))).toEqual([
      { host: 'h1', name: 'ipc-a', state: 'running' },
      { host: 'h2', name: 'ipc-b', state: 'running' },
    ]);
    // The status line's count agrees.
    expect(selectIpAlerts(watch.store.getState()).conflicts).toBe(1);

    const out = await ipJson();
    const conflict = out.conflicts.find((c) => c.ip === '10.88.5.5');
    expect(conflict?.holders.map((h) => `${h.name}@${h.host}:${h.state}`)).toEqual(['ipc-a@h1:running', 'ipc-b@h2:running']);
    expect(conflict!.holders.every((h) => /^[0-9a-f]{64}$/.test(h.id))).toBe(true);
  });

  it('text mode says so on stderr, and still exits 0', async () => {
    const r = await dockpit(['ip', '--config', configFile]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('dockpit: 1 IP conflict: 10.88.5.5 (lan) held by ipc-a on h1 (running), ipc-b on h2 (running)');
    // 65,536 less the subnet's network and broadcast, the gateway, and the network's ip-range 10.88.254.0/24
    // (issue 12: the pool never hands those out).
    expect(r.stdout).toMatch(/^POOL\s+NETWORK\s+SUBNET\s+SIZE\s+USED\s+FREE\nlan\s+biz\s+10\.88\.0\.0\/16\s+65277\s+/);
    expect(r.stdout).toMatch(/conflicts:\nIP\s+POOL\s+HOLDERS\n10\.88\.5\.5\s+lan\s+ipc-a@h1 \(running\), ipc-b@h2 \(running\)/);
  });

  // By hand: ledger.json written with an editor (files), the reservations' keys put with etcdctl (etcd).
  it('a ledger written by hand reserving ipd-x → 10.88.6.6, ipd-x run with 10.88.6.7: drift; a reservation nobody holds: stale', async () => {
    const at = new Date().toISOString();
    const reservations = [
      { name: 'ipd-gone', pool: 'lan', ip: '10.88.6.9', line: null, host: null, at, by: 'test@jump' },
      { name: 'ipd-x', pool: 'lan', ip: '10.88.6.6', line: null, host: 'h3', at, by: 'test@jump' },
    ];
    if (backend === 'file') {
      fs.writeFileSync(path.join(stateDir, 'ledger.json'), `${JSON.stringify({ version: 1, reservations }, null, 2)}\n`);
    } else {
      for (const r of reservations) await putEtcdKey(configFile, `ledger/${r.pool}/${r.name}`, JSON.stringify(r));
    }
    await runContainer('h3', { name: 'ipd-x', ip: '10.88.6.7' });
    const { value, ms } = await waitFor(() => report().drift.find((d) => d.name === 'ipd-x'), 3000, 5);
    console.log(`drift reported ${ms.toFixed(0)} ms after docker run returned (ledger polled, watched)`);
    expect(value).toMatchObject({ host: 'h3', name: 'ipd-x', state: 'running', pool: 'lan', network: 'biz', reserved: '10.88.6.6', actual: '10.88.6.7' });
    expect(selectIpAlerts(watch.store.getState()).drift).toBe(1);

    const out = await ipJson();
    expect(out.ledger).toEqual({ file: ledgerWhere(configFile), error: null });
    expect(out.reservations?.map((r) => r.name)).toEqual(['ipd-gone', 'ipd-x']);
    expect(out.drift?.map(({ host, name, reserved, actual }) => ({ host, name, reserved, actual }))).toEqual([
      { host: 'h3', name: 'ipd-x', reserved: '10.88.6.6', actual: '10.88.6.7' },
    ]);
    expect(out.stale).toEqual({ known: true, reservations: [reservations[0]] });
    // in use: 10.88.5.5 (twice), 10.88.6.7; reserved: 10.88.6.6, 10.88.6.9
    expect(out.pools).toMatchObject([{ name: 'lan', used: 4 }]);
  });
});
