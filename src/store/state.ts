import type { IpPool } from '../config/types.js';
import type { Container, ContainerEventRecord, HostStatus, TeamRun } from '../engine/types.js';
import type { Reservation } from '../state/types.js';
import { NO_ALERTS, type AlertsState } from './alerts.js';
import { NO_OWN_RUNS, type OwnRuns } from './own-runs.js';
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
  /** The configured static IP pools (issue 4); set once from the config. */
  pools: readonly IpPool[];
  /** Each configured line's tier (`lines:`); set once from the config. It wins over containers' labels (issue 12). */
  lineTiers: Readonly<Record<string, number>>;
  /** The reservation ledger as last read (issue 4). */
  reservations: ReservationsState;
  /** Plan runs and migrations of every operator sharing the state, running or ended a moment ago, by run id (start time). */
  team: readonly TeamRun[];
  /** The runs this process started (issue 14): their progress reaches the screens as store data. */
  runs: OwnRuns;
  /** Issue 15: the alerts evaluated in this process (the cockpit's or `dockpit watch`'s). */
  alerts: AlertsState;
}

/** The ledger as the cockpit last read it. */
export interface ReservationsState {
  /** The last good read; empty until the first. */
  list: readonly Reservation[];
  /** Whether a read has succeeded yet: until then, drift and stale are unknown. */
  loaded: boolean;
  /** Why the last read failed (`CODE: message`); null after a good read. The list keeps the last good read. */
  error: string | null;
}

export const EMPTY_RESERVATIONS: ReservationsState = Object.freeze({ list: Object.freeze([]), loaded: false, error: null });

export const NO_LINE_TIERS: Readonly<Record<string, number>> = Object.freeze({});

export const NO_TEAM_RUNS: readonly TeamRun[] = Object.freeze([]);

export const TIMELINE_LIMIT = 2000;

export const EMPTY_HOST_CONTAINERS: HostContainers = Object.freeze({ byId: Object.freeze({}), order: Object.freeze([]) });

export function initialFleetState(): FleetState {
  return { hostOrder: [], hosts: {}, containers: {}, timeline: [], stats: {}, history: EMPTY_HISTORY, pools: [], lineTiers: NO_LINE_TIERS, reservations: EMPTY_RESERVATIONS, team: NO_TEAM_RUNS, runs: NO_OWN_RUNS, alerts: NO_ALERTS };
}
