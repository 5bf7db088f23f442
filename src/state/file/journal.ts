import fs from 'node:fs';
import path from 'node:path';
import { parseJsonl } from '../journal-lines.js';
import { checkRunId } from '../run-id.js';
import type { JournalEntry, RunJournal } from '../types.js';
import { maskSecretsDeep } from '../../secrets/secret-env.js';
import { mkdirp, openForWrite, readdirIfExists, readIfExists, syncDir, writeFileDurably, writeRefused, type EnsureDir } from './durable-file.js';

// The append-only, fsynced JSON-lines file behind every journal (plan runs, migrations): one record per
// line in `<dir>/<runId>.jsonl`, on disk before `append` resolves, so it can be written before the engine
// call it describes. A crash mid-write leaves a torn last line: readers leave it out (journal-lines.ts).

export const JOURNAL_EXT = '.jsonl';

export interface FileJournalOptions {
  now?: () => Date;
  ensureDir?: EnsureDir;
  /** Throws when this process may not append to the run (another holds its claim: container-lock.ts). */
  guard?: (runId: string) => Promise<void>;
}

const fileIn = (dir: string, runId: string) => path.join(dir, `${checkRunId(runId)}${JOURNAL_EXT}`);

/** A journal of records `R` (whose `kind` is one of `kinds`) in `dir`, stamped with `at`. */
export function fileJournal<R extends JournalEntry, In extends { runId: string }>(
  dir: string,
  kinds: ReadonlySet<string>,
  opts: FileJournalOptions = {},
): RunJournal<R, In> & { readonly dir: string } {
  const now = opts.now ?? (() => new Date());
  const ensureDir = opts.ensureDir ?? mkdirp;
  const fileOf = (runId: string) => fileIn(dir, runId);
  return {
    dir,
    async append(input) {
      // Issue 17, item 3: env secrets never reach a journal (a migration's create body and inspect carry the
      // env); the executor gets them back from the container or its record (src/migrate/execute.ts).
      const record = maskSecretsDeep({ at: now().toISOString(), ...input }) as unknown as R;
      const file = fileOf(record.runId);
      await opts.guard?.(record.runId);
      await ensureDir(dir);
      await appendLine(file, JSON.stringify(record));
      return record;
    },
    async read(runId) {
      const file = fileOf(runId);
      const text = await readIfExists(file);
      return text === null ? [] : parseJsonl<R>(text, file, kinds);
    },
    async runs() {
      return (await readdirIfExists(dir)).filter((n) => n.endsWith(JOURNAL_EXT)).map((n) => n.slice(0, -JOURNAL_EXT.length)).sort();
    },
  };
}

/** Appends one line to a journal file, fsynced (and its folder entry, when new), on a line of its own. */
async function appendLine(file: string, line: string): Promise<void> {
  const existed = fs.existsSync(file);
  const fh = await openForWrite(file, 'a', existed);
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
    await fh.write(`${prefix}${line}\n`);
    await fh.sync();
  } catch (err) {
    throw writeRefused(err, file);
  } finally {
    await fh.close();
  }
  if (!existed) await syncDir(path.dirname(file));
}

/** Writes a run's journal as given (each record with its own `at`), replacing it: `dockpit state copy`. */
export async function writeJournalFile(dir: string, runId: string, records: readonly JournalEntry[], ensureDir: EnsureDir = mkdirp): Promise<void> {
  const file = fileIn(dir, runId);
  await ensureDir(dir);
  await writeFileDurably(file, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
}
