import type { FleetConfig } from '../config/types.js';
import { loadState } from '../state/load-state.js';
import type { StateStore } from '../state/types.js';

/** Runs a command with the config's state, opened once for the process and closed when it is done. */
export async function withState<T>(config: Pick<FleetConfig, 'state' | 'stateDir'>, run: (state: StateStore) => Promise<T>): Promise<T> {
  const state = await loadState(config);
  try {
    return await run(state);
  } finally {
    await state.close();
  }
}
