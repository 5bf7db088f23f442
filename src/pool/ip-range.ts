import { intToIp, lastOf, type Cidr } from './ipv4.js';

// Issue 12, item 5: the part of a pool's subnet the engine may give to a container started without `--ip`
// (the network's `--ip-range`). Without one, the engine's IPAM hands out the subnet's lowest free address,
// which may be in a line's range: the pool would later find it taken, or worse, a hand-started container
// would take the address dockpit just reserved. Pure, from the pool's config alone.

/** The largest ip-range dockpit gives a network: 256 addresses are plenty for containers started by hand. */
export const IP_RANGE_MAX_PREFIX = 24;

interface Span {
  lo: number;
  hi: number;
}

export interface IpRangeInput {
  subnet: Cidr;
  gateway: number;
  /** The lines' ranges. */
  ranges: readonly Cidr[];
  reserved: readonly number[];
}

/**
 * The highest of the largest aligned blocks (at most /24) of the subnet that holds no line's range, not the
 * gateway, no `reserved:` address and neither the subnet's network nor broadcast address (the engine never
 * hands those out, so a block of only those would be no room at all). Null: the config leaves no room.
 */
export function dynamicIpRange(p: IpRangeInput): Cidr | null {
  // Taken spans, sorted: everything else of the subnet is free.
  const point = (ip: number): Span => ({ lo: ip, hi: ip });
  const taken: Span[] = [
    point(p.subnet.base),
    point(lastOf(p.subnet)),
    point(p.gateway),
    ...p.reserved.map(point),
    ...p.ranges.map((r) => ({ lo: r.base, hi: lastOf(r) })),
  ].sort((a, b) => a.lo - b.lo);
  let best: Cidr | null = null;
  const consider = (lo: number, hi: number) => {
    // The aligned blocks that tile [lo, hi], each as large as its start's alignment and the end allow.
    let a = lo;
    while (a <= hi) {
      let size = 1;
      while (size * 2 <= 2 ** (32 - IP_RANGE_MAX_PREFIX) && a % (size * 2) === 0 && a + size * 2 - 1 <= hi) size *= 2;
      const prefix = 32 - Math.log2(size);
      // Larger wins; of equal size, the higher one (the pool's own addresses are handed out lowest first).
      if (best === null || prefix < best.prefix || (prefix === best.prefix && a > best.base)) {
        best = { base: a, prefix, text: `${intToIp(a)}/${prefix}` };
      }
      a += size;
    }
  };
  let next = p.subnet.base;
  for (const { lo, hi } of taken) {
    if (lo > next) consider(next, lo - 1);
    next = Math.max(next, hi + 1);
  }
  if (next <= lastOf(p.subnet)) consider(next, lastOf(p.subnet));
  return best;
}
