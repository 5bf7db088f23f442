import type { IpPool } from '../config/types.js';
import { intToIp, ipToInt, overlaps, parseCidr } from './ipv4.js';

// Issue 4, item 4: what a pool's docker network must look like on every host, and how an existing one
// differs. Pure: the engine calls are in src/engine/network-calls.ts.

/** A docker network as an engine reports it, reduced to what a pool cares about. */
export interface NetworkFacts {
  id: string;
  name: string;
  driver: string;
  /** IPAM config entries as the engine has them (IPv6 ones included). */
  subnets: Array<{ subnet: string; gateway: string | null; ipRange?: string | null }>;
  /** macvlan's host interface (`Options.parent`). */
  parent: string | null;
  labels: Record<string, string>;
}

/** Labels dockpit puts on the networks it creates. */
export const NETWORK_LABEL_MANAGED = 'dockpit.managed';
export const NETWORK_LABEL_POOL = 'dockpit.pool';

/** The engine's `POST /networks/create` body for a pool. */
export function networkCreateBody(pool: IpPool) {
  return {
    Name: pool.network,
    Driver: pool.driver,
    CheckDuplicate: true,
    IPAM: { Driver: 'default', Config: [{ Subnet: pool.subnet.text, IPRange: pool.ipRange.text, Gateway: intToIp(pool.gateway) }] },
    Options: pool.parent ? { parent: pool.parent } : {},
    Labels: { [NETWORK_LABEL_MANAGED]: 'true', [NETWORK_LABEL_POOL]: pool.name },
  };
}

const isV4 = (subnet: string) => !subnet.includes(':');

/**
 * How `actual` differs from what `pool` needs, one phrase each (empty: it fits). A network created with a
 * subnet and no gateway gets the subnet's first address from the engine's IPAM, which inspect then leaves
 * out: that counts as that address.
 */
export function networkDifferences(pool: IpPool, actual: NetworkFacts): string[] {
  const out: string[] = [];
  if (actual.driver !== pool.driver) out.push(`driver ${actual.driver} (pool ${pool.name} wants ${pool.driver})`);
  const v4 = actual.subnets.filter((s) => isV4(s.subnet));
  const want = pool.subnet.text;
  const gw = intToIp(pool.gateway);
  if (v4.length === 0) out.push(`no IPv4 subnet (pool ${pool.name} wants ${want})`);
  else if (v4.length > 1) out.push(`subnets ${v4.map((s) => s.subnet).join(', ')} (pool ${pool.name} wants only ${want})`);
  else {
    const s = v4[0]!;
    const c = parseCidr(s.subnet);
    const same = c !== null && c !== 'host-bits' && c.base === pool.subnet.base && c.prefix === pool.subnet.prefix;
    if (!same) out.push(`subnet ${s.subnet} (pool ${pool.name} wants ${want})`);
    const first = c !== null && c !== 'host-bits' ? intToIp(c.base + 1) : null;
    const effective = s.gateway ? s.gateway.replace(/\/\d+$/, '') : first;
    if (effective === null || ipToInt(effective) !== pool.gateway) out.push(`gateway ${effective ?? '(none)'} (pool ${pool.name} wants ${gw})`);
  }
  if (pool.driver === 'macvlan' && actual.parent !== pool.parent) {
    out.push(`parent ${actual.parent ?? '(none)'} (pool ${pool.name} wants ${pool.parent})`);
  }
  return out;
}

/**
 * Issue 12: whether a network that otherwise fits the pool keeps containers started without `--ip` off the
 * pool's addresses: null when its ip-range is the pool's; else what is wrong, for the operator. Kept apart
 * from networkDifferences: such a network still works for placement (every address dockpit gives is
 * static), and an engine cannot change a network's ip-range in place.
 */
export function ipRangeProblem(pool: IpPool, actual: NetworkFacts): string | null {
  const v4 = actual.subnets.filter((s) => isV4(s.subnet));
  if (v4.length !== 1) return null; // networkDifferences already says so
  const text = v4[0]!.ipRange ?? null;
  const wanted = `pool ${pool.name} wants ${pool.ipRange.text}`;
  if (text === null) return `no ip-range (${wanted}): a container started without --ip can take an address of the pool`;
  const c = parseCidr(text);
  if (c === null || c === 'host-bits') return `ip-range ${text} (${wanted})`;
  if (c.base === pool.ipRange.base && c.prefix === pool.ipRange.prefix) return null;
  // A line without a range of its own takes from the whole subnet, so any other ip-range overlaps the pool.
  const takers = Object.keys(pool.ranges).length === 0 ? ['the pool'] : Object.entries(pool.ranges).filter(([, r]) => overlaps(r, c)).map(([line, r]) => `line ${line}'s range ${r.text}`);
  return takers.length > 0
    ? `ip-range ${text} (${wanted}): a container started without --ip can take an address of ${takers.join(', ')}`
    : `ip-range ${text} (${wanted})`;
}
