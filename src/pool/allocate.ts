import type { IpPool } from '../config/types.js';
import type { Reservation } from '../state/types.js';
import { cidrSize, contains, intToIp, ipToInt, lastOf, type Cidr } from './ipv4.js';

// Issue 4, item 2: the address for a container name. Pure: the ledger's reservations and what the engines
// report are inputs, so the same function is the dry run, the real run (inside the ledger's lock) and the
// unit tests' fixture.

/** An address an engine reports in use on a pool's network (any host: one LAN). */
export interface AddressInUse {
  ip: string;
  host: string;
  /** The container holding it. */
  name: string;
}

export interface AllocationRequest {
  pool: IpPool;
  line: string;
  name: string;
  reservations: readonly Reservation[];
  inUse: readonly AddressInUse[];
}

export type AllocationFailure = 'POOL_FULL' | 'RESERVED_ELSEWHERE' | 'RESERVED_IP_TAKEN';

export type Allocation =
  | { ok: true; ip: string; reused: boolean }
  | { ok: false; code: AllocationFailure; message: string };

/** The addresses a line takes from: its range when the pool has one for it, else the whole subnet. */
export function lineRange(pool: IpPool, line: string): { cidr: Cidr; what: string } {
  const r = pool.ranges[line];
  return r ? { cidr: r, what: `line ${line}'s range ${r.text}` } : { cidr: pool.subnet, what: `the subnet ${pool.subnet.text}` };
}

/**
 * The name's existing reservation if it has one (same name → same address while the reservation stands),
 * else the lowest address of the line's range that is neither the subnet's network, broadcast or gateway
 * address, nor the range's own network or broadcast address (unless `useRangeEdges`), nor in the network's
 * ip-range, nor in `reserved:`, nor reserved in the ledger, nor reported in use by an engine.
 */
export function allocate(req: AllocationRequest): Allocation {
  const { pool, name } = req;
  const own = req.reservations.find((r) => r.name === name);
  if (own) {
    const ip = ipToInt(own.ip);
    if (own.pool !== pool.name || ip === null || !contains(pool.subnet, ip)) {
      return {
        ok: false,
        code: 'RESERVED_ELSEWHERE',
        message: `${name} holds ${own.ip} in pool ${own.pool}, not in pool ${pool.name} (${pool.subnet.text}); its reservation stands until it is released`,
      };
    }
    const holder = req.inUse.find((u) => u.ip === own.ip && u.name !== name);
    if (holder) {
      return {
        ok: false,
        code: 'RESERVED_IP_TAKEN',
        message: `${name}'s reserved address ${own.ip} is in use by ${holder.name} on ${holder.host}`,
      };
    }
    return { ok: true, ip: own.ip, reused: true };
  }

  const { cidr, what } = lineRange(pool, req.line);
  const lo = cidr.base;
  const hi = lastOf(cidr);
  // Why each taken address of the range is taken, first reason wins (for the "full" message).
  const taken = new Map<number, 'excluded' | 'ledger' | 'engine'>();
  const take = (ip: number | null, why: 'excluded' | 'ledger' | 'engine') => {
    if (ip !== null && ip >= lo && ip <= hi && !taken.has(ip)) taken.set(ip, why);
  };
  for (const ip of [pool.subnet.base, lastOf(pool.subnet), pool.gateway, ...pool.reserved]) take(ip, 'excluded');
  // Issue 12: a range's own network and broadcast addresses only when the config says so; the network's
  // ip-range never (the engine gives those to containers started without --ip).
  if (!pool.useRangeEdges) for (const ip of [lo, hi]) take(ip, 'excluded');
  for (let ip = pool.ipRange.base; ip <= lastOf(pool.ipRange); ip++) take(ip, 'excluded');
  for (const r of req.reservations) take(ipToInt(r.ip), 'ledger');
  for (const u of req.inUse) take(ipToInt(u.ip), 'engine');

  // Walk the taken addresses in order: the first gap is the lowest free address.
  let candidate = lo;
  for (const ip of [...taken.keys()].sort((a, b) => a - b)) {
    if (ip === candidate) candidate++;
    else if (ip > candidate) break;
  }
  if (candidate <= hi) return { ok: true, ip: intToIp(candidate), reused: false };

  const count = (why: string) => [...taken.values()].filter((w) => w === why).length;
  return {
    ok: false,
    code: 'POOL_FULL',
    message:
      `pool ${pool.name} has no free address for ${name} in ${what}: all ${cidrSize(cidr)} are taken ` +
      `(${count('ledger')} reserved in the ledger, ${count('engine')} in use on the engines, ` +
      `${count('excluded')} never handed out: network, broadcast, gateway, reserved:, ip-range)`,
  };
}
