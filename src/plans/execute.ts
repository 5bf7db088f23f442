import { withDeadline } from '../engine/deadline.js';
import { DockpitError, toDockpitError, type ErrorCode } from '../engine/errors.js';
import { configDiff, limitBody, limitRefusal, priorOf, reached, restoreBody, type InspectLike } from './engine-state.js';
import { endStatus, runState, type JournaledOutcome, type Journal, type RunStatus, type RunView } from './journal.js';
import { operatorLabel } from '../state/operator.js';
import { LockBusyError, StateError, type AuditLog, type ContainerLock, type Operator } from '../state/types.js';
import type { Guards, PlannedAction, PriorState, Refusal } from './types.js';
import { engineAtOf, settleInFlight } from './settle.js';
import type { EngineRecords } from '../engine/container-marks.js';

// Issue 5, items 3–7: the thin executor behind the pure planner. For each action: inspect (the prior),
// journal the intent, make the call, journal the outcome, audit it. Resume and restore read the journal
// only, so they work after dockpit was killed at any point.

type Opts = { abortSignal?: AbortSignal; t?: number };

/** What the executor asks of one container: a subset of dockerode's Container. */
export interface PlanContainer {
  inspect(opts?: Opts): Promise<unknown>;
  stop(opts?: Opts): Promise<unknown>;
  pause(opts?: Opts): Promise<unknown>;
  unpause(opts?: Opts): Promise<unknown>;
  start(opts?: Opts): Promise<unknown>;
  update(opts: Record<string, unknown>): Promise<unknown>;
  /** `condition: 'not-running'`: resolves once the container has stopped (a stop in flight, issue 12). */
  wait(opts: Opts & { condition: 'not-running' }): Promise<unknown>;
}

export interface PlanEngine {
  /** The host's client; throws or returns undefined when the host is not connected. */
  client(host: string): { getContainer(id: string): PlanContainer } | undefined;
  /** The host's clock and its own record of a container, undefined when not connected: settles an action in flight. */
  records(host: string): EngineRecords | undefined;
  /** The host's CPU count (`/info` NCPU), null when not known: a limit above it is refused live as in the preview. */
  cpus?(host: string): number | null;
}

export interface ExecuteDeps {
  engine: PlanEngine;
  journal: Journal;
  lock: ContainerLock;
  audit: AuditLog;
  guards: Guards;
  /** Aborting it cancels the run: actions not yet started are skipped, calls in flight finish. */
  signal?: AbortSignal;
  /**
   * Issue 13: on resume, the plan's actions on those of `hosts` (the run's unseen ones) that answer now, and
   * which hosts answer: a host seen again is planned as the preview would have; absent, they stay unseen.
   */
  replan?: (hosts: readonly string[]) => { seen: string[]; actions: PlannedAction[] };
  /**
   * Issue 13, item 5: where a container the run touched lives now, for restore: `moved` from the migration
   * journals (null: no migration moved it), `byName` the one up host other than `notOn` that lists the name.
   */
  follow?: {
    moved(at: { host: string; id: string }): Promise<{ host: string; id: string } | null>;
    byName(name: string, notOn: string): { host: string; id: string } | null;
  };
}

export interface RunResult {
  runId: string;
  status: RunStatus;
  actions: Array<{ host: string; container: string; action: PlannedAction['action']; outcome: JournaledOutcome | 'pending' | 'in-flight'; error?: string }>;
  /** Why a run was refused, or which hosts it could not see (issue 13). */
  error?: string;
  /** Hosts the run has not seen: it stays `partial` until a resume sees them. */
  unseen?: string[];
}

/** Codes that say the host, not the container, is unreachable: its other actions fail without waiting. */
const HOST_DOWN: ReadonlySet<ErrorCode> = new Set(['REFUSED', 'UNREACHABLE', 'SSH', 'SSH_AUTH', 'TLS', 'HOSTKEY_UNKNOWN', 'HOSTKEY_CHANGED']);

class Semaphore {
  private waiting: Array<() => void> = [];
  constructor(private free: number) {}
  async take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/** Per-host and fleet-wide limits: a host slot is taken first, so a fleet slot never waits on a busy host. */
function limiter(guards: Guards) {
  const all = new Semaphore(Math.max(1, guards.parallel));
  const hosts = new Map<string, Semaphore>();
  return async <T>(host: string, fn: () => Promise<T>): Promise<T> => {
    let h = hosts.get(host);
    if (!h) hosts.set(host, (h = new Semaphore(Math.max(1, guards.parallelPerHost))));
    await h.take();
    await all.take();
    try {
      return await fn();
    } finally {
      all.give();
      h.give();
    }
  };
}

interface Ctx extends ExecuteDeps {
  runId: string;
  plan: string;
  hostDown: Map<string, DockpitError>;
}

function containerOf(ctx: Ctx, host: string, id: string): PlanContainer {
  let client: ReturnType<PlanEngine['client']>;
  try {
    client = ctx.engine.client(host);
  } catch (err) {
    throw toDockpitError(err, host);
  }
  if (!client) throw new DockpitError('UNREACHABLE', `${host}: not connected`);
  return client.getContainer(id);
}

const label = (a: PlannedAction) => `${a.host}/${a.name}`;

/** Thrown inside an action when a live check refuses it before any change (issue 12). */
class RefusedLive extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.reason);
  }
}

async function inspectNow(c: PlanContainer, signal: AbortSignal): Promise<PriorState> {
  return priorOf((await c.inspect({ abortSignal: signal })) as InspectLike);
}

async function callAction(c: PlanContainer, a: PlannedAction, now: PriorState, guards: Guards, signal: AbortSignal): Promise<void> {
  try {
    if (a.action === 'stop') await c.stop({ t: guards.stopTimeout, abortSignal: signal });
    else if (a.action === 'pause') await c.pause({ abortSignal: signal });
    else await c.update({ ...limitBody(a.limit ?? { nanoCpus: null, memoryBytes: null, cpuShares: null }, now), abortSignal: signal });
  } catch (err) {
    // 304: already in that state (engine-facts.md): the target is reached.
    if ((err as { statusCode?: unknown }).statusCode === 304) return;
    throw err;
  }
}

/**
 * Performs one action. `inFlight`: its intent is already journaled (a killed run): the prior is kept, and
 * the engine is asked first whether the call already happened.
 */
async function performAction(ctx: Ctx, seq: number, a: PlannedAction, inFlight: boolean): Promise<{ outcome: JournaledOutcome; error?: string }> {
  const { journal, runId } = ctx;
  const down = ctx.hostDown.get(a.host);
  let intentWritten = inFlight;
  let result: { outcome: JournaledOutcome; error?: string };
  if (a.refused) {
    // Refused by the preview: reported with its reason, in its place, never called (the preview is the run).
    result = { outcome: 'refused', error: a.refused.reason };
  } else if (!inFlight && ctx.signal?.aborted) {
    result = { outcome: 'skipped' };
  } else if (down) {
    result = { outcome: 'failed', error: `${down.code}: host down (${down.message})` };
  } else {
    try {
      await withDeadline(ctx.guards.actionTimeout * 1000, async (signal) => {
        const c = containerOf(ctx, a.host, a.id);
        const now = await inspectNow(c, signal);
        // The preview's feasibility check again, live: the same function, so the run refuses what it showed.
        const infeasible = a.action === 'limit' && a.limit ? limitRefusal(a.limit, a.host, ctx.engine.cpus?.(a.host) ?? null) : null;
        if (infeasible !== null) throw new RefusedLive({ code: 'limit-infeasible', reason: infeasible });
        if (!inFlight) {
          await journal.append({ kind: 'intent', runId, seq, host: a.host, id: a.id, name: a.name, action: a.action, prior: now, ...engineAtOf(ctx.engine, a.host) });
          intentWritten = true;
        }
        // In flight (issue 12): the engine's own record says whether the call happened; never called twice.
        const settled = inFlight ? await settleInFlight(ctx, runId, seq, a, c, signal) : { kind: 'call' as const, now };
        if (settled.kind === 'call' && !reached(a, settled.now)) await callAction(c, a, settled.now, ctx.guards, signal);
      });
      result = { outcome: 'done' };
    } catch (err) {
      // The state is gone (etcd unreachable, this process's claim lost): stop here, before any other call.
      if (err instanceof StateError) throw err;
      const e = err instanceof RefusedLive ? null : toDockpitError(err, `${label(a)} ${a.action}`);
      if (e && HOST_DOWN.has(e.code)) ctx.hostDown.set(a.host, e);
      // Removed since the preview (404 before any call of this run): nothing to do, and not retryable.
      if (e?.code === 'NOT_FOUND' && !intentWritten) result = { outcome: 'refused', error: `no such container on ${a.host} any more (removed since the preview)` };
      else result = e ? { outcome: 'failed', error: e.toString() } : { outcome: 'refused', error: (err as RefusedLive).refusal.reason };
    }
  }
  await journal.append({ kind: 'outcome', runId, seq, outcome: result.outcome, ...(result.error !== undefined && { error: result.error }) });
  if (result.outcome !== 'skipped') {
    await ctx.audit.append({
      action: `plan.${a.action}`,
      targets: [label(a)],
      details: { runId, plan: ctx.plan, step: a.step, seq, id: a.id, ...(a.limit && { limit: a.limit }), ...(!intentWritten && { called: false }) },
      outcome: result.outcome === 'done' ? 'ok' : result.outcome === 'refused' ? 'refused' : 'failed',
      ...(result.error !== undefined && { error: result.error }),
    });
  }
  return result;
}

/** Runs the given actions step by step (plan steps are ordered), each step within the parallel guards. */
async function runSteps(ctx: Ctx, work: Array<{ seq: number; action: PlannedAction; inFlight: boolean }>): Promise<void> {
  const limit = limiter(ctx.guards);
  const steps = [...new Set(work.map((w) => w.action.step))].sort((x, y) => x - y);
  for (const step of steps) {
    await Promise.all(work.filter((w) => w.action.step === step).map((w) => limit(w.action.host, () => performAction(ctx, w.seq, w.action, w.inFlight))));
  }
}

/** Says which hosts a run could not see and what to do about it (issue 13). */
function unseenNote(view: RunView): string | undefined {
  const acts = view.actions.filter((a) => a.state !== 'done' && a.action.refused?.code === 'unseen').map((a) => a.action.host);
  const hosts = [...new Set([...view.unseen, ...acts])];
  if (hosts.length === 0) return undefined;
  return `not seen: ${hosts.join(', ')} did not answer: what the plan selects there was not changed and the run is not done; dockpit plan resume ${view.runId} once ${hosts.length === 1 ? 'it answers' : 'they answer'}`;
}

function resultOf(view: RunView, error: string | undefined = unseenNote(view)): RunResult {
  const unseen = [...new Set([...view.unseen, ...view.actions.filter((a) => a.state !== 'done' && a.action.refused?.code === 'unseen').map((a) => a.action.host)])];
  return {
    ...(unseen.length > 0 && { unseen }),
    runId: view.runId,
    status: view.status,
    actions: view.actions.map((a) => ({
      host: a.action.host,
      container: a.action.name,
      action: a.action.action,
      outcome: a.state,
      ...(a.error !== undefined && { error: a.error }),
    })),
    ...(error !== undefined && { error }),
  };
}

/** The containers a run locks: those it may change (a refused action touches nothing; an unseen one will, on resume). */
const targetsOf = (actions: readonly PlannedAction[]) => actions.filter((a) => !a.refused || a.refused.code === 'unseen').map((a) => ({ id: a.id, label: label(a) }));

async function finish(ctx: Ctx): Promise<RunResult> {
  const view = runState(await ctx.journal.read(ctx.runId));
  const status = endStatus(view.actions, view.actions.some((a) => a.state === 'skipped'), view.unseen);
  await ctx.journal.append({ kind: 'run.end', runId: ctx.runId, status });
  return resultOf(runState(await ctx.journal.read(ctx.runId)));
}

export async function executePlan(args: ExecuteDeps & { runId: string; plan: string; actions: readonly PlannedAction[]; unseen?: readonly string[] }): Promise<RunResult> {
  const { runId, plan, actions, journal, lock, audit } = args;
  const operator: Operator = audit.operator;
  await audit.ready(); // an audit log that cannot be written stops the run before any change
  const unseen = args.unseen && args.unseen.length > 0 ? { unseen: [...args.unseen] } : {};
  await journal.append({ kind: 'run.start', runId, plan, operator, actions: [...actions], ...unseen });
  let hold;
  try {
    hold = await lock.acquire(runId, operatorLabel(operator), targetsOf(actions));
  } catch (err) {
    const e = toDockpitError(err);
    await journal.append({ kind: 'run.end', runId, status: 'refused' });
    await audit.append({ action: 'plan.apply', targets: actions.map(label), details: { runId, plan }, outcome: 'refused', error: e.toString() });
    if (!(err instanceof LockBusyError)) throw err;
    return resultOf(runState(await journal.read(runId)), e.toString());
  }
  const ctx: Ctx = { ...args, hostDown: new Map() };
  try {
    await runSteps(ctx, actions.map((action, seq) => ({ seq, action, inFlight: false })));
    return await finish(ctx);
  } finally {
    await hold.release();
  }
}

async function readRun(journal: Journal, runId: string): Promise<RunView> {
  const view = runState(await journal.read(runId));
  if (view.plan === null) throw new DockpitError('NOT_FOUND', `run ${runId}: no such run in the journal`);
  return view;
}

/**
 * Finishes a run that was killed: actions with an outcome are left alone; an in-flight one (intent, no
 * outcome) is inspected and only called if the engine does not show its target yet; pending ones are
 * performed. A run with nothing left makes no engine call at all.
 */
export async function resumeRun(runId: string, deps: ExecuteDeps): Promise<RunResult> {
  const view = await readRun(deps.journal, runId);
  // Failed actions are retried too (issue 5: a partial run's failures are retryable); one whose intent was
  // written keeps its first prior, and the engine is asked first whether it already happened.
  // Issue 13: an action refused because its host was not seen is performed now (checked live like any other).
  const unseenAction = (a: RunView['actions'][number]) => a.state === 'refused' && a.action.refused?.code === 'unseen';
  const live = ({ refused: _refused, ...a }: PlannedAction): PlannedAction => a;
  const workOf = (v: RunView) => v.actions
    .filter((a) => a.state === 'pending' || a.state === 'in-flight' || a.state === 'failed' || unseenAction(a))
    .map((a) => ({ seq: a.seq, action: unseenAction(a) ? live(a.action) : a.action, inFlight: a.state === 'in-flight' || (a.state === 'failed' && a.prior !== null) }));
  let work = workOf(view);
  if (work.length === 0 && view.unseen.length === 0 && view.status !== 'running') return resultOf(view);
  // Issue 13: an abandoned run ended where it stood and released its claim: others may have changed its
  // containers since, so it is never picked up again.
  if (view.status === 'abandoned') return { ...resultOf(view), error: `run ${runId} was abandoned: it is never resumed (plan restore ${runId} puts back what it changed); nothing changed` };
  const operator = deps.audit.operator;
  await deps.audit.ready();
  // Hosts the run never saw and that answer now: what the plan makes there joins the run (not twice by
  // name), planned before the lock so that the lock holds those containers too.
  const seenAgain = view.unseen.length > 0 && deps.replan ? deps.replan(view.unseen) : null;
  const known = new Set(view.actions.map((a) => label(a.action)));
  const added = seenAgain ? seenAgain.actions.filter((a) => seenAgain.seen.includes(a.host) && !known.has(label(a))) : [];
  const hold = await deps.lock.acquire(runId, operatorLabel(operator), targetsOf([...work.map((w) => w.action), ...added]));
  const ctx: Ctx = { ...deps, runId, plan: view.plan!, hostDown: new Map() };
  try {
    await deps.journal.append({ kind: 'run.resume', runId, operator });
    if (seenAgain && seenAgain.seen.length > 0) {
      await deps.journal.append({ kind: 'run.extend', runId, hosts: seenAgain.seen, actions: added });
      work = workOf(runState(await deps.journal.read(runId)));
    }
    await runSteps(ctx, work);
    return await finish(ctx);
  } finally {
    await hold.release();
  }
}

export interface RestoreResult {
  runId: string;
  status: 'done' | 'partial';
  actions: Array<{ host: string; container: string; outcome: JournaledOutcome; calls: string[]; error?: string }>;
}

/** The engine calls that put `now`'s state back to `prior`'s, in order (after the update, if any). */
export function stateCalls(prior: PriorState['state'], now: PriorState['state']): Array<'start' | 'unpause' | 'pause'> {
  const stopped = now !== 'running' && now !== 'paused';
  if (prior === 'running') return now === 'paused' ? ['unpause'] : stopped ? ['start'] : [];
  if (prior === 'paused') return now === 'running' ? ['pause'] : stopped ? ['start', 'pause'] : [];
  return []; // it was not running: the plan cannot have stopped it, and something else may have started it since
}

/**
 * Puts every container the run touched (an intent was written: done, failed or in flight) back to its prior:
 * limits and restart policy first, then running or paused. Inspects first and calls only what differs, so a
 * second restore makes no mutating call.
 */
export async function restoreRun(runId: string, deps: Omit<ExecuteDeps, 'signal'>): Promise<RestoreResult> {
  const { journal, audit } = deps;
  const view = await readRun(journal, runId);
  // Issue 13, item 5: a container a migration moved since is restored where it lives now, under its new ID.
  const touched = await Promise.all(view.actions.filter((a) => a.prior !== null).map(async (v) => {
    const moved = deps.follow ? await deps.follow.moved({ host: v.action.host, id: v.action.id }) : null;
    return moved ? { ...v, action: { ...v.action, ...moved } } : v;
  }));
  await audit.ready();
  const hold = await deps.lock.acquire(runId, operatorLabel(audit.operator), targetsOf(touched.map((a) => a.action)));
  const ctx: Ctx = { ...deps, runId, plan: view.plan!, hostDown: new Map() };
  const results: RestoreResult['actions'] = [];
  const limit = limiter(deps.guards);
  try {
    await Promise.all(
      touched.map((v) =>
        limit(v.action.host, async () => {
          let a = v.action;
          const prior = v.prior!;
          const calls: string[] = [];
          let outcome: JournaledOutcome = 'done';
          let error: string | undefined;
          let intent = false;
          const down = ctx.hostDown.get(a.host);
          if (down) {
            outcome = 'failed';
            error = `${down.code}: host down (${down.message})`;
          } else {
            try {
              await withDeadline(deps.guards.actionTimeout * 1000, async (signal) => {
                let c = containerOf(ctx, a.host, a.id);
                let now: PriorState;
                try {
                  now = await inspectNow(c, signal);
                } catch (err) {
                  // Gone from where the run left it and no journal says where: the one other host with its name.
                  const elsewhere = toDockpitError(err).code === 'NOT_FOUND' ? deps.follow?.byName(a.name, a.host) ?? null : null;
                  if (!elsewhere) throw err;
                  a = { ...a, ...elsewhere };
                  c = containerOf(ctx, a.host, a.id);
                  now = await inspectNow(c, signal);
                }
                const body = restoreBody(prior, now);
                const states = stateCalls(prior.state, now.state);
                if (Object.keys(body).length === 0 && states.length === 0) return;
                await journal.append({ kind: 'restore.intent', runId, seq: v.seq, host: a.host, id: a.id, name: a.name, prior });
                intent = true;
                if (Object.keys(body).length > 0) {
                  calls.push('update');
                  await c.update({ ...body, abortSignal: signal });
                }
                for (const s of states) {
                  calls.push(s);
                  try {
                    await c[s]({ abortSignal: signal });
                  } catch (err) {
                    if ((err as { statusCode?: unknown }).statusCode !== 304) throw err;
                  }
                }
                // Restore is judged on effective limits (issue 12): checked after the call, not assumed.
                const diff = configDiff(prior, await inspectNow(c, signal));
                if (diff.length > 0) throw new DockpitError('CONFLICT', `${label(a)}: after restore the engine shows ${diff.join('; ')}`);
              });
            } catch (err) {
              if (err instanceof StateError) throw err;
              const e = toDockpitError(err, `${label(a)} restore`);
              if (HOST_DOWN.has(e.code)) ctx.hostDown.set(a.host, e);
              outcome = 'failed';
              error = e.toString();
            }
          }
          // Nothing to do and already recorded as restored: leave the journal and the audit log alone.
          if (intent || outcome === 'failed' || v.restore !== 'done') {
            await journal.append({ kind: 'restore.outcome', runId, seq: v.seq, outcome, ...(error !== undefined && { error }) });
          }
          if (intent || outcome === 'failed') {
            await audit.append({
              action: 'plan.restore',
              targets: [label(a)],
              details: { runId, plan: view.plan, seq: v.seq, id: a.id, calls },
              outcome: outcome === 'done' ? 'ok' : 'failed',
              ...(error !== undefined && { error }),
            });
          }
          results.push({ host: a.host, container: a.name, outcome, calls, ...(error !== undefined && { error }) });
        }),
      ),
    );
  } finally {
    await hold.release();
  }
  return { runId, status: results.every((r) => r.outcome === 'done') ? 'done' : 'partial', actions: results };
}
