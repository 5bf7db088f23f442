import type { Endpoint } from '../config/types.js';
import type { Transport } from '../engine/types.js';
import { formatLatency } from './format.js';
import { textTable } from './text-table.js';

// `dockpit config check` (issue 16, item 3): one row per host, what dockpit contacted and what it answered.

export interface HostCheckRow {
  name: string;
  transport: Transport;
  endpoint: Endpoint;
  result: { ok: true; engineVersion: string | null; apiVersion: string | null; latencyMs: number } | { ok: false; error: string };
}

/** Where dockpit connects: the socket, host:port, or user@host:port → the remote socket for SSH. */
export function endpointAddress(ep: Endpoint): string {
  switch (ep.kind) {
    case 'unix':
      return ep.socketPath;
    case 'tcp':
    case 'tls':
      return `${ep.host}:${ep.port}`;
    case 'ssh':
      return `${ep.username}@${ep.host}:${ep.port} → ${ep.socketPath}`;
  }
}

export function checkResult(r: HostCheckRow['result']): string {
  return r.ok ? `ok  engine ${r.engineVersion ?? '?'} (API ${r.apiVersion ?? '?'})  ${formatLatency(r.latencyMs)}` : `FAILED  ${r.error}`;
}

/** The table, then a line saying how many hosts answered and which did not. */
export function configCheckLines(source: string, rows: readonly HostCheckRow[]): string {
  const failed = rows.filter((r) => !r.result.ok).map((r) => r.name);
  const table = textTable(
    ['HOST', 'TRANSPORT', 'ADDRESS', 'RESULT'],
    rows.map((r) => [r.name, r.transport, endpointAddress(r.endpoint), checkResult(r.result)]),
  );
  const summary =
    failed.length === 0
      ? `config ${source}: valid; all ${rows.length} host${rows.length === 1 ? '' : 's'} answered`
      : `config ${source}: valid; ${failed.length} of ${rows.length} host${rows.length === 1 ? '' : 's'} did not answer: ${failed.join(', ')}`;
  return `${table}\n${summary}`;
}

/** The `--json` twin: field names and order are part of the interface for scripts. */
export function configCheckJson(source: string, rows: readonly HostCheckRow[]) {
  return {
    config: source,
    valid: true,
    ok: rows.every((r) => r.result.ok),
    hosts: rows.map((r) => ({
      name: r.name,
      transport: r.transport,
      address: endpointAddress(r.endpoint),
      ok: r.result.ok,
      engineVersion: r.result.ok ? r.result.engineVersion : null,
      apiVersion: r.result.ok ? r.result.apiVersion : null,
      latencyMs: r.result.ok ? Math.round(r.result.latencyMs * 10) / 10 : null,
      error: r.result.ok ? null : r.result.error,
    })),
  };
}
