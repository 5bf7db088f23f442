import type { Container, StatsSample } from '../engine/types.js';
import type { FleetState } from './state.js';

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
  /** The most critical tier among its containers (0 is the most critical); null when none says. */
  tier: number | null;
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

/**
 * One row per business line across the fleet. A container on a host that is down counts as not running:
 * its last known state can't be trusted.
 */
export function lineRows(state: Pick<FleetState, 'hostOrder' | 'hosts' | 'containers' | 'stats'>): LineRow[] {
  const lines = new Map<string, LineRow & { hostSet: Set<string> }>();
  for (const host of state.hostOrder) {
    const hc = state.containers[host];
    if (!hc) continue;
    const hostDown = state.hosts[host]?.state === 'down';
    for (const id of hc.order) {
      const c = hc.byId[id]!;
      const name = lineOf(c);
      let row = lines.get(name);
      if (!row) {
        row = { name, tier: null, running: 0, total: 0, hosts: [], health: 'down', hostSet: new Set(), ...emptyTraffic() };
        lines.set(name, row);
      }
      row.total++;
      row.hostSet.add(host);
      if (c.tier !== null && (row.tier === null || c.tier < row.tier)) row.tier = c.tier;
      if (c.state === 'running' && !hostDown) {
        row.running++;
        addSample(row, sampleOf(state, c));
      }
    }
  }
  return [...lines.values()]
    .map(({ hostSet, ...row }) => ({
      ...row,
      hosts: [...hostSet],
      health: (row.running === row.total ? 'up' : row.running === 0 ? 'down' : 'degraded') as LineHealth,
    }))
    .sort((a, b) => (a.tier ?? 99) - (b.tier ?? 99) || a.name.localeCompare(b.name));
}

/** Summed use of a host's running containers. */
export function hostTraffic(state: Pick<FleetState, 'containers' | 'stats'>, host: string): Traffic {
  const t = emptyTraffic();
  const hc = state.containers[host];
  if (!hc) return t;
  for (const id of hc.order) addSample(t, sampleOf(state, hc.byId[id]!));
  return t;
}
