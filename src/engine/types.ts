// Domain types shared by the engine, the store and the views. Plain data only.
import type { Alert } from '../alerts/types.js';
import type { MoveRun, PlanRun } from '../store/own-runs.js';
import type { IpPool } from '../config/types.js';
import type { Reservation } from '../state/types.js';

export type Transport = 'unix' | 'tcp' | 'tls' | 'ssh';

export type HostState = 'connecting' | 'up' | 'degraded' | 'down';

/** What dockpit knows about one host's engine at a moment. */
export interface HostStatus {
  name: string;
  url: string;
  transport: Transport;
  state: HostState;
  /** The last error, as `CODE: message`; null once the host is healthy again. */
  error: string | null;
  engineVersion: string | null;
  apiVersion: string | null;
  /** Round trip of the last health probe (a container list), in milliseconds. */
  latencyMs: number | null;
  liveRestore: boolean | null;
  /** The engine's CPU count (`/info` NCPU): a plan's CPU limit above it is refused (issue 12). */
  ncpu: number | null;
  labels: Record<string, string>;
  /** Local epoch ms of the last successful contact. */
  lastSeen: number | null;
}

export type ContainerState =
  | 'created'
  | 'running'
  | 'paused'
  | 'restarting'
  | 'removing'
  | 'exited'
  | 'dead';

export interface Container {
  host: string;
  id: string;
  name: string;
  image: string;
  state: ContainerState;
  status: string;
  bizline: string | null;
  tier: number | null;
  /** Network name → IPv4 address ('' when the network gave none). */
  ips: Record<string, string>;
  labels: Record<string, string>;
  /** Engine epoch seconds. */
  created: number;
}

/** A container event as the engine reported it, for the timeline. */
export interface ContainerEventRecord {
  host: string;
  id: string;
  name: string;
  action: string;
  /** Engine clock, nanoseconds since the epoch. */
  timeNano: number;
  /** timeNano's exact digits (a JS number keeps about 16): `events --json` prints these (issue 17, item 6). */
  timeNanoText?: string;
  /** `die`: the exit code the engine reported (issue 15: a non-zero one no stop explains is an alert). */
  exitCode?: number;
  /** `kill`: the signal sent (docker stop sends 15 first, docker kill 9). */
  signal?: number;
}

/** Everything the engine tells the store. One dispatch path: the store applies these, nothing else. */
export type DomainEvent =
  | { type: 'host.status'; host: string; patch: Partial<Omit<HostStatus, 'name'>> }
  | { type: 'host.listed'; host: string; containers: Container[] }
  | { type: 'container.updated'; host: string; container: Container }
  | { type: 'container.patched'; host: string; id: string; patch: Partial<Container> }
  | { type: 'container.removed'; host: string; id: string }
  | { type: 'container.event'; event: ContainerEventRecord }
  | StatsEvent
  | LedgerEvent
  | TeamEvent
  | OwnRunEvent
  | AlertsEvent;

/** Issue 4: the configured pools (once, at start), and each read of the reservation ledger. */
export type LedgerEvent =
  | { type: 'pools.configured'; pools: IpPool[] }
  | { type: 'ledger.read'; reservations: Reservation[] }
  | { type: 'ledger.failed'; error: string };

/** Where another operator's run stands ('interrupted': the journal says running, but nobody holds its locks). */
export type TeamRunStatus = 'running' | 'done' | 'partial' | 'failed' | 'cancelled' | 'refused' | 'abandoned' | 'interrupted';

/**
 * Issue 11, item 4: a plan run or a migration as the shared state's journals show it, whoever started it
 * (several operators, several jump hosts, one state).
 */
export interface TeamRun {
  kind: 'plan' | 'migration';
  runId: string;
  /** `plan shed`, `evacuate h3`, `migrate NAME → h2`. */
  title: string;
  /** `user@jump-host` of whoever started (or last resumed) it. */
  operator: string;
  status: TeamRunStatus;
  /** Actions with an outcome (plan), moves ended (migration). */
  done: number;
  total: number;
  /** ISO time of its start record. */
  started: string | null;
  /** ISO time it ended (its end record; the last record of an interrupted run); null while running. */
  ended: string | null;
  /** Started by this process: its own screens show it already. */
  own: boolean;
}

/** A run read from the journals (new or changed), or one no longer shown (ended a while ago, pruned). */
export type TeamEvent = { type: 'team.run'; run: TeamRun } | { type: 'team.gone'; runId: string };

/** Issue 14: a run this process started, whole, each time it changes (src/store/own-runs.ts). */
export type OwnRunEvent = { type: 'run.plan'; run: PlanRun } | { type: 'run.move'; run: MoveRun };

/** Issue 15: the alerts as the evaluator holds them now, whole (src/store/alerts.ts). */
export type AlertsEvent = { type: 'alerts.changed'; alerts: readonly Alert[] };

export type DomainEventSink = (event: DomainEvent) => void;

/** One container's resource use, computed from two successive engine samples. */
export interface StatsSample {
  host: string;
  id: string;
  /** Local epoch ms when the sample was taken. */
  at: number;
  /** Percent of one core (100 = one core busy), as `docker stats` shows it. */
  cpuPercent: number;
  memBytes: number;
  memLimitBytes: number;
  rxBytesPerSec: number;
  txBytesPerSec: number;
}

export type StatsEvent = {
  type: 'stats.sampled';
  samples: StatsSample[];
  /**
   * Samples of the background rotation (no container on screen): they feed line and host sums only, which the
   * store may commit at a slower pace (issue 14: idle CPU).
   */
  background?: boolean;
};
