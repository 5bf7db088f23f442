import crypto from 'node:crypto';
import { DockpitError } from '../../engine/errors.js';
import { checkRunId } from '../run-id.js';
import type { StateImport } from '../types.js';
import type { EtcdConn } from './client.js';
import { auditKey, journalRunDir, pad, prefixEnd } from './keys.js';
import { chunks, putOp } from './kv.js';
import { importReservations } from './ledger.js';
import { importRecord } from './records.js';

// `dockpit state copy` into etcd: writes that keep what they are given (times, owners). Keys are derived
// from the content, so copying the same thing twice writes the same keys again rather than duplicates.

export function etcdImport(conn: EtcdConn, now: () => Date): StateImport {
  return {
    async isEmpty() {
      const start = conn.key('');
      const res = await conn.call('state read', (rpc, o) => rpc.kv.range({ key: start, range_end: prefixEnd(start), count_only: true }, o));
      return Number(res.count) === 0;
    },
    async reservations(all) {
      await importReservations(conn, all, now);
    },
    async journal(journal, runId, records) {
      const dir = journalRunDir(journal, checkRunId(runId));
      const other = records.find((r) => r.runId !== runId);
      if (other) throw new DockpitError('PARSE', `journal ${journal} run ${runId}: a record of run ${other.runId} among its records`);
      // Read back by create revision, then key: one transaction's keys share a revision, so within one the
      // index orders them; the "i" keeps them apart from appended records' keys (which start with a time).
      const keyed = records.map((r, i) => ({ key: `${dir}i${pad(i, 8)}`, value: JSON.stringify(r) }));
      for (const part of chunks(keyed)) {
        await conn.call('journal import', (rpc, o) => rpc.kv.txn({ compare: [], success: part.map((k) => putOp(conn, k.key, k.value)), failure: [] }, o));
      }
    },
    async audit(entries) {
      const keyed = entries.map((e) => {
        const value = JSON.stringify(e);
        return { key: auditKey(e.at, crypto.createHash('sha256').update(value).digest('hex').slice(0, 12)), value };
      });
      for (const part of chunks(keyed)) {
        await conn.call('audit import', (rpc, o) => rpc.kv.txn({ compare: [], success: part.map((k) => putOp(conn, k.key, k.value)), failure: [] }, o));
      }
    },
    async record(record) {
      await importRecord(conn, record);
    },
  };
}
