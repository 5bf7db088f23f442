import type { EtcdStateConfig } from '../../config/types.js';
import type { JournalEntry, JournalName, Operator, RunJournal, StateStore } from '../types.js';
import { etcdAudit } from './audit.js';
import { EtcdConn } from './client.js';
import { etcdImport } from './import.js';
import { checkNoForeignKeys } from './foreign-keys.js';
import { etcdJournal } from './journal.js';
import { etcdLeases } from './leases.js';
import { etcdLedger } from './ledger.js';
import { etcdContainerLock, etcdNameLocks } from './locks.js';
import { pruneState } from './prune.js';
import { etcdRecords } from './records.js';
import { Session } from './session.js';
import { EtcdWatch } from './watch.js';

// Issue 11: the state shared by a team's jump hosts, on etcd (v3 API, 3.4+).
//
// Key layout, under the configured prefix (e.g. /dockpit/):
//
//   ledger/<pool>/<name>            a Reservation (JSON); pool and name URI-encoded      no lease
//   ledger.rev                      guard: rewritten by every ledger write; an update
//                                   commits only if its mod revision is unchanged        no lease
//   placing/<name>                  a placement in progress: {by, since, pid, host}      lease
//   locks/<containerId>             a run's lock on a container: LockOwner               lease
//   claims/<runId>                  the run's claim: only its holder appends to its
//                                   journal (LockOwner)                                  lease
//   journals/<journal>/<runId>/<t>  one journal record (JSON, `at` first); <t> is the
//                                   record's ms time, a process tag and a counter
//                                   (`i<index>` for copied ones); records are read in
//                                   commit order (create revision)                      no lease
//   audit/<ISO time>-<unique>       one AuditEntry                                       no lease
//   records/<host>/<name>           one InspectRecord (the container's env included)    no lease
//   leaders/<role>                  who plays a role for the team (issue 15: the alerts'
//                                   sender): {id, pid, host}; bound to a lease of the
//                                   campaign's own TTL (leases.ts)                        lease
//
// "lease": bound to the one lease of the dockpit process that wrote it (TTL state.etcd.leaseTtl, renewed
// every TTL/3): gone once that process stops renewing, so a dead jump host's locks free themselves.
// Retention (prune) deletes ended runs' journals and old audit entries; nothing else grows without bound.
//
// Nothing is contacted until first used: read-only commands never wait on etcd.

export function etcdState(config: EtcdStateConfig, opts: { operator: Operator; now?: () => Date }): StateStore {
  const now = opts.now ?? (() => new Date());
  const conn = new EtcdConn(config);
  const session = new Session(conn, config.leaseTtlSec, now);
  const watch = new EtcdWatch(conn);
  const leases = etcdLeases(conn, now);
  let closing: Promise<void> | null = null;

  /**
   * A member answers, dockpit's user may use the prefix, the prefix holds nothing but dockpit's (else a
   * ConfigError, exit 2), and this process's lease is granted.
   */
  const ready = async (): Promise<void> => {
    await Promise.all([session.current(), checkNoForeignKeys(conn)]);
  };

  return {
    kind: 'etcd',
    where: conn.where,
    ledger: etcdLedger(conn, now),
    names: etcdNameLocks(conn, session, now),
    locks: etcdContainerLock(conn, session, now),
    audit: etcdAudit(conn, opts.operator, now, ready),
    records: etcdRecords(conn, now),
    leases,
    journal<R extends JournalEntry, In extends { runId: string }>(name: JournalName, kinds: ReadonlySet<string>): RunJournal<R, In> {
      return etcdJournal<R, In>(conn, session, name, kinds, now);
    },
    ready,
    watch: (listener) => watch.subscribe(listener),
    prune: (retention, at) => pruneState(conn, retention, at ?? now()),
    import: etcdImport(conn, now),
    close() {
      closing ??= (async () => {
        watch.close();
        await leases.resignAll();
        try {
          await session.close(); // revokes the lease: etcd deletes every lock, claim and placement of ours
        } finally {
          conn.close();
        }
      })();
      return closing;
    },
  };
}
