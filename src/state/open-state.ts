import { DEFAULT_RETENTION } from '../config/state-config.js';
import type { FleetConfig, StateConfig } from '../config/types.js';
import { afterJournalRecord } from '../engine/fault-point.js';
import { etcdState } from './etcd/etcd-state.js';
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
 * Opens the state a config names. Cheap and lazy: nothing is contacted until first used, so read-only
 * commands and the cockpit's live view never wait on it (issue 11, item 7).
 */
export function openState(config: Pick<FleetConfig, 'state' | 'stateDir'>, opts: OpenStateOptions = {}): StateStore {
  const sc = stateConfigOf(config);
  const operator = opts.operator ?? currentOperator();
  const store = sc.kind === 'etcd' ? etcdState(sc, { operator, ...(opts.now && { now: opts.now }) }) : fileState(sc, { operator, ...(opts.now && { now: opts.now }) });
  return withJournalFaults(store);
}

/** Test-only (DOCKPIT_FAULT, src/engine/fault-point.ts): each journal record, once durable, may be the last. */
function withJournalFaults(store: StateStore): StateStore {
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
