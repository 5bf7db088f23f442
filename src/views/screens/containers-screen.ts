import type { Container, ContainerState, StatsSample } from '../../engine/types.js';
import { sampleOf } from '../../store/lines.js';
import { containerRows } from '../../store/selectors.js';
import type { FleetState, HostContainers } from '../../store/state.js';
import { formatBytes, formatIps, formatPercent, formatRate } from '../../render/format.js';
import type { Route } from '../routes.js';
import type { TableScreen } from './table-screen.js';

export const CONTAINER_STATE_COLOR: Partial<Record<ContainerState, string>> = {
  running: 'green',
  paused: 'yellow',
  restarting: 'yellow',
  exited: 'red',
  dead: 'red',
};

export type ContainerScreenRow = Container & { sample: ReturnType<typeof sampleOf>; /** The store's object it was made from. */ container: Container };

/** Whether two samples show the same in the table's columns (CPU, MEM, RX, TX); when taken is not shown. */
function sameFigures(a: StatsSample | undefined, b: StatsSample | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return a.cpuPercent === b.cpuPercent && a.memBytes === b.memBytes && a.rxBytesPerSec === b.rxBytesPerSec && a.txBytesPerSec === b.txBytesPerSec;
}

// One host's rows, kept while its containers and samples stay the same objects: at 10,000 containers a
// commit (30 a second in a storm) otherwise rebuilds 10,000 rows to show 40 of them. By host name, so that
// when a host changes, its unchanged containers keep their row objects (and the filter its text of them).
const hostRowsCache = new Map<string, { hc: HostContainers; stats: FleetState['stats'][string] | undefined; rows: ContainerScreenRow[] }>();

function hostRows(state: FleetState, host: string): readonly ContainerScreenRow[] {
  const hc = state.containers[host];
  if (!hc) return [];
  const stats = state.stats[host];
  const cached = hostRowsCache.get(host);
  if (cached && cached.hc === hc && cached.stats === stats) return cached.rows;
  const prev = new Map((cached?.rows ?? []).map((r) => [r.id, r]));
  const rows = containerRows({ hostOrder: [host], containers: state.containers }).map((c) => {
    const sample = sampleOf(state, c);
    // The same container object (the store keeps unchanged ones) and a sample showing the same figures: the
    // same row, so its table row is not redrawn (issue 14; an idle container's samples repeat themselves).
    const old = prev.get(c.id);
    return old && old.container === c && sameFigures(old.sample, sample) ? old : { ...c, sample, container: c };
  });
  hostRowsCache.set(host, { hc, stats, rows });
  return rows;
}

// A line's rows of one host, kept with that host's rows.
const lineRowsCache = new WeakMap<readonly ContainerScreenRow[], { line: string; rows: readonly ContainerScreenRow[] }>();

function rowGroups(state: FleetState, route: Route): Array<readonly ContainerScreenRow[]> {
  const host = route.kind === 'containers' ? route.host : undefined;
  const wanted = route.kind === 'containers' ? route.bizline : undefined;
  const groups: Array<readonly ContainerScreenRow[]> = [];
  for (const h of state.hostOrder) {
    if (host !== undefined && h !== host) continue;
    const all = hostRows(state, h);
    if (wanted === undefined) {
      groups.push(all);
      continue;
    }
    let mine = lineRowsCache.get(all);
    if (!mine || mine.line !== wanted) lineRowsCache.set(all, (mine = { line: wanted, rows: all.filter((r) => (r.bizline ?? '(none)') === wanted) }));
    groups.push(mine.rows);
  }
  return groups;
}

function rows(state: FleetState, route: Route): ContainerScreenRow[] {
  return rowGroups(state, route).flat();
}

export const containersScreen: TableScreen<ContainerScreenRow> = {
  title: (route) => {
    if (route.kind !== 'containers') return 'containers';
    if (route.host) return `containers on ${route.host}`;
    if (route.bizline) return `line ${route.bizline}`;
    return 'containers';
  },
  columns: [
    { header: 'HOST', width: 6, value: (c) => c.host },
    { header: 'NAME', width: 12, flex: 2, value: (c) => c.name },
    { header: 'BIZLINE', drop: 4, width: 8, value: (c) => c.bizline ?? '-' },
    { header: 'TIER', drop: 5, width: 4, value: (c) => (c.tier === null ? '-' : String(c.tier)), sort: (c) => c.tier ?? 99 },
    { header: 'STATE', width: 10, value: (c) => c.state, color: (c) => CONTAINER_STATE_COLOR[c.state] },
    { header: 'STATUS', drop: 3, width: 12, flex: 1, value: (c) => c.status },
    { header: 'CPU', drop: 6, width: 6, value: (c) => formatPercent(c.sample?.cpuPercent), sort: (c) => c.sample?.cpuPercent ?? -1 },
    { header: 'MEM', drop: 7, width: 7, value: (c) => formatBytes(c.sample?.memBytes), sort: (c) => c.sample?.memBytes ?? -1 },
    { header: 'RX', drop: 8, width: 9, value: (c) => formatRate(c.sample?.rxBytesPerSec), sort: (c) => c.sample?.rxBytesPerSec ?? -1 },
    { header: 'TX', drop: 8, width: 9, value: (c) => formatRate(c.sample?.txBytesPerSec), sort: (c) => c.sample?.txBytesPerSec ?? -1 },
    { header: 'IPS', width: 12, flex: 2, value: (c) => formatIps(c.ips) },
  ],
  rows,
  rowGroups,
  key: (c) => `${c.host}/${c.id}`,
  search: (c) => `${c.host} ${c.name} ${c.bizline ?? ''} ${c.image} ${Object.values(c.ips).join(' ')} ${c.id.slice(0, 12)}`,
  open: (c) => ({ kind: 'detail', host: c.host, id: c.id }),
  detail: (c) => ({ kind: 'detail', host: c.host, id: c.id }),
  logs: (c) => ({ kind: 'logs', host: c.host, id: c.id }),
  sampled: (rows) => rows.filter((c) => c.state === 'running').map((c) => ({ host: c.host, id: c.id })),
  empty: 'no containers',
};
