import { JOURNAL_KINDS as MIGRATION_KINDS } from '../../migrate/journal.js';
import { JOURNAL_KINDS as PLAN_KINDS } from '../../plans/journal.js';
import { openState, stateConfigOf } from '../../state/open-state.js';
import type { JournalEntry } from '../../state/types.js';
import type { HeadlessCommand } from './types.js';

/** `dockpit state show [--json]`: where the state is and what it holds. */
export const stateShowCommand: HeadlessCommand = async ({ args, config, out }) => {
  const state = openState(config);
  try {
    const [reservations, runs, migrations, hosts, locks, audit] = await Promise.all([
      state.ledger.list(),
      state.journal<JournalEntry, { runId: string }>('runs', PLAN_KINDS).runs(),
      state.journal<JournalEntry, { runId: string }>('migrations', MIGRATION_KINDS).runs(),
      state.records.hosts(),
      state.locks.holders(),
      state.audit.read(),
    ]);
    const records = (await Promise.all(hosts.map((h) => state.records.list(h)))).reduce((n, l) => n + l.length, 0);
    const info = {
      kind: state.kind,
      where: state.where,
      reservations: reservations.length,
      planRuns: runs.length,
      migrations: migrations.length,
      recordHosts: hosts.length,
      records,
      lockedContainers: locks.size,
      auditEntries: audit.length,
      retention: stateConfigOf(config).retention,
    };
    if (args.json) out(JSON.stringify(info, null, 2));
    else {
      out(`state: ${state.where} (${state.kind})`);
      out(`  ${info.reservations} reservations, ${info.planRuns} plan runs, ${info.migrations} migrations, ${records} inspect records of ${hosts.length} hosts, ${locks.size} containers locked now, ${info.auditEntries} audit entries`);
    }
    return 0;
  } finally {
    await state.close();
  }
};

/** `dockpit state prune [--json]`: ended runs' journals and audit entries past the configured retention. */
export const statePruneCommand: HeadlessCommand = async ({ args, config, out }) => {
  const state = openState(config);
  try {
    await state.ready();
    const retention = stateConfigOf(config).retention;
    const pruned = await state.prune(retention);
    await state.audit.append({ action: 'state.prune', targets: [state.where], details: { ...pruned, retention }, outcome: 'ok' });
    if (args.json) out(JSON.stringify({ where: state.where, ...pruned }, null, 2));
    else out(`pruned ${state.where}: ${pruned.journals} journals of ended runs, ${pruned.auditEntries} audit entries`);
    return 0;
  } finally {
    await state.close();
  }
};
