import { describe, expect, it } from 'vitest';
import { parseCli, USAGE } from '../../src/cli/args.js';
import { ipJson } from '../../src/cli/commands/ip.js';
import { conflictText } from '../../src/render/ip-lines.js';
import { UsageError } from '../../src/config/config-error.js';
import type { FleetConfig } from '../../src/config/types.js';
import { defaultAlertsConfig } from '../../src/alerts/rules-config.js';
import { DEFAULT_LABELS, DEFAULT_TUNING } from '../../src/config/types.js';
import { detect } from '../../src/pool/detect.js';
import { hostRows } from '../../src/store/selectors.js';
import { container, hostUp, listed, stateOf } from './fixtures.js';
import { LAN, pools, reservation } from './ip-fixtures.js';

// Issue 4: `dockpit ip [--json]`: its arguments and its JSON.

describe('dockpit ip: arguments', () => {
  it('takes --json and nothing else', () => {
    expect(parseCli(['ip'])).toMatchObject({ command: 'ip', json: false });
    expect(parseCli(['ip', '--json', '--config', 'f.yaml'])).toMatchObject({ command: 'ip', json: true, config: 'f.yaml' });
    expect(() => parseCli(['ip', '--host', 'h1'])).toThrow(UsageError);
    expect(() => parseCli(['ip', 'extra'])).toThrow(UsageError);
  });

  it('is in the usage', () => {
    expect(USAGE).toContain('  ip [--json]        IP pools (size, used, free, per line), reservations, conflicts, drift,');
  });
});

const config = { source: 'test.yaml', labels: DEFAULT_LABELS, engine: DEFAULT_TUNING, hosts: [], pools: pools(LAN), lines: {}, plans: [], stateDir: '/s', alerts: defaultAlertsConfig() } as FleetConfig;
const state = stateOf([
  hostUp('h1'),
  hostUp('h2', { state: 'down', error: 'REFUSED: no engine socket at /x' }),
  listed('h1', [container('h1', 'a', 'api-1', { ips: { biz: '10.88.1.11' } }), container('h1', 'm', 'moved', { ips: { biz: '10.88.3.3' } })]),
  listed('h2', [container('h2', 'b', 'db-2', { state: 'exited', ips: { biz: '10.88.1.11' } })]),
]);
const reservations = [reservation('moved', 'lan', '10.88.3.4')];
const report = detect({ hosts: hostRows(state), containers: [...Object.values(state.containers.h1!.byId), ...Object.values(state.containers.h2!.byId)], pools: config.pools, reservations });

describe('dockpit ip: JSON', () => {
  it('pools with their driver, the reservations, conflicts, drift, outside, stale, hosts and the ledger', () => {
    const json = ipJson(config, report, reservations, hostRows(state), { file: '/s/ledger.json', error: null });
    expect(Object.keys(json)).toEqual(['pools', 'reservations', 'conflicts', 'drift', 'outside', 'stale', 'hosts', 'ledger']);
    expect(json.pools[0]).toEqual({
      name: 'lan', network: 'biz', driver: 'bridge', subnet: '10.88.0.0/16', gateway: '10.88.0.1', size: 65271, used: 3, free: 65268,
      lines: [
        { line: 'news', range: '10.88.1.0/24', size: 253, used: 1, free: 252 },
        { line: 'forum', range: '10.88.2.0/24', size: 254, used: 0, free: 254 },
      ],
    });
    expect(json.conflicts.map((c) => c.holders.map((h) => `${h.name}@${h.host}:${h.state}`))).toEqual([['api-1@h1:running', 'db-2@h2:exited']]);
    expect(json.drift).toEqual([{ host: 'h1', name: 'moved', id: 'm', state: 'running', pool: 'lan', network: 'biz', reserved: '10.88.3.4', actual: '10.88.3.3' }]);
    expect(json.stale).toEqual({ known: false, hostsNotUp: ['h2'] });
    expect(json.hosts).toEqual([{ name: 'h1', state: 'up', error: null }, { name: 'h2', state: 'down', error: 'REFUSED: no engine socket at /x' }]);
  });

  it('an unreadable ledger: what depends on it is null, and the error says why', () => {
    const json = ipJson(config, report, null, hostRows(state), { file: '/s/ledger.json', error: 'PARSE: ledger /s/ledger.json: not JSON' });
    expect([json.reservations, json.drift, json.stale]).toEqual([null, null, null]);
    expect(json.ledger).toEqual({ file: '/s/ledger.json', error: 'PARSE: ledger /s/ledger.json: not JSON' });
    expect(json.conflicts).toHaveLength(1);
  });

  it('a conflict in a sentence, every holder with its host and state', () => {
    expect(conflictText(report.conflicts[0]!)).toBe('10.88.1.11 (lan) held by api-1 on h1 (running), db-2 on h2 (exited)');
  });
});
