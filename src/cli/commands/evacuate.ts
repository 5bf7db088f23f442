import { UsageError } from '../../config/config-error.js';
import { evacuationProblems } from '../../migrate/evacuate-plan.js';
import { makeRoom } from '../../app/plan-run.js';
import { evacuationPreviewLines } from '../../render/evacuation-lines.js';
import { executeMigration } from '../../migrate/execute.js';
import { newRunId } from '../../state/run-id.js';
import { connectFleet } from '../connect.js';
import { migrateDeps } from '../../app/migrate-deps.js';
import { planEvacuationOn } from '../../app/migrate-facts.js';
import { confirmByName, failed, fencedButUp, MOVE_EXIT, moveOptions, parallelOf, reportMoves, withCtrlC } from '../move-options.js';
import { hostIsUp } from '../../engine/host-up.js';
import { findPlan } from './plan.js';
import type { HeadlessCommand } from './types.js';
import { fleetSource } from '../../app/fleet-source.js';
import { withState } from '../with-state.js';
import { assertUnclaimed } from '../../app/run-claims.js';

// `dockpit evacuate HOST` (issue 6, item 5): every container off HOST, each a journaled move (the same
// executor as `migrate`), at most --parallel at a time; optionally after a degradation plan made room.

export const evacuateCommand: HeadlessCommand = async ({ args, config, out, err }) => {
  const host = args.target!;
  const move = args.move!;
  if (!config.hosts.some((h) => h.name === host)) throw new UsageError(`evacuate ${host}: no such host (hosts: ${config.hosts.map((h) => h.name).join(', ')})`);
  if (move.to.includes(host)) throw new UsageError(`--to ${host}: that is the host being evacuated`);
  if (move.fenced !== undefined && move.fenced !== host) throw new UsageError(`--fenced ${move.fenced}: the host being evacuated is ${host}`);
  const options = { ...moveOptions(config, move), fenced: move.fenced === host };
  const parallel = parallelOf(move);
  if (move.plan !== undefined) findPlan(config, move.plan);
  return withState(config, async (state) => {
    if (!args.dryRun) await state.ready(); // a change the state cannot record is not begun (exit 7)
    const fleet = await connectFleet(config);
    try {
      const deps = migrateDeps(config, state, fleet.engine);
      if (move.plan !== undefined && !args.dryRun) {
        if (!args.yes && !(await confirmByName(`evacuate ${host} after plan ${move.plan}`, move.plan, err))) {
          err('dockpit: not confirmed; nothing changed');
          return 1;
        }
        const failed = await makeRoom(state, fleet, findPlan(config, move.plan));
        if (failed) {
          err(`dockpit: ${failed}; nothing evacuated`);
          return MOVE_EXIT.refused;
        }
      }
      if (move.fenced !== undefined && hostIsUp(fleet.store.getState().hosts[host]?.state)) throw new UsageError(fencedButUp(host));
      const ev = await planEvacuationOn(config, state.records, fleetSource(fleet.store, fleet.engine), host, move.to, options);
      const problems = evacuationProblems(ev);
      const preview = evacuationPreviewLines(ev);
      if (args.dryRun) {
        if (args.json) out(JSON.stringify({ dryRun: true, host, load: ev.load, moves: ev.moves.map(({ body: _b, source: _s, ...m }) => m), unplaced: ev.unplaced }, null, 2));
        else out(preview.join('\n'));
        return problems.length > 0 ? MOVE_EXIT.refused : 0;
      }
      if (problems.length > 0) {
        await deps.audit.append({ action: 'evacuate.preflight', targets: [host], details: { blocked: problems }, outcome: 'refused', error: problems[0] ?? '' });
        if (args.json) out(JSON.stringify({ runId: null, status: 'refused', host, moves: [], errors: problems }, null, 2));
        else out(preview.join('\n'));
        for (const w of problems) err(`dockpit: ${w}`);
        err('dockpit: nothing changed');
        return MOVE_EXIT.refused;
      }
      if (ev.moves.length === 0) {
        out(args.json ? JSON.stringify({ runId: null, status: 'done', host, moves: [] }, null, 2) : `${host} has no containers: nothing to do`);
        return 0;
      }
      // Issue 13: an unfinished run that claims one of the containers refuses the evacuation, naming itself.
      await assertUnclaimed(state, ev.moves.map((m) => ({ name: m.name, id: m.sourceId })), { action: 'evacuate.start' });
      if (!args.yes) {
        err(preview.join('\n'));
        if (!(await confirmByName(`evacuate ${host}`, host, err))) {
          err('dockpit: not confirmed; nothing changed');
          return 1;
        }
      }
      const result = await withCtrlC((signal) => executeMigration({ ...deps, signal }, { runId: newRunId(), what: 'evacuate', host, moves: ev.moves, parallel }));
      return reportMoves(result, args.json ? { ...result, host } : null, out, err);
    } catch (e) {
      return failed(e, err);
    } finally {
      await fleet.close();
    }
  });
};
