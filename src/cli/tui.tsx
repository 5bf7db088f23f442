import { render } from 'ink';
import type { FleetConfig } from '../config/types.js';
import { FleetEngine } from '../engine/fleet-engine.js';
import { createCoalescer, createFleetStore } from '../store/fleet-store.js';
import { App } from '../views/App.js';

export async function runTui(config: FleetConfig): Promise<number> {
  const store = createFleetStore();
  const coalescer = createCoalescer(store);
  const engine = new FleetEngine(config, coalescer.sink);
  engine.start();
  const ink = render(<App store={store} source={config.source} />, { exitOnCtrlC: true, maxFps: 30, incrementalRendering: true } as Parameters<typeof render>[1]);
  await ink.waitUntilExit();
  coalescer.stop();
  await engine.stop();
  return 0;
}
