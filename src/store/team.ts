import type { TeamEvent, TeamRun } from '../engine/types.js';
import type { FleetState } from './state.js';

// Issue 11, item 4: the runs of every operator that shares the state, as the team watcher reads them from
// the journals (src/cli/team-wiring.ts). A re-read that finds what the last one found changes nothing: no
// commit, no redraw.

/** Whether two reads of a run found it the same. */
export function sameTeamRun(a: TeamRun, b: TeamRun): boolean {
  return (
    a.kind === b.kind && a.runId === b.runId && a.title === b.title && a.operator === b.operator && a.status === b.status &&
    a.done === b.done && a.total === b.total && a.started === b.started && a.ended === b.ended && a.own === b.own
  );
}

/** Applies a team event. Pure; returns `state` itself when nothing changed. Runs stay sorted by run id (start time). */
export function applyTeam(state: FleetState, event: TeamEvent): FleetState {
  const runs = state.team;
  const at = runs.findIndex((r) => r.runId === (event.type === 'team.run' ? event.run.runId : event.runId));
  if (event.type === 'team.gone') return at < 0 ? state : { ...state, team: runs.filter((_, i) => i !== at) };
  const run = event.run;
  if (at >= 0) {
    if (sameTeamRun(runs[at]!, run)) return state;
    return { ...state, team: runs.map((r, i) => (i === at ? run : r)) };
  }
  const next = [...runs];
  const before = next.findIndex((r) => r.runId > run.runId);
  next.splice(before < 0 ? next.length : before, 0, run);
  return { ...state, team: next };
}

/** What the status line says about the others' runs. */
export interface TeamStatus {
  /**
   * The run it names: the newest of the others' interrupted runs (issue 13: they wait for a resume or an
   * abandon), else of their running runs, else the one of theirs that ended last.
   */
  lead: TeamRun | null;
  /** The others' runs of the lead's status (interrupted or running) besides the lead. */
  more: number;
}

export const NO_TEAM_STATUS: TeamStatus = Object.freeze({ lead: null, more: 0 });

/** The others' runs for the status line. This process's own runs are left out: its own screens show them. */
export function teamStatus(runs: readonly TeamRun[]): TeamStatus {
  const others = runs.filter((r) => !r.own);
  const interrupted = others.filter((r) => r.status === 'interrupted');
  if (interrupted.length > 0) return { lead: interrupted[interrupted.length - 1]!, more: interrupted.length - 1 };
  const running = others.filter((r) => r.status === 'running');
  if (running.length > 0) return { lead: running[running.length - 1]!, more: running.length - 1 };
  const ended = others.filter((r) => r.ended !== null).sort((a, b) => (a.ended! < b.ended! ? -1 : a.ended! > b.ended! ? 1 : 0));
  return ended.length > 0 ? { lead: ended[ended.length - 1]!, more: 0 } : NO_TEAM_STATUS;
}

/**
 * A memoized selector: the same object as long as what it says is the same (the same lead run, unchanged,
 * and the same count), so the status line redraws only when the others' runs change, not when this
 * process's own run advances.
 */
export function createTeamStatusSelector(): (state: Pick<FleetState, 'team'>) => TeamStatus {
  let runs: readonly TeamRun[] | null = null;
  let last: TeamStatus = NO_TEAM_STATUS;
  return (state) => {
    if (state.team === runs) return last;
    runs = state.team;
    const next = teamStatus(runs);
    if (next.lead !== last.lead || next.more !== last.more) last = next;
    return last;
  };
}

export const selectTeamStatus = createTeamStatusSelector();
