import ipaddr from 'ipaddr.js';

// IPv4 addresses as unsigned 32-bit integers: parsing is ipaddr.js's (strict four-part decimal),
// arithmetic over ranges is plain integers.

export interface Cidr {
  /** The network address. */
  base: number;
  prefix: number;
  /** As written, normalized (`10.88.1.0/24`). */
  text: string;
}

export function ipToInt(ip: string): number | null {
  if (!ipaddr.IPv4.isValidFourPartDecimal(ip)) return null;
  return ipaddr.IPv4.parse(ip).toByteArray().reduce((n, b) => n * 256 + b, 0);
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** Parses `a.b.c.d/p`; null when it is not an IPv4 CIDR. Host bits set are an error (`10.88.1.5/24`). */
export function parseCidr(text: string): Cidr | 'host-bits' | null {
  const [addr, p] = text.split('/');
  if (!addr || p === undefined || !/^\d{1,2}$/.test(p) || Number(p) > 32) return null;
  const ip = ipToInt(addr);
  if (ip === null) return null;
  const prefix = Number(p);
  const size = 2 ** (32 - prefix);
  if (ip % size !== 0) return 'host-bits';
  return { base: ip, prefix, text: `${addr}/${prefix}` };
}

export function cidrSize(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function lastOf(c: Cidr): number {
  return c.base + cidrSize(c) - 1;
}

export function contains(c: Cidr, ip: number): boolean {
  return ip >= c.base && ip <= lastOf(c);
}

export function within(inner: Cidr, outer: Cidr): boolean {
  return inner.base >= outer.base && lastOf(inner) <= lastOf(outer);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base <= lastOf(b) && b.base <= lastOf(a);
}
