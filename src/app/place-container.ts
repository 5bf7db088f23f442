import { UsageError } from '../config/config-error.js';
import type { FleetConfig, IpPool, LineSpec } from '../config/types.js';
import { RunFailure } from '../engine/container-run.js';
import { withDeadline } from '../engine/deadline.js';
import { toDockpitError } from '../engine/errors.js';
import { allowedHosts, checkRequest, place, reserve, type HostFacts, type Placement, type PlacementDecision, type PlacementRequest } from '../pool/place.js';
import type { PlaceOutcome } from '../pool/place-outcome.js';
import { maskEnv } from '../render/secret-env.js';
import { operatorLabel } from '../state/operator.js';
import { NameBusyError, StateError, type Ledger, type LockHold, type StateStore } from '../state/types.js';
import { resolveConflict, verifyAddress } from './address-verify.js';
import { changeTimeoutMs } from './change-timeout.js';
import type { PlacementEngine } from './placement-engine.js';
import { requireHost } from './require-host.js';
import { containerCreateBody, type RunSpec } from './run-spec.js';
import { claimOn, RunClaimedError, unsettledRuns } from './run-claims.js';

// The placement service behind `dockpit run` and the cockpit's form (issue 4, item 5; issue 14): the thin
// executor around the pure planner (src/pool/place.ts).
//
// 1. Usage checks from the config alone (checkRun: line, pool, host): exit 2, nothing contacted.
// 2. The name's placement lock (the state's NameLocks): a second placement of the same name is refused.
// 3. A snapshot of the fleet: every host's containers, and for the candidate hosts the pool's network and
//    their memory (engine /info MemTotal minus the memory limits of the running containers).
// 4. Plan and reserve in one step under the ledger's lock: two racing runs never get one address.
// 5. Create and start with the reserved address. A failure that leaves no container gives back a new
//    reservation (issue 17, item 6); the name's earlier one stays: a retry gets the same IP.
// 6. Issue 13, item 4: the address is checked after the start, on every host's fresh list.
// Every step that changes something, or was refused, is in the audit log; a dry run stops after planning
// with ledger.list() instead of 4, and writes nothing at all.

export interface PlacementDeps {
  config: FleetConfig;
  state: StateStore;
  engine: PlacementEngine;
  now?: () => Date;
}

/** Usage checks from the config alone: a UsageError (exit 2) before anything is contacted. */
export function checkRun(config: FleetConfig, spec: Pick<RunSpec, 'name' | 'line'>, onlyHost: string | undefined): void {
  requireHost(onlyHost, config);
  const bad = checkRequest(config, { name: spec.name, line: spec.line, ...(onlyHost !== undefined && { host: onlyHost }) });
  if (bad) throw new UsageError(bad.message);
}

/** Placement's facts about every configured host; lookups only on the candidate hosts that are up. */
export async function gatherFacts(config: FleetConfig, engine: PlacementEngine, line: LineSpec, pool: IpPool, onlyHost?: string): Promise<HostFacts[]> {
  const candidates = onlyHost !== undefined ? [onlyHost] : allowedHosts(config, line);
  const weighMemory = onlyHost === undefined && candidates.length > 1;
  const deadline = <T>(call: (s: AbortSignal) => Promise<T>) => withDeadline(config.engine.callTimeoutMs, call);
  return Promise.all(
    engine.hosts().map(async (facts): Promise<HostFacts> => {
      const { name, containers } = facts;
      if (!candidates.includes(name) || facts.state === 'down' || facts.state === 'connecting') return facts;
      if (!engine.connected(name)) return { ...facts, state: 'down', error: facts.error ?? 'not connected' };
      try {
        facts.network = await deadline((s) => engine.findNetwork(name, pool.network, s));
        if (weighMemory) {
          const running = containers.filter((c) => c.state === 'running').map((c) => c.id);
          Object.assign(facts, await deadline((s) => engine.memory(name, running, s)));
        }
        return facts;
      } catch (err) {
        // A host that cannot answer these cannot take the container either.
        return { ...facts, state: 'down', error: toDockpitError(err).toString() };
      }
    }),
  );
}

/**
 * Issue 12, item 4: how long a reservation whose container no host lists yet counts as a placement under
 * way. A placement creates its container within changeTimeoutMs of reserving; twice that also covers the
 * time between a racing run's fleet snapshot and its turn at the ledger.
 */
export function underWay(config: FleetConfig, now: Date): { now: number; windowMs: number } {
  return { now: now.getTime(), windowMs: 2 * changeTimeoutMs(config) };
}

class Refused extends Error {
  constructor(readonly placement: Extract<Placement, { ok: false }>) {
    super(placement.refusal.message);
  }
}

/** Plans against the ledger as it is under its lock and records the decision's reservation there. */
export async function placeAndReserve(
  config: FleetConfig,
  facts: HostFacts[],
  req: PlacementRequest,
  ledger: Ledger,
  by: string,
  now: () => Date = () => new Date(),
): Promise<Placement> {
  try {
    return await ledger.update((current) => {
      const p = place({ ...config, facts, reservations: current, underWay: underWay(config, now()) }, req);
      if (!p.ok) throw new Refused(p); // nothing written
      return { next: reserve(current, p.decision, by, now().toISOString()), result: p };
    });
  } catch (err) {
    if (err instanceof Refused) return err.placement;
    throw err;
  }
}

export function auditDetails(spec: RunSpec, d: PlacementDecision | null) {
  return {
    line: spec.line,
    image: spec.image,
    cmd: spec.cmd,
    env: maskEnv(spec.env),
    nanoCpus: spec.nanoCpus,
    memoryBytes: spec.memoryBytes,
    restart: spec.restart,
    ...(d && { host: d.host, ip: d.ip, pool: d.pool, network: d.network, reusedReservation: d.reused, why: d.why }),
  };
}

/** Gives back the reservation a failed placement made; false when the ledger could not be written (it stays). */
async function release(ledger: Ledger, d: PlacementDecision): Promise<boolean> {
  try {
    await ledger.update((current) => ({ next: current.filter((r) => !(r.name === d.name && r.ip === d.ip)), result: undefined }));
    return true;
  } catch {
    return false;
  }
}

/** A dry run: the decision against the ledger as it is (read, not locked); nothing written. */
async function planOnly(deps: PlacementDeps, spec: RunSpec, req: PlacementRequest, line: LineSpec, pool: IpPool): Promise<PlaceOutcome> {
  const { config, state, engine } = deps;
  const facts = await gatherFacts(config, engine, line, pool, req.host);
  let reservations;
  try {
    reservations = await state.ledger.list();
  } catch (e) {
    return { kind: 'failed', stage: 'ledger', message: toDockpitError(e).toString(), decision: null, id: null, warnings: [] };
  }
  const p = place({ ...config, facts, reservations, underWay: underWay(config, (deps.now ?? (() => new Date()))()) }, req);
  if (!p.ok) return { kind: 'refused', code: p.refusal.code, message: p.refusal.message, warnings: p.warnings };
  return { kind: 'planned', decision: p.decision, warnings: p.warnings };
}

/**
 * Plans (spec.dryRun) or places one container. Usage must have been checked (checkRun, parseRunSpec).
 * Throws only a StateError (the state cannot record it: nothing more is done) or a bug.
 */
export async function placeContainer(deps: PlacementDeps, spec: RunSpec, onlyHost: string | undefined): Promise<PlaceOutcome> {
  const { config, state, engine } = deps;
  const now = deps.now ?? (() => new Date());
  const req: PlacementRequest = { name: spec.name, line: spec.line, ...(onlyHost !== undefined && { host: onlyHost }) };
  const line = config.lines[spec.line]!;
  const pool = config.pools.find((p) => p.name === line.pool)!;
  if (spec.dryRun) return planOnly(deps, spec, req, line, pool);

  const { ledger, audit } = state;
  const by = operatorLabel(audit.operator);
  // The state can be written (and the audit log appended to), or nothing is done: a StateError (exit 7).
  await audit.ready();
  const refused = async (message: string, code: string, d: PlacementDecision | null = null, warnings: string[] = []): Promise<PlaceOutcome> => {
    const where = onlyHost ?? d?.host;
    await audit.append({ action: 'container.run', targets: [where ? `${where}/${spec.name}` : spec.name], details: auditDetails(spec, d), outcome: 'refused', error: `${code}: ${message}` });
    return { kind: 'refused', code, message, warnings };
  };

  let hold: LockHold;
  try {
    hold = await state.names.hold(spec.name, by);
  } catch (e) {
    if (e instanceof NameBusyError) return refused(e.message, 'BUSY');
    throw e;
  }
  try {
    // Issue 13: a name an unfinished run claims (its move may start it elsewhere, or its parked copy) is not placed.
    const claimed = claimOn(await unsettledRuns(state), [{ name: spec.name }]);
    if (claimed) return await refused(new RunClaimedError(claimed.claim, claimed.names).message, 'CLAIMED');
    const facts = await gatherFacts(config, engine, line, pool, onlyHost);
    let p: Placement;
    try {
      p = await placeAndReserve(config, facts, req, ledger, by, now);
    } catch (e) {
      if (e instanceof StateError) throw e; // the state is unavailable: nothing more can be recorded either
      // The ledger could not be read, locked or written: nothing was reserved, nothing created.
      const coded = toDockpitError(e);
      await audit.append({ action: 'container.run', targets: [onlyHost ? `${onlyHost}/${spec.name}` : spec.name], details: auditDetails(spec, null), outcome: 'failed', error: coded.toString() });
      return { kind: 'failed', stage: 'ledger', message: coded.toString(), decision: null, id: null, warnings: [] };
    }
    const warnings = [...p.warnings];
    if (!p.ok) return await refused(p.refusal.message, p.refusal.code, null, warnings);
    const d = p.decision;
    let id: string;
    try {
      id = await withDeadline(changeTimeoutMs(config), (signal) => engine.createAndStart(d.host, containerCreateBody(d, spec), signal));
    } catch (e) {
      const failure = e instanceof RunFailure ? e : new RunFailure('create', toDockpitError(e), null, null);
      // Issue 17, item 6: no container holds the address (create failed, or start failed and it was removed
      // again), so a reservation this run made is given back; one the name had before stays the name's.
      const released = !d.reused && failure.cleanup?.endsWith('removed again') !== false && (await release(ledger, d));
      await audit.append({
        action: 'container.run',
        targets: [`${d.host}/${d.name}`],
        details: { ...auditDetails(spec, d), ...(released && { released: true }) },
        outcome: 'failed',
        error: `${failure.stage}: ${failure.error.toString()}`,
      });
      return { kind: 'failed', stage: 'create', message: failure.message, decision: d, id: null, warnings, ...(released && { released: true as const }) };
    }
    const verdict = await verifyAddress(engine, pool.network, d.ip, { host: d.host, id });
    if (verdict.others.length > 0) {
      const container = await resolveConflict(config, state, engine, spec, d, id, verdict.others);
      return { kind: 'conflict', decision: d, id, others: verdict.others, container, warnings };
    }
    try {
      await audit.append({ action: 'container.run', targets: [`${d.host}/${d.name}`], details: { ...auditDetails(spec, d), id }, outcome: 'ok' });
    } catch (e) {
      return { kind: 'failed', stage: 'audit', message: toDockpitError(e).message, decision: d, id, warnings };
    }
    for (const u of verdict.unseen) warnings.push(`${d.ip} could not be verified on ${u.host} (${u.error})`);
    if (hold.lost) warnings.push(`the placement lock of ${d.name} was lost while placing it (${hold.lost.message})`);
    return { kind: 'started', decision: d, id, verifiedAt: verdict.at, warnings };
  } finally {
    await hold.release();
  }
}
