import type { Container, ContainerEventRecord, HostStatus } from '../engine/types.js';
import { EMPTY_HISTORY, type HostStats, type TrafficHistory } from './stats.js';

/** One host's containers, normalized: a change copies only this host's maps (engine-facts.md). */
export interface HostContainers {
  byId: Readonly<Record<string, Container>>;
  /** IDs sorted by container name. */
  order: readonly string[];
}

export interface FleetState {
  hostOrder: readonly string[];
  hosts: Readonly<Record<string, HostStatus>>;
  containers: Readonly<Record<string, HostContainers>>;
  /** Container events of all hosts, oldest first, at most TIMELINE_LIMIT. */
  timeline: readonly ContainerEventRecord[];
  /** Latest resource samples per host (issue 3's live traffic). */
  stats: Readonly<Record<string, HostStats>>;
  history: TrafficHistory;
}

export const TIMELINE_LIMIT = 2000;

export const EMPTY_HOST_CONTAINERS: HostContainers = Object.freeze({ byId: Object.freeze({}), order: Object.freeze([]) });

export function initialFleetState(): FleetState {
  return { hostOrder: [], hosts: {}, containers: {}, timeline: [], stats: {}, history: EMPTY_HISTORY };
}
