import { EtcdPermissionDeniedError, GRPCOutOfRangeError } from 'etcd3';
import type { PruneResult, Retention } from '../types.js';
import type { EtcdConn } from './client.js';
import { AUDIT_DIR, claimKey, JOURNALS, journalDir, journalRunDir } from './keys.js';
import { absent, byCreation, deleteDirOp, dirUnchangedSince, jsonOf, listSegments, rangeDir } from './kv.js';

// Retention (issue 11: etcd's space quota must never be reached): journals of runs that ended longer ago
// than retention.journalsMs, and audit entries older than retention.auditMs, are deleted; then etcd's
// history is compacted to the current revision, so the space the deleted values and all the lock and
// lease churn took can be reused (an operator's `etcdctl defrag` hands it back to the file system).

/** The kinds that end a run: only a run whose last record is one of them is ever pruned. */
const END_KINDS: ReadonlySet<string> = new Set(['run.end', 'mig.end']);

export async function pruneState(conn: EtcdConn, retention: Retention, now: Date): Promise<PruneResult> {
  let journals = 0;
  let lastRevision = '0';
  const journalCutoff = now.getTime() - retention.journalsMs;
  for (const journal of JOURNALS) {
    for (const runId of await listSegments(conn, `prune ${journal}`, journalDir(journal))) {
      const dir = journalRunDir(journal, runId);
      const { kvs, revision } = await rangeDir(conn, `prune ${journal} read`, dir);
      lastRevision = revision;
      const last = kvs.sort(byCreation)[kvs.length - 1];
      if (!last) continue;
      const r = jsonOf(last) as { kind?: unknown; at?: unknown } | null;
      if (typeof r?.kind !== 'string' || !END_KINDS.has(r.kind) || typeof r.at !== 'string') continue;
      const endedAt = Date.parse(r.at);
      if (!Number.isFinite(endedAt) || !(endedAt < journalCutoff)) continue;
      const maxMod = kvs.reduce((m, kv) => (BigInt(kv.mod_revision) > m ? BigInt(kv.mod_revision) : m), 0n);
      // Only if nothing was appended since it was read (a resume elsewhere) and nobody claims the run.
      const res = await conn.call(`prune ${journal} delete`, (rpc, o) =>
        rpc.kv.txn({ compare: [dirUnchangedSince(conn, dir, maxMod), absent(conn, claimKey(runId))], success: [deleteDirOp(conn, dir)], failure: [] }, o),
      );
      lastRevision = res.header.revision;
      if (res.succeeded) journals++;
    }
  }

  // Audit keys start with their ISO time: everything before the cutoff's key is older.
  const auditCutoff = new Date(now.getTime() - retention.auditMs).toISOString();
  const del = await conn.call('prune audit', (rpc, o) => rpc.kv.deleteRange({ key: conn.key(AUDIT_DIR), range_end: conn.key(`${AUDIT_DIR}${auditCutoff}`) }, o));
  const auditEntries = Number(del.deleted);
  lastRevision = BigInt(del.header.revision) > BigInt(lastRevision) ? del.header.revision : lastRevision;

  try {
    await conn.call('compact', (rpc, o) => rpc.kv.compact({ revision: lastRevision, physical: false }, o));
  } catch (err) {
    // Compaction is cluster-wide, so etcd lets only root do it: dockpit's own user (a role limited to the
    // prefix, the recommended setup) cannot, and then the cluster's --auto-compaction-* settings do it.
    // Out of range: another prune compacted past this revision already, which is all this one wanted.
    const cause = (err as Error).cause;
    if (!(cause instanceof EtcdPermissionDeniedError) && !(cause instanceof GRPCOutOfRangeError)) throw err;
  }
  return { journals, auditEntries };
}
