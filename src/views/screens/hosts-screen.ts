import type { HostState } from '../../engine/types.js';
import { hostTraffic, type Traffic } from '../../store/lines.js';
import { hostRows, type HostRow } from '../../store/selectors.js';
import { formatBool, formatBytes, formatLatency, formatPercent, formatRate, sparkline } from '../../render/format.js';
import { createRowKeeper } from './stable-rows.js';
import type { TableScreen } from './table-screen.js';

const NO_HISTORY: readonly number[] = Object.freeze([]);

export const HOST_STATE_COLOR: Record<HostState, string> = { up: 'green', degraded: 'yellow', down: 'red', connecting: 'cyan' };

export type HostScreenRow = HostRow & { traffic: Traffic; cpuHistory: readonly number[] };

// A host's row keeps its object while nothing it shows changed: a sample on one host redraws that row only.
const keepRows = createRowKeeper<HostScreenRow>((h) => h.name);

export const hostsScreen: TableScreen<HostScreenRow> = {
  title: () => 'hosts',
  columns: [
    { header: 'HOST', width: 8, flex: 1, value: (h) => h.name },
    { header: 'TRANSPORT', drop: 3, width: 9, value: (h) => h.transport },
    { header: 'STATE', width: 10, value: (h) => h.state, color: (h) => HOST_STATE_COLOR[h.state] },
    { header: 'ENGINE', drop: 5, width: 14, value: (h) => h.engineVersion ?? '-' },
    { header: 'LATENCY', drop: 4, width: 8, value: (h) => formatLatency(h.latencyMs), sort: (h) => h.latencyMs ?? Infinity },
    { header: 'RUN/TOTAL', width: 9, value: (h) => `${h.containers.running}/${h.containers.total}`, sort: (h) => h.containers.running },
    { header: 'LIVE-RESTORE', drop: 2, width: 12, value: (h) => formatBool(h.liveRestore), color: (h) => (h.liveRestore === false ? 'yellow' : undefined) },
    { header: 'CPU', drop: 6, width: 6, value: (h) => formatPercent(h.traffic.sampled ? h.traffic.cpuPercent : null), sort: (h) => h.traffic.cpuPercent },
    { header: 'CPU 5m', drop: 8, width: 12, value: (h) => sparkline(h.cpuHistory, 12), sort: (h) => h.cpuHistory.at(-1) ?? 0 },
    { header: 'MEM', drop: 7, width: 7, value: (h) => formatBytes(h.traffic.sampled ? h.traffic.memBytes : null), sort: (h) => h.traffic.memBytes },
    { header: 'RX', drop: 9, width: 9, value: (h) => formatRate(h.traffic.sampled ? h.traffic.rxBytesPerSec : null), sort: (h) => h.traffic.rxBytesPerSec },
    { header: 'TX', drop: 9, width: 9, value: (h) => formatRate(h.traffic.sampled ? h.traffic.txBytesPerSec : null), sort: (h) => h.traffic.txBytesPerSec },
    { header: 'ERROR', width: 22, flex: 3, value: (h) => h.error ?? '', color: () => 'red' },
  ],
  rows: (state) => keepRows(hostRows(state).map((h) => ({ ...h, traffic: hostTraffic(state, h.name), cpuHistory: state.history.hosts[h.name] ?? NO_HISTORY }))),
  key: (h) => h.name,
  search: (h) => `${h.name} ${h.url} ${h.state} ${h.error ?? ''}`,
  open: (h) => ({ kind: 'containers', host: h.name }),
  empty: 'no hosts configured',
};
