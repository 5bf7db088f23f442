import type { FleetConfig } from '../config/types.js';
import { etcdState } from './etcd/etcd-state.js';
import { fileState } from './file/file-state.js';
import { backendOptions, stateConfigOf, withJournalFaults, type OpenStateOptions } from './load-state.js';
import type { StateStore } from './types.js';

export { stateConfigOf, type OpenStateOptions };

/**
 * Opens the state a config names. Cheap and lazy: nothing is contacted until first used, so read-only
 * commands and the cockpit's live view never wait on it (issue 11, item 7). It loads both backends' modules:
 * the paths that start dockpit use loadState (load-state.ts), which imports etcd's only for a state on etcd.
 */
export function openState(config: Pick<FleetConfig, 'state' | 'stateDir'>, opts: OpenStateOptions = {}): StateStore {
  const sc = stateConfigOf(config);
  const store = sc.kind === 'etcd' ? etcdState(sc, backendOptions(opts)) : fileState(sc, backendOptions(opts));
  return withJournalFaults(store);
}
