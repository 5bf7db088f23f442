import type { JournalName, StateChange } from '../types.js';

// The key layout under the configured prefix (documented in etcd-state.ts). Keys are relative here; the
// connection (client.ts) puts the prefix in front. Every segment that comes from outside is checked or
// encoded so that one key can never be read as another's (a "/" in a name, "..").

export const LEDGER_RANGE = 'ledger'; // one range covers `ledger/…` and the guard `ledger.rev`
export const LEDGER_DIR = 'ledger/';
export const LEDGER_GUARD = 'ledger.rev';
export const LOCKS_DIR = 'locks/';
export const PLACING_DIR = 'placing/';
export const CLAIMS_DIR = 'claims/';
export const JOURNALS_DIR = 'journals/';
export const AUDIT_DIR = 'audit/';
export const RECORDS_DIR = 'records/';
/** Issue 15: `leaders/<role>`, the holder of a role one process of the team plays (the alerts' sender). */
export const LEADERS_DIR = 'leaders/';

export const JOURNALS: readonly JournalName[] = ['runs', 'migrations'];

/** Pool and container names come from config and operators: encoded, so a "/" stays inside its segment. */
export const ledgerKey = (pool: string, name: string): string => `${LEDGER_DIR}${encodeURIComponent(pool)}/${encodeURIComponent(name)}`;
export const placingKey = (name: string): string => `${PLACING_DIR}${name}`;
export const lockKey = (containerId: string): string => `${LOCKS_DIR}${containerId}`;
/** Run ids are unique across journals (a time stamp and a random part), so one claim key per run. */
export const claimKey = (runId: string): string => `${CLAIMS_DIR}${runId}`;
export const journalDir = (journal: JournalName): string => `${JOURNALS_DIR}${journal}/`;
export const journalRunDir = (journal: JournalName, runId: string): string => `${journalDir(journal)}${runId}/`;
export const recordHostDir = (host: string): string => `${RECORDS_DIR}${host}/`;
export const recordKey = (host: string, name: string): string => `${recordHostDir(host)}${name}`;
export const leaderKey = (role: string): string => `${LEADERS_DIR}${encodeURIComponent(role)}`;
export const auditKey = (at: string, unique: string): string => `${AUDIT_DIR}${at}-${unique}`;

/** Fixed width, so that keys sort as numbers do (13 digits of ms last until the year 2286). */
export const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** The end of the range of every key starting with `start` (etcd's "prefix end": the last byte + 1). */
export function prefixEnd(start: Buffer): Buffer {
  const end = Buffer.from(start);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]!++;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]); // all 0xff: to the end of the key space
}

/** What a change of `key` (relative to the prefix) means to a watcher; null for keys no watcher follows. */
export function changeOf(key: string): StateChange | null {
  if (key === LEDGER_GUARD || key.startsWith(LEDGER_DIR)) return { kind: 'ledger' };
  if (key.startsWith(LOCKS_DIR) || key.startsWith(PLACING_DIR) || key.startsWith(CLAIMS_DIR)) return { kind: 'locks' };
  if (key.startsWith(JOURNALS_DIR)) {
    const [journal, runId, rest] = key.slice(JOURNALS_DIR.length).split('/');
    if ((journal === 'runs' || journal === 'migrations') && runId && rest !== undefined) return { kind: 'journal', journal, runId };
  }
  return null;
}

/** One change per distinct change, in first-seen order (a ledger transaction touches several keys). */
export function distinctChanges(keys: readonly string[]): StateChange[] {
  const seen = new Set<string>();
  const out: StateChange[] = [];
  for (const key of keys) {
    const c = changeOf(key);
    if (!c) continue;
    const id = c.kind === 'journal' ? `journal/${c.journal}/${c.runId}` : c.kind;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(c);
  }
  return out;
}
