import fs from 'node:fs';
import path from 'node:path';
import { DockpitError } from '../../engine/errors.js';
import { currentOperator } from '../operator.js';
import { auditEntry } from '../schemas.js';
import { StateError, type AuditEntry, type AuditLog, type Operator } from '../types.js';
import { mkdirp, openForWrite, readIfExists, syncDir, writeFileDurably, type EnsureDir } from './durable-file.js';
import { withFileLock } from './file-lock.js';
import { inTurn } from './in-turn.js';

// Issue 4: every change dockpit makes is recorded, one JSON object a line, appended to
// `<stateDir>/audit.log` and fsynced before the call returns. General on purpose: placements and networks,
// plans and migrations (an action name, what it touched, free-form details, how it ended).
//
// Concurrent dockpit processes append to the same file: each entry is one write(2) on an O_APPEND
// descriptor, which Linux performs at the end of the file as a whole, so lines never interleave. Appends
// hold the log's lock (file-lock.ts) because `prune` rewrites the log (issue 11): an entry appended to the
// file it replaces would be lost.

export const AUDIT_FILE = 'audit.log';

/** The state folder's rules (state-folder.ts): how the folder is made, and whether it may be written. */
export interface AuditFolder {
  ensure: EnsureDir;
  ready(): Promise<void>;
}

/** A line of the log as an entry; a line that is not one is an error naming the file and line. */
function entryOf(line: string, file: string, i: number): AuditEntry {
  try {
    const e = JSON.parse(line) as AuditEntry;
    if (typeof e.action !== 'string' || !Array.isArray(e.targets) || typeof e.outcome !== 'string') throw new Error('not an audit entry');
    return e;
  } catch (err) {
    throw new DockpitError('PARSE', `audit log ${file}:${i + 1}: ${(err as Error).message}`);
  }
}

/** An entry line's time, ms (NaN for a line that is not an entry). */
function timeOf(line: string): number {
  try {
    return Date.parse((JSON.parse(line) as { at?: unknown }).at as string);
  } catch {
    return NaN;
  }
}

async function readLines(file: string): Promise<string[]> {
  return ((await readIfExists(file)) ?? '').split('\n').filter((l) => l.length > 0);
}

export type FileAuditLog = AuditLog & {
  /** Deletes the entries older than `cutoff`, keeping the others in order; resolves to how many went. */
  prune(cutoff: Date): Promise<number>;
  /** Writes entries as they are (times and operators kept), merged with what the log holds by time. */
  importEntries(entries: readonly AuditEntry[]): Promise<void>;
};

export function fileAuditLog(
  stateDir: string,
  operator: Operator = currentOperator(),
  now: () => Date = () => new Date(),
  folder: AuditFolder = { ensure: mkdirp, ready: async () => undefined },
): FileAuditLog {
  const file = path.join(stateDir, AUDIT_FILE);
  /** Opens the log for appending (its folder made: folder.ensure). */
  const open = async () => {
    const existed = fs.existsSync(file);
    const fh = await openForWrite(file, 'a', existed);
    // A new file's folder entry must be on disk too, or a crash could lose the whole log.
    if (!existed) await syncDir(stateDir);
    return fh;
  };
  /** Rewrites the log from its lines, durably, under its lock (no append meanwhile). */
  const underLock = async (work: () => Promise<void>) => {
    await folder.ensure(stateDir); // the lock is a folder in it
    await inTurn(file, () => withFileLock(file, 'audit log', work));
  };
  const rewrite = (edit: (lines: string[]) => string[] | null) =>
    underLock(async () => {
      const next = edit(await readLines(file));
      if (next !== null) await writeFileDurably(file, next.map((l) => `${l}\n`).join(''));
    });
  return {
    where: file,
    operator,
    async ready() {
      await folder.ready();
      try {
        await folder.ensure(stateDir);
        await (await open()).close();
      } catch (err) {
        if (err instanceof StateError) throw err;
        throw new StateError(`audit log ${file}: cannot append (${(err as NodeJS.ErrnoException).code ?? String(err)}); nothing changed`);
      }
    },
    async append(record) {
      const entry = auditEntry(record, operator, now());
      // Opened under the lock: a prune's rename cannot come between the open and the write.
      await underLock(async () => {
        const fh = await open();
        try {
          await fh.write(`${JSON.stringify(entry)}\n`);
          await fh.sync();
        } finally {
          await fh.close();
        }
      });
      return entry;
    },
    async read(opts = {}) {
      const since = opts.since?.getTime();
      const entries = (await readLines(file)).map((line, i) => entryOf(line, file, i));
      return since === undefined ? entries : entries.filter((e) => Date.parse(e.at) >= since);
    },
    async prune(cutoff) {
      let removed = 0;
      await rewrite((lines) => {
        // A line that is not an entry is kept: damage is for an operator to look at, not to delete.
        const kept = lines.filter((line) => !(timeOf(line) < cutoff.getTime()));
        removed = lines.length - kept.length;
        return removed > 0 ? kept : null;
      });
      return removed;
    },
    async importEntries(entries) {
      await rewrite((lines) => {
        const all = [...lines.map((line, i) => entryOf(line, file, i)), ...entries];
        // Stable: entries of one time keep their order.
        return all.map((e, i) => ({ e, i })).sort((a, b) => Date.parse(a.e.at) - Date.parse(b.e.at) || a.i - b.i).map(({ e }) => JSON.stringify(e));
      });
    },
  };
}
