import type { StatsEvent, StatsSample } from '../engine/types.js';
import { hostTraffic, lineRows } from './lines.js';
import type { FleetState } from './state.js';

/** One host's latest samples, per container: a sample on one host copies only that host's map. */
export type HostStats = Readonly<Record<string, StatsSample>>;

/** CPU % per business line and per host over the last minutes, one point per bucket, oldest first. */
export interface TrafficHistory {
  bucket: number;
  lines: Readonly<Record<string, readonly number[]>>;
  hosts: Readonly<Record<string, readonly number[]>>;
}

export const HISTORY_BUCKET_MS = 10_000;
export const HISTORY_POINTS = 30;

export const EMPTY_HISTORY: TrafficHistory = { bucket: 0, lines: {}, hosts: {} };

function pushPoint(series: readonly number[] | undefined, value: number, gap: number): number[] {
  // Buckets nobody sampled in stay visible as gaps of zero, so time keeps its scale.
  const filler = Array.from({ length: Math.min(HISTORY_POINTS, Math.max(0, gap - 1)) }, () => 0);
  return [...(series ?? []), ...filler, value].slice(-HISTORY_POINTS);
}

/** Closes the bucket that just ended: one point per line and host. */
function recordHistory(state: FleetState, bucket: number): TrafficHistory {
  const prev = state.history;
  const gap = prev.bucket === 0 ? 1 : bucket - prev.bucket;
  const lines: Record<string, number[]> = {};
  for (const l of lineRows(state)) lines[l.name] = pushPoint(prev.lines[l.name], l.cpuPercent, gap);
  const hosts: Record<string, number[]> = {};
  for (const h of state.hostOrder) hosts[h] = pushPoint(prev.hosts[h], hostTraffic(state, h).cpuPercent, gap);
  return { bucket, lines, hosts };
}

export function applyStats(state: FleetState, event: StatsEvent): FleetState {
  if (event.samples.length === 0) return state;
  const stats = { ...state.stats };
  let latest = 0;
  for (const s of event.samples) {
    stats[s.host] = { ...(stats[s.host] ?? {}), [s.id]: s };
    latest = Math.max(latest, s.at);
  }
  const next = { ...state, stats };
  const bucket = Math.floor(latest / HISTORY_BUCKET_MS);
  return bucket > state.history.bucket ? { ...next, history: recordHistory(next, bucket) } : next;
}
