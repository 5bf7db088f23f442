import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Backoff } from '../../engine/backoff.js';
import { DockpitError } from '../../engine/errors.js';
import { nextLink, verifyChain, type ChainStart } from '../audit-chain.js';
import { auditEntry } from '../schemas.js';
import type { AuditEntry, AuditLog, Operator } from '../types.js';
import type { EtcdConn } from './client.js';
import { AUDIT_DIR, auditKey, prefixEnd } from './keys.js';
import { byCreation, dirUnchangedSince, jsonOf, putOp, rangeDir, sleep } from './kv.js';

// The audit log on etcd: one key per entry, `audit/<ISO time>-<unique>`, with no lease (entries outlive
// whoever wrote them). ISO times in UTC sort as text, so the keys are the log's order and `since` is where
// a range starts. Entries from several jump hosts interleave by their writers' clocks.
//
// Issue 17, item 4: the hash chain (audit-chain.ts) follows etcd's commit order (create revisions), not
// the keys' clock order. An append reads the last committed entry and commits its own only if no key of
// the log was written since (a transaction comparing the log's revision): two jump hosts appending at
// once still make one chain, the loser reads again. Prune deletes the oldest entries and etcd keeps no
// note of it: verify there reports a chain that starts after seq 1 as pruned (or deleted), not as a break.

/** How long an append keeps retrying against other writers before giving up. */
const CONTENDED_MS = 10_000;

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
      const base = auditEntry(record, operator, now());
      const key = auditKey(base.at, uniquePart());
      const until = performance.now() + CONTENDED_MS;
      const backoff = new Backoff(2, 50);
      for (;;) {
        const start = conn.key(AUDIT_DIR);
        const last = await conn.call('audit append', (rpc, o) =>
          rpc.kv.range({ key: start, range_end: prefixEnd(start), limit: 1, sort_order: 'Descend', sort_target: 'Create' }, o),
        );
        const entry: AuditEntry = { ...base, ...nextLink(last.kvs[0]?.value.toString() ?? null) };
        const res = await conn.call('audit append', (rpc, o) =>
          rpc.kv.txn({ compare: [dirUnchangedSince(conn, AUDIT_DIR, BigInt(last.header.revision))], success: [putOp(conn, key, JSON.stringify(entry))], failure: [] }, o),
        );
        if (res.succeeded) return entry;
        if (performance.now() > until) throw new DockpitError('TIMEOUT', `audit log ${conn.where}${AUDIT_DIR}: other dockpits kept appending for ${CONTENDED_MS / 1000} s; not written`);
        await sleep(backoff.next());
      }
    },
    async verify() {
      const { kvs } = await rangeDir(conn, 'audit verify', AUDIT_DIR);
      const texts = [...kvs].sort(byCreation).map((kv) => kv.value.toString());
      // The oldest entry links past seq 1: the entries before it were pruned (etcd keeps no note of it).
      let head: { seq?: unknown; prev?: unknown } | null = null;
      try {
        head = texts[0] === undefined ? null : (JSON.parse(texts[0]) as { seq?: unknown; prev?: unknown });
      } catch {
        head = null; // verifyChain names it
      }
      const start: ChainStart | null =
        head && typeof head.seq === 'number' && head.seq > 1 && typeof head.prev === 'string'
          ? { seq: head.seq, prev: head.prev, prunedAt: 'an unrecorded time', prunedBy: 'a prune (or a deletion: etcd keeps no note of either)', removed: head.seq - 1 }
          : null;
      return verifyChain(texts, start);
    },
    async read(opts = {}) {
      const from = opts.since ? `${AUDIT_DIR}${opts.since.toISOString()}` : undefined;
      const { kvs } = await rangeDir(conn, 'audit read', AUDIT_DIR, from !== undefined ? { from } : {});
      return kvs.map((kv) => auditEntryOf(conn, kv.key, jsonOf(kv)));
    },
  };
}
