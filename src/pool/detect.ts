import type { IpPool } from '../config/types.js';
import type { Container, ContainerState, HostState } from '../engine/types.js';
import { cidrSize, contains, intToIp, lastOf, type Cidr } from './ipv4.js';
import type { Reservation } from '../state/types.js';

// Issue 4: what the engines report, checked against the pools and the ledger, across the whole fleet.
// Pure: a snapshot in, a report out. IP allocation is per engine (engine-facts.md), so two hosts on one
// bridged LAN can each hand out the same address: finding that is our job.

/** A container that holds an address. */
export interface IpHolder {
  host: string;
  name: string;
  id: string;
  state: ContainerState;
}

/** One address held by two or more containers on the networks of one pool: an outage on a bridged LAN. */
export interface IpConflict {
  pool: string;
  network: string;
  ip: string;
  /** Every holder, in the fleet's order (host, then name). */
  holders: IpHolder[];
}

/**
 * A container whose name has a reservation but whose address on that pool's network is another one. A
 * container with no address there (stopped, or not attached) is not drift: it holds nothing.
 */
export interface IpDrift extends IpHolder {
  pool: string;
  network: string;
  /** The ledger's address for this name. */
  reserved: string;
  /** The address the engine reports. */
  actual: string;
}

/** A container on a pool's network with an address outside the pool, or outside its line's range. */
export interface IpOutside extends IpHolder {
  pool: string;
  network: string;
  ip: string;
  line: string | null;
  /** `subnet`: outside the pool's subnet; `line-range`: in the subnet but outside its line's range. */
  reason: 'subnet' | 'line-range';
  /** The CIDR the address should be in. */
  expected: string;
}

/**
 * Reservations whose container exists on no host. Known only when every host is up: a host that is down
 * may hold the container, and calling its reservation stale would invite someone to free a live address.
 */
export type StaleReport = { known: true; reservations: Reservation[] } | { known: false; hostsNotUp: string[] };

export interface Usage {
  /** Usable addresses. */
  size: number;
  /** Distinct usable addresses in use on the network anywhere in the fleet, or reserved in the ledger. */
  used: number;
  free: number;
}

export interface LineUsage extends Usage {
  line: string;
  range: string;
}

export interface PoolUsage extends Usage {
  name: string;
  network: string;
  subnet: string;
  gateway: string;
  /** One per configured range, in the config's order. */
  lines: LineUsage[];
}

export interface IpReport {
  conflicts: IpConflict[];
  drift: IpDrift[];
  outside: IpOutside[];
  stale: StaleReport;
  pools: PoolUsage[];
}

export interface DetectInput {
  /** Every host of the fleet with its state (up and degraded hosts have been listed). */
  hosts: ReadonlyArray<{ name: string; state: HostState }>;
  /** The containers of all hosts, in the fleet's order. */
  containers: Iterable<Container>;
  pools: readonly IpPool[];
  reservations: readonly Reservation[];
}

/**
 * A dotted quad as an integer, null otherwise. The engine's addresses are canonical; this is ipv4.ts's
 * ipToInt without ipaddr.js, which cost 20 ms a scan at 10,000 containers (the status line scans on commits).
 */
export function quadToInt(ip: string): number | null {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const ch = ip.charCodeAt(i);
    if (ch === 46) {
      if (digits === 0 || ++dots > 3) return null;
      n = n * 256 + part;
      part = 0;
      digits = 0;
    } else if (ch >= 48 && ch <= 57) {
      if (digits > 0 && part === 0) return null; // a leading zero: octal in some parsers, refused
      part = part * 10 + (ch - 48);
      if (++digits > 3 || part > 255) return null;
    } else {
      return null;
    }
  }
  if (dots !== 3 || digits === 0) return null;
  return n * 256 + part;
}

/** Reservations by name, only for pools the config knows (a reservation of another pool has nothing to match). */
export function reservationsByName(pools: readonly IpPool[], reservations: readonly Reservation[]): Map<string, Reservation[]> {
  const known = new Set(pools.map((p) => p.name));
  const byName = new Map<string, Reservation[]>();
  for (const r of reservations) {
    if (!known.has(r.pool)) continue;
    const list = byName.get(r.name);
    if (list) list.push(r);
    else byName.set(r.name, [r]);
  }
  return byName;
}

function holderOf(c: Container): IpHolder {
  return { host: c.host, name: c.name, id: c.id, state: c.state };
}

/**
 * Addresses of the subnet the pool never hands out: network, broadcast, gateway, the configured reserved,
 * each line range's own network and broadcast address unless `useRangeEdges`, and the network's ip-range
 * (issue 12). A container holding one is still seen (conflicts, outside), but it uses none of the pool.
 */
function excludedOf(pool: IpPool): Set<number> {
  const out = new Set<number>([pool.subnet.base, lastOf(pool.subnet), pool.gateway]);
  for (const ip of pool.reserved) out.add(ip);
  if (!pool.useRangeEdges) for (const r of Object.values(pool.ranges)) out.add(r.base).add(lastOf(r));
  for (let ip = pool.ipRange.base; ip <= lastOf(pool.ipRange); ip++) out.add(ip);
  return out;
}

function usableIn(c: Cidr, excluded: ReadonlySet<number>): number {
  let n = cidrSize(c);
  for (const ip of excluded) if (contains(c, ip)) n--;
  return n;
}

export function detect({ hosts, containers, pools, reservations }: DetectInput): IpReport {
  const reservedByName = reservationsByName(pools, reservations);

  const holdersByPool = new Map<string, Map<number, Container[]>>(pools.map((p) => [p.name, new Map()]));
  const names = new Set<string>();
  const drift: IpDrift[] = [];
  const outside: IpOutside[] = [];

  for (const c of containers) {
    names.add(c.name);
    // Pools are few: look each one's network up rather than walk every network of every container.
    for (const pool of pools) {
      const network = pool.network;
      const ip = c.ips[network];
      if (!ip) continue;
      const n = quadToInt(ip);
      if (n === null) continue; // not IPv4: pools are IPv4 only
      const held = holdersByPool.get(pool.name)!;
      const list = held.get(n);
      if (list) list.push(c);
      else held.set(n, [c]);

      const reserved = reservedByName.get(c.name);
      if (reserved) {
        for (const r of reserved) {
          if (r.pool === pool.name && r.ip !== ip) drift.push({ ...holderOf(c), pool: pool.name, network, reserved: r.ip, actual: ip });
        }
      }
      const range = c.bizline !== null ? pool.ranges[c.bizline] : undefined;
      if (!contains(pool.subnet, n)) {
        outside.push({ ...holderOf(c), pool: pool.name, network, ip, line: c.bizline, reason: 'subnet', expected: pool.subnet.text });
      } else if (range && !contains(range, n)) {
        outside.push({ ...holderOf(c), pool: pool.name, network, ip, line: c.bizline, reason: 'line-range', expected: range.text });
      }
    }
  }

  const conflicts: IpConflict[] = [];
  const usage: PoolUsage[] = [];
  for (const pool of pools) {
    const held = holdersByPool.get(pool.name)!;
    const shared: number[] = [];
    for (const [n, list] of held) if (list.length > 1) shared.push(n);
    for (const n of shared.sort((a, b) => a - b)) {
      conflicts.push({ pool: pool.name, network: pool.network, ip: intToIp(n), holders: held.get(n)!.map(holderOf) });
    }
    const excluded = excludedOf(pool);
    const used = new Set<number>();
    const take = (n: number | null) => {
      if (n !== null && contains(pool.subnet, n) && !excluded.has(n)) used.add(n);
    };
    for (const n of held.keys()) take(n);
    for (const r of reservations) if (r.pool === pool.name) take(quadToInt(r.ip));
    const size = usableIn(pool.subnet, excluded);
    const lines = Object.entries(pool.ranges).map(([line, range]): LineUsage => {
      const rangeSize = usableIn(range, excluded);
      let rangeUsed = 0;
      for (const n of used) if (contains(range, n)) rangeUsed++;
      return { line, range: range.text, size: rangeSize, used: rangeUsed, free: rangeSize - rangeUsed };
    });
    usage.push({
      name: pool.name,
      network: pool.network,
      subnet: pool.subnet.text,
      gateway: intToIp(pool.gateway),
      size,
      used: used.size,
      free: size - used.size,
      lines,
    });
  }

  const hostsNotUp = hosts.filter((h) => h.state !== 'up' && h.state !== 'degraded').map((h) => h.name);
  const stale: StaleReport = hostsNotUp.length > 0
    ? { known: false, hostsNotUp }
    : { known: true, reservations: reservations.filter((r) => !names.has(r.name)) };

  return { conflicts, drift, outside, stale, pools: usage };
}
