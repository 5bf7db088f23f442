import { UsageError } from '../../config/config-error.js';
import { ensureNetworks, type EnsureResult } from '../../app/network-ensure.js';
import { requireHost } from '../../app/require-host.js';
import { textTable } from '../../render/text-table.js';
import { connectFleet } from '../connect.js';
import { withState } from '../with-state.js';
import type { HeadlessCommand } from './types.js';

// `dockpit network ensure [--host H] [--pool P] [--json]` (issue 4, item 4): its arguments, the service
// (src/app/network-ensure.ts), and each host's outcome printed; exit 1 unless every network is there.

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

export const networkEnsureCommand: HeadlessCommand = async ({ args, config, out, err }) => {
  requireHost(args.host, config);
  if (config.pools.length === 0) throw new UsageError(`no ipPools: in ${config.source}: nothing to ensure`);
  const pools = args.pool === undefined ? config.pools : config.pools.filter((p) => p.name === args.pool);
  if (pools.length === 0) {
    throw new UsageError(`--pool ${args.pool}: no such pool in ${config.source} (pools: ${config.pools.map((p) => p.name).join(', ')})`);
  }
  const hosts = config.hosts.filter((h) => args.host === undefined || h.name === args.host).map((h) => h.name);
  const results = await withState(config, async (state) => {
    const fleet = await connectFleet(config);
    try {
      return await ensureNetworks(config, state.audit, fleet, hosts, pools);
    } finally {
      await fleet.close();
    }
  });

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
