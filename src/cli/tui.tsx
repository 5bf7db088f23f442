import { render } from 'ink';
import type Docker from 'dockerode';
import type { FleetConfig } from '../config/types.js';
import { followLogs, inspectContainer } from '../engine/container-actions.js';
import { withDeadline } from '../engine/deadline.js';
import { DockpitError } from '../engine/errors.js';
import { FleetEngine } from '../engine/fleet-engine.js';
import { inspectRecords } from '../engine/inspect-records.js';
import type { StatsSampler } from '../engine/stats-sampler.js';
import { fileLedger } from '../pool/file-ledger.js';
import type { CockpitActions } from '../views/actions.js';
import { App } from '../views/App.js';
import type { StartedFleet } from './connect.js';
import { startLedgerPoller } from './ledger-wiring.js';
import { cockpitMigrations } from './cockpit-migrations.js';
import { placeAction } from './place-action.js';
import { planActions } from './plan-actions.js';
import { startInspectRecorder } from './record-wiring.js';
import { startSampler } from './stats-wiring.js';

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
  // Each container's configuration as last seen, for migrating off a host whose engine has died.
  const recorder = startInspectRecorder(engine, store, inspectRecords(config.stateDir), {
    callTimeoutMs: config.engine.callTimeoutMs,
    onError: (host, err) => coalescer.sink({ type: 'host.status', host, patch: { error: err.toString() } }),
  });
  // Issue 4: the pools and the ledger's reservations, for the IP view and the status line's conflict mark.
  const ledger = fileLedger(config.stateDir);
  const ledgerPoller = startLedgerPoller({ stateDir: config.stateDir, pools: config.pools, list: () => ledger.list(), emit: coalescer.sink });
  const actions = engineActions(engine, sampler, config.engine.callTimeoutMs);
  // Read-only binds nothing that changes the fleet: no placing at all, not only no key for it.
  if (!options.readOnly) actions.place = placeAction(config, engine, store);
  if (config.plans.length > 0) actions.plans = planActions(config, engine, store, options.readOnly);
  // Issue 6: migrations and evacuations; none at all read-only (their keys are then not bound).
  const migrations = options.readOnly ? null : cockpitMigrations(config, engine, store);
  if (migrations) actions.migrate = migrations.actions;
  const ink = render(
    <App store={store} actions={actions} source={config.source} readOnly={options.readOnly} />,
    { exitOnCtrlC: true, maxFps: 30 } as Parameters<typeof render>[1],
  );
  await ink.waitUntilExit();
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
  await recorder.stop();
  ledgerPoller.stop();
  coalescer.stop();
  await engine.stop();
  return 0;
}
