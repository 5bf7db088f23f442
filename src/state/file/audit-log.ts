import fs from 'node:fs';
import path from 'node:path';
import { DockpitError } from '../../engine/errors.js';
import { nextLink, verifyChain, type ChainStart } from '../audit-chain.js';
import { currentOperator } from '../operator.js';
import { auditEntry } from '../schemas.js';
import { StateError, type AuditEntry, type AuditLog, type Operator } from '../types.js';
import { mkdirp, openForWrite, readIfExists, syncDir, writeFileDurably, writeRefused, type EnsureDir } from './durable-file.js';
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
//
// Issue 17, item 4: each entry links to the line before it (audit-chain.ts): `seq` and `prev` are read
// from the log's last line under that lock, so two processes appending at once still make one chain. A
// prune deletes only a prefix of the log (a deleted entry in the middle would break the chain) and notes in
// `audit.log.start` what the first kept entry links to, so verify tells a prune from a deletion.

export const AUDIT_FILE = 'audit.log';
/** Where the chain of a pruned log starts (ChainStart as JSON). */
export const AUDIT_START_FILE = 'audit.log.start';
/** How much of the log's end is read to find its last line (a longer line reads the whole file). */
const TAIL_BYTES = 64 * 1024;

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

/** The log's last line and whether the file ends with a newline (a crash can leave a torn last line). */
async function lastLine(file: string): Promise<{ line: string | null; whole: boolean }> {
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { line: null, whole: true };
    throw err;
  }
  try {
    const size = (await fh.stat()).size;
    if (size === 0) return { line: null, whole: true };
    const from = Math.max(0, size - TAIL_BYTES);
    const buf = Buffer.alloc(size - from);
    await fh.read(buf, 0, buf.length, from);
    let text = buf.toString('utf8');
    const whole = text.endsWith('\n');
    let lines = text.split('\n').filter((l) => l.length > 0);
    if (from > 0 && lines.length < 2) {
      text = await fs.promises.readFile(file, 'utf8'); // one line longer than the tail: read it all
      lines = text.split('\n').filter((l) => l.length > 0);
    }
    return { line: lines.at(-1) ?? null, whole };
  } finally {
    await fh.close();
  }
}

function linkOf(line: string): { seq?: unknown; prev?: unknown } {
  try {
    return JSON.parse(line) as { seq?: unknown; prev?: unknown };
  } catch {
    return {};
  }
}

async function readStart(file: string): Promise<ChainStart | null> {
  const text = await readIfExists(file);
  if (text === null) return null;
  try {
    const s = JSON.parse(text) as ChainStart;
    return typeof s.seq === 'number' && typeof s.prev === 'string' ? s : null;
  } catch {
    return null; // damaged: verify then reports the log's first entry as linking to nothing
  }
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
  const startFile = path.join(stateDir, AUDIT_START_FILE);
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
      const base = auditEntry(record, operator, now());
      let entry: AuditEntry = base;
      // Opened under the lock: a prune's rename cannot come between the open and the write, and no other
      // append between reading the last line and writing the one that links to it.
      await underLock(async () => {
        const last = await lastLine(file);
        entry = { ...base, ...nextLink(last.line, last.line === null ? await readStart(startFile) : null) };
        const fh = await open();
        try {
          // A torn last line (a crash mid-write) would swallow this entry: start on a fresh line.
          await fh.write(`${last.whole ? '' : '\n'}${JSON.stringify(entry)}\n`);
          await fh.sync();
        } catch (err) {
          throw writeRefused(err, file);
        } finally {
          await fh.close();
        }
      });
      return entry;
    },
    async verify() {
      return verifyChain(await readLines(file), await readStart(startFile));
    },
    async read(opts = {}) {
      const since = opts.since?.getTime();
      const entries = (await readLines(file)).map((line, i) => entryOf(line, file, i));
      return since === undefined ? entries : entries.filter((e) => Date.parse(e.at) >= since);
    },
    async prune(cutoff) {
      let removed = 0;
      await underLock(async () => {
        const lines = await readLines(file);
        // Only a prefix: the chain of what is kept stays whole. A line that is not an entry ends it too:
        // damage is for an operator to look at, not to delete.
        while (removed < lines.length && timeOf(lines[removed]!) < cutoff.getTime()) removed++;
        if (removed === 0) return;
        const kept = lines.slice(removed);
        // Where the kept chain starts, before the log loses what it links to (a crash between the two
        // writes leaves a start that the log's first entry does not match: verify reports it).
        const link = nextLink(lines[removed - 1]!);
        const start: ChainStart = { ...link, prunedAt: now().toISOString(), prunedBy: `${operator.user}@${operator.from}`, removed };
        const firstKept = kept[0] === undefined ? null : linkOf(kept[0]);
        if (firstKept === null || (firstKept.prev === link.prev && firstKept.seq === link.seq)) {
          await writeFileDurably(startFile, `${JSON.stringify(start)}\n`);
        }
        await writeFileDurably(file, kept.map((l) => `${l}\n`).join(''));
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
