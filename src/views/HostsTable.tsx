import { useMemo } from 'react';
import type { HostState } from '../engine/types.js';
import { hostRows, type HostRow } from '../store/selectors.js';
import { formatBool, formatLatency } from './format.js';
import { useFleet } from './store-context.js';
import { Table, type Column } from './Table.js';

const STATE_COLOR: Record<HostState, string> = { up: 'green', degraded: 'yellow', down: 'red', connecting: 'cyan' };

const COLUMNS: readonly Column<HostRow>[] = [
  { header: 'HOST', width: 8, flex: 1, value: (h) => h.name },
  { header: 'TRANSPORT', width: 9, value: (h) => h.transport },
  { header: 'STATE', width: 10, value: (h) => h.state, color: (h) => STATE_COLOR[h.state] },
  { header: 'ENGINE', width: 10, value: (h) => h.engineVersion ?? '-' },
  { header: 'LATENCY', width: 8, value: (h) => formatLatency(h.latencyMs) },
  { header: 'RUN/TOTAL', width: 9, value: (h) => `${h.containers.running}/${h.containers.total}` },
  { header: 'LIVE-RESTORE', width: 12, value: (h) => formatBool(h.liveRestore), color: (h) => (h.liveRestore === false ? 'yellow' : undefined) },
  { header: 'ERROR', width: 10, flex: 3, value: (h) => h.error ?? '', color: () => 'red' },
];

export function useHostRows(): HostRow[] {
  const hostOrder = useFleet((s) => s.hostOrder);
  const hosts = useFleet((s) => s.hosts);
  const containers = useFleet((s) => s.containers);
  return useMemo(() => hostRows({ hostOrder, hosts, containers }), [hostOrder, hosts, containers]);
}

export function HostsTable({ rows, cursor, height, width }: { rows: HostRow[]; cursor: number; height: number; width: number }) {
  return <Table columns={COLUMNS} rows={rows} rowKey={(h) => h.name} cursor={cursor} height={height} width={width} empty="no hosts configured" />;
}
