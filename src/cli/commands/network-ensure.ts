import type Docker from 'dockerode';
import { UsageError } from '../../config/config-error.js';
import type { FleetConfig, IpPool } from '../../config/types.js';
import { withDeadline } from '../../engine/deadline.js';
import { toDockpitError } from '../../engine/errors.js';
import { createNetwork, findNetwork } from '../../engine/network-calls.js';
import { ipRangeProblem, networkCreateBody, networkDifferences } from '../../pool/network-spec.js';
import { StateError, type AuditLog, type AuditRecord } from '../../state/types.js';
import { hostRows } from '../../store/selectors.js';
import { connectFleet } from '../connect.js';
import { textTable } from '../../render/text-table.js';
import { withState } from '../with-state.js';
import { requireHost } from '../../app/require-host.js';
import type { HeadlessCommand } from './types.js';

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

/** Engine calls that change something may take longer than a list: a generous bound, still a bound. */
export function changeTimeoutMs(config: FleetConfig): number {
  return Math.max(config.engine.callTimeoutMs, 30_000);
}

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

function describe(r: EnsureResult): string {
  switch (r.result) {
    case 'created':
      return `created (${r.id?.slice(0, 12)})`;
    case 'exists':
      return r.warnings.length === 0 ? 'exists with the pool’s settings' : `exists; ${r.warnings.join(', ')}`;
    case 'refused':
      return `exists with other settings: ${r.differences.join(', ')}`;
    default:
      return r.error ?? '';
  }
}

/** Each pool's network on each host; the audit log is made ready only once a network is missing. */
async function ensureAll(config: FleetConfig, log: AuditLog, hosts: readonly string[], pools: readonly IpPool[]): Promise<EnsureResult[]> {
  // A fleet that has every network writes nothing, not even the state folder.
  let ready: Promise<void> | null = null;
  const audit = { ready: () => (ready ??= log.ready()), append: (r: AuditRecord) => log.append(r) };
  const fleet = await connectFleet(config);
  try {
    const status = new Map(hostRows(fleet.store.getState()).map((h) => [h.name, h]));
    const perHost = await Promise.all(
      hosts.map(async (host) => {
        const docker = fleet.engine.connections.get(host)?.client ?? null;
        const rs: EnsureResult[] = [];
        for (const pool of pools) {
          if (!docker) {
            const h = status.get(host);
            rs.push({ host, pool: pool.name, network: pool.network, result: 'down', id: null, differences: [], ipRange: null, warnings: [], error: `host is ${h?.state ?? 'down'}${h?.error ? `: ${h.error}` : ''}` });
          } else {
            rs.push(await ensureNetwork(docker, host, pool, config, audit)); // one host's pools in turn
          }
        }
        return rs;
      }),
    );
    return perHost.flat();
  } finally {
    await fleet.close();
  }
}

export const networkEnsureCommand: HeadlessCommand = async ({ args, config, out, err }) => {
  requireHost(args.host, config);
  if (config.pools.length === 0) throw new UsageError(`no ipPools: in ${config.source}: nothing to ensure`);
  const pools = args.pool === undefined ? config.pools : config.pools.filter((p) => p.name === args.pool);
  if (pools.length === 0) {
    throw new UsageError(`--pool ${args.pool}: no such pool in ${config.source} (pools: ${config.pools.map((p) => p.name).join(', ')})`);
  }
  const hosts = config.hosts.filter((h) => args.host === undefined || h.name === args.host).map((h) => h.name);
  const results = await withState(config, (state) => ensureAll(config, state.audit, hosts, pools));

  for (const r of results.filter((x) => x.result === 'refused')) {
    err(`dockpit: ${r.host}: network ${r.network} exists with other settings than pool ${r.pool}: ${r.differences.join(', ')}; left as it is (remove or rename it there, or change the pool)`);
  }
  for (const r of results.filter((x) => x.warnings.length > 0)) {
    // An engine cannot change a network's ip-range, and removing a network its containers use would cut them off.
    err(
      `warning: ${r.host}: network ${r.network} (pool ${r.pool}): ${r.warnings.join(', ')}. An engine cannot change an existing network's ip-range: ` +
        `once no container is attached to it on ${r.host}, remove it there (docker network rm ${r.network}) and run dockpit network ensure --host ${r.host} --pool ${r.pool}; dockpit never removes a network`,
    );
  }
  for (const r of results.filter((x) => x.result === 'failed' || x.result === 'down')) {
    err(`dockpit: ${r.host}: network ${r.network} (pool ${r.pool}) not ensured: ${r.error}`);
  }
  if (args.json) out(JSON.stringify(results, null, 2));
  else out(textTable(['HOST', 'POOL', 'NETWORK', 'IP-RANGE', 'RESULT'], results.map((r) => [r.host, r.pool, r.network, r.ipRange ?? '-', describe(r)])));
  return results.every((r) => r.result === 'created' || r.result === 'exists') ? 0 : 1;
};
