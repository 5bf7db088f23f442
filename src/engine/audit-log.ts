import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readIfExists, syncDir } from './durable-file.js';
import { DockpitError } from './errors.js';

// Issue 4: every change dockpit makes is recorded, one JSON object a line, appended to
// `<stateDir>/audit.log` and fsynced before the call returns. General on purpose: placements and networks
// now, plans and migrations later (an action name, what it touched, free-form details, how it ended).
//
// Concurrent dockpit processes append to the same file: each entry is one write(2) on an O_APPEND
// descriptor, which Linux performs at the end of the file as a whole, so lines never interleave.

export const AUDIT_FILE = 'audit.log';

export type AuditOutcome = 'ok' | 'failed' | 'refused';

export interface AuditEntry {
  /** ISO time the entry was written (the outcome is known by then). */
  at: string;
  /** The operator: the user behind sudo when there is one. */
  user: string;
  /** The jump host dockpit ran on. */
  from: string;
  /** What was done, dotted: `container.run`, `network.create` … */
  action: string;
  /** What it touched, as `host/name` (or a pool, a line …). */
  targets: string[];
  details: Record<string, unknown>;
  outcome: AuditOutcome;
  /** `CODE: message` when the outcome is not ok. */
  error?: string;
}

export type AuditRecord = Omit<AuditEntry, 'at' | 'user' | 'from'>;

export interface Operator {
  user: string;
  from: string;
}

/** Who is running dockpit, and where. Under sudo, the person who ran sudo. */
export function currentOperator(env: NodeJS.ProcessEnv = process.env): Operator {
  let user = env.SUDO_USER;
  if (!user) {
    try {
      user = os.userInfo().username;
    } catch {
      user = env.USER ?? `uid ${process.getuid?.() ?? '?'}`;
    }
  }
  return { user, from: os.hostname() };
}

/** `user@jump-host`, as the ledger's `by` and in "being placed by …" messages. */
export function operatorLabel(o: Operator): string {
  return `${o.user}@${o.from}`;
}

export interface AuditLog {
  readonly file: string;
  readonly operator: Operator;
  /**
   * Opens the log for appending (creating the folder and file): call before a change, so that a log that
   * cannot be written stops the change instead of leaving it unrecorded.
   */
  ready(): Promise<void>;
  /** Appends one entry and fsyncs it; returns the entry as written. */
  append(record: AuditRecord): Promise<AuditEntry>;
}

export function fileAuditLog(stateDir: string, operator: Operator = currentOperator(), now: () => Date = () => new Date()): AuditLog {
  const file = path.join(stateDir, AUDIT_FILE);
  const open = async () => {
    await fs.promises.mkdir(stateDir, { recursive: true });
    const existed = fs.existsSync(file);
    const fh = await fs.promises.open(file, 'a', 0o640);
    // A new file's folder entry must be on disk too, or a crash could lose the whole log.
    if (!existed) await syncDir(stateDir);
    return fh;
  };
  return {
    file,
    operator,
    async ready() {
      try {
        await (await open()).close();
      } catch (err) {
        throw new DockpitError('UNKNOWN', `audit log ${file}: cannot append (${(err as NodeJS.ErrnoException).code ?? String(err)}); nothing changed`);
      }
    },
    async append(record) {
      const entry: AuditEntry = {
        at: now().toISOString(),
        user: operator.user,
        from: operator.from,
        action: record.action,
        targets: record.targets,
        details: record.details,
        outcome: record.outcome,
        ...(record.error !== undefined && { error: record.error }),
      };
      const fh = await open();
      try {
        await fh.write(`${JSON.stringify(entry)}\n`);
        await fh.sync();
      } finally {
        await fh.close();
      }
      return entry;
    },
  };
}

/** Every entry of a state folder's audit log, oldest first; a line that is not an entry is an error. */
export async function readAuditLog(stateDir: string): Promise<AuditEntry[]> {
  const file = path.join(stateDir, AUDIT_FILE);
  const text = await readIfExists(file);
  if (text === null) return [];
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((line, i) => {
      try {
        const e = JSON.parse(line) as AuditEntry;
        if (typeof e.action !== 'string' || !Array.isArray(e.targets) || typeof e.outcome !== 'string') throw new Error('not an audit entry');
        return e;
      } catch (err) {
        throw new DockpitError('PARSE', `audit log ${file}:${i + 1}: ${(err as Error).message}`);
      }
    });
}
