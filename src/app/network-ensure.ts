import type Docker from 'dockerode';
import type { FleetConfig, IpPool } from '../config/types.js';
import { withDeadline } from '../engine/deadline.js';
import { toDockpitError } from '../engine/errors.js';
import type { FleetEngine } from '../engine/fleet-engine.js';
import { createNetwork, findNetwork } from '../engine/network-calls.js';
import { ipRangeProblem, networkCreateBody, networkDifferences } from '../pool/network-spec.js';
import { StateError, type AuditLog, type AuditRecord } from '../state/types.js';
import type { FleetStore } from '../store/fleet-store.js';
import { hostRows } from '../store/selectors.js';
import { changeTimeoutMs } from './change-timeout.js';
import { hostNotUpText } from '../render/host-down.js';

// `dockpit network ensure [--host H] [--pool P] [--json]` (issue 4, item 4): each pool's docker network on
// each host, created where missing with the pool's subnet, gateway and driver; never changed where one of
// that name exists with other settings (containers may be attached to it): that host is refused. Issue 12:
// a network is created with the pool's ip-range (outside every line's range), so a container started without
// --ip never takes a pool address; an existing one without it is kept (exit 0) with a warning on how to fix it.

export type EnsureOutcome = 'created' | 'exists' | 'refused' | 'failed' | 'down';

export interface EnsureResult {
  host: string;
  pool: string;
  network: string;
  result: EnsureOutcome;
  /** The network's ID on that host (created or found). */
  id: string | null;
  /** What differs, when refused. */
  differences: string[];
  /** The network's ip-range on that host (issue 12): the pool's when created; null when it has none. */
  ipRange: string | null;
  /** What is wrong with a network that otherwise fits (its ip-range), with how to fix it. */
  warnings: string[];
  error: string | null;
}

/** After a failed create, how long a network created by a racing process may take to be listed. */
const RACE_SETTLE_MS = 2000;

/**
 * Ensures one pool's network on one connected host. Throws only a StateError (then nothing was created:
 * it could not have been recorded); otherwise the outcome says what happened.
 */
export async function ensureNetwork(
  docker: Docker,
  host: string,
  pool: IpPool,
  config: FleetConfig,
  audit: { ready(): Promise<void>; append: AuditLog['append'] },
): Promise<EnsureResult> {
  const result = (outcome: EnsureOutcome, more: Partial<EnsureResult> = {}): EnsureResult => ({
    host, pool: pool.name, network: pool.network, result: outcome, id: null, differences: [], ipRange: null, warnings: [], error: null, ...more,
  });
  const check = async (): Promise<EnsureResult | null> => {
    const found = await withDeadline(config.engine.callTimeoutMs, (signal) => findNetwork(docker, pool.network, signal));
    if (!found) return null;
    const differences = networkDifferences(pool, found);
    const ipRange = found.subnets.find((s) => !s.subnet.includes(':'))?.ipRange ?? null;
    if (differences.length > 0) return result('refused', { id: found.id, differences, ipRange });
    const problem = ipRangeProblem(pool, found);
    return result('exists', { id: found.id, ipRange, warnings: problem ? [problem] : [] });
  };
  try {
    const existing = await check();
    if (existing) return existing;
    await audit.ready();
    const body = networkCreateBody(pool);
    const details = { pool: pool.name, driver: pool.driver, subnet: body.IPAM.Config[0]!.Subnet, ipRange: body.IPAM.Config[0]!.IPRange, gateway: body.IPAM.Config[0]!.Gateway, parent: pool.parent };
    const target = `${host}/${pool.network}`;
    try {
      const id = await withDeadline(changeTimeoutMs(config), (signal) => createNetwork(docker, body, signal));
      await audit.append({ action: 'network.create', targets: [target], details: { ...details, id }, outcome: 'ok' });
      return result('created', { id, ipRange: pool.ipRange.text });
    } catch (err) {
      const coded = toDockpitError(err);
      // Another dockpit (or an operator) creating it at the same moment: the engine answers 409 (the name)
      // or 403 (the subnet's IPAM pool, taken before the network is listed: seen here racing two ensures).
      // Judge the one that appears; only if none does is this a failure.
      const until = Date.now() + RACE_SETTLE_MS;
      do {
        const now = await check().catch(() => null);
        if (now) return now;
        await new Promise((r) => setTimeout(r, 100));
      } while (Date.now() < until);
      await audit.append({ action: 'network.create', targets: [target], details, outcome: 'failed', error: coded.toString() });
      return result('failed', { error: coded.toString() });
    }
  } catch (err) {
    if (err instanceof StateError) throw err;
    return result('failed', { error: toDockpitError(err).toString() });
  }
}

/**
 * Each pool's network on each host of a connected fleet; the audit log is made ready only once a network is
 * missing. Throws only a StateError.
 */
export async function ensureNetworks(config: FleetConfig, log: AuditLog, fleet: { store: FleetStore; engine: FleetEngine }, hosts: readonly string[], pools: readonly IpPool[]): Promise<EnsureResult[]> {
  // A fleet that has every network writes nothing, not even the state folder.
  let ready: Promise<void> | null = null;
  const audit = { ready: () => (ready ??= log.ready()), append: (r: AuditRecord) => log.append(r) };
  const status = new Map(hostRows(fleet.store.getState()).map((h) => [h.name, h]));
  const perHost = await Promise.all(
    hosts.map(async (host) => {
      const docker = fleet.engine.connections.get(host)?.client ?? null;
      const rs: EnsureResult[] = [];
      for (const pool of pools) {
        if (!docker) {
          const h = status.get(host);
          rs.push({ host, pool: pool.name, network: pool.network, result: 'down', id: null, differences: [], ipRange: null, warnings: [], error: hostNotUpText(h) });
        } else {
          rs.push(await ensureNetwork(docker, host, pool, config, audit)); // one host's pools in turn
        }
      }
      return rs;
    }),
  );
  return perHost.flat();
}
