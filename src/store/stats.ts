import type { StatsEvent, StatsSample } from '../engine/types.js';
import type { FleetState } from './state.js';

/** One host's latest samples, per container: a sample on one host copies only that host's map. */
export type HostStats = Readonly<Record<string, StatsSample>>;

export function applyStats(state: FleetState, event: StatsEvent): FleetState {
  if (event.samples.length === 0) return state;
  const stats = { ...state.stats };
  for (const s of event.samples) {
    stats[s.host] = { ...(stats[s.host] ?? {}), [s.id]: s };
  }
  return { ...state, stats };
}
