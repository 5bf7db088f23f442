import type { IpPool } from '../config/types.js';
import { withDeadline } from '../engine/deadline.js';
import { DockpitError, toDockpitError } from '../engine/errors.js';
import { mapLimited } from '../engine/map-limited.js';
import { holderText, type AddressHolder } from '../pool/address-holders.js';
import { networkCreateBody } from '../pool/network-spec.js';
import { operatorLabel } from '../state/operator.js';
import { hasMaskedEntry, unmaskEnv } from '../secrets/secret-env.js';
import { LockBusyError, StateError, type AuditLog, type ContainerLock, type InspectRecords } from '../state/types.js';
import { configDifferences, isIdReference, nameOf, parkName, type SourceInspect } from './container-spec.js';
import type { MigrateEngine, MigrateHost } from './engine-port.js';
import { healthGate } from './health-gate.js';
import {
  migrationEnd,
  migrationState,
  type MigrationJournal,
  type MigrationRecord,
  type MigrationStatus,
  type MigrationView,
  type MoveView,
  type StepData,
  type StepView,
} from './journal.js';
import type { MovePlan, RollbackStep, StepName } from './types.js';
import { earlierIntents, stepHost, stopOnce, type EarlierIntent } from './settle-step.js';

// Issue 6, items 3 and 6: the thin executor behind the preflight. Each move runs its steps in order, each
// step idempotent (it asks the engine first, then calls only what is missing), each journaled as intent
// before and outcome after. A step that fails before the gate passes rolls the move back: the target is
// removed first, so the source is only started again once no copy of its address can run elsewhere.

export interface MigrateDeps {
  /** The hosts' engines (issue 14, item 4): a host not connected has none. */
  engine: MigrateEngine;
  journal: MigrationJournal;
  lock: ContainerLock;
  audit: AuditLog;
  pools: readonly IpPool[];
  /** Aborting it cancels the moves not yet begun; moves under way finish (or roll back). */
  signal?: AbortSignal;
  /** Milliseconds one engine call may take (a stop adds the container's own stop timeout). */
  callTimeoutMs?: number;
  /** Every journal record as written: the progress screen follows the run with it. */
  onRecord?: (r: MigrationRecord) => void;
  /** Image transfer progress of a move, in bytes. */
  onImageBytes?: (move: number, bytes: number) => void;
  /** After a move's gate passed: e.g. the ledger notes the name's new host. */
  onMoved?: (plan: MovePlan) => Promise<void>;
  /** Every configured host: a rollback never puts the source back while another host runs the name (issue 13). */
  hosts?: readonly string[];
  /** The inspect records: where a resume finds a dead source's env secrets, which the journal holds masked. */
  records?: Pick<InspectRecords, 'load'>;
}

export interface MoveResult {
  name: string;
  from: string;
  to: string;
  ip: string | null;
  status: MoveView['status'];
  downtimeMs: number | null;
  steps: Array<Pick<StepView, 'step' | 'state' | 'error'>>;
  error?: string;
}

export interface MigrationResult {
  runId: string;
  status: MigrationStatus;
  moves: MoveResult[];
  /** Why the run was refused. */
  error?: string;
}

const DEFAULT_CALL_MS = 30_000;

/** A failed step, with what it learned before failing (a created target's ID must reach the rollback). */
class StepFailure extends Error {
  constructor(readonly error: DockpitError, readonly data: StepData = {}) {
    super(error.toString());
  }
}

interface Ctx extends MigrateDeps {
  runId: string;
  /** Image transfers in flight, by target and image: parallel moves of one image stream it once. */
  transfers?: Map<string, Promise<unknown>>;
}

interface MoveRun {
  index: number;
  plan: MovePlan;
  data: StepData;
  /** Steps with an intent on record (this process or an earlier one). */
  touched: Set<StepName | RollbackStep>;
  done: Set<StepName | RollbackStep>;
  stoppedAt: string | null;
  /** The source engine's clock when stop-source was first begun: where its `die` is looked for (issue 13). */
  stopEngineAt: number | null;
  /** Steps an earlier process began without an outcome on record: settled from the engine before a call (issue 12). */
  earlier: Map<StepName | RollbackStep, EarlierIntent>;
}

function clientOf(ctx: Ctx, host: string): MigrateHost {
  const c = ctx.engine.host(host);
  if (!c) throw new DockpitError('UNREACHABLE', `${host}: not connected`);
  return c;
}

const label = (p: MovePlan) => `${p.from}/${p.name} → ${p.to}`;

async function append(ctx: Ctx, r: Parameters<MigrationJournal['append']>[0]): Promise<MigrationRecord> {
  const written = await ctx.journal.append(r);
  ctx.onRecord?.(written);
  return written;
}

const inspectIn = (docker: MigrateHost, idOrName: string, signal: AbortSignal): Promise<SourceInspect | null> => docker.inspect(idOrName, signal);

/** The target this move created: by the recorded ID, else by name when the create may have happened unrecorded. */
async function findTarget(ctx: Ctx, m: MoveRun, signal: AbortSignal): Promise<SourceInspect | null> {
  const docker = clientOf(ctx, m.plan.to);
  if (m.data.targetId) return inspectIn(docker, m.data.targetId, signal);
  const byName = await inspectIn(docker, m.plan.name, signal);
  // The preflight found the name free on the target and the source is locked: a container of this name and
  // image that is not running was made by this move's create, whose outcome was never written.
  return byName && byName.Image === m.plan.image.id ? byName : null;
}

/** One forward step, idempotent. Returns what it learned. */
async function forward(ctx: Ctx, m: MoveRun, step: StepName, signal: AbortSignal): Promise<StepData> {
  const p = m.plan;
  switch (step) {
    case 'network': {
      const docker = clientOf(ctx, p.to);
      if (await docker.findNetwork(p.network!, signal)) return {};
      const pool = ctx.pools.find((x) => x.name === p.pool);
      if (!pool) throw new DockpitError('NOT_FOUND', `pool ${p.pool} is no longer in the config`);
      await docker.createNetwork(networkCreateBody(pool), signal);
      return {};
    }
    case 'image': {
      const key = `${p.to}|${p.image.id}`;
      const transfers = (ctx.transfers ??= new Map());
      const source = p.sourceMode === 'live' ? p.from : null;
      const tags = isIdReference(p.image.ref, p.image.id) ? [] : [p.image.ref];
      const before = transfers.get(key);
      // Chained, and set before any await: a second move of the same image to the same host waits for the
      // first transfer, then finds the image present (or tries again if the first failed).
      const call = (async () => {
        await before?.catch(() => undefined);
        return ctx.engine.ensureImage(source, p.to, { id: p.image.id, tags }, {
          registry: p.options.registry ?? undefined,
          signal,
          onProgress: (bytes: number) => ctx.onImageBytes?.(m.index, bytes),
        });
      })();
      transfers.set(key, call);
      const r = await call;
      // Why the registry pull failed, when streaming took over: the audit log says so (issue 17).
      return { how: r.how, ...(r.bytes !== undefined && { bytes: r.bytes }), ms: r.ms, ...(r.pullError !== undefined && { pullError: r.pullError }) };
    }
    case 'create': {
      const docker = clientOf(ctx, p.to);
      let target = await findTarget(ctx, m, signal);
      if (target && target.State?.Running) throw new DockpitError('CONFLICT', `${p.to} already runs a ${p.name}`);
      if (!target) {
        const id = await docker.create(p.body, signal);
        target = await inspectIn(docker, id, signal);
        if (!target) throw new StepFailure(new DockpitError('NOT_FOUND', `the created ${p.name} vanished from ${p.to}`), { targetId: id });
      }
      const diff = configDifferences(p.source, target, p.network);
      if (diff.length > 0) {
        throw new StepFailure(new DockpitError('CONFLICT', `the target's configuration differs from the source's: ${diff.slice(0, 3).join('; ')}`), { targetId: target.Id });
      }
      return { targetId: target.Id };
    }
    case 'stop-source': {
      const docker = clientOf(ctx, p.from);
      const s = await inspectIn(docker, p.sourceId, signal);
      if (!s) throw new DockpitError('NOT_FOUND', `${p.name} (${p.sourceId.slice(0, 12)}) is gone from ${p.from}`);
      await stopOnce(docker, ctx.engine.records(p.from), p.sourceId, Boolean(s.State?.Running || s.State?.Paused), m.earlier.get(step), stopSeconds(p), signal);
      return {};
    }
    case 'park-source': {
      const docker = clientOf(ctx, p.from);
      const s = await inspectIn(docker, p.sourceId, signal);
      if (!s) throw new DockpitError('NOT_FOUND', `${p.name} (${p.sourceId.slice(0, 12)}) is gone from ${p.from}`);
      const park = parkName(p.name, ctx.runId);
      if (nameOf(s) !== park) await docker.rename(p.sourceId, park, signal);
      return {};
    }
    case 'start-target': {
      const t = await findTarget(ctx, m, signal);
      if (!t) throw new DockpitError('NOT_FOUND', `the target ${p.name} is gone from ${p.to}`);
      if (!t.State?.Running) await clientOf(ctx, p.to).start(t.Id, signal);
      // Issue 13, item 4: the address is verified after the start on every host's fresh list; another
      // running holder (a `docker run --ip` by hand since the preflight) fails the move: it rolls back.
      const others = await addressHeldBy(ctx, p, t.Id, signal);
      if (others.length > 0) {
        throw new StepFailure(new DockpitError('CONFLICT', `${p.ip} is also held by ${others.map(holderText).join(', ')}: two running containers would share it`), { targetId: t.Id });
      }
      return { targetId: t.Id };
    }
    case 'gate': {
      const t = await findTarget(ctx, m, signal);
      if (!t) throw new DockpitError('NOT_FOUND', `the target ${p.name} is gone from ${p.to}`);
      await healthGate(clientOf(ctx, p.to), t.Id, p.gate, signal);
      return {};
    }
    case 'remove-source': {
      await clientOf(ctx, p.from).remove(p.sourceId, signal);
      return {};
    }
  }
}

/** The container's own stop timeout, else Docker's default. */
function stopSeconds(p: MovePlan): number {
  const t = p.source.Config.StopTimeout;
  return typeof t === 'number' && t >= 0 ? t : 10;
}

/** How long a step may take: a stop waits for the container; a gate for its healthcheck; an image for its bytes. */
function stepDeadline(ctx: Ctx, p: MovePlan, step: StepName | RollbackStep): number {
  const call = ctx.callTimeoutMs ?? DEFAULT_CALL_MS;
  if (step === 'stop-source' || step === 'remove-target') return call + stopSeconds(p) * 1000;
  if (step === 'gate') return call + p.gate.timeoutSeconds * 1000;
  if (step === 'image') return 30 * 60_000;
  return call;
}

/** A host other than the source's that runs a container of the move's name now (hosts not connected are not known). */
async function runningElsewhere(ctx: Ctx, p: MovePlan, signal: AbortSignal): Promise<string | null> {
  for (const host of ctx.hosts ?? []) {
    const docker = host === p.from ? undefined : ctx.engine.host(host);
    if (!docker) continue;
    const c = await inspectIn(docker, p.name, signal);
    if (c?.State?.Running) return host;
  }
  return null;
}

/** Running containers other than `self` holding the move's address on its network, on every connected host. */
async function addressHeldBy(ctx: Ctx, p: MovePlan, self: string, signal: AbortSignal): Promise<AddressHolder[]> {
  if (p.ip === null || p.network === null) return [];
  const network = p.network;
  // Each host under its own deadline; a host not connected or not answering is not known (as before the start).
  const lists = await Promise.all(
    (ctx.hosts ?? [p.from, p.to]).map(async (name) => {
      const host = ctx.engine.host(name);
      if (!host) return [];
      return withDeadline(ctx.callTimeoutMs ?? DEFAULT_CALL_MS, (s) => host.runningOn(network, s), signal).catch(() => []);
    }),
  );
  return lists.flat().filter((c) => c.id !== self && c.state === 'running' && c.ips[p.network!] === p.ip).map((c) => ({ host: c.host, id: c.id, name: c.name }));
}

/** One rollback step, idempotent. */
async function backward(ctx: Ctx, m: MoveRun, step: RollbackStep, signal: AbortSignal): Promise<void> {
  const p = m.plan;
  if (step === 'remove-target') {
    const t = await findTarget(ctx, m, signal);
    if (!t) return;
    const docker = clientOf(ctx, p.to);
    await stopOnce(docker, ctx.engine.records(p.to), t.Id, Boolean(t.State?.Running || t.State?.Paused), m.earlier.get(step), stopSeconds(p), signal);
    await docker.remove(t.Id, signal);
    return;
  }
  const docker = clientOf(ctx, p.from);
  const s = await inspectIn(docker, p.sourceId, signal);
  if (!s) throw new DockpitError('NOT_FOUND', `${p.name} (${p.sourceId.slice(0, 12)}) is gone from ${p.from}: nothing to put back`);
  // Issue 13, finding 1: the name may run elsewhere since (another move, a hand-made copy): the parked
  // source is then never put back, or one name and one address would run on two hosts.
  const elsewhere = await runningElsewhere(ctx, p, signal);
  if (elsewhere) {
    throw new DockpitError('CONFLICT', `${p.name} runs on ${elsewhere}: the source on ${p.from} is not put back (it stays ${nameOf(s) === p.name ? 'stopped' : `parked as ${nameOf(s)}`}) so that ${p.ip ?? 'its address'} cannot run twice`);
  }
  // Issue 13, item 4: nor while another running container holds its address (it would be shared).
  const holders = step === 'start-source' && !s.State?.Running ? await addressHeldBy(ctx, p, p.sourceId, signal) : [];
  if (holders.length > 0) {
    throw new DockpitError('CONFLICT', `${p.ip} is held by ${holders.map(holderText).join(', ')}: the source on ${p.from} stays stopped so that it cannot run twice`);
  }
  if (step === 'unpark-source') {
    if (nameOf(s) !== p.name) await docker.rename(p.sourceId, p.name, signal);
  } else if (!s.State?.Running) {
    await docker.start(p.sourceId, signal);
  }
}

const AUDITED: ReadonlySet<string> = new Set(['network', 'image', 'create', 'stop-source', 'park-source', 'start-target', 'remove-source', 'remove-target', 'unpark-source', 'start-source']);

/** Journals, performs and audits one step; throws a StepFailure when it fails. */
async function runStep(ctx: Ctx, m: MoveRun, step: StepName | RollbackStep): Promise<MigrationRecord> {
  const p = m.plan;
  const engineAt = ctx.engine.records(stepHost(p, step))?.now();
  await append(ctx, { kind: 'step.intent', runId: ctx.runId, move: m.index, step, ...(engineAt !== undefined && Number.isFinite(engineAt) && { engineAt }) });
  if (step === 'stop-source' && m.stopEngineAt === null && engineAt !== undefined && Number.isFinite(engineAt)) m.stopEngineAt = engineAt;
  m.touched.add(step);
  let data: StepData = {};
  let failure: StepFailure | null = null;
  try {
    await withDeadline(stepDeadline(ctx, p, step), async (signal) => {
      if (step === 'remove-target' || step === 'unpark-source' || step === 'start-source') await backward(ctx, m, step, signal);
      else data = await forward(ctx, m, step, signal);
    });
  } catch (err) {
    failure = err instanceof StepFailure ? err : new StepFailure(toDockpitError(err, `${label(p)} ${step}`));
    data = failure.data;
  }
  m.earlier.delete(step); // settled by this attempt: a later one starts from its own intent
  m.data = { ...m.data, ...data };
  const hasData = Object.keys(data).length > 0;
  const rec = await append(ctx, {
    kind: 'step.outcome',
    runId: ctx.runId,
    move: m.index,
    step,
    outcome: failure ? 'failed' : 'done',
    ...(failure && { error: failure.error.toString() }),
    ...(hasData && { data }),
  });
  if (AUDITED.has(step)) {
    await ctx.audit.append({
      action: `migrate.${step}`,
      targets: [label(p)],
      details: { runId: ctx.runId, move: m.index, sourceId: p.sourceId, ip: p.ip, ...(hasData && data) },
      outcome: failure ? 'failed' : 'ok',
      ...(failure && { error: failure.error.toString() }),
    });
  }
  if (failure) throw failure;
  m.done.add(step);
  return rec;
}

/** Undoes a move: target first, then the source's name, then its running state. Stops at the first failure. */
async function rollBack(ctx: Ctx, m: MoveRun, cause: string): Promise<void> {
  const steps: RollbackStep[] = [];
  if (m.touched.has('create')) steps.push('remove-target');
  if (m.touched.has('park-source')) steps.push('unpark-source');
  if (m.touched.has('stop-source')) steps.push('start-source');
  for (const step of steps) {
    if (m.done.has(step)) continue;
    try {
      await runStep(ctx, m, step);
    } catch (err) {
      const why = err instanceof StepFailure ? err.error.toString() : String(err);
      const held = step === 'remove-target' ? `: the source stays stopped so that ${m.plan.ip ?? 'its address'} cannot run twice` : '';
      await append(ctx, { kind: 'move.end', runId: ctx.runId, move: m.index, status: 'failed', downtimeMs: null, error: `${cause}; rollback ${step} failed: ${why}${held}` });
      return;
    }
  }
  await append(ctx, { kind: 'move.end', runId: ctx.runId, move: m.index, status: 'rolled-back', downtimeMs: null, error: `${cause}; rolled back` });
}

function moveRun(v: MoveView): MoveRun {
  return {
    index: v.index,
    plan: v.plan,
    data: { ...v.data },
    touched: new Set(v.steps.map((s) => s.step)),
    done: new Set(v.steps.filter((s) => s.state === 'done').map((s) => s.step)),
    stoppedAt: v.stoppedAt,
    stopEngineAt: v.steps.find((s) => s.step === 'stop-source')?.engineAt ?? null,
    earlier: earlierIntents(v.steps),
  };
}

/**
 * Tells the state the move is done (the ledger's host for the name, the source host's record dropped).
 * The move itself is done either way, so a failure does not undo it; it is said instead (issue 14, item 5):
 * in the move's end (journal, progress screen, result) and in the audit log. Null when it went through.
 */
async function noteMoved(ctx: Ctx, m: MoveRun): Promise<string | null> {
  if (!ctx.onMoved) return null;
  const p = m.plan;
  try {
    await ctx.onMoved(p);
    return null;
  } catch (err) {
    const e = toDockpitError(err, 'after the move');
    await ctx.audit.append({ action: 'migrate.moved', targets: [label(p)], details: { runId: ctx.runId, move: m.index }, outcome: 'failed', error: e.toString() });
    return `moved, but the state was not updated: ${e.toString()}`;
  }
}

/** Runs (or resumes) one move to an end: done, rolled back, or failed with the reason on record. */
async function runMove(ctx: Ctx, v: MoveView): Promise<void> {
  const m = moveRun(v);
  const p = m.plan;
  const forwardFailed = v.steps.some((s) => s.state === 'failed' && !(s.step === 'remove-source'));
  if (v.status === 'rolling-back' || v.status === 'failed' || forwardFailed) {
    await rollBack(ctx, m, v.error ?? v.steps.find((s) => s.state === 'failed')?.error ?? 'interrupted');
    return;
  }
  if ((v.status === 'pending' || v.status === 'skipped') && ctx.signal?.aborted) {
    await append(ctx, { kind: 'move.end', runId: ctx.runId, move: m.index, status: 'skipped', downtimeMs: null, error: 'cancelled before it began' });
    return;
  }
  let gateAt: string | null = null;
  for (const step of p.steps) {
    if (m.done.has(step)) continue;
    if (step === 'remove-source') break; // after the gate: handled below, a failure there does not undo the move
    try {
      const rec = await runStep(ctx, m, step);
      if (step === 'stop-source') m.stoppedAt = rec.at;
      if (step === 'gate') gateAt = rec.at;
    } catch (err) {
      // The state is gone (etcd unreachable, this process's claim lost): no rollback either, since it could
      // not be journaled; the move stays as the journal says, for a resume from a jump host that can.
      if (err instanceof StateError) throw err;
      await rollBack(ctx, m, err instanceof StepFailure ? `${step}: ${err.error.toString()}` : String(err));
      return;
    }
  }
  let error: string | undefined;
  if (p.steps.includes('remove-source') && !m.done.has('remove-source')) {
    try {
      await runStep(ctx, m, 'remove-source');
    } catch (err) {
      error = `moved, but the parked source ${parkName(p.name, ctx.runId)} is still on ${p.from}: ${err instanceof StepFailure ? err.error.toString() : String(err)}`;
    }
  }
  if (p.sourceMode === 'recorded') error = `the source on ${p.from} (fenced) was not touched: remove ${p.name} there before the host rejoins`;
  const noted = await noteMoved(ctx, m);
  if (noted !== null) error = error === undefined ? noted : `${error}; ${noted}`;
  // Issue 13, item 6: the engines' own times (source `die` → target `start`); dockpit's timestamps around
  // the steps only when the engines no longer have them (a fenced source, a host gone, events rotated out).
  const measured = await eventDowntimeMs(ctx, m).catch(() => null);
  const downtimeMs = measured ?? (gateAt !== null && m.stoppedAt !== null ? Date.parse(gateAt) - Date.parse(m.stoppedAt) : null);
  await append(ctx, { kind: 'move.end', runId: ctx.runId, move: m.index, status: 'done', downtimeMs, ...(error !== undefined && { error }) });
}

/**
 * An engine's clock minus ours, ms, measured now around one /info call: its midpoint errs by at most half
 * the round trip. The connection's offset, taken once after the call returns, errs by the whole call
 * (about 100 ms over ssh under load, measured here): too coarse for a downtime of about a second.
 */
async function clockOffsetMs(docker: MigrateHost, signal: AbortSignal): Promise<number | null> {
  const t0 = Date.now();
  const info = await docker.info(signal);
  const t1 = Date.now();
  const engine = info.SystemTime ? Date.parse(info.SystemTime) : NaN;
  return Number.isFinite(engine) ? engine - (t0 + t1) / 2 : null;
}

/**
 * The service's downtime as the engines saw it: from the source's last `die` since stop-source began to the
 * target's first `start` after it, each on its own engine's clock converted to local time. Null when
 * either engine cannot tell (not connected, a fenced source, the event no longer in its last 256).
 */
async function eventDowntimeMs(ctx: Ctx, m: MoveRun): Promise<number | null> {
  const p = m.plan;
  const source = ctx.engine.records(p.from);
  const target = ctx.engine.records(p.to);
  const sourceDocker = ctx.engine.host(p.from);
  const targetDocker = ctx.engine.host(p.to);
  if (p.sourceMode !== 'live' || !source || !target || !sourceDocker || !targetDocker || !m.data.targetId || m.stopEngineAt === null) return null;
  const targetId = m.data.targetId;
  const stopEngineAt = m.stopEngineAt;
  return withDeadline(ctx.callTimeoutMs ?? DEFAULT_CALL_MS, async (signal) => {
    const [sourceOffset, targetOffset] = await Promise.all([clockOffsetMs(sourceDocker, signal), clockOffsetMs(targetDocker, signal)]);
    if (sourceOffset === null || targetOffset === null) return null;
    // The target's `since`: the same moment on its clock, a second early for the clocks' error.
    const sinceTarget = (stopEngineAt * 1000 - sourceOffset + targetOffset) / 1000 - 1;
    const [died, started] = await Promise.all([source.marks(p.sourceId, stopEngineAt - 1, signal), target.marks(targetId, sinceTarget, signal)]);
    const die = died.filter((e) => e.action === 'die').map((e) => e.timeNano / 1e6 - sourceOffset).at(-1);
    if (die === undefined) return null;
    // The target's first start after the source died (the move starts it only once the source is stopped).
    const start = started.filter((e) => e.action === 'start').map((e) => e.timeNano / 1e6 - targetOffset).find((t) => t >= die - 1000);
    return start === undefined ? null : Math.max(0, Math.round(start - die));
  });
}

export function resultOf(view: MigrationView, error?: string): MigrationResult {
  return {
    runId: view.runId,
    status: view.status,
    moves: view.moves.map((m) => ({
      name: m.plan.name,
      from: m.plan.from,
      to: m.plan.to,
      ip: m.plan.ip,
      status: m.status,
      downtimeMs: m.downtimeMs,
      steps: m.steps.map((s) => ({ step: s.step, state: s.state, ...(s.error !== undefined && { error: s.error }) })),
      ...(m.error !== undefined && { error: m.error }),
    })),
    ...(error !== undefined && { error }),
  };
}

async function finish(ctx: Ctx): Promise<MigrationResult> {
  const view = migrationState(await ctx.journal.read(ctx.runId));
  const status = migrationEnd(view.moves, ctx.signal?.aborted === true);
  await append(ctx, { kind: 'mig.end', runId: ctx.runId, status });
  return resultOf(migrationState(await ctx.journal.read(ctx.runId)));
}

const lockTargets = (moves: readonly MovePlan[]) => moves.map((p) => ({ id: p.sourceId, label: `${p.from}/${p.name}` }));

/** Takes the run's locks, then (`first`: a resume's record, written only once the run is ours) runs the moves. */
async function runMoves(ctx: Ctx, moves: readonly MoveView[], parallel: number, first?: () => Promise<unknown>): Promise<MigrationResult> {
  const hold = await ctx.lock.acquire(ctx.runId, operatorLabel(ctx.audit.operator), lockTargets(moves.map((m) => m.plan)));
  try {
    await first?.();
    await mapLimited(moves, parallel, (m) => runMove(ctx, m));
    return await finish(ctx);
  } finally {
    await hold.release();
  }
}

export interface StartArgs {
  runId: string;
  what: 'migrate' | 'evacuate';
  /** The host an evacuation empties. */
  host: string | null;
  moves: readonly MovePlan[];
  parallel: number;
}

export async function executeMigration(deps: MigrateDeps, args: StartArgs): Promise<MigrationResult> {
  const ctx: Ctx = { ...deps, runId: args.runId, transfers: new Map() };
  await deps.audit.ready(); // an audit log that cannot be written stops the run before any change
  await append(ctx, { kind: 'mig.start', runId: args.runId, what: args.what, host: args.host, operator: deps.audit.operator, parallel: args.parallel, moves: [...args.moves] });
  try {
    const view = migrationState(await deps.journal.read(args.runId));
    // The journal holds the plans with env secrets masked (issue 17, item 3): this run creates from its own.
    return await runMoves(ctx, view.moves.map((m) => ({ ...m, plan: args.moves[m.index] ?? m.plan })), args.parallel);
  } catch (err) {
    if (!(err instanceof LockBusyError)) throw err;
    await append(ctx, { kind: 'mig.end', runId: args.runId, status: 'refused' });
    await deps.audit.append({ action: `${args.what}.start`, targets: args.moves.map(label), details: { runId: args.runId }, outcome: 'refused', error: err.toString() });
    return resultOf(migrationState(await deps.journal.read(args.runId)), err.toString());
  }
}

export async function readMigration(journal: MigrationJournal, runId: string): Promise<MigrationView> {
  const view = migrationState(await journal.read(runId));
  if (view.what === null) throw new DockpitError('NOT_FOUND', `migration ${runId}: no such run in the journal`);
  return view;
}

/**
 * Finishes a run dockpit did not finish (killed, or a move whose rollback failed): each unfinished move goes
 * on from its journal, forward or back; a finished run makes no engine call.
 */
/** The moves a resume takes up (pure: from the journal's view alone). */
export function movesToResume(view: Pick<MigrationView, 'moves'>): MoveView[] {
  // Issue 13, item 6: a cancelled run's moves that never began (skipped at the cancel) are picked up too.
  const notBegun = (m: MoveView) => m.status === 'skipped' && m.steps.length === 0;
  // Issue 17, F2: a move done but for its parked source's removal (the source host unreachable then) keeps
  // that copy on the host for good unless a resume, the host back, removes it.
  const leftParked = (m: MoveView) => m.status === 'done' && m.steps.some((s) => s.step === 'remove-source' && s.state === 'failed');
  return view.moves.filter((m) => m.status === 'pending' || m.status === 'running' || m.status === 'rolling-back' || m.status === 'failed' || notBegun(m) || leftParked(m));
}

export async function resumeMigration(deps: MigrateDeps, runId: string): Promise<MigrationResult> {
  const view = await readMigration(deps.journal, runId);
  const open = movesToResume(view);
  if (open.length === 0 && view.status !== 'running') return resultOf(view);
  // Issue 13: an abandoned run ended where it stood and released its claim: the name may run elsewhere
  // since, so its moves are never picked up again (its parked copies are never started).
  if (view.status === 'abandoned') return resultOf(view, `migration ${runId} was abandoned: it is never resumed; nothing changed`);
  const ctx: Ctx = { ...deps, runId, transfers: new Map() };
  await deps.audit.ready();
  const restored = await Promise.all(open.map((m) => withSecrets(ctx, m)));
  // The locks first: while another live process holds the run, this one is refused by the lock (naming the
  // holder), never by the journal's fence.
  return runMoves(ctx, restored, view.parallel, () => append(ctx, { kind: 'mig.resume', runId, operator: deps.audit.operator }));
}

/**
 * Issue 17, item 3: a move read back from the journal has its env secrets masked. Before a resume creates
 * the target from it, they come back from the source container (parked, not removed before the gate) or,
 * its host dead, from the container's inspect record (kept whole, 0600). A move whose target may still have
 * to be created and whose secrets cannot be found stops the resume before any engine call.
 */
async function withSecrets(ctx: Ctx, m: MoveView): Promise<MoveView> {
  const p = m.plan;
  const bodyEnv = Array.isArray(p.body.Env) ? (p.body.Env as string[]) : null;
  const sourceEnv = Array.isArray(p.source.Config.Env) ? (p.source.Config.Env as string[]) : null;
  if (!hasMaskedEntry(bodyEnv) && !hasMaskedEntry(sourceEnv)) return m;
  let real: string[] | null = null;
  const host = ctx.engine.host(p.from);
  if (host) {
    const signal = AbortSignal.timeout(ctx.callTimeoutMs ?? DEFAULT_CALL_MS);
    const live = await host.inspect(p.sourceId, signal).catch(() => null);
    if (Array.isArray(live?.Config.Env)) real = live.Config.Env as string[];
  }
  if (real === null) {
    const record = await ctx.records?.load(p.from, p.name).catch(() => null);
    if (record && record.id === p.sourceId && Array.isArray(record.inspect.Config.Env)) real = record.inspect.Config.Env;
  }
  const body = bodyEnv && real ? unmaskEnv(bodyEnv, real) : bodyEnv;
  const source = sourceEnv && real ? unmaskEnv(sourceEnv, real) : sourceEnv;
  if (hasMaskedEntry(body) || hasMaskedEntry(source) || (bodyEnv && body === null) || (sourceEnv && source === null)) {
    const created = m.steps.some((s) => s.step === 'create' && s.state === 'done');
    if (created) return m; // the target exists: nothing is created from the masked env
    throw new DockpitError(
      'NOT_FOUND',
      `${p.name}: its env secrets are masked in the journal and neither its source container (${p.sourceId.slice(0, 12)} on ${p.from}) nor its record can give them back; nothing changed`,
    );
  }
  return { ...m, plan: { ...p, body: { ...p.body, Env: body }, source: { ...p.source, Config: { ...p.source.Config, Env: source } } } };
}
