import { DockpitError } from '../engine/errors.js';
import type { Reservation } from './types.js';

/**
 * Refuses a ledger that would give one name or one address twice: the invariant every writer keeps, in
 * every backend (Ledger.update).
 */
export function checkLedgerInvariant(next: readonly Reservation[]): void {
  const names = new Set<string>();
  const ips = new Map<string, string>();
  for (const r of next) {
    if (names.has(r.name)) throw new DockpitError('CONFLICT', `ledger: ${r.name} would be reserved twice`);
    names.add(r.name);
    const other = ips.get(r.ip);
    if (other !== undefined) throw new DockpitError('CONFLICT', `ledger: ${r.ip} would be reserved for both ${other} and ${r.name}`);
    ips.set(r.ip, r.name);
  }
}
