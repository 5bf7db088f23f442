import { AlertEvaluator } from '../alerts/evaluator.js';
import type { FleetConfig } from '../config/types.js';
import { toDockpitError } from '../engine/errors.js';
import type { FleetEngine } from '../engine/fleet-engine.js';
import type { DomainEvent, DomainEventSink } from '../engine/types.js';
import type { StateStore } from '../state/types.js';
import type { FleetStore } from '../store/fleet-store.js';
import { startAlerting } from './alerting.js';
import { alertmanagerSilence } from './alerting-sinks.js';
import { engineActions } from './engine-actions.js';
import { startFencedReturnOn, type FencedReturn } from './fenced-return.js';
import { startInspectRecorder, type InspectRecorder } from './inspect-recorder.js';
import { startLedgerPoller } from './ledger-watch.js';
import { cockpitMigrations } from './migrations.js';
import { placeAction } from './placement.js';
import { planActions } from './plans.js';
import type { CockpitActions } from './ports.js';
import { startSampler } from './stats-sampling.js';
import { lockHolders, startTeamWatcher } from './team-watch.js';

// Issue 14, item 1: every service the cockpit uses, built once here; the composition root (cli/tui.tsx)
// only connects the fleet, calls this, and renders the views on `actions`.

export interface AppOptions {
  /** Nothing that changes the fleet is built: its ports are absent, so the views bind no key for it. */
  readOnly: boolean;
  /** Told when the state cannot be written (the header says so; nothing is recorded). */
  onStateUnwritable?: (why: string) => void;
  /**
   * Issue 15: registers a listener of every domain event (the fleet's `listen`), for the alert rules. Absent:
   * the rules see only the store (event-counting rules such as restartLoop then never fire).
   */
  listen?: (listener: (event: DomainEvent) => void) => () => void;
}

export interface CockpitApp {
  actions: CockpitActions;
  /**
   * At quit: cancels the migration's moves not begun and waits for those under way (they end done or rolled
   * back), so that no move is left half done by the exit. Resolves to the run it waited for, if any.
   */
  drain(onWait: (runId: string) => void): Promise<{ runId: string; status: string } | null>;
  /** Stops the watchers, the sampler and the recorder (not the engine, the coalescer nor the state: the caller's). */
  stop(): Promise<void>;
}

export function createApp(config: FleetConfig, engine: FleetEngine, store: FleetStore, state: StateStore, emit: DomainEventSink, options: AppOptions): CockpitApp {
  const { readOnly } = options;
  const sampler = startSampler(engine, store, emit, config.engine.callTimeoutMs, config.engine.statsPerSecond);
  // Issue 4: the pools and the ledger's reservations, for the IP view and the status line's conflict mark.
  const ledger = startLedgerPoller({ state, pools: config.pools, emit });
  // Issue 11: the runs of every operator sharing the state, live; this process's own are marked as such.
  const ownRuns = new Set<string>();
  const onRun = (runId: string) => void ownRuns.add(runId);
  const team = startTeamWatcher({ state, emit, isOwn: (runId) => ownRuns.has(runId), livenessMs: config.engine.probeIntervalMs });

  // Issue 15: the cockpit evaluates the alerts (FleetState.alerts: the :alerts screen, the status line) and
  // never sends them: sending is `dockpit watch`'s, one sender per team. Acks still silence in Alertmanager.
  const { alerts: alertsConfig } = config;
  const silence = alertmanagerSilence(alertsConfig);
  const alerting = startAlerting({
    rules: new AlertEvaluator(alertsConfig.rules, { keepResolvedMs: alertsConfig.keepResolvedMs, resendMs: alertsConfig.resendMs }),
    evaluateEveryMs: alertsConfig.evaluateEveryMs,
    ackForMs: alertsConfig.ackForMs,
    store,
    emit,
    audit: state.audit,
    sinks: [],
    isSender: () => false,
    ...(silence && { silence }),
  });
  const unlisten = options.listen?.(alerting.observe) ?? (() => undefined);
  // A cause on screen is evaluated at its commit, like in `dockpit watch`, not at the next tick.
  const unsubscribe = store.subscribe(alerting.committed);

  const actions = engineActions(engine, sampler, config.engine.callTimeoutMs);
  if (!readOnly) {
    const by = `${state.audit.operator.user}@${state.audit.operator.from}`;
    actions.alerts = { ack: (key) => alerting.ack(key, by) };
  }
  actions.heldBy = lockHolders(state);
  // Read-only binds nothing that changes the fleet: no placing at all, not only no key for it.
  if (!readOnly) actions.place = placeAction(config, state, engine, store);
  if (config.plans.length > 0) actions.plans = planActions({ config, state, engine, store, emit, readOnly, onRun });
  // Issue 6: migrations and evacuations; none at all read-only (their keys are then not bound).
  const migrations = readOnly ? null : cockpitMigrations({ config, state, engine, store, emit, onRun });
  if (migrations) actions.migrate = migrations.actions;

  // Each container's configuration as last seen, for migrating off a host whose engine has died: records
  // are writes, so once the state can be written. When it cannot, the live view works on and the header
  // says so; a change says why when it is tried (StateError).
  let recorder: InspectRecorder | null = null;
  let fenced: FencedReturn | null = null;
  let stopped = false;
  void state.ready().then(
    () => {
      if (stopped) return;
      recorder = startInspectRecorder(engine, store, state.records, {
        callTimeoutMs: config.engine.callTimeoutMs,
        onError: (host, err) => emit({ type: 'host.status', host, patch: { error: err.toString() } }),
      });
      // Chaos F7/F8: a fenced host's moved-away containers are stopped when it comes back (not read-only).
      if (!readOnly) fenced = startFencedReturnOn(store, engine, state, config.engine.callTimeoutMs, emit);
    },
    (err: unknown) => options.onStateUnwritable?.(`not writable: ${toDockpitError(err).code}; nothing is recorded`),
  );

  return {
    actions,
    drain: async (onWait) => (migrations ? migrations.drain(onWait) : null),
    stop: async () => {
      stopped = true;
      unlisten();
      unsubscribe();
      await alerting.stop(0);
      sampler.stop();
      await recorder?.stop();
      await fenced?.stop();
      ledger.stop();
      team.stop();
    },
  };
}
