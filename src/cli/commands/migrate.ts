import { UsageError } from '../../config/config-error.js';
import { executeMigration, type MigrationResult } from '../../migrate/execute.js';
import { movePlanLines } from '../../migrate/preview-lines.js';
import type { MovePlan } from '../../migrate/types.js';
import { newRunId } from '../../state/run-id.js';
import { connectFleet } from '../connect.js';
import { migrateDeps } from '../../app/migrate-deps.js';
import { preflightMove, refuseBlocked } from '../../app/move-preflight.js';
import { confirmByName, failed, fencedButUp, MOVE_EXIT, moveOptions, reportMoves, withCtrlC } from '../move-options.js';
import type { HeadlessCommand } from './types.js';
import { fleetSource } from '../../app/fleet-source.js';
import { hostIsUp } from '../../engine/host-up.js';
import { withState } from '../with-state.js';
import { assertUnclaimed } from '../../app/run-claims.js';

// `dockpit migrate NAME --to HOST` (issue 6, item 1): preflight (pure, from the live fleet or the recorded
// configuration), preview, typed confirmation, then the journaled executor (src/migrate/execute.ts).

/** As `inspect`: no such container (nowhere live, nothing recorded). */
const NOT_FOUND_EXIT = 3;

/** The JSON issue 6 asks for: one move's outcome. */
function moveJson(r: MigrationResult, plan: MovePlan | null) {
  const m = r.moves[0];
  return {
    runId: r.runId,
    status: m?.status ?? r.status,
    from: m?.from ?? plan?.from ?? null,
    to: m?.to ?? plan?.to ?? null,
    ip: m?.ip ?? plan?.ip ?? null,
    downtimeMs: m?.downtimeMs ?? null,
    steps: m?.steps ?? [],
    ...((m?.error ?? r.error) !== undefined && { error: m?.error ?? r.error }),
  };
}

export const migrateCommand: HeadlessCommand = async ({ args, config, out, err }) => {
  const name = args.target!;
  const move = args.move!;
  const options = moveOptions(config, move);
  if (move.to.length !== 1) throw new UsageError('migrate needs --to HOST (one host)');
  const to = move.to[0]!;
  return withState(config, async (state) => {
    if (!args.dryRun) await state.ready(); // a change the state cannot record is not begun (exit 7)
    // Issue 13: by name first: a claimed name may stand on two hosts mid-move (which one is the run's to say).
    if (!args.dryRun) {
      try {
        await assertUnclaimed(state, [{ name }], { action: 'migrate.start' });
      } catch (e) {
        return failed(e, err);
      }
    }
    const fleet = await connectFleet(config);
    try {
      // Before the preflight, which reads (and records) the source: a refused command leaves the state as it was.
      if (move.fenced !== undefined && hostIsUp(fleet.store.getState().hosts[move.fenced]?.state)) throw new UsageError(fencedButUp(move.fenced));
      const pf = await preflightMove(config, state, fleetSource(fleet.store, fleet.engine), { name, to, ...(move.from !== undefined && { from: move.from }), ...(move.fenced !== undefined && { fenced: move.fenced }) }, options);
      if (!pf.ok) {
        if (args.json) out(JSON.stringify({ runId: null, status: 'refused', from: pf.from, to, ip: null, downtimeMs: null, steps: [], error: pf.blocker.message }, null, 2));
        err(`dockpit: ${pf.blocker.message}`);
        return pf.blocker.code === 'NO_SOURCE' ? NOT_FOUND_EXIT : MOVE_EXIT.refused;
      }
      const plan = pf.plan;
      if (move.fenced !== undefined && move.fenced !== plan.from) throw new UsageError(`--fenced ${move.fenced}: ${name} is on ${plan.from}`);
      const preview = movePlanLines(plan);
      if (args.dryRun) {
        if (args.json) out(JSON.stringify({ dryRun: true, ...plan, source: undefined, body: undefined }, null, 2));
        else out(preview.join('\n'));
        return plan.blockers.length > 0 ? MOVE_EXIT.refused : 0;
      }
      if (plan.blockers.length > 0) {
        await refuseBlocked(state, plan, to);
        if (args.json) out(JSON.stringify({ runId: null, status: 'refused', from: plan.from, to, ip: plan.ip, downtimeMs: null, steps: [], blockers: plan.blockers }, null, 2));
        else out(preview.join('\n'));
        for (const b of plan.blockers) err(`dockpit: ${b.message}`);
        return MOVE_EXIT.refused;
      }
      // Issue 13: an unfinished run that claims the container (by ID) refuses the move, naming itself.
      await assertUnclaimed(state, [{ name: plan.name, id: plan.sourceId }], { action: 'migrate.start' });
      if (!args.yes) {
        err(preview.join('\n'));
        if (!(await confirmByName(`migrate ${name}`, name, err))) {
          err('dockpit: not confirmed; nothing changed');
          return 1;
        }
      }
      const result = await withCtrlC((signal) => executeMigration({ ...migrateDeps(config, state, fleet.engine), signal }, { runId: newRunId(), what: 'migrate', host: null, moves: [plan], parallel: 1 }));
      const j = moveJson(result, plan);
      return reportMoves(result, args.json ? j : null, out, err, j.status);
    } catch (e) {
      return failed(e, err);
    } finally {
      await fleet.close();
    }
  });
};
