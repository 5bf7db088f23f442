import type { JournalEntry, JournalName, StateStore } from './types.js';

// Issue 11, item 6: `dockpit state copy` moves a jump host's file state into etcd (or any state into any
// other): ledger, journals, inspect records and the audit log, each as it was (times and owners kept), so a
// run started on files can be resumed from the copy. Locks are not copied: they belong to live processes.

export interface CopyCounts {
  reservations: number;
  journals: Record<JournalName, number>;
  records: number;
  auditEntries: number;
}

export class TargetNotEmptyError extends Error {
  constructor(readonly where: string) {
    super(`${where} holds dockpit state already: nothing copied (--force copies over it)`);
    this.name = 'TargetNotEmptyError';
  }
}

/** Every journal's record kinds, so that a copy reads each journal as its owner does. */
export type JournalKinds = Record<JournalName, ReadonlySet<string>>;

export async function copyState(from: StateStore, to: StateStore, kinds: JournalKinds, opts: { force: boolean }): Promise<CopyCounts> {
  await to.ready();
  if (!opts.force && !(await to.import.isEmpty())) throw new TargetNotEmptyError(to.where);
  const counts: CopyCounts = { reservations: 0, journals: { runs: 0, migrations: 0 }, records: 0, auditEntries: 0 };

  const reservations = await from.ledger.list();
  await to.import.reservations(reservations);
  counts.reservations = reservations.length;

  for (const name of Object.keys(kinds) as JournalName[]) {
    const journal = from.journal<JournalEntry, { runId: string }>(name, kinds[name]);
    for (const runId of await journal.runs()) {
      await to.import.journal(name, runId, await journal.read(runId));
      counts.journals[name] += 1;
    }
  }

  for (const host of await from.records.hosts()) {
    for (const record of await from.records.list(host)) {
      await to.import.record(record);
      counts.records += 1;
    }
  }

  const entries = await from.audit.read();
  await to.import.audit(entries);
  counts.auditEntries = entries.length;
  return counts;
}
