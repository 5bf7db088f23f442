import type { Container } from '../../engine/types.js';
import type { IpReport, PoolUsage, Usage } from '../../pool/detect.js';
import type { Reservation } from '../../state/types.js';
import { selectIpReport } from '../../store/ip-report.js';
import { containerRows } from '../../store/selectors.js';
import type { FleetState } from '../../store/state.js';
import { CONTAINER_STATE_COLOR } from './containers-screen.js';
import { createRowKeeper, memoOnInputs } from './stable-rows.js';
import type { SummaryLine, TableScreen } from './table-screen.js';

/** What is wrong with an address, worst first (the table shows them in this order, before the rest). */
export type IpIssue = 'conflict' | 'drift' | 'outside' | 'stale';

const ISSUE_RANK: Record<IpIssue, number> = { conflict: 0, drift: 1, outside: 2, stale: 3 };

export const ISSUE_COLOR: Record<IpIssue, string> = { conflict: 'red', drift: 'yellow', outside: 'magenta', stale: 'gray' };

export interface IpRow {
  ip: string;
  network: string;
  /** The container holding the address; for a reservation nobody holds, the container of that name if any. */
  container: Container | null;
  /** The ledger's reservation for this container's name on this network's pool. */
  reservation: Reservation | null;
  issue: IpIssue | null;
  /** Why it is marked, or what else is worth knowing. */
  note: string;
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function holdsKey(host: string, id: string, network: string): string {
  return `${host}/${id}/${network}`;
}

function rowKey(r: IpRow): string {
  return r.container ? `${r.container.host}/${r.container.id}/${r.network}` : `reserved/${r.reservation?.pool}/${r.reservation?.name}/${r.ip}`;
}

// The rows depend on the containers, the pools and the ledger only: a stats sample or a host's probe
// returns the same array, and a change keeps the objects of the rows it left as they were (issue 14).
const keepRows = createRowKeeper(rowKey);
type RowInputs = Pick<FleetState, 'hostOrder' | 'containers' | 'pools' | 'reservations'>;

const rowsOf = memoOnInputs((report: IpReport, hostOrder: RowInputs['hostOrder'], containers: RowInputs['containers'], pools: RowInputs['pools'], reservations: RowInputs['reservations']) =>
  keepRows(buildRows({ hostOrder, containers, pools, reservations }, report)),
);

function rows(state: FleetState): IpRow[] {
  return rowsOf(selectIpReport(state), state.hostOrder, state.containers, state.pools, state.reservations);
}

function buildRows(state: RowInputs, report: IpReport): IpRow[] {
  const poolByNetwork = new Map(state.pools.map((p) => [p.network, p.name]));
  const conflicts = new Map(report.conflicts.map((c) => [`${c.network}/${c.ip}`, c]));
  const drift = new Map(report.drift.map((d) => [holdsKey(d.host, d.id, d.network), d]));
  const outside = new Map(report.outside.map((o) => [holdsKey(o.host, o.id, o.network), o]));
  const reservationOf = new Map(state.reservations.list.map((r) => [`${r.pool}/${r.name}`, r]));
  const stale = new Set(report.stale.known ? report.stale.reservations : []);

  const out: IpRow[] = [];
  // Same address, same network name, outside any pool: usually host-local (docker's default bridge gives
  // 172.17.0.2 on every host), so only noted, not marked.
  const shared = new Map<string, number>();
  const held = new Set<string>();
  const byName = new Map<string, Container>();
  for (const c of containerRows(state)) {
    if (!byName.has(c.name)) byName.set(c.name, c);
    for (const [network, ip] of Object.entries(c.ips)) {
      if (!ip) continue;
      const pool = poolByNetwork.get(network);
      const reservation = pool === undefined ? null : (reservationOf.get(`${pool}/${c.name}`) ?? null);
      if (reservation) held.add(`${reservation.pool}/${reservation.name}`);
      const conflict = conflicts.get(`${network}/${ip}`);
      const d = drift.get(holdsKey(c.host, c.id, network));
      const o = outside.get(holdsKey(c.host, c.id, network));
      let issue: IpIssue | null = null;
      let note = '';
      if (conflict) {
        issue = 'conflict';
        const others = conflict.holders.filter((h) => h.host !== c.host || h.id !== c.id);
        note = `also ${others.map((h) => `${h.name}@${h.host}`).join(', ')}`;
      } else if (d) {
        issue = 'drift';
        note = `reserved ${d.reserved}`;
      } else if (o) {
        issue = 'outside';
        note = `not in ${o.expected}`;
      } else if (reservation) {
        note = 'reserved';
      }
      out.push({ ip, network, container: c, reservation, issue, note });
      shared.set(`${network}/${ip}`, (shared.get(`${network}/${ip}`) ?? 0) + 1);
    }
  }
  for (const r of out) {
    const n = shared.get(`${r.network}/${r.ip}`)! - 1;
    if (r.issue === null && n > 0) r.note = `same IP: ${n} other`;
  }
  // Reservations that no container holds on the pool's network: the address is taken all the same.
  for (const r of state.reservations.list) {
    const pool = state.pools.find((p) => p.name === r.pool);
    if (!pool || held.has(`${r.pool}/${r.name}`)) continue;
    const isStale = stale.has(r);
    out.push({
      ip: r.ip,
      network: pool.network,
      container: byName.get(r.name) ?? null,
      reservation: r,
      issue: isStale ? 'stale' : null,
      note: isStale ? `${r.name}: no container` : report.stale.known || byName.has(r.name) ? 'reserved' : 'reserved (hosts down)',
    });
  }
  const rank = (r: IpRow) => (r.issue === null ? 9 : ISSUE_RANK[r.issue]);
  return out
    .map((r, i) => ({ r, i, rank: rank(r), ip: ipToNumber(r.ip) }))
    .sort((a, b) => a.rank - b.rank || a.ip - b.ip || a.i - b.i)
    .map((x) => x.r);
}

const BAR = 12;

/** A usage bar: at least one block when anything is used, never full while something is free. */
export function usageBar(u: Usage, width = BAR): string {
  let filled = u.size > 0 ? Math.round((u.used / u.size) * width) : 0;
  if (u.used > 0) filled = Math.max(1, filled);
  if (u.free > 0) filled = Math.min(width - 1, filled);
  filled = Math.max(0, Math.min(width, filled));
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

function usageColor(u: Usage): string {
  if (u.size === 0 || u.free <= 0) return 'red';
  return u.used / u.size >= 0.9 ? 'yellow' : 'green';
}

function poolLines(p: PoolUsage, width: number): SummaryLine[] {
  const lines: SummaryLine[] = [[
    { text: `${p.name} `, bold: true },
    { text: `${p.subnet} ` },
    { text: usageBar(p), color: usageColor(p) },
    { text: ` ${p.used}/${p.size}  ${p.free} free  network ${p.network}` },
  ]];
  // Per-line ranges, packed several to a line.
  let current: SummaryLine = [];
  let used = 0;
  for (const l of p.lines) {
    const cell: SummaryLine = [
      { text: `  ${l.line} `, dim: true },
      { text: `${l.range} ` },
      { text: usageBar(l, 8), color: usageColor(l) },
      { text: ` ${l.used}/${l.size}` },
    ];
    const w = cell.reduce((s, c) => s + c.text.length, 0);
    if (current.length > 0 && used + w > width) {
      lines.push(current);
      current = [];
      used = 0;
    }
    current.push(...cell);
    used += w;
  }
  if (current.length > 0) lines.push(current);
  return lines;
}

function problemsLine(r: FleetState['reservations'], report: IpReport): SummaryLine {
  const { conflicts, drift, outside, stale } = report;
  const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  const line: SummaryLine = [
    { text: conflicts.length ? `⚠ ${count(conflicts.length, 'IP conflict')}` : '0 conflicts', color: conflicts.length ? 'red' : 'green', bold: conflicts.length > 0 },
    { text: ' · ' },
    { text: `${drift.length} drift`, color: drift.length ? 'yellow' : undefined },
    { text: ' · ' },
    { text: `${outside.length} outside`, color: outside.length ? 'magenta' : undefined },
    { text: ' · ' },
    stale.known
      ? { text: `${stale.reservations.length} stale`, color: stale.reservations.length ? 'yellow' : undefined }
      : { text: `stale unknown (not up: ${stale.hostsNotUp.join(', ')})`, dim: true },
  ];
  if (r.error) line.push({ text: ` · ledger: ${r.error}`, color: 'red' });
  else if (!r.loaded) line.push({ text: ' · ledger not read yet', dim: true });
  else line.push({ text: ` · ${count(r.list.length, 'reservation')}`, dim: true });
  return line;
}

const NO_LINES: SummaryLine[] = [];

// Rebuilt only when the report, the ledger or the width changes: a stats sample leaves it as it was.
const summaryOf = memoOnInputs((report: IpReport, reservations: FleetState['reservations'], width: number): SummaryLine[] =>
  [problemsLine(reservations, report), ...report.pools.flatMap((p) => poolLines(p, width))],
);

/** The block above the table: each pool with its usage bar and per-line ranges, then what is wrong. */
function summary(state: FleetState, width: number): SummaryLine[] {
  if (state.pools.length === 0) return NO_LINES;
  return summaryOf(selectIpReport(state), state.reservations, width);
}

export const ipsScreen: TableScreen<IpRow> = {
  title: () => 'addresses',
  columns: [
    { header: 'IP', width: 15, value: (r) => r.ip, sort: (r) => ipToNumber(r.ip), color: (r) => (r.issue === 'conflict' ? 'red' : undefined) },
    { header: 'ISSUE', width: 8, value: (r) => r.issue?.toUpperCase() ?? '', color: (r) => (r.issue ? ISSUE_COLOR[r.issue] : undefined) },
    { header: 'NETWORK', width: 8, drop: 2, value: (r) => r.network },
    { header: 'HOST', width: 6, value: (r) => r.container?.host ?? '-' },
    { header: 'CONTAINER', width: 12, flex: 2, value: (r) => r.container?.name ?? r.reservation?.name ?? '-' },
    { header: 'LINE', width: 8, drop: 1, value: (r) => r.container?.bizline ?? r.reservation?.line ?? '-' },
    {
      header: 'STATE',
      width: 10,
      value: (r) => r.container?.state ?? 'reserved',
      color: (r) => (r.container ? CONTAINER_STATE_COLOR[r.container.state] : 'gray'),
    },
    { header: 'NOTE', width: 18, flex: 1, value: (r) => r.note, color: (r) => (r.issue ? ISSUE_COLOR[r.issue] : undefined) },
  ],
  rows,
  summary,
  key: rowKey,
  search: (r) => `${r.ip} ${r.container?.name ?? ''} ${r.reservation?.name ?? ''} ${r.container?.host ?? ''} ${r.network}`,
  open: (r) => (r.container ? { kind: 'detail', host: r.container.host, id: r.container.id } : null),
  detail: (r) => (r.container ? { kind: 'detail', host: r.container.host, id: r.container.id } : null),
  empty: 'no addresses',
};
