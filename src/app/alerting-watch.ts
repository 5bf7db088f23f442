import { renderMetrics, type SelfHealth } from '../alerts/metrics.js';
import { startMetricsServer, type MetricsServer } from '../alerts/metrics-server.js';
import type { AlertSink } from '../alerts/types.js';
import type { FleetConfig } from '../config/types.js';
import type { FleetEngine } from '../engine/fleet-engine.js';
import type { DomainEvent, DomainEventSink } from '../engine/types.js';
import type { StateStore } from '../state/types.js';
import type { FleetStore } from '../store/fleet-store.js';
import { startAlerting, type Alerting, type AlertingHealth, type AlertRules } from './alerting.js';
import type { WatchLog } from './alerting-log.js';
import { configuredSinks } from './alerting-sinks.js';
import { startFencedReturnOn } from './fenced-return.js';
import { startLedgerPoller } from './ledger-watch.js';
import { startSenderElection, type SenderElection } from './sender-election.js';
import { startSampler } from './stats-sampling.js';
import { startTeamWatcher } from './team-watch.js';

// Issue 15, item 1: what `dockpit watch` runs, headless (nothing here loads Ink or React): the live fleet,
// the services the rules read (stats sampler with the default budget, the ledger for IP alerts, the team's
// runs for partial/failed runs), the alerting service, the sender election, the metrics server.

export interface WatchFleet {
  store: FleetStore;
  engine: FleetEngine;
  emit: DomainEventSink;
  listen(listener: (event: DomainEvent) => void): () => void;
  coalescer: { stop(): void };
}

export interface WatchOptions {
  config: FleetConfig;
  state: StateStore;
  rules: AlertRules;
  log: WatchLog;
  /** Starts the fleet, telling `onCommit` of each store commit (cli/connect.ts's startFleet). */
  connect: (opts: { onCommit: (ms: number, events: number) => void }) => WatchFleet;
  /** `--metrics ADDR`: where the exposition is served. */
  metrics: string | null;
  perContainer: boolean;
  senderTtlMs?: number;
}

export interface Watch {
  /** The metrics server's bound address (port 0 resolved), or null. */
  metricsAddress: string | null;
  alerting: Alerting;
  election: SenderElection;
  /** Flushes the sinks (≤ 2 s), gives the sender role up, stops the services and closes engines and state. */
  stop(): Promise<void>;
}

export function selfHealthMetrics(h: AlertingHealth): SelfHealth {
  return {
    eventsReceived: h.eventsReceived,
    relists: h.relists,
    commits: h.commits,
    commitSeconds: h.commitMsTotal / 1000,
    sinks: Object.entries(h.sinks).map(([name, stats]) => ({ name: name as SelfHealth['sinks'][number]['name'], stats })),
  };
}

export async function startWatch(opts: WatchOptions): Promise<Watch> {
  const { config, state, log } = opts;
  let fleet: WatchFleet | null = null;
  let alerting: Alerting | null = null;
  // First: a bad or busy address fails the start before anything is contacted.
  const metrics: MetricsServer | null = opts.metrics
    ? await startMetricsServer(opts.metrics, () => (fleet && alerting ? renderMetrics(fleet.store.getState(), selfHealthMetrics(alerting.selfHealth()), { perContainer: opts.perContainer }) : ''))
    : null;
  const sinks = configuredSinks(config.alerts);
  const election = startSenderElection({
    leases: state.leases,
    ...(opts.senderTtlMs !== undefined && { ttlMs: opts.senderTtlMs }),
    onChange: (on, id) => {
      log.write({ event: on ? 'sender.gained' : 'sender.lost', id });
      if (on) alerting?.senderGained();
    },
  });
  const started = startAlerting({
    rules: opts.rules,
    evaluateEveryMs: config.alerts.evaluateEveryMs,
    ackForMs: config.alerts.ackForMs,
    // The store and its sink exist once the fleet starts, just below; the timers fire after that.
    store: { getState: () => fleet!.store.getState() },
    emit: (e) => fleet!.emit(e),
    audit: state.audit,
    sinks: sinks.sinks,
    isSender: () => election.isSender(),
    ...(sinks.periodic && { periodic: sinks.periodic }),
    ...(sinks.silence && { silence: sinks.silence }),
    onTransitions: (t, sent) => log.transitions(t, sent),
  });
  alerting = started;
  const live = opts.connect({ onCommit: (ms, n) => started.onCommit(ms, n) });
  live.listen(started.observe);
  fleet = live;
  const sampler = startSampler(live.engine, live.store, live.emit, config.engine.callTimeoutMs, config.engine.statsPerSecond);
  const ledger = startLedgerPoller({ state, pools: config.pools, emit: live.emit });
  const team = startTeamWatcher({ state, emit: live.emit, livenessMs: config.engine.probeIntervalMs });
  // Chaos F7/F8: a host that returns after an evacuation off it while fenced runs its moved containers again
  // (live-restore, restart=always): they are stopped as soon as it is seen up (fenced-return.ts says why).
  const fenced = startFencedReturnOn(live.store, live.engine, state, config.engine.callTimeoutMs, live.emit);
  const sinkWatch = setInterval(() => {
    const h = started.selfHealth();
    log.sinkStats(Object.entries(h.sinks).map(([name, stats]) => ({ name: name as AlertSink['name'], stats })), Date.now());
  }, 1000);

  return {
    metricsAddress: metrics?.address ?? null,
    alerting: started,
    election,
    async stop() {
      clearInterval(sinkWatch);
      sampler.stop();
      ledger.stop();
      team.stop();
      await fenced.stop();
      await started.stop(2000);
      await election.stop();
      await metrics?.close();
      live.coalescer.stop();
      await live.engine.stop();
      await state.close();
    },
  };
}
