import { DockpitError } from '../engine/errors.js';
import { parkName } from '../migrate/container-spec.js';
import { migrationJournal, migrationState } from '../migrate/journal.js';
import { planJournal, runState } from '../plans/journal.js';
import { operatorLabel } from '../state/operator.js';
import { deadHere } from '../state/owner-alive.js';
import type { JournalEntry, LockOwner, StateStore } from '../state/types.js';

// Issue 13, item 1: a run's claim outlives its process. A plan run or a migration whose journal has no end
// record is unsettled, and every container it touched or will touch (its actions, its moves, their parked
// copies) stays claimed by it until it is resumed to an end or abandoned. The claim is derived from the
// journals alone, so it survives the process that made it; the container locks only say whether the
// run's owner is alive (file: its pid on this jump host; etcd: its lease). Before issue 13 a killed
// migration's lock died with it, and a second migration of the same name was accepted while the first
// one's parked copy waited to be started by its resume: one name and one address on two hosts.

export type ClaimKind = 'plan' | 'migration';

export interface RunClaim {
  kind: ClaimKind;
  runId: string;
  /** `plan shed`, `migrate pz-33 → h2`, `evacuate h4`. */
  title: string;
  /** Who started (or last resumed) it, `user@jump-host`. */
  operator: string;
  /** The live holder of its locks; null: nobody runs it now. */
  owner: LockOwner | null;
  /** `running` (owner alive) or `interrupted` (owner dead: resume or abandon). */
  liveness: 'running' | 'interrupted';
  /** Container names it claims, parked copies included. */
  names: string[];
  /** Container ids it claims. */
  ids: string[];
}

/**
 * A run that wrote only its start record takes its locks right after: that short while it is not called
 * interrupted. Any later record is written holding the locks, so from then on no grace is needed.
 */
export const START_GRACE_MS = 10_000;

/** `running` while a live process holds the run's locks (or it has just started), else `interrupted`. */
export function livenessOf(records: readonly JournalEntry[], live: ReadonlySet<string>, now: number): 'running' | 'interrupted' {
  const runId = records[0]?.runId;
  if (runId !== undefined && live.has(runId)) return 'running';
  if (records.length <= 1) {
    const started = Date.parse(records[0]?.at ?? '');
    if (!(now - started > START_GRACE_MS)) return 'running';
  }
  return 'interrupted';
}

function lastOperator(records: readonly JournalEntry[]): string {
  let who = '?';
  for (const r of records) if ('operator' in r) who = operatorLabel((r as unknown as { operator: { user: string; from: string } }).operator);
  return who;
}

/** Live holders by run id (any one of its locks); an owner on this jump host whose pid is gone is not live. */
export async function liveOwners(state: Pick<StateStore, 'locks'>): Promise<Map<string, LockOwner>> {
  const byRun = new Map<string, LockOwner>();
  for (const o of (await state.locks.holders()).values()) if (!byRun.has(o.runId) && !deadHere(o)) byRun.set(o.runId, o);
  return byRun;
}

/** Every unsettled run of both journals, with what it claims and whether its owner is alive. */
export async function unsettledRuns(state: Pick<StateStore, 'journal' | 'locks'>, now = Date.now()): Promise<RunClaim[]> {
  const owners = await liveOwners(state);
  const live = new Set(owners.keys());
  const out: RunClaim[] = [];
  const plans = planJournal(state);
  for (const id of await plans.runs()) {
    const records = await plans.read(id);
    const v = runState(records);
    if (v.status !== 'running' || v.plan === null) continue;
    out.push({
      kind: 'plan', runId: v.runId, title: `plan ${v.plan}`, operator: lastOperator(records), owner: owners.get(v.runId) ?? null,
      liveness: livenessOf(records, live, now),
      names: [...new Set(v.actions.map((a) => a.action.name))],
      ids: [...new Set(v.actions.map((a) => a.action.id))],
    });
  }
  const migrations = migrationJournal(state);
  for (const id of await migrations.runs()) {
    const records = await migrations.read(id);
    const v = migrationState(records);
    if (v.status !== 'running' || v.what === null) continue;
    const one = v.moves.length === 1 ? v.moves[0]!.plan : null;
    out.push({
      kind: 'migration', runId: v.runId,
      title: v.what === 'evacuate' ? `evacuate ${v.host ?? '?'}` : one ? `migrate ${one.name} → ${one.to}` : `migrate ${v.moves.length} containers`,
      operator: lastOperator(records), owner: owners.get(v.runId) ?? null,
      liveness: livenessOf(records, live, now),
      names: [...new Set(v.moves.flatMap((m) => [m.plan.name, parkName(m.plan.name, v.runId)]))],
      ids: [...new Set(v.moves.flatMap((m) => [m.plan.sourceId, ...(m.data.targetId ? [m.data.targetId] : [])]))],
    });
  }
  return out;
}

/** What a new change wants: containers by name and/or id. */
export interface ClaimTarget {
  name: string;
  id?: string;
}

/** The first unsettled run (other than `except`) that claims one of `targets`, with the names it claims of them. */
export function claimOn(claims: readonly RunClaim[], targets: readonly ClaimTarget[], except?: string): { claim: RunClaim; names: string[] } | null {
  for (const c of claims) {
    if (c.runId === except) continue;
    const names = targets.filter((t) => c.names.includes(t.name) || (t.id !== undefined && c.ids.includes(t.id))).map((t) => t.name);
    if (names.length > 0) return { claim: c, names: [...new Set(names)] };
  }
  return null;
}

/** The commands that settle a run. */
export function settleCommands(c: Pick<RunClaim, 'kind' | 'runId'>): string {
  const noun = c.kind === 'plan' ? 'plan' : 'migration';
  return `dockpit ${noun} resume ${c.runId} (finish it) or dockpit ${noun} abandon ${c.runId} (end it where it stands)`;
}

/** A change refused because an unsettled run claims a container it needs. Exit 6 (refused), nothing changed. */
export class RunClaimedError extends DockpitError {
  constructor(readonly claim: RunClaim, readonly names: readonly string[]) {
    const c = claim;
    const owner = c.owner
      ? `its dockpit is running (pid ${c.owner.pid} on ${c.owner.host}, since ${c.owner.since})`
      : 'its dockpit is not running (interrupted: no live process holds its locks)';
    const what = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
    super('CONFLICT', `${what} ${names.length === 1 ? 'is' : 'are'} claimed by the unfinished ${c.kind === 'plan' ? 'plan run' : 'migration'} ${c.runId} (${c.title}) of ${c.operator}: ${owner}; ${c.owner ? 'wait for it, or' : 'run'} ${settleCommands(c)}; nothing changed`);
    this.name = 'RunClaimedError';
  }
}

/**
 * Throws RunClaimedError when an unsettled run (other than `except`) claims one of `targets`, after
 * auditing the refusal as `action` (every refused change is in the audit log).
 */
export async function assertUnclaimed(
  state: Pick<StateStore, 'journal' | 'locks' | 'audit'>,
  targets: readonly ClaimTarget[],
  opts: { action: string; except?: string },
): Promise<void> {
  if (targets.length === 0) return;
  const hit = claimOn(await unsettledRuns(state), targets, opts.except);
  if (!hit) return;
  const e = new RunClaimedError(hit.claim, hit.names);
  await state.audit.append({ action: opts.action, targets: hit.names, details: { claimedBy: hit.claim.runId, liveness: hit.claim.liveness }, outcome: 'refused', error: e.toString() });
  throw e;
}

/** A run's status as `runs` and `status` show it: a journal's `running` becomes `interrupted` when its owner is dead. */
export type ShownStatus<S extends string> = S | 'interrupted';

/** Tells `running` (owner alive) from `interrupted` (owner dead) for the commands that list runs. */
export async function statusShower(state: Pick<StateStore, 'locks'>, now = Date.now()): Promise<<S extends string>(status: S, records: readonly JournalEntry[]) => ShownStatus<S>> {
  const live = new Set((await liveOwners(state)).keys());
  return (status, records) => (status === 'running' ? (livenessOf(records, live, now) as ShownStatus<typeof status>) : status);
}
