import { parseJsonl } from '../state/journal-lines.js';
import type { Operator, RunJournal, StateStore } from '../state/types.js';
import type { ActionOutcome, PlannedAction, PriorState, RunStatus } from './types.js';

export type { RunStatus };
export { checkRunId, newRunId } from '../state/run-id.js';

// Issue 5, item 5: every mutating call of a plan run is written to an append-only journal, fsynced, as an
// intent before the call and an outcome after it. After dockpit is killed at any point, the journal alone
// says what may have happened: resume finishes the run, restore puts back the priors, nothing twice.
//
// The journal is the state's `runs` journal (issue 11: a folder's `runs/<runId>.jsonl`, or etcd). A crash
// mid-write leaves a torn last record: readers ignore it (the call it described was never made: the record
// is written before the call).

/**
 * How an action ended, as the journal records it. `refused`: never called, with its reason (the preview's,
 * or one found live: issue 12). The progress screen's ActionOutcome (types.ts) adds `pending` and `in-flight`.
 */
export type JournaledOutcome = 'done' | 'failed' | 'skipped' | 'refused';

export type JournalRecord =
  /** `unseen` (issue 13): hosts the plan may reach that did not answer: the run cannot end `done` while one is. */
  | { at: string; kind: 'run.start'; runId: string; plan: string; operator: Operator; actions: PlannedAction[]; unseen?: string[] }
  /** Issue 13: a resume saw unseen hosts again (`hosts`) and added the actions the plan makes there (seq after the last). */
  | { at: string; kind: 'run.extend'; runId: string; hosts: string[]; actions: PlannedAction[] }
  /** Written when `resume` picks a run up again: the run is running until its next `run.end`. */
  | { at: string; kind: 'run.resume'; runId: string; operator: Operator }
  /**
   * `engineAt`: the engine's clock (epoch seconds) just before the intent was written, as the writer measured
   * it: where a resume starts reading the engine's own record of the call (issue 12; absent in older journals).
   */
  | { at: string; kind: 'intent'; runId: string; seq: number; host: string; id: string; name: string; action: PlannedAction['action']; prior: PriorState; engineAt?: number }
  | { at: string; kind: 'outcome'; runId: string; seq: number; outcome: JournaledOutcome; error?: string }
  | { at: string; kind: 'run.end'; runId: string; status: Exclude<RunStatus, 'running'> }
  | { at: string; kind: 'restore.intent'; runId: string; seq: number; host: string; id: string; name: string; prior: PriorState }
  | { at: string; kind: 'restore.outcome'; runId: string; seq: number; outcome: JournaledOutcome; error?: string };

/** A record before the journal stamps it. */
export type JournalInput = JournalRecord extends infer R ? (R extends JournalRecord ? Omit<R, 'at'> : never) : never;

export type Journal = RunJournal<JournalRecord, JournalInput>;

/** The kinds of a plan run's records: anything else read back is damage. */
export const JOURNAL_KINDS: ReadonlySet<string> = new Set(['run.start', 'run.extend', 'run.resume', 'intent', 'outcome', 'run.end', 'restore.intent', 'restore.outcome']);

/** The plan runs' journal of a state. */
export function planJournal(state: Pick<StateStore, 'journal'>): Journal {
  return state.journal<JournalRecord, JournalInput>('runs', JOURNAL_KINDS);
}

/** Parses a plan journal's JSON lines (see parseJsonl: a torn line is left out, other damage throws). */
export function parseJournal(text: string, where: string): JournalRecord[] {
  return parseJsonl<JournalRecord>(text, where, JOURNAL_KINDS);
}

/** Where an action stands: the same words the progress screen shows. */
export type ActionState = ActionOutcome;

export interface ActionView {
  seq: number;
  action: PlannedAction;
  state: ActionState;
  /** From the first intent: what the container was before this run touched it. */
  prior: PriorState | null;
  /** The latest intent: when it was written (local ISO time, and the engine's clock when recorded). */
  intent?: { at: string; engineAt: number | null };
  error?: string;
  restore: 'none' | 'in-flight' | 'done' | 'failed';
  restoreError?: string;
}

export interface RunView {
  runId: string;
  plan: string | null;
  operator: Operator | null;
  started: string | null;
  /** When the last `run.end` was written, null while running. */
  ended: string | null;
  status: RunStatus;
  actions: ActionView[];
  /** Hosts the run has not seen yet (issue 13): named in its result, and the run is `partial` while any is. */
  unseen: string[];
}

/** Where a run stands, from its records alone (pure: the journal is the truth after a crash). */
export function runState(records: readonly JournalRecord[]): RunView {
  const start = records.find((r): r is Extract<JournalRecord, { kind: 'run.start' }> => r.kind === 'run.start');
  const view: RunView = {
    runId: start?.runId ?? records[0]?.runId ?? '',
    plan: start?.plan ?? null,
    operator: start?.operator ?? null,
    started: start?.at ?? null,
    ended: null,
    status: 'running',
    actions: (start?.actions ?? []).map((action, seq) => ({ seq, action, state: 'pending', prior: null, restore: 'none' })),
    unseen: [...(start?.unseen ?? [])],
  };
  for (const r of records) {
    const a = 'seq' in r ? view.actions[r.seq] : undefined;
    switch (r.kind) {
      case 'intent':
        if (!a) break;
        a.prior ??= r.prior; // a retry's intent keeps the first prior: that is what restore puts back
        a.intent = { at: r.at, engineAt: r.engineAt ?? null };
        a.state = 'in-flight';
        delete a.error;
        break;
      case 'outcome':
        if (!a) break;
        a.state = r.outcome;
        if (r.error !== undefined) a.error = r.error;
        else delete a.error;
        break;
      case 'restore.intent':
        if (a) a.restore = 'in-flight';
        break;
      case 'restore.outcome':
        if (!a) break;
        a.restore = r.outcome === 'failed' ? 'failed' : 'done';
        if (r.error !== undefined) a.restoreError = r.error;
        else delete a.restoreError;
        break;
      case 'run.end':
        view.status = r.status;
        view.ended = r.at;
        break;
      case 'run.extend':
        for (const action of r.actions) view.actions.push({ seq: view.actions.length, action, state: 'pending', prior: null, restore: 'none' });
        view.unseen = view.unseen.filter((h) => !r.hosts.includes(h));
        break;
      case 'run.resume':
        view.status = 'running';
        view.ended = null;
        break;
      default:
        break;
    }
  }
  return view;
}

/**
 * The status a run ends with, from its actions' outcomes. A run with a refused action ends `partial` even
 * when every other action is done (issue 12): it did not do the whole plan, and must not read as complete.
 */
export function endStatus(actions: readonly { state: ActionState }[], cancelled: boolean, unseen: readonly string[] = []): Exclude<RunStatus, 'running' | 'refused'> {
  if (cancelled) return 'cancelled';
  // Issue 13: a host nobody saw may still run what the plan selects: never counted as done.
  return actions.every((a) => a.state === 'done') && unseen.length === 0 ? 'done' : 'partial';
}
