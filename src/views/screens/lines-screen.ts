import { lineRows, tierText, type LineHealth, type LineRow } from '../../store/lines.js';
import { formatBytes, formatPercent, formatRate, sparkline } from '../../render/format.js';
import { createRowKeeper } from './stable-rows.js';
import type { TableScreen } from './table-screen.js';

const HEALTH_COLOR: Record<LineHealth, string> = { up: 'green', degraded: 'yellow', down: 'red' };
const HEALTH_MARK: Record<LineHealth, string> = { up: '● up', degraded: '◐ degraded', down: '○ down' };

type LineScreenRow = LineRow & { cpuHistory: readonly number[] };

const NO_HISTORY: readonly number[] = Object.freeze([]);

// A line's row keeps its object while nothing it shows changed: a sample redraws only the lines it touches.
const keepRows = createRowKeeper<LineScreenRow>((l) => l.name);

export const linesScreen: TableScreen<LineScreenRow> = {
  title: () => 'business lines',
  columns: [
    { header: 'LINE', width: 10, flex: 1, value: (l) => l.name },
    { header: 'TIER', width: 4, value: tierText, color: (l) => (l.tierDisagree > 0 ? 'yellow' : undefined), sort: (l) => l.tier ?? 99 },
    { header: 'HEALTH', width: 10, value: (l) => HEALTH_MARK[l.health], color: (l) => HEALTH_COLOR[l.health] },
    { header: 'RUN/TOTAL', width: 9, value: (l) => `${l.running}/${l.total}`, sort: (l) => l.running },
    { header: 'CPU', drop: 4, width: 6, value: (l) => formatPercent(l.sampled ? l.cpuPercent : null), sort: (l) => l.cpuPercent },
    { header: 'MEM', drop: 5, width: 7, value: (l) => formatBytes(l.sampled ? l.memBytes : null), sort: (l) => l.memBytes },
    { header: 'CPU 5m', drop: 6, width: 12, value: (l) => sparkline(l.cpuHistory, 12), sort: (l) => l.cpuHistory.at(-1) ?? 0 },
    { header: 'RX', drop: 7, width: 9, value: (l) => formatRate(l.sampled ? l.rxBytesPerSec : null), sort: (l) => l.rxBytesPerSec },
    { header: 'TX', drop: 7, width: 9, value: (l) => formatRate(l.sampled ? l.txBytesPerSec : null), sort: (l) => l.txBytesPerSec },
    { header: 'HOSTS', drop: 3, width: 8, flex: 2, value: (l) => l.hosts.join(','), sort: (l) => l.hosts.length },
  ],
  rows: (state) => keepRows(lineRows(state).map((l) => ({ ...l, cpuHistory: state.history.lines[l.name] ?? NO_HISTORY }))),
  key: (l) => l.name,
  search: (l) => `${l.name} ${l.hosts.join(' ')} ${l.health}`,
  open: (l) => ({ kind: 'containers', bizline: l.name }),
  empty: 'no containers yet',
};
