import type { Operator, RunJournal, StateStore } from '../state/types.js';
import type { MovePlan, RollbackStep, StepName } from './types.js';

// Issue 6, item 6: a migration or an evacuation is journaled like a plan run (fsynced intent before each
// engine call, outcome after), in the state's `migrations` journal (files: `migrations/<runId>.jsonl`).
// After dockpit is killed at any point, the records alone say where each move stands: resume goes on
// forward, or finishes a rollback.

export type StepOutcome = 'done' | 'failed' | 'skipped';
export type MoveStatus = 'pending' | 'running' | 'rolling-back' | 'done' | 'rolled-back' | 'failed' | 'skipped';
/** `abandoned`: ended by `migration abandon` where it stood (issue 13): its claim is released, it is never resumed. */
export type MigrationStatus = 'running' | 'done' | 'partial' | 'failed' | 'cancelled' | 'refused' | 'abandoned';

/** What a step learned that later steps (or a resume) need. */
export interface StepData {
  targetId?: string;
  wasRunning?: boolean;
  bytes?: number;
  how?: string;
  ms?: number;
}

export type MigrationRecord =
  | { at: string; kind: 'mig.start'; runId: string; what: 'migrate' | 'evacuate'; host: string | null; operator: Operator; parallel: number; moves: MovePlan[] }
  | { at: string; kind: 'mig.resume'; runId: string; operator: Operator }
  /** `engineAt`: the clock of the engine the step calls, just before the intent (issue 12: where settling it starts). */
  | { at: string; kind: 'step.intent'; runId: string; move: number; step: StepName | RollbackStep; data?: StepData; engineAt?: number }
  | { at: string; kind: 'step.outcome'; runId: string; move: number; step: StepName | RollbackStep; outcome: StepOutcome; error?: string; data?: StepData }
  | { at: string; kind: 'move.end'; runId: string; move: number; status: Exclude<MoveStatus, 'pending' | 'running' | 'rolling-back'>; downtimeMs: number | null; error?: string }
  | { at: string; kind: 'mig.end'; runId: string; status: Exclude<MigrationStatus, 'running'> };

export type MigrationInput = MigrationRecord extends infer R ? (R extends MigrationRecord ? Omit<R, 'at'> : never) : never;
export type MigrationJournal = RunJournal<MigrationRecord, MigrationInput>;

/** The kinds of a migration's records: anything else read back is damage. */
export const JOURNAL_KINDS: ReadonlySet<string> = new Set(['mig.start', 'mig.resume', 'step.intent', 'step.outcome', 'move.end', 'mig.end']);

/** The migrations' journal of a state. */
export function migrationJournal(state: Pick<StateStore, 'journal'>): MigrationJournal {
  return state.journal<MigrationRecord, MigrationInput>('migrations', JOURNAL_KINDS);
}

export interface StepView {
  step: StepName | RollbackStep;
  state: 'in-flight' | StepOutcome;
  at: string;
  error?: string;
  /** The latest intent's engine time, when recorded (older journals have none). */
  engineAt?: number;
}

export interface MoveView {
  index: number;
  plan: MovePlan;
  status: MoveStatus;
  /** Each step's latest state, in the order first seen. */
  steps: StepView[];
  /** Everything the steps learned, merged. */
  data: StepData;
  /** When the source was stopped (stop-source done), for downtime. */
  stoppedAt: string | null;
  downtimeMs: number | null;
  error?: string;
}

export interface MigrationView {
  runId: string;
  what: 'migrate' | 'evacuate' | null;
  host: string | null;
  operator: Operator | null;
  parallel: number;
  started: string | null;
  ended: string | null;
  status: MigrationStatus;
  moves: MoveView[];
}

const ROLLBACK: ReadonlySet<string> = new Set(['remove-target', 'unpark-source', 'start-source']);
export const isRollbackStep = (s: string): s is RollbackStep => ROLLBACK.has(s);

/** Where a migration stands, from its records alone (pure: after a crash the journal is the truth). */
export function migrationState(records: readonly MigrationRecord[]): MigrationView {
  const start = records.find((r): r is Extract<MigrationRecord, { kind: 'mig.start' }> => r.kind === 'mig.start');
  const view: MigrationView = {
    runId: start?.runId ?? records[0]?.runId ?? '',
    what: start?.what ?? null,
    host: start?.host ?? null,
    operator: start?.operator ?? null,
    parallel: start?.parallel ?? 1,
    started: start?.at ?? null,
    ended: null,
    status: 'running',
    moves: (start?.moves ?? []).map((plan, index) => ({ index, plan, status: 'pending', steps: [], data: {}, stoppedAt: null, downtimeMs: null })),
  };
  for (const r of records) {
    const m = 'move' in r ? view.moves[r.move] : undefined;
    switch (r.kind) {
      case 'step.intent':
      case 'step.outcome': {
        if (!m) break;
        const state = r.kind === 'step.intent' ? 'in-flight' : r.outcome;
        const existing = m.steps.find((s) => s.step === r.step);
        const sv: StepView = {
          step: r.step,
          state,
          at: r.at,
          ...(r.kind === 'step.outcome' && r.error !== undefined && { error: r.error }),
          ...(r.kind === 'step.intent' && r.engineAt !== undefined && { engineAt: r.engineAt }),
        };
        if (existing) Object.assign(existing, sv, r.kind === 'step.intent' ? { error: undefined } : {});
        else m.steps.push(sv);
        if (r.data) m.data = { ...m.data, ...r.data };
        if (isRollbackStep(r.step)) m.status = 'rolling-back';
        else if (m.status === 'pending' || m.status === 'skipped') m.status = 'running'; // skipped: a cancelled move resumed
        if (r.kind === 'step.outcome' && r.step === 'stop-source' && r.outcome === 'done') m.stoppedAt = r.at;
        break;
      }
      case 'move.end':
        if (!m) break;
        m.status = r.status;
        m.downtimeMs = r.downtimeMs;
        if (r.error !== undefined) m.error = r.error;
        break;
      case 'mig.end':
        view.status = r.status;
        view.ended = r.at;
        break;
      case 'mig.resume':
        view.status = 'running';
        view.ended = null;
        break;
      default:
        break;
    }
  }
  return view;
}

/** The status a migration ends with, from its moves. */
export function migrationEnd(moves: readonly { status: MoveStatus }[], cancelled: boolean): Exclude<MigrationStatus, 'running' | 'refused'> {
  if (moves.every((m) => m.status === 'done')) return 'done';
  if (cancelled) return 'cancelled';
  if (moves.some((m) => m.status === 'done')) return 'partial';
  return 'failed';
}
