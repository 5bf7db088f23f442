import type { RawLine, RawPool } from './schema.js';
import type { IpPool, LineSpec } from './types.js';
import { dynamicIpRange } from '../pool/ip-range.js';
import { contains, intToIp, ipToInt, lastOf, overlaps, parseCidr, within, type Cidr } from '../pool/ipv4.js';

type PathKey = string | number;

/** A problem at a path of the config; the loader turns it into file:line. */
export class PoolFieldError extends Error {
  constructor(
    readonly at: PathKey[],
    message: string,
  ) {
    super(message);
  }
}

function cidrAt(text: string, at: PathKey[]): Cidr {
  const c = parseCidr(text);
  if (c === 'host-bits') throw new PoolFieldError(at, `"${text}" has host bits set; expected the network address`);
  if (!c) throw new PoolFieldError(at, `expected an IPv4 CIDR like 10.88.0.0/16, got "${text}"`);
  return c;
}

function ipAt(text: string, at: PathKey[]): number {
  const ip = ipToInt(text);
  if (ip === null) throw new PoolFieldError(at, `expected an IPv4 address like 10.88.0.1, got "${text}"`);
  return ip;
}

/** Validates and resolves `ipPools:`. Every rule names the field it is about. */
export function resolvePools(raw: RawPool[]): IpPool[] {
  const pools: IpPool[] = [];
  raw.forEach((p, i) => {
    const at = (...rest: PathKey[]): PathKey[] => ['ipPools', i, ...rest];
    const dup = pools.findIndex((q) => q.name === p.name);
    if (dup >= 0) throw new PoolFieldError(at('name'), `duplicate pool name "${p.name}" (also ipPools[${dup}])`);
    if (p.driver === 'macvlan' && !p.parent) throw new PoolFieldError(at('driver'), 'macvlan needs parent: the host interface (e.g. eth0)');
    if (p.driver === 'bridge' && p.parent) throw new PoolFieldError(at('parent'), 'is only for the macvlan driver');
    const subnet = cidrAt(p.subnet, at('subnet'));
    if (subnet.prefix > 30) throw new PoolFieldError(at('subnet'), `/${subnet.prefix} leaves no room for containers; expected /30 or larger`);
    const network = subnet.base;
    const broadcast = lastOf(subnet);
    const gateway = ipAt(p.gateway, at('gateway'));
    if (!contains(subnet, gateway)) throw new PoolFieldError(at('gateway'), `${p.gateway} is outside the subnet ${subnet.text}`);
    if (gateway === network || gateway === broadcast) throw new PoolFieldError(at('gateway'), `${p.gateway} is the subnet's network or broadcast address`);
    for (const [j, q] of pools.entries()) {
      if (overlaps(q.subnet, subnet)) throw new PoolFieldError(at('subnet'), `${subnet.text} overlaps pool "${q.name}" (${q.subnet.text}, ipPools[${j}])`);
    }
    const ranges: Record<string, Cidr> = {};
    for (const [line, text] of Object.entries(p.ranges ?? {})) {
      const r = cidrAt(text, at('ranges', line));
      if (!within(r, subnet)) throw new PoolFieldError(at('ranges', line), `${r.text} is outside the subnet ${subnet.text}`);
      for (const [name, special] of [['gateway', gateway], ['network address', network], ['broadcast address', broadcast]] as const) {
        if (contains(r, special)) throw new PoolFieldError(at('ranges', line), `${r.text} holds the ${name} ${intToIp(special)}`);
      }
      for (const [other, o] of Object.entries(ranges)) {
        if (overlaps(o, r)) throw new PoolFieldError(at('ranges', line), `${r.text} overlaps the range of "${other}" (${o.text})`);
      }
      ranges[line] = r;
    }
    const reserved: number[] = [];
    (p.reserved ?? []).forEach((text, k) => {
      const ip = ipAt(text, at('reserved', k));
      if (!contains(subnet, ip)) throw new PoolFieldError(at('reserved', k), `${text} is outside the subnet ${subnet.text}`);
      const before = reserved.indexOf(ip);
      if (before >= 0) throw new PoolFieldError(at('reserved', k), `${text} is reserved twice (also reserved[${before}])`);
      reserved.push(ip);
    });
    const ipRange = dynamicIpRange({ subnet, gateway, ranges: Object.values(ranges), reserved });
    if (!ipRange) {
      // Issue 12: without an ip-range outside the pool's addresses, a container started by hand could take one.
      const field = p.ranges ? 'ranges' : p.reserved ? 'reserved' : 'subnet';
      throw new PoolFieldError(
        at(field),
        `the ranges, the gateway and reserved: leave no address of ${subnet.text} for the network's ip-range (where containers started without --ip get theirs); shrink a range`,
      );
    }
    pools.push({ name: p.name, network: p.network, driver: p.driver, parent: p.parent ?? null, subnet, gateway, ranges, reserved, useRangeEdges: p.useRangeEdges ?? false, ipRange });
  });
  return pools;
}

/** Validates and resolves `lines:` against the pools and hosts. */
export function resolveLines(raw: Record<string, RawLine>, pools: IpPool[], hostNames: string[]): Record<string, LineSpec> {
  const lines: Record<string, LineSpec> = {};
  // Issue 17, item 6: a typo in a range's key (`newz:`) would leave the line it meant on the whole subnet.
  // Without `lines:` the lines are known only from the containers' labels: nothing to check them against.
  const named = Object.keys(raw).length > 0;
  pools.forEach((p, i) => {
    if (!named) return;
    for (const key of Object.keys(p.ranges)) {
      if (!Object.hasOwn(raw, key)) {
        throw new PoolFieldError(['ipPools', i, 'ranges', key], `unknown line "${key}" (lines: ${Object.keys(raw).join(', ') || 'none'})`);
      }
    }
  });
  for (const [name, l] of Object.entries(raw)) {
    if (l.pool !== undefined && !pools.some((p) => p.name === l.pool)) {
      throw new PoolFieldError(['lines', name, 'pool'], `unknown pool "${l.pool}" (pools: ${pools.map((p) => p.name).join(', ') || 'none'})`);
    }
    // Issue 17, item 6: an empty list would allow no host at all (leaving it out allows every host).
    if (l.hosts?.length === 0) throw new PoolFieldError(['lines', name, 'hosts'], 'expected at least one host (leave hosts: out to allow every host)');
    (l.hosts ?? []).forEach((h, k) => {
      if (!hostNames.includes(h)) throw new PoolFieldError(['lines', name, 'hosts', k], `unknown host "${h}" (hosts: ${hostNames.join(', ')})`);
      const before = l.hosts!.indexOf(h);
      if (before < k) throw new PoolFieldError(['lines', name, 'hosts', k], `host "${h}" is listed twice (also hosts[${before}])`);
    });
    lines[name] = { name, tier: l.tier, pool: l.pool ?? null, hosts: l.hosts ?? [] };
  }
  return lines;
}
