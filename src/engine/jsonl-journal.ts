import fs from 'node:fs';
import path from 'node:path';
import { readIfExists, syncDir } from './durable-file.js';
import { DockpitError } from './errors.js';

// The append-only, fsynced JSON-lines file behind every journal (plan runs, migrations): one record per
// line in `<dir>/<runId>.jsonl`, on disk before `append` resolves, so it can be written before the engine
// call it describes. A crash mid-write leaves a torn last line: readers leave it out (the call it
// described was never made).

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Refuses run ids that could name a path outside the journal's folder. */
export function checkRunId(runId: string): string {
  if (!RUN_ID.test(runId)) throw new DockpitError('PARSE', `run id ${JSON.stringify(runId)}: letters, digits, '.', '_' and '-' only`);
  return runId;
}

/** A new run id: sortable by start time, unique enough across processes. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${Math.random().toString(36).slice(2, 8)}`;
}

export interface JsonlJournal<R extends { runId: string }, In> {
  readonly dir: string;
  /** Appends one record, on disk before it resolves: call it before the engine call it describes. */
  append(record: In): Promise<R>;
  /** The run's records, oldest first ([] for an unknown run); a torn last line is left out. */
  read(runId: string): Promise<R[]>;
  /** Every run id the journal knows, oldest first. */
  runs(): Promise<string[]>;
}

/** A record of one of `kinds` for a run: told apart from damage when a journal is read. */
function recordOf<R>(kinds: ReadonlySet<string>): (r: unknown) => r is R {
  return (r: unknown): r is R => {
    const x = r as { kind?: unknown; runId?: unknown } | null;
    return typeof x === 'object' && x !== null && typeof x.kind === 'string' && kinds.has(x.kind) && typeof x.runId === 'string';
  };
}

/** A journal of records `R` (whose `kind` is one of `kinds`) in `dir`, stamped with `at`. */
export function jsonlJournal<R extends { runId: string; at: string; kind: string }, In extends { runId: string }>(
  dir: string,
  kinds: ReadonlySet<string>,
  now: () => Date = () => new Date(),
): JsonlJournal<R, In> {
  const fileOf = (runId: string) => path.join(dir, `${checkRunId(runId)}.jsonl`);
  return {
    dir,
    async append(input) {
      const record = { at: now().toISOString(), ...input } as unknown as R;
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
      return text === null ? [] : parseJsonl<R>(text, file, kinds);
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
export function parseJsonl<R>(text: string, where: string, kinds: ReadonlySet<string>): R[] {
  const isRecord = recordOf<R>(kinds);
  const lines = text.split('\n');
  const out: R[] = [];
  lines.slice(0, -1).forEach((line, i) => {
    if (line.length === 0) return;
    const r = parseLine(line, isRecord);
    if (r !== null) out.push(r);
    else if (!looksTorn(line)) throw new DockpitError('PARSE', `journal ${where}:${i + 1}: not a journal record`);
  });
  return out;
}

function parseLine<R>(line: string, isRecord: (r: unknown) => r is R): R | null {
  try {
    const r: unknown = JSON.parse(line);
    return isRecord(r) ? r : null;
  } catch {
    return null;
  }
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
