import { UsageError } from '../../config/config-error.js';
import type { FleetConfig } from '../../config/types.js';
import { evacuationProblems, type EvacuationPlan } from '../../migrate/evacuate-plan.js';
import { executeMigration } from '../../migrate/execute.js';
import { planPreview } from '../../plans/plan.js';
import { executePlan } from '../../plans/execute.js';
import { newRunId } from '../../state/run-id.js';
import type { StateStore } from '../../state/types.js';
import { connectFleet, type Connected } from '../connect.js';
import { migrateDeps } from '../../app/migrate-deps.js';
import { planEvacuationOn } from '../../app/migrate-facts.js';
import { confirmByName, failed, MOVE_EXIT, moveOptions, parallelOf, printMoves, withCtrlC } from '../move-options.js';
import { planDeps } from '../../app/plan-deps.js';
import { textTable } from '../../render/text-table.js';
import { findPlan } from './plan.js';
import type { HeadlessCommand } from './types.js';
import { fleetSource } from '../../app/fleet-source.js';
import { withState } from '../with-state.js';
import { assertUnclaimed } from '../../app/run-claims.js';

// `dockpit evacuate HOST` (issue 6, item 5): every container off HOST, each a journaled move (the same
// executor as `migrate`), at most --parallel at a time; optionally after a degradation plan made room.

function previewOf(ev: EvacuationPlan): string[] {
  const rows = ev.moves.map((m) => [
    m.name,
    m.to,
    m.ip ?? '-',
    m.image.action === 'present' ? 'present' : m.image.action,
    m.gate.kind === 'healthcheck' ? 'health' : `${m.gate.seconds} s`,
    m.blockers.map((b) => b.message).join('; ') || (m.localData.length > 0 ? `leaves ${m.localData.length} mounts` : ''),
  ]);
  const lines = [textTable(['NAME', 'TO', 'IP', 'IMAGE', 'GATE', 'NOTE'], rows)];
  for (const u of ev.unplaced) lines.push(`cannot place ${u.name}: ${u.blocker.message}`);
  lines.push(`evacuate ${ev.host}: ${ev.moves.length} containers → ${Object.entries(ev.load).map(([h, n]) => `${h} ${n}`).join(', ') || 'nowhere'}`);
  return lines;
}

/** Applies the degradation plan first: resolves to an error message when it did not run through. */
async function makeRoom(config: FleetConfig, state: StateStore, fleet: Connected, name: string): Promise<string | null> {
  const plan = findPlan(config, name);
  const preview = planPreview(plan, fleet.store.getState());
  if (preview.refusal !== null) return `plan ${plan.name} refused: ${preview.refusal}`;
  const r = await executePlan({ ...planDeps(state, fleet.engine, plan.guards), runId: newRunId(), plan: plan.name, actions: preview.actions });
  // Refused actions (issue 12: a protected tier, the evacuated host down) changed nothing and make the run
  // partial; the room the plan could make is made: only a failure or a cancel stops the evacuation.
  const onlyRefused = r.status === 'partial' && r.actions.every((a) => a.outcome === 'done' || a.outcome === 'refused');
  if (r.status !== 'done' && !onlyRefused) return `plan ${plan.name} run ${r.runId} ended ${r.status}${r.error ? `: ${r.error}` : ''}`;
  // Let the engine's events of the plan's changes reach the store before capacity is weighed.
  await new Promise((resolve) => setTimeout(resolve, 300));
  fleet.flush();
  return null;
}

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
        const failed = await makeRoom(config, state, fleet, move.plan);
        if (failed) {
          err(`dockpit: ${failed}; nothing evacuated`);
          return MOVE_EXIT.refused;
        }
      }
      const ev = await planEvacuationOn(config, state.records, fleetSource(fleet.store, fleet.engine), host, move.to, options);
      const problems = evacuationProblems(ev);
      const preview = previewOf(ev);
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
      if (args.json) out(JSON.stringify({ ...result, host }, null, 2));
      else printMoves(result, out);
      if (result.error) err(`dockpit: ${result.error}`);
      return MOVE_EXIT[result.status];
    } catch (e) {
      return failed(e, err);
    } finally {
      await fleet.close();
    }
  });
};
