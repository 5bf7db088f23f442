// Builders for issue 4's tests: pools resolved as the config loader resolves them, and reservations.
import type { RawPool } from '../../src/config/schema.js';
import type { IpPool } from '../../src/config/types.js';
import { resolvePools } from '../../src/config/validate-pools.js';
import type { Reservation } from '../../src/state/types.js';

export function pools(...raw: RawPool[]): IpPool[] {
  return resolvePools(raw);
}

/** `lan` on network `biz`: 10.88.0.0/16, ranges for news and forum, two reserved addresses. */
export const LAN: RawPool = {
  name: 'lan',
  network: 'biz',
  driver: 'bridge',
  subnet: '10.88.0.0/16',
  gateway: '10.88.0.1',
  ranges: { news: '10.88.1.0/24', forum: '10.88.2.0/24' },
  reserved: ['10.88.0.2', '10.88.1.5'],
};

export const DMZ: RawPool = { name: 'dmz', network: 'front', driver: 'bridge', subnet: '192.168.50.0/24', gateway: '192.168.50.1' };

export function reservation(name: string, pool: string, ip: string, over: Partial<Reservation> = {}): Reservation {
  return { name, pool, ip, line: null, host: null, at: '2026-11-25T10:00:00.000Z', by: 'ops@jump', ...over };
}
