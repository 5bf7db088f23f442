import { describe, expect, it } from 'vitest';
import { configCheckJson, configCheckLines, endpointAddress, type HostCheckRow } from '../../src/render/config-check-lines.js';

// `dockpit config check`'s table and JSON (issue 16, item 3), from fixed results.

const rows: HostCheckRow[] = [
  { name: 'h1', transport: 'unix', endpoint: { kind: 'unix', socketPath: '/run/docker.sock' }, result: { ok: true, engineVersion: '20.10.24', apiVersion: '1.41', latencyMs: 1.84 } },
  {
    name: 'h3',
    transport: 'ssh',
    endpoint: { kind: 'ssh', host: '10.0.0.13', port: 22, username: 'ops', socketPath: '/run/docker.sock', identityFile: null, knownHosts: '/k', agentSocket: null },
    result: { ok: false, error: 'TIMEOUT: no answer in 3000 ms' },
  },
];

describe('config check output', () => {
  it('where each transport connects', () => {
    expect(endpointAddress({ kind: 'tcp', host: '10.0.0.12', port: 2375 })).toBe('10.0.0.12:2375');
    expect(endpointAddress({ kind: 'tls', host: 'e.example', port: 2376, ca: 'c', cert: null, key: null, caFile: '/ca.pem' })).toBe('e.example:2376');
    expect(endpointAddress(rows[1]!.endpoint)).toBe('ops@10.0.0.13:22 → /run/docker.sock');
  });

  it('a row per host, then which did not answer', () => {
    expect(configCheckLines('/etc/dockpit.yaml', rows)).toBe(
      [
        'HOST  TRANSPORT  ADDRESS                              RESULT',
        'h1    unix       /run/docker.sock                     ok  engine 20.10.24 (API 1.41)  1.8ms',
        'h3    ssh        ops@10.0.0.13:22 → /run/docker.sock  FAILED  TIMEOUT: no answer in 3000 ms',
        'config /etc/dockpit.yaml: valid; 1 of 2 hosts did not answer: h3',
      ].join('\n'),
    );
    expect(configCheckLines('f', rows.slice(0, 1)).split('\n').at(-1)).toBe('config f: valid; all 1 host answered');
  });

  it('--json: ok only when every host answered; a failed host has its error and no version', () => {
    expect(configCheckJson('f', rows)).toEqual({
      config: 'f',
      valid: true,
      ok: false,
      hosts: [
        { name: 'h1', transport: 'unix', address: '/run/docker.sock', ok: true, engineVersion: '20.10.24', apiVersion: '1.41', latencyMs: 1.8, error: null },
        { name: 'h3', transport: 'ssh', address: 'ops@10.0.0.13:22 → /run/docker.sock', ok: false, engineVersion: null, apiVersion: null, latencyMs: null, error: 'TIMEOUT: no answer in 3000 ms' },
      ],
    });
  });
});
