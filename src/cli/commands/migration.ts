import { UsageError } from '../../config/config-error.js';
import { resultOf, resumeMigration } from '../../migrate/execute.js';
import { migrationJournal, migrationState, type MigrationView } from '../../migrate/journal.js';
import { checkRunId } from '../../state/run-id.js';
import type { StateStore } from '../../state/types.js';
import { connectFleet } from '../connect.js';
import { migrateDeps } from '../../app/migrate-deps.js';
import { endedAs, failed, printMoves, reportMoves, withCtrlC } from '../move-options.js';
import { textTable } from '../../render/text-table.js';
import { withState } from '../with-state.js';
import { statusShower } from '../../app/run-claims.js';
import type { HeadlessCommand } from './types.js';

// `dockpit migration resume | status | runs` (issue 6, item 6): the journal is the truth after a crash.

async function viewOf(state: StateStore, runId: string): Promise<MigrationView> {
  const records = await migrationJournal(state).read(checkRunId(runId));
  if (records.length === 0) throw new UsageError(`no migration "${runId}" in ${state.where} (migration runs lists them)`);
  return migrationState(records);
}

export const migrationResumeCommand: HeadlessCommand = ({ args, config, out, err }) =>
  withState(config, async (state) => {
    const view = await viewOf(state, args.target!);
    await state.ready();
    const fleet = await connectFleet(config);
    try {
      // Ctrl-C cancels the moves not yet begun, as in `migrate`/`evacuate`: they stay resumable.
      const r = await withCtrlC((signal) => resumeMigration({ ...migrateDeps(config, state, fleet.engine), signal }, view.runId));
      // How the resume left it: done (0), rolled back or failed (5), cancelled again (8).
      return reportMoves(r, args.json ? { ...r, ended: endedAs(r) } : null, out, err);
    } catch (e) {
      return failed(e, err);
    } finally {
      await fleet.close();
    }
  });

export const migrationStatusCommand: HeadlessCommand = async ({ args, config, out }) => {
  const { view, status } = await withState(config, async (state) => {
    const v = await viewOf(state, args.target!);
    // Issue 13: `interrupted` when no live process runs it (resume or abandon it).
    return { view: v, status: (await statusShower(state))(v.status, await migrationJournal(state).read(v.runId)) };
  });
  const r = { ...resultOf(view), status, what: view.what, host: view.host, operator: view.operator, started: view.started, ended: view.ended };
  if (args.json) out(JSON.stringify(r, null, 2));
  else {
    out(`${view.what} ${view.host ?? ''} run ${view.runId}: ${status} (started ${view.started ?? '-'}, ended ${view.ended ?? '-'})`);
    printMoves({ ...r, status: view.status }, out);
  }
  return 0;
};

export const migrationRunsCommand: HeadlessCommand = async ({ args, config, out }) => {
  const runs = await withState(config, async (state) => {
    const journal = migrationJournal(state);
    const shown = await statusShower(state);
    const all = [];
    for (const id of await journal.runs()) {
      const records = await journal.read(id);
      const v = migrationState(records);
      all.push({ runId: v.runId, what: v.what, host: v.host, status: shown(v.status, records), moves: v.moves.length, operator: v.operator, started: v.started, ended: v.ended });
    }
    return all;
  });
  if (args.json) out(JSON.stringify(runs, null, 2));
  else out(textTable(['RUN', 'WHAT', 'STATUS', 'MOVES', 'OPERATOR', 'STARTED', 'ENDED'], runs.map((r) => [r.runId, `${r.what ?? '?'}${r.host ? ` ${r.host}` : ''}`, r.status, String(r.moves), r.operator ? `${r.operator.user}@${r.operator.from}` : '-', r.started ?? '-', r.ended ?? '-'])));
  return 0;
};
