import type { Container, StatsSample } from '../engine/types.js';
import type { FleetState, HostContainers } from './state.js';

export type LineHealth = 'up' | 'degraded' | 'down';

/** Resource use summed over some containers. */
export interface Traffic {
  cpuPercent: number;
  memBytes: number;
  rxBytesPerSec: number;
  txBytesPerSec: number;
  /** How many of the running containers have a sample yet. */
  sampled: number;
}

export interface LineRow extends Traffic {
  name: string;
  /**
   * The line's tier (0 is the most critical): the config's when `lines:` names the line (issue 12: one
   * source), else the most critical tier among its containers' labels; null when neither says.
   */
  tier: number | null;
  /** Where `tier` comes from. */
  tierSource: 'config' | 'labels' | null;
  /** Its containers' tier labels: tier → how many carry it (containers without one left out). */
  labelTiers: Readonly<Record<string, number>>;
  /** How many of its containers carry a tier label other than the config's tier (0 when the config has none). */
  tierDisagree: number;
  running: number;
  total: number;
  hosts: string[];
  health: LineHealth;
}

/** The line of containers that have no bizline label. */
export const NO_LINE = '(none)';

export function emptyTraffic(): Traffic {
  return { cpuPercent: 0, memBytes: 0, rxBytesPerSec: 0, txBytesPerSec: 0, sampled: 0 };
}

export function addSample(t: Traffic, s: StatsSample | undefined): void {
  if (!s) return;
  t.cpuPercent += s.cpuPercent;
  t.memBytes += s.memBytes;
  t.rxBytesPerSec += s.rxBytesPerSec;
  t.txBytesPerSec += s.txBytesPerSec;
  t.sampled++;
}

export function sampleOf(state: Pick<FleetState, 'stats'>, c: Container): StatsSample | undefined {
  return c.state === 'running' ? state.stats[c.host]?.[c.id] : undefined;
}

export function lineOf(c: Container): string {
  return c.bizline ?? NO_LINE;
}

interface LinePart extends Traffic {
  tier: number | null;
  labelTiers: Map<number, number>;
  running: number;
  total: number;
}

interface HostLines {
  stats: FleetState['stats'][string] | undefined;
  down: boolean;
  lines: Map<string, LinePart>;
}

// One host's share of every line, kept per host's container map: a commit that changes one host's containers
// or samples recomputes that host only (10,000 containers on 200 hosts: a stats commit touches a few hosts).
const hostLinesCache = new WeakMap<HostContainers, HostLines>();

function hostLines(hc: HostContainers, stats: FleetState['stats'][string] | undefined, down: boolean): Map<string, LinePart> {
  const cached = hostLinesCache.get(hc);
  if (cached && cached.stats === stats && cached.down === down) return cached.lines;
  const lines = new Map<string, LinePart>();
  for (const id of hc.order) {
    const c = hc.byId[id]!;
    const name = lineOf(c);
    let part = lines.get(name);
    if (!part) lines.set(name, (part = { tier: null, labelTiers: new Map(), running: 0, total: 0, ...emptyTraffic() }));
    part.total++;
    if (c.tier !== null) {
      if (part.tier === null || c.tier < part.tier) part.tier = c.tier;
      part.labelTiers.set(c.tier, (part.labelTiers.get(c.tier) ?? 0) + 1);
    }
    if (c.state === 'running' && !down) {
      part.running++;
      addSample(part, stats?.[c.id]);
    }
  }
  hostLinesCache.set(hc, { stats, down, lines });
  return lines;
}

/**
 * One row per business line across the fleet. A container on a host that is down counts as not running:
 * its last known state can't be trusted.
 */
export function lineRows(state: Pick<FleetState, 'hostOrder' | 'hosts' | 'containers' | 'stats' | 'lineTiers'>): LineRow[] {
  const lines = new Map<string, LineRow>();
  const labelTiers = new Map<string, Record<string, number>>();
  for (const host of state.hostOrder) {
    const hc = state.containers[host];
    if (!hc) continue;
    for (const [name, part] of hostLines(hc, state.stats[host], state.hosts[host]?.state === 'down')) {
      let row = lines.get(name);
      if (!row) {
        lines.set(name, (row = { name, tier: null, tierSource: null, labelTiers: {}, tierDisagree: 0, running: 0, total: 0, hosts: [], health: 'down', ...emptyTraffic() }));
        labelTiers.set(name, {});
      }
      const counts = labelTiers.get(name)!;
      for (const [tier, n] of part.labelTiers) counts[tier] = (counts[tier] ?? 0) + n;
      row.total += part.total;
      row.running += part.running;
      row.hosts.push(host);
      if (part.tier !== null && (row.tier === null || part.tier < row.tier)) row.tier = part.tier;
      row.cpuPercent += part.cpuPercent;
      row.memBytes += part.memBytes;
      row.rxBytesPerSec += part.rxBytesPerSec;
      row.txBytesPerSec += part.txBytesPerSec;
      row.sampled += part.sampled;
    }
  }
  return [...lines.values()]
    .map((row) => ({ ...row, ...tierOf(row, state.lineTiers[row.name], labelTiers.get(row.name)!), health: (row.running === row.total ? 'up' : row.running === 0 ? 'down' : 'degraded') as LineHealth }))
    .sort((a, b) => (a.tier ?? 99) - (b.tier ?? 99) || a.name.localeCompare(b.name));
}

/**
 * A line's tier for a table cell: `3`, or `3≠2` when some of its containers' labels say another tier (the
 * most critical of those), so the two sources are never silently merged.
 */
export function tierText(l: Pick<LineRow, 'tier' | 'tierDisagree' | 'labelTiers'>): string {
  if (l.tier === null) return '-';
  if (l.tierDisagree === 0) return String(l.tier);
  const other = Object.keys(l.labelTiers).map(Number).filter((t) => t !== l.tier).sort((a, b) => a - b)[0];
  return `${l.tier}≠${other}`;
}

/** The config's tier wins; the labels only speak for a line the config does not name. */
function tierOf(row: LineRow, configured: number | undefined, labelTiers: Record<string, number>): Pick<LineRow, 'tier' | 'tierSource' | 'labelTiers' | 'tierDisagree'> {
  if (configured === undefined) return { tier: row.tier, tierSource: row.tier === null ? null : 'labels', labelTiers, tierDisagree: 0 };
  const tierDisagree = Object.entries(labelTiers).reduce((n, [tier, count]) => (Number(tier) === configured ? n : n + count), 0);
  return { tier: configured, tierSource: 'config', labelTiers, tierDisagree };
}

const hostTrafficCache = new WeakMap<HostContainers, { stats: FleetState['stats'][string] | undefined; traffic: Traffic }>();

/** Summed use of a host's running containers (kept until the host's containers or samples change). */
export function hostTraffic(state: Pick<FleetState, 'containers' | 'stats'>, host: string): Traffic {
  const hc = state.containers[host];
  if (!hc) return emptyTraffic();
  const stats = state.stats[host];
  const cached = hostTrafficCache.get(hc);
  if (cached && cached.stats === stats) return { ...cached.traffic };
  const t = emptyTraffic();
  for (const id of hc.order) addSample(t, sampleOf(state, hc.byId[id]!));
  hostTrafficCache.set(hc, { stats, traffic: t });
  return { ...t };
}
