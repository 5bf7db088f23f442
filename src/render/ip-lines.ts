import type { IpConflict, IpReport } from '../pool/detect.js';
import type { Reservation } from '../state/types.js';
import { textTable } from './text-table.js';

// The IP view's headless text (issue 4): what the engines report against what the ledger says. Pure.

export function conflictText(c: IpConflict): string {
  return `${c.ip} (${c.pool}) held by ${c.holders.map((h) => `${h.name} on ${h.host} (${h.state})`).join(', ')}`;
}

/** `dockpit ip`'s text: pools and lines, then each finding; without a readable ledger, what depends on it is unknown. */
export function ipReportText(report: IpReport, reservations: readonly Reservation[] | null): string {
  const out: string[] = [];
  const rows = report.pools.flatMap((p) => [
    [p.name, p.network, p.subnet, String(p.size), String(p.used), String(p.free)],
    ...p.lines.map((l) => [`  ${l.line}`, '', l.range, String(l.size), String(l.used), String(l.free)]),
  ]);
  out.push(textTable(['POOL', 'NETWORK', 'SUBNET', 'SIZE', 'USED', 'FREE'], rows));
  const section = (title: string, headers: string[], body: string[][] | null) => {
    out.push('');
    if (body === null) out.push(`${title}: unknown (the ledger could not be read)`);
    else if (body.length === 0) out.push(`${title}: none`);
    else out.push(`${title}:`, textTable(headers, body));
  };
  section('reservations', ['NAME', 'POOL', 'IP', 'LINE', 'HOST'], reservations?.map((r) => [r.name, r.pool, r.ip, r.line ?? '-', r.host ?? '-']) ?? null);
  section('conflicts', ['IP', 'POOL', 'HOLDERS'], report.conflicts.map((c) => [c.ip, c.pool, c.holders.map((h) => `${h.name}@${h.host} (${h.state})`).join(', ')]));
  section('drift', ['NAME', 'HOST', 'POOL', 'RESERVED', 'ACTUAL'], reservations ? report.drift.map((d) => [d.name, d.host, d.pool, d.reserved, d.actual]) : null);
  section('outside', ['NAME', 'HOST', 'POOL', 'IP', 'EXPECTED'], report.outside.map((o) => [o.name, o.host, o.pool, o.ip, `${o.expected}${o.reason === 'line-range' ? ` (line ${o.line})` : ''}`]));
  out.push('');
  if (!reservations) out.push('stale: unknown (the ledger could not be read)');
  else if (!report.stale.known) out.push(`stale: unknown while hosts are not up (${report.stale.hostsNotUp.join(', ')})`);
  else if (report.stale.reservations.length === 0) out.push('stale: none');
  else out.push('stale (reserved, no container on any host):', textTable(['NAME', 'POOL', 'IP'], report.stale.reservations.map((r) => [r.name, r.pool, r.ip])));
  return out.join('\n');
}
