import fs from 'node:fs';
import path from 'node:path';
import type { FileStateConfig } from '../../config/types.js';
import type { JournalName, Operator, StateStore } from '../types.js';
import { fileAuditLog } from './audit-log.js';
import { claimGuard, fileContainerLock } from './container-lock.js';
import { inspectRecords } from './inspect-records.js';
import { fileJournal, writeJournalFile } from './journal.js';
import { fileLeases } from './leases.js';
import { fileLedger } from './ledger.js';
import { fileNameLocks } from './name-locks.js';
import { pruneJournals } from './prune.js';
import { stateFolder } from './state-folder.js';
import { watchStateFolder } from './watch.js';

// Issue 11: the file backend, everything dockpit persists in one folder on the jump host:
//
//   ledger.json                   the IP ledger (ledger.ts)
//   placing/NAME.lock             one placement per container name (name-locks.ts)
//   locks/ID.json, locks/RUN.claim the containers a run holds, and the run it claims (container-lock.ts)
//   runs/RUN.jsonl                plan runs' journals, and migrations/RUN.jsonl migrations' (journal.ts)
//   records/HOST/NAME.json        inspect records (inspect-records.ts)
//   audit.log                     the audit log (audit-log.ts)
//   leaders/ROLE.lock             who plays a role on this jump host (issue 15: the alerts' sender; leases.ts)
//
// Opening it touches nothing: the folder is made (state-folder.ts: the system-wide one only by root) by
// the first write, so read-only commands work where no change was ever made.

export function fileState(config: FileStateConfig, opts: { operator: Operator; now?: () => Date }): StateStore {
  const dir = config.dir;
  const now = opts.now ?? (() => new Date());
  const folder = stateFolder(dir);
  const ensureDir = folder.ensure;
  const ledger = fileLedger(dir, ensureDir);
  const audit = fileAuditLog(dir, opts.operator, now, folder);
  const records = inspectRecords(dir, now, ensureDir);
  const guard = claimGuard(dir);
  const journalDir = (name: JournalName) => path.join(dir, name);
  const watches = new Set<() => void>();
  const leases = fileLeases(dir, ensureDir);

  return {
    kind: 'file',
    where: dir,
    ledger,
    names: fileNameLocks(dir, now, ensureDir),
    locks: fileContainerLock(dir, { now, ensureDir }),
    audit,
    records,
    leases,
    journal: (name, kinds) => fileJournal(journalDir(name), kinds, { now, ensureDir, guard }),
    ready: () => folder.ready(),
    watch(listener) {
      const stop = watchStateFolder(dir, listener);
      watches.add(stop);
      return () => {
        watches.delete(stop);
        stop();
      };
    },
    async prune(retention, at = now()) {
      const journals = await pruneJournals([journalDir('runs'), journalDir('migrations')], new Date(at.getTime() - retention.journalsMs));
      const auditEntries = await audit.prune(new Date(at.getTime() - retention.auditMs));
      return { journals, auditEntries };
    },
    import: {
      async isEmpty() {
        const [reservations, runs, migrations, hosts, log] = await Promise.all([
          ledger.list(),
          fileJournal(journalDir('runs'), new Set()).runs(),
          fileJournal(journalDir('migrations'), new Set()).runs(),
          records.hosts(),
          fs.promises.stat(audit.where).then((s) => s.size, () => 0),
        ]);
        return reservations.length + runs.length + migrations.length + hosts.length + log === 0;
      },
      async reservations(all) {
        await ledger.update(() => ({ next: [...all], result: undefined }));
      },
      journal: (name, runId, entries) => writeJournalFile(journalDir(name), runId, entries, ensureDir),
      audit: (entries) => audit.importEntries(entries),
      record: (record) => records.put(record),
    },
    async close() {
      await leases.resignAll();
      for (const stop of watches) stop();
      watches.clear();
    },
  };
}
