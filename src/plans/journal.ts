import fs from 'node:fs';
import path from 'node:path';
import { readIfExists, syncDir } from '../engine/durable-file.js';
import { DockpitError } from '../engine/errors.js';
import type { Operator } from '../engine/audit-log.js';
import type { ActionOutcome as ProgressOutcome, PlannedAction, PriorState, RunStatus } from './types.js';

export type { RunStatus };

// Issue 5, item 5: every mutating call of a plan run is written to an append-only journal, fsynced, as an
// intent before the call and an outcome after it. After dockpit is killed at any point, the journal alone
// says what may have happened: resume finishes the run, restore puts back the priors, nothing twice.
//
// The journal is an interface (etcd later, for several jump hosts); `fileJournal` is the default: one JSON
// line per record in `<stateDir>/runs/<runId>.jsonl`. A crash mid-write leaves a torn last line: readers
// ignore it (the call it described was never made: the record is written before the call).

export type ActionOutcome = 'done' | 'failed' | 'skipped';

export type JournalRecord =
  | { at: string; kind: 'run.start'; runId: string; plan: string; operator: Operator; actions: PlannedAction[] }
  /** Written when `resume` picks a run up again: the run is running until its next `run.end`. */
  | { at: string; kind: 'run.resume'; runId: string; operator: Operator }
  | { at: string; kind: 'intent'; runId: string; seq: number; host: string; id: string; name: string; action: PlannedAction['action']; prior: PriorState }
  | { at: string; kind: 'outcome'; runId: string; seq: number; outcome: ActionOutcome; error?: string }
  | { at: string; kind: 'run.end'; runId: string; status: Exclude<RunStatus, 'running'> }
  | { at: string; kind: 'restore.intent'; runId: string; seq: number; host: string; id: string; name: string; prior: PriorState }
  | { at: string; kind: 'restore.outcome'; runId: string; seq: number; outcome: ActionOutcome; error?: string };

/** A record before the journal stamps it. */
export type JournalInput = JournalRecord extends infer R ? (R extends JournalRecord ? Omit<R, 'at'> : never) : never;

export interface Journal {
  /** Appends one record, on disk before it resolves: call it before the engine call it describes. */
  append(record: JournalInput): Promise<JournalRecord>;
  /** The run's records, oldest first ([] for an unknown run); a torn last line is left out. */
  read(runId: string): Promise<JournalRecord[]>;
  /** Every run id the journal knows, oldest first. */
  runs(): Promise<string[]>;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Refuses run ids that could name a path outside the runs folder. */
export function checkRunId(runId: string): string {
  if (!RUN_ID.test(runId)) throw new DockpitError('PARSE', `run id ${JSON.stringify(runId)}: letters, digits, '.', '_' and '-' only`);
  return runId;
}

/** A new run id: sortable by start time, unique enough across processes. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${Math.random().toString(36).slice(2, 8)}`;
}

const KINDS: ReadonlySet<string> = new Set(['run.start', 'run.resume', 'intent', 'outcome', 'run.end', 'restore.intent', 'restore.outcome']);

function parseRecord(line: string): JournalRecord | null {
  try {
    const r = JSON.parse(line) as JournalRecord;
    if (typeof r !== 'object' || r === null || !KINDS.has(r.kind) || typeof r.runId !== 'string') return null;
    return r;
  } catch {
    return null;
  }
}

export function fileJournal(stateDir: string, now: () => Date = () => new Date()): Journal & { readonly dir: string } {
  const dir = path.join(stateDir, 'runs');
  const fileOf = (runId: string) => path.join(dir, `${checkRunId(runId)}.jsonl`);
  return {
    dir,
    async append(input) {
      const record = { at: now().toISOString(), ...input } as JournalRecord;
      const file = fileOf(record.runId);
      await fs.promises.mkdir(dir, { recursive: true });
      const existed = fs.existsSync(file);
      const fh = await fs.promises.open(file, 'a', 0o640);
      try {
        // A torn line left by a crash would swallow this record into it: start on a fresh line.
        const size = (await fh.stat()).size;
        let prefix = '';
        if (size > 0) {
          const last = Buffer.alloc(1);
          const rh = await fs.promises.open(file, 'r');
          try {
            await rh.read(last, 0, 1, size - 1);
          } finally {
            await rh.close();
          }
          if (last[0] !== 0x0a) prefix = '\n';
        }
        // One write(2) on an O_APPEND descriptor: the line lands whole at the end.
        await fh.write(`${prefix}${JSON.stringify(record)}\n`);
        await fh.sync();
      } finally {
        await fh.close();
      }
      if (!existed) await syncDir(dir);
      return record;
    },
    async read(runId) {
      const file = fileOf(runId);
      const text = await readIfExists(file);
      return text === null ? [] : parseJournal(text, file);
    },
    async runs() {
      let names: string[];
      try {
        names = await fs.promises.readdir(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
      return names.filter((n) => n.endsWith('.jsonl')).map((n) => n.slice(0, -'.jsonl'.length)).sort();
    },
  };
}

/**
 * Parses a journal file's text. A torn line (a crash mid-append) is left out: the last line when it has no
 * newline, or one followed by later records (a crash, then `resume` appending after it on a fresh line).
 * Any other bad line means the file was damaged some other way: an error, not something to guess around.
 */
export function parseJournal(text: string, where: string): JournalRecord[] {
  const lines = text.split('\n');
  const out: JournalRecord[] = [];
  lines.slice(0, -1).forEach((line, i) => {
    if (line.length === 0) return;
    const r = parseRecord(line);
    if (r) out.push(r);
    else if (!looksTorn(line)) throw new DockpitError('PARSE', `journal ${where}:${i + 1}: not a journal record`);
  });
  return out;
}

/** A prefix of a record's JSON: starts like one and does not parse. */
function looksTorn(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    JSON.parse(line);
    return false; // whole JSON, but not a record: damage, not a crash
  } catch {
    return true;
  }
}

/** Where an action stands: the same words the progress screen shows. */
export type ActionState = ProgressOutcome;

export interface ActionView {
  seq: number;
  action: PlannedAction;
  state: ActionState;
  /** From the first intent: what the container was before this run touched it. */
  prior: PriorState | null;
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
  };
  for (const r of records) {
    const a = 'seq' in r ? view.actions[r.seq] : undefined;
    switch (r.kind) {
      case 'intent':
        if (!a) break;
        a.prior ??= r.prior; // a retry's intent keeps the first prior: that is what restore puts back
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

/** The status a run ends with, from its actions' outcomes. */
export function endStatus(actions: readonly { state: ActionState }[], cancelled: boolean): Exclude<RunStatus, 'running' | 'refused'> {
  if (cancelled) return 'cancelled';
  return actions.every((a) => a.state === 'done') ? 'done' : 'partial';
}
