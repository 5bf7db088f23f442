import { parkName } from '../migrate/container-spec.js';
import type { MigrationView, MoveView } from '../migrate/journal.js';
import type { ActionView, RunView } from '../plans/journal.js';

// Issue 13, item 1: `plan abandon` / `migration abandon` end a run where it stands. What each container is
// left in is said from the journal (pure, so it is the same on any jump host and testable without an
// engine): what the run did, what may have happened (a call in flight when its dockpit died), what it
// never touched.

export interface LeftContainer {
  /** `host/name`, or `from/name → to` for a move. */
  container: string;
  /** Where the run stood for it: the action's or the move's state. */
  state: string;
  /** What it is left in, in words. */
  left: string;
}

function planLeft(a: ActionView, runId: string): string {
  const what = a.action.action === 'limit' ? 'limited' : a.action.action === 'pause' ? 'paused' : 'stopped';
  switch (a.state) {
    case 'done':
      return `${what} by this run: plan restore ${runId} puts it back`;
    case 'in-flight':
      return `its ${a.action.action} was in flight: it may be ${what}; plan restore ${runId} puts it back`;
    default:
      return 'untouched by this run';
  }
}

/** What an abandoned plan run leaves each of its containers in. */
export function planLeftovers(v: RunView): LeftContainer[] {
  return v.actions.map((a) => ({ container: `${a.action.host}/${a.action.name}`, state: a.state, left: planLeft(a, v.runId) }));
}

const stepDone = (m: MoveView, step: string) => m.steps.some((s) => s.step === step && s.state === 'done');
const stepTouched = (m: MoveView, step: string) => m.steps.some((s) => s.step === step);

function moveLeft(m: MoveView, runId: string): string {
  const p = m.plan;
  const parked = parkName(p.name, runId);
  switch (m.status) {
    case 'pending':
    case 'skipped':
      return `untouched on ${p.from}`;
    case 'rolled-back':
      return `rolled back: on ${p.from}`;
    case 'done':
      return stepDone(m, 'remove-source') || !p.steps.includes('remove-source') ? `moved: on ${p.to}` : `moved: on ${p.to}; the parked ${parked} is still on ${p.from} (stopped)`;
    default:
      break;
  }
  // Mid-move (killed, or a rollback that failed): what of the target and of the source the journal shows.
  const parts: string[] = [];
  if (stepDone(m, 'remove-target')) parts.push(`no copy on ${p.to}`);
  else if (stepTouched(m, 'start-target')) parts.push(`${p.name} on ${p.to} may be running (started; its gate never passed)`);
  else if (stepTouched(m, 'create')) parts.push(`${p.name} may exist on ${p.to}, not started`);
  if (stepDone(m, 'start-source')) parts.push(`${p.name} running again on ${p.from}`);
  else if (stepDone(m, 'unpark-source')) parts.push(`${p.name} stopped on ${p.from}`);
  else if (stepTouched(m, 'park-source')) parts.push(`the source may be parked as ${parked} on ${p.from} (stopped): dockpit never starts it again`);
  else if (stepTouched(m, 'stop-source')) parts.push(`${p.name} may be stopped on ${p.from}`);
  else parts.push(`${p.name} untouched on ${p.from}`);
  return parts.join('; ');
}

/** What an abandoned migration leaves each of its containers in. */
export function migrationLeftovers(v: MigrationView): LeftContainer[] {
  return v.moves.map((m) => ({ container: `${m.plan.from}/${m.plan.name} → ${m.plan.to}`, state: m.status, left: moveLeft(m, v.runId) }));
}
