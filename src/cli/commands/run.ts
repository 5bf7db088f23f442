import { UsageError } from '../../config/config-error.js';
import type { FleetConfig, IpPool, LineSpec } from '../../config/types.js';
import { createAndStart, memoryFacts, RunFailure } from '../../engine/container-run.js';
import { withDeadline } from '../../engine/deadline.js';
import { DockpitError, toDockpitError } from '../../engine/errors.js';
import { findNetwork } from '../../engine/network-calls.js';
import { allowedHosts, checkRequest, place, reserve, type HostFacts, type Placement, type PlacementDecision, type PlacementRequest } from '../../pool/place.js';
import { operatorLabel } from '../../state/operator.js';
import { NameBusyError, StateError, type Ledger, type LockHold, type StateStore } from '../../state/types.js';
import { maskEnv } from '../../render/secret-env.js';
import { connectFleet } from '../connect.js';
import { fleetFacts, fleetSource, type FleetSource } from '../../app/fleet-source.js';
import { containerCreateBody, parseRunSpec, type RunSpec } from '../run-options.js';
import { withState } from '../with-state.js';
import { claimOn, RunClaimedError, unsettledRuns } from '../../app/run-claims.js';

/** Refused: an unfinished plan run or migration claims the name (issue 13). */
const RUN_CLAIMED_EXIT = 6;
import { addressConflict, verifyAddress } from './run-verify.js';
import { changeTimeoutMs } from './network-ensure.js';
import { requireHost } from './validate.js';
import type { HeadlessCommand } from './types.js';

// `dockpit run` (issue 4, item 5): the thin executor around the pure planner (src/pool/place.ts).
//
// 1. Usage checks from the config alone (line, pool, host, option values): exit 2, nothing contacted.
// 2. The name's placement lock (the state's NameLocks): a second `dockpit run` of the same name fails here.
// 3. A snapshot of the fleet: every host's containers, and for the candidate hosts the pool's network and
//    their memory (engine /info MemTotal minus the memory limits of the running containers).
// 4. Plan and reserve in one step under the ledger's lock: two racing runs never get one address.
// 5. Create and start with the reserved address. A failure keeps the reservation: a retry gets the same IP.
// Every step that changes something, or was refused, is in the audit log; --dry-run stops after planning
// with ledger.list() instead of 4, and writes nothing at all.


/** Placement's facts about every configured host; lookups only on the candidate hosts that are up. */
export async function gatherFacts(config: FleetConfig, fleet: FleetSource, line: LineSpec, pool: IpPool, onlyHost?: string): Promise<HostFacts[]> {
  const candidates = onlyHost !== undefined ? [onlyHost] : allowedHosts(config, line);
  const weighMemory = onlyHost === undefined && candidates.length > 1;
  return Promise.all(
    fleetFacts(config, fleet.state).map(async (facts): Promise<HostFacts> => {
      const { name, containers } = facts;
      const docker = fleet.client(name);
      if (!candidates.includes(name) || facts.state === 'down' || facts.state === 'connecting') return facts;
      if (!docker) return { ...facts, state: 'down', error: facts.error ?? 'not connected' };
      try {
        const deadline = <T>(call: (s: AbortSignal) => Promise<T>) => withDeadline(config.engine.callTimeoutMs, call);
        facts.network = await deadline((s) => findNetwork(docker, pool.network, s));
        if (weighMemory) {
          const running = containers.filter((c) => c.state === 'running').map((c) => c.id);
          Object.assign(facts, await deadline((s) => memoryFacts(docker, running, s)));
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

function summary(d: PlacementDecision): string {
  return `${d.name} → ${d.host} ${d.ip} (pool ${d.pool}, network ${d.network}, line ${d.line}, tier ${d.tier}${d.reused ? ', its reserved address' : ''})`;
}

function runJson(d: PlacementDecision, id: string | null, dryRun: boolean, verifiedAt: string | null = null) {
  return { name: d.name, host: d.host, ip: d.ip, pool: d.pool, network: d.network, line: d.line, id, dryRun, ...(verifiedAt !== null && { verifiedAt }) };
}

function auditDetails(spec: RunSpec, d: PlacementDecision | null) {
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

/** Where `placeContainer` reports: stdout-like and stderr-like lines. */
export interface PlaceReport {
  out: (text: string) => void;
  err: (text: string) => void;
}

/**
 * Plans (dry run) or places one container on a connected fleet: the executor behind `dockpit run` and the
 * cockpit's form. Usage must have been checked (checkRequest, parseRunSpec). Resolves to the exit code.
 */
export async function placeContainer(
  config: FleetConfig,
  state: StateStore,
  source: FleetSource,
  spec: RunSpec,
  onlyHost: string | undefined,
  json: boolean,
  { out, err }: PlaceReport,
): Promise<number> {
  const req: PlacementRequest = { name: spec.name, line: spec.line, ...(onlyHost !== undefined && { host: onlyHost }) };
  const line = config.lines[spec.line]!;
  const pool = config.pools.find((p) => p.name === line.pool)!;
  const { ledger, audit } = state;

  if (spec.dryRun) {
    const facts = await gatherFacts(config, source, line, pool, onlyHost);
    let reservations;
    try {
      reservations = await ledger.list();
    } catch (e) {
      err(`dockpit: ${toDockpitError(e).toString()}`);
      return 1;
    }
    const p = place({ ...config, facts, reservations, underWay: underWay(config, new Date()) }, req);
    for (const w of p.warnings) err(`warning: ${w}`);
    if (!p.ok) {
      err(`dockpit: ${p.refusal.message}`);
      return 1;
    }
    if (json) out(JSON.stringify(runJson(p.decision, null, true), null, 2));
    else out(`dry run: ${summary(p.decision)}\n  host: ${p.decision.why}\n  nothing changed`);
    return 0;
  }

  const by = operatorLabel(audit.operator);
  // The state can be written (and the audit log appended to), or nothing is done: a StateError (exit 7).
  await audit.ready();
  const refused = async (message: string, code: string, d: PlacementDecision | null = null) => {
    const where = onlyHost ?? d?.host;
    await audit.append({ action: 'container.run', targets: [where ? `${where}/${spec.name}` : spec.name], details: auditDetails(spec, d), outcome: 'refused', error: `${code}: ${message}` });
    err(`dockpit: ${message}`);
    return 1;
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
    if (claimed) {
      await refused(new RunClaimedError(claimed.claim, claimed.names).message, 'CLAIMED');
      return RUN_CLAIMED_EXIT;
    }
    const facts = await gatherFacts(config, source, line, pool, onlyHost);
    let p: Placement;
    try {
      p = await placeAndReserve(config, facts, req, ledger, by);
    } catch (e) {
      if (e instanceof StateError) throw e; // the state is unavailable: nothing more can be recorded either
      // The ledger could not be read, locked or written: nothing was reserved, nothing created.
      const coded = toDockpitError(e);
      await audit.append({ action: 'container.run', targets: [onlyHost ? `${onlyHost}/${spec.name}` : spec.name], details: auditDetails(spec, null), outcome: 'failed', error: coded.toString() });
      err(`dockpit: ${coded.toString()}`);
      return 1;
    }
    for (const w of p.warnings) err(`warning: ${w}`);
    if (!p.ok) return await refused(p.refusal.message, p.refusal.code);
    const d = p.decision;
    const docker = source.client(d.host);
    let id: string;
    try {
      if (!docker) throw new RunFailure('create', new DockpitError('UNREACHABLE', `${d.host} is not connected any more`), null, null);
      id = await withDeadline(changeTimeoutMs(config), (signal) => createAndStart(docker, containerCreateBody(d, spec), signal));
    } catch (e) {
      const failure = e instanceof RunFailure ? e : new RunFailure('create', toDockpitError(e), null, null);
      await audit.append({ action: 'container.run', targets: [`${d.host}/${d.name}`], details: auditDetails(spec, d), outcome: 'failed', error: `${failure.stage}: ${failure.error.toString()}` });
      err(`dockpit: ${summary(d)}: ${failure.message}`);
      err(`dockpit: ${d.ip} stays reserved for ${d.name}: running it again gets the same address`);
      return 1;
    }
    // Issue 13, item 4: the address is checked after the start, on every host's fresh list.
    const verdict = await verifyAddress(config, source, pool.network, d.ip, { host: d.host, id });
    if (verdict.others.length > 0) return await addressConflict(config, state, source, spec, d, id, verdict.others, { out, err }, json);
    try {
      await audit.append({ action: 'container.run', targets: [`${d.host}/${d.name}`], details: { ...auditDetails(spec, d), id }, outcome: 'ok' });
    } catch (e) {
      err(`dockpit: ${d.name} was started on ${d.host} (${id.slice(0, 12)}) but the audit log could not be written: ${toDockpitError(e).message}`);
      return 1;
    }
    for (const u of verdict.unseen) err(`warning: ${d.ip} could not be verified on ${u.host} (${u.error})`);
    if (hold.lost) err(`warning: the placement lock of ${d.name} was lost while placing it (${hold.lost.message})`);
    if (json) out(JSON.stringify(runJson(d, id, false, verdict.at), null, 2));
    else out(`${summary(d)}: started ${id.slice(0, 12)}\n  host: ${d.why}`);
    return 0;
  } finally {
    await hold.release();
  }
}

/** Usage checks from the config alone: a UsageError (exit 2) before anything is contacted. */
export function checkRun(config: FleetConfig, spec: RunSpec, onlyHost: string | undefined): void {
  requireHost(onlyHost, config);
  const bad = checkRequest(config, { name: spec.name, line: spec.line, ...(onlyHost !== undefined && { host: onlyHost }) });
  if (bad) throw new UsageError(bad.message);
}

export const runCommand: HeadlessCommand = async ({ args, config, out, err }) => {
  const spec = parseRunSpec(args.run ?? { env: [], cmd: [], dryRun: false });
  checkRun(config, spec, args.host);
  return withState(config, async (state) => {
    if (!spec.dryRun) await state.ready(); // a change the state cannot record is not begun (exit 7)
    const fleet = await connectFleet(config);
    try {
      const source = fleetSource(fleet.store, fleet.engine);
      return await placeContainer(config, state, source, spec, args.host, args.json, { out, err });
    } finally {
      await fleet.close();
    }
  });
};
