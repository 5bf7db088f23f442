import { UsageError } from '../../config/config-error.js';
import { migrationJournal, migrationState } from '../../migrate/journal.js';
import { planJournal, runState } from '../../plans/journal.js';
import { operatorLabel } from '../../state/operator.js';
import { checkRunId } from '../../state/run-id.js';
import { LockBusyError, type LockTarget, type StateStore } from '../../state/types.js';
import { migrationLeftovers, planLeftovers, type LeftContainer } from '../../render/abandon-lines.js';
import { textTable } from '../../render/text-table.js';
import { withState } from '../with-state.js';
import type { CommandContext, HeadlessCommand } from './types.js';

// `dockpit plan abandon RUN` and `dockpit migration abandon RUN` (issue 13, item 1): an unfinished run
// keeps its claim on its containers until it is resumed to an end or abandoned here. Abandoning ends it
// in its journal (`abandoned`), where it stands: no engine call, each container left as the journal says,
// and the run is never resumed. Its locks are taken first, so a run whose dockpit still runs it is refused
// (exit 6), and the end record is written by the run's claim holder.

const ABANDON_REFUSED = 6;

interface Abandonable {
  noun: 'plan run' | 'migration';
  runId: string;
  status: string;
  targets: LockTarget[];
  left: LeftContainer[];
  end(): Promise<unknown>;
}

async function abandon({ args, out, err }: CommandContext, state: StateStore, what: Abandonable): Promise<number> {
  if (what.status !== 'running') throw new UsageError(`${what.noun} ${what.runId} already ended ${what.status}: nothing to abandon`);
  await state.ready();
  await state.audit.ready(); // unaudited, it is not abandoned
  const action = what.noun === 'plan run' ? 'plan.abandon' : 'migration.abandon';
  let hold;
  try {
    hold = await state.locks.acquire(what.runId, operatorLabel(state.audit.operator), what.targets);
  } catch (e) {
    if (!(e instanceof LockBusyError)) throw e;
    await state.audit.append({ action, targets: [what.runId], details: { runId: what.runId }, outcome: 'refused', error: e.toString() });
    err(`dockpit: ${what.noun} ${what.runId} is running (${e.message}): not abandoned`);
    return ABANDON_REFUSED;
  }
  try {
    await what.end();
    await state.audit.append({ action, targets: what.left.map((l) => l.container), details: { runId: what.runId, left: what.left }, outcome: 'ok' });
  } finally {
    await hold.release();
  }
  if (args.json) out(JSON.stringify({ runId: what.runId, status: 'abandoned', containers: what.left }, null, 2));
  else {
    out(textTable(['CONTAINER', 'STOOD', 'LEFT'], what.left.map((l) => [l.container, l.state, l.left])));
    out(`${what.noun} ${what.runId}: abandoned (its containers are no longer claimed; it is never resumed)`);
  }
  return 0;
}

export const planAbandonCommand: HeadlessCommand = (ctx) =>
  withState(ctx.config, async (state) => {
    const runId = checkRunId(ctx.args.target!);
    const journal = planJournal(state);
    const records = await journal.read(runId);
    if (records.length === 0) throw new UsageError(`no run "${runId}" in ${state.where} (plan runs lists them)`);
    const v = runState(records);
    return abandon(ctx, state, {
      noun: 'plan run', runId, status: v.status,
      targets: v.actions.map((a) => ({ id: a.action.id, label: `${a.action.host}/${a.action.name}` })),
      left: planLeftovers(v),
      end: () => journal.append({ kind: 'run.end', runId, status: 'abandoned' }),
    });
  });

export const migrationAbandonCommand: HeadlessCommand = (ctx) =>
  withState(ctx.config, async (state) => {
    const runId = checkRunId(ctx.args.target!);
    const journal = migrationJournal(state);
    const records = await journal.read(runId);
    if (records.length === 0) throw new UsageError(`no migration "${runId}" in ${state.where} (migration runs lists them)`);
    const v = migrationState(records);
    return abandon(ctx, state, {
      noun: 'migration', runId, status: v.status,
      targets: v.moves.map((m) => ({ id: m.plan.sourceId, label: `${m.plan.from}/${m.plan.name}` })),
      left: migrationLeftovers(v),
      end: () => journal.append({ kind: 'mig.end', runId, status: 'abandoned' }),
    });
  });
