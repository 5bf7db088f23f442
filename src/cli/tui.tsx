import { render } from 'ink';
import type { FleetConfig } from '../config/types.js';
import { loadState } from '../state/load-state.js';
import { createApp } from '../app/create-app.js';
import { App } from '../views/App.js';
import type { StartedFleet } from './connect.js';
import { FIRST_FRAME_CAP_MS, FIRST_FRAME_QUIET_MS, firstFrameReady } from './first-frame.js';

export interface TuiOptions {
  readOnly: boolean;
}

/**
 * Runs the cockpit on a fleet already connecting (startFleet: its hosts are contacted while this module loads);
 * its first frame once the first lists are in (first-frame.ts).
 */
export async function runTui(config: FleetConfig, options: TuiOptions, fleet: StartedFleet): Promise<number> {
  const { store, coalescer, engine } = fleet;
  await firstFrameReady(engine.listed(), (notify) => store.subscribe(notify), { quietMs: FIRST_FRAME_QUIET_MS, capMs: FIRST_FRAME_CAP_MS });
  // Issue 11: the state (ledger, locks, journals, records, audit log), opened once for the cockpit.
  const state = await loadState(config);
  const view = (where: string) => <App store={store} actions={app.actions} source={config.source} state={where} readOnly={options.readOnly} />;
  const app = createApp(config, engine, store, state, fleet.emit, {
    readOnly: options.readOnly,
    listen: fleet.listen,
    onStateUnwritable: (why) => ink.rerender(view(`${state.where} (${why})`)),
  });
  coalescer.flush(); // the first frame holds every list in, not those of the coalescer's last commit
  const ink = render(view(state.where), { exitOnCtrlC: true, maxFps: 30 } as Parameters<typeof render>[1]);
  engine.describe(); // the first frame is out (Ink's legacy root renders synchronously): the hosts' versions now
  await ink.waitUntilExit();
  // Quit while a migration runs: the moves not begun are skipped, those under way end (done or rolled back)
  // before the engines are closed, so none is left half done by the exit.
  const drained = await app.drain((runId) =>
    process.stderr.write(`dockpit: migration ${runId}: waiting for the moves under way to end (Ctrl+C abandons them; \`dockpit migration resume ${runId}\` finishes them)\n`),
  );
  if (drained) {
    const { runId, status } = drained;
    process.stderr.write(`dockpit: migration ${runId} ended ${status}${status === 'done' ? '' : `; \`dockpit migration status ${runId}\` shows where each move stands`}\n`);
  }
  await app.stop();
  coalescer.stop();
  await engine.stop();
  await state.close();
  return 0;
}
