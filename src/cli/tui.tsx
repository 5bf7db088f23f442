import { render } from 'ink';
import type Docker from 'dockerode';
import type { FleetConfig } from '../config/types.js';
import { followLogs, inspectContainer } from '../engine/container-actions.js';
import { withDeadline } from '../engine/deadline.js';
import { DockpitError, toDockpitError } from '../engine/errors.js';
import { FleetEngine } from '../engine/fleet-engine.js';
import type { StatsSampler } from '../engine/stats-sampler.js';
import { openState } from '../state/open-state.js';
import type { CockpitActions } from '../app/ports.js';
import { App } from '../views/App.js';
import type { StartedFleet } from './connect.js';
import { startLedgerPoller } from '../app/ledger-watch.js';
import { cockpitMigrations } from '../app/migrations.js';
import { placeAction } from '../app/placement.js';
import { planActions } from '../app/plans.js';
import { startInspectRecorder, type InspectRecorder } from '../app/inspect-recorder.js';
import { startSampler } from '../app/stats-sampling.js';
import { lockHolders, startTeamWatcher } from '../app/team-watch.js';

export interface TuiOptions {
  readOnly: boolean;
}

/**
 * The engine-backed actions the views may call. Each call takes the host's current client: after a
 * reconnect it is a new one, and while the host is down there is none, which the screen shows as an error.
 */
function engineActions(engine: FleetEngine, sampler: StatsSampler, callTimeoutMs: number): CockpitActions {
  const clientOf = (host: string): Docker => {
    const client = engine.connections.get(host)?.client;
    if (!client) throw new DockpitError('UNREACHABLE', `host ${host} is not connected`);
    return client;
  };
  return {
    inspect: async (host, id) => {
      const client = clientOf(host);
      return withDeadline(callTimeoutMs, (signal) => inspectContainer(client, id, signal));
    },
    followLogs: (host, id, tail, onLines, onEnd) => {
      let client: Docker;
      try {
        client = clientOf(host);
      } catch (err) {
        // Asynchronously, as a stream's end would be, and not after the caller has stopped it.
        let stopped = false;
        queueMicrotask(() => stopped || onEnd((err as DockpitError).toString()));
        return () => void (stopped = true);
      }
      return followLogs(client, id, tail, onLines, onEnd, callTimeoutMs);
    },
    setVisible: (containers) => sampler.setVisible(containers),
  };
}

/** Runs the cockpit on a fleet already connecting (startFleet: its hosts are contacted while this module loads). */
export async function runTui(config: FleetConfig, options: TuiOptions, fleet: StartedFleet): Promise<number> {
  const { store, coalescer, engine } = fleet;
  const sampler = startSampler(engine, store, coalescer.sink, config.engine.callTimeoutMs, config.engine.statsPerSecond);
  // Issue 11: the state (ledger, locks, journals, records, audit log), opened once for the cockpit.
  const state = openState(config);
  // Issue 4: the pools and the ledger's reservations, for the IP view and the status line's conflict mark.
  const ledgerPoller = startLedgerPoller({ state, pools: config.pools, emit: coalescer.sink });
  // Issue 11: the runs of every operator sharing the state, live; this process's own are marked as such.
  const ownRuns = new Set<string>();
  const onRun = (runId: string) => void ownRuns.add(runId);
  const team = startTeamWatcher({ state, emit: coalescer.sink, isOwn: (runId) => ownRuns.has(runId), livenessMs: config.engine.probeIntervalMs });
  const actions = engineActions(engine, sampler, config.engine.callTimeoutMs);
  actions.heldBy = lockHolders(state);
  // Read-only binds nothing that changes the fleet: no placing at all, not only no key for it.
  if (!options.readOnly) actions.place = placeAction(config, state, engine, store);
  if (config.plans.length > 0) actions.plans = planActions(config, state, engine, store, options.readOnly, onRun);
  // Issue 6: migrations and evacuations; none at all read-only (their keys are then not bound).
  const migrations = options.readOnly ? null : cockpitMigrations(config, state, engine, store, onRun);
  if (migrations) actions.migrate = migrations.actions;
  const app = (where: string) => <App store={store} actions={actions} source={config.source} state={where} readOnly={options.readOnly} />;
  const ink = render(app(state.where), { exitOnCtrlC: true, maxFps: 30 } as Parameters<typeof render>[1]);
  // Each container's configuration as last seen, for migrating off a host whose engine has died: records
  // are writes, so once the state can be written. When it cannot, the live view works on and the header
  // says so; a change says why when it is tried (StateError).
  let recorder = null as InspectRecorder | null;
  let quitting = false;
  void state.ready().then(
    () => {
      if (quitting) return;
      recorder = startInspectRecorder(engine, store, state.records, {
        callTimeoutMs: config.engine.callTimeoutMs,
        onError: (host, err) => coalescer.sink({ type: 'host.status', host, patch: { error: err.toString() } }),
      });
    },
    (err: unknown) => ink.rerender(app(`${state.where} (not writable: ${toDockpitError(err).code}; nothing is recorded)`)),
  );
  await ink.waitUntilExit();
  quitting = true;
  // Quit while a migration runs: the moves not begun are skipped, those under way end (done or rolled back)
  // before the engines are closed, so none is left half done by the exit.
  const drained = await migrations?.drain((runId) =>
    process.stderr.write(`dockpit: migration ${runId}: waiting for the moves under way to end (Ctrl+C abandons them; \`dockpit migration resume ${runId}\` finishes them)\n`),
  );
  if (drained) {
    const { runId, status } = drained;
    process.stderr.write(`dockpit: migration ${runId} ended ${status}${status === 'done' ? '' : `; \`dockpit migration status ${runId}\` shows where each move stands`}\n`);
  }
  sampler.stop();
  await recorder?.stop();
  ledgerPoller.stop();
  team.stop();
  coalescer.stop();
  await engine.stop();
  await state.close();
  return 0;
}
