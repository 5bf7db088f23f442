import crypto from 'node:crypto';
import type { IKeyValue } from 'etcd3';
import { DockpitError } from '../../engine/errors.js';
import { recordOf } from '../journal-lines.js';
import { checkRunId } from '../run-id.js';
import { StateError, type JournalEntry, type JournalName, type RunJournal } from '../types.js';
import type { EtcdConn } from './client.js';
import { claimKey, journalDir, journalRunDir, pad } from './keys.js';
import { absent, byCreation, getOp, jsonOf, leaseIs, listSegments, putOp, rangeDir, rangeResult } from './kv.js';
import { ownerOf } from './locks.js';
import { maskSecretsDeep } from '../../secrets/secret-env.js';
import type { Session } from './session.js';

// Journals on etcd: one key per record, `journals/<journal>/<runId>/<suffix>`, written by one
// transaction that fences it (issue 11: a stale executor never appends after a takeover):
// - a run this process claimed (it took the run's locks): the claim `claims/<runId>` must still be bound
//   to this process's lease;
// - any other run: nobody may hold its claim (run.start and a refused run.end are written before, or
//   without, the locks: src/plans/execute.ts).
// Records read back in commit order (create revision); the suffix only keeps keys unique and readable.

const PROCESS_TAG = crypto.randomBytes(4).toString('hex');
let counter = 0;

/** A key suffix unique across processes: the record's time, this process, a counter. */
function suffixOf(at: string): string {
  const ms = Date.parse(at);
  return `${pad(Number.isFinite(ms) ? ms : 0, 13)}-${PROCESS_TAG}-${pad(++counter, 8)}`;
}

/** Who holds a claim, for messages. */
function holderText(kv: IKeyValue | undefined): string | null {
  const o = ownerOf(kv);
  return o ? `run ${o.runId} of ${o.operator} on ${o.host} (pid ${o.pid}) since ${o.since}` : null;
}

export function etcdJournal<R extends JournalEntry, In extends { runId: string }>(
  conn: EtcdConn,
  session: Session,
  name: JournalName,
  kinds: ReadonlySet<string>,
  now: () => Date,
): RunJournal<R, In> {
  const isRecord = recordOf<R>(kinds);
  return {
    async append(input) {
      // Issue 17, item 3: env secrets never reach a journal (a migration's create body and inspect carry the
      // env); the executor gets them back from the container or its record (src/migrate/execute.ts).
      const record = maskSecretsDeep({ at: now().toISOString(), ...input }) as unknown as R;
      const runId = checkRunId(record.runId);
      const gen = session.claims.get(runId);
      const lost = gen?.lost;
      if (lost) throw new StateError(`run ${runId}: ${lost.message}; record not written`);
      const claim = claimKey(runId);
      const key = `${journalRunDir(name, runId)}${suffixOf(record.at)}`;
      const res = await conn.call(`journal ${name} append`, (rpc, o) =>
        rpc.kv.txn({ compare: [gen ? leaseIs(conn, claim, gen.id) : absent(conn, claim)], success: [putOp(conn, key, JSON.stringify(record))], failure: [getOp(conn, claim)] }, o),
      );
      if (!res.succeeded) {
        const who = holderText(rangeResult(res, 0)[0]);
        if (gen) {
          // Our claim was bound to our lease: it is gone only if etcd dropped the lease.
          gen.markLost(`the claim of run ${runId} is gone from etcd`);
          throw new StateError(`run ${runId}: ${gen.lost!.message}${who ? `; the run is now held by ${who}: another jump host took it over` : ''}; record not written`);
        }
        throw new StateError(`run ${runId} is held by ${who ?? 'another dockpit'}: this dockpit may not write its journal; record not written`);
      }
      return record;
    },
    async read(runId) {
      const { kvs } = await rangeDir(conn, `journal ${name} read`, journalRunDir(name, checkRunId(runId)));
      // etcd writes a value whole or not at all: nothing is torn, so anything that is not a record is damage.
      return kvs.sort(byCreation).map((kv) => {
        const r = jsonOf(kv);
        if (!isRecord(r)) throw new DockpitError('PARSE', `journal ${conn.where}${conn.rel(kv.key)}: not a journal record`);
        return r;
      });
    },
    async runs() {
      return listSegments(conn, `journal ${name} runs`, journalDir(name));
    },
  };
}
