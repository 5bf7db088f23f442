import { render } from 'ink';
import type { FleetConfig } from '../config/types.js';
import { FleetEngine } from '../engine/fleet-engine.js';
import { createCoalescer, createFleetStore } from '../store/fleet-store.js';
import type { CockpitActions } from '../views/actions.js';
import { NO_ACTIONS } from '../views/actions.js';
import { App } from '../views/App.js';

export interface TuiOptions {
  readOnly: boolean;
}

/** The engine-backed actions the views may call. */
function engineActions(_engine: FleetEngine): CockpitActions {
  return NO_ACTIONS;
}

export async function runTui(config: FleetConfig, options: TuiOptions): Promise<number> {
  const store = createFleetStore();
  const coalescer = createCoalescer(store);
  const engine = new FleetEngine(config, coalescer.sink);
  engine.start();
  const ink = render(
    <App store={store} actions={engineActions(engine)} source={config.source} readOnly={options.readOnly} />,
    { exitOnCtrlC: true, maxFps: 30 } as Parameters<typeof render>[1],
  );
  await ink.waitUntilExit();
  coalescer.stop();
  await engine.stop();
  return 0;
}
