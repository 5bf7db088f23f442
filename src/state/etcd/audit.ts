import crypto from 'node:crypto';
import { DockpitError } from '../../engine/errors.js';
import { auditEntry } from '../schemas.js';
import type { AuditEntry, AuditLog, Operator } from '../types.js';
import type { EtcdConn } from './client.js';
import { AUDIT_DIR, auditKey } from './keys.js';
import { jsonOf, putOp, rangeDir } from './kv.js';

// The audit log on etcd: one key per entry, `audit/<ISO time>-<unique>`, with no lease (entries outlive
// whoever wrote them). ISO times in UTC sort as text, so the keys are the log's order and `since` is where
// a range starts. Entries from several jump hosts interleave by their writers' clocks.

/** An entry read back: a value that is not one is an error, never skipped (a log with holes lies). */
export function auditEntryOf(conn: EtcdConn, key: Buffer, value: unknown): AuditEntry {
  const e = value as Partial<AuditEntry> | null;
  if (typeof e !== 'object' || e === null || typeof e.at !== 'string' || typeof e.action !== 'string' || !Array.isArray(e.targets) || typeof e.outcome !== 'string') {
    throw new DockpitError('PARSE', `audit log ${conn.where}${conn.rel(key)}: not an audit entry`);
  }
  return e as AuditEntry;
}

/** A random part for keys written at the same millisecond by several processes. */
export const uniquePart = (): string => crypto.randomBytes(6).toString('hex');

export function etcdAudit(conn: EtcdConn, operator: Operator, now: () => Date, ready: () => Promise<void>): AuditLog {
  return {
    where: `${conn.where}${AUDIT_DIR}`,
    operator,
    ready,
    async append(record) {
      const entry = auditEntry(record, operator, now());
      const key = auditKey(entry.at, uniquePart());
      await conn.call('audit append', (rpc, o) => rpc.kv.txn({ compare: [], success: [putOp(conn, key, JSON.stringify(entry))], failure: [] }, o));
      return entry;
    },
    async read(opts = {}) {
      const from = opts.since ? `${AUDIT_DIR}${opts.since.toISOString()}` : undefined;
      const { kvs } = await rangeDir(conn, 'audit read', AUDIT_DIR, from !== undefined ? { from } : {});
      return kvs.map((kv) => auditEntryOf(conn, kv.key, jsonOf(kv)));
    },
  };
}
