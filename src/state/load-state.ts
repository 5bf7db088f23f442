import { DEFAULT_RETENTION } from '../config/state-config.js';
import type { FleetConfig, StateConfig } from '../config/types.js';
import { afterJournalRecord } from '../engine/fault-point.js';
import { fileState } from './file/file-state.js';
import { currentOperator } from './operator.js';
import type { JournalEntry, JournalName, Operator, RunJournal, StateStore } from './types.js';

/** The state config a fleet config names: its `state:`, else files in its state folder. */
export function stateConfigOf(config: Pick<FleetConfig, 'state' | 'stateDir'>): StateConfig {
  return config.state ?? { kind: 'file', dir: config.stateDir, retention: { ...DEFAULT_RETENTION } };
}

export interface OpenStateOptions {
  operator?: Operator;
  now?: () => Date;
}

/**
 * openState (open-state.ts) for the paths that start dockpit (the cockpit, `watch`, the commands run through
 * withState): the etcd backend's module, and with it etcd3, grpc-js and protobufjs (their protos are compiled
 * when loaded: about half a second of the cockpit's launch on a loaded machine), is imported only when the
 * state is on etcd (issue 16, fast start). Cheap and lazy otherwise, as openState: nothing is contacted yet.
 */
export async function loadState(config: Pick<FleetConfig, 'state' | 'stateDir'>, opts: OpenStateOptions = {}): Promise<StateStore> {
  const sc = stateConfigOf(config);
  if (sc.kind === 'etcd') {
    const { etcdState } = await import('./etcd/etcd-state.js');
    return withJournalFaults(etcdState(sc, backendOptions(opts)));
  }
  return withJournalFaults(fileState(sc, backendOptions(opts)));
}

export function backendOptions(opts: OpenStateOptions): { operator: Operator; now?: () => Date } {
  return { operator: opts.operator ?? currentOperator(), ...(opts.now && { now: opts.now }) };
}

/** Test-only (DOCKPIT_FAULT, src/engine/fault-point.ts): each journal record, once durable, may be the last. */
export function withJournalFaults(store: StateStore): StateStore {
  const journal = store.journal.bind(store);
  store.journal = <R extends JournalEntry, In extends { runId: string }>(name: JournalName, kinds: ReadonlySet<string>): RunJournal<R, In> => {
    const j = journal<R, In>(name, kinds);
    return {
      read: (runId) => j.read(runId),
      runs: () => j.runs(),
      append: async (r) => {
        const written = await j.append(r);
        afterJournalRecord();
        return written;
      },
    };
  };
  return store;
}
