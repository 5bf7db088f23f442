import type { Container } from '../engine/types.js';

// Issue 13, item 4: an address is one container's, fleet-wide. Each engine allocates its own addresses, so
// nothing stops a hand-made `docker run --ip` on another host from taking the address a placement was
// just given; only a census after the start can tell. Pure: the census' lists in, the other holders out.

export interface AddressHolder {
  host: string;
  id: string;
  name: string;
}

/** What one host's fresh list said, or why it could not be read. */
export type HostCensus = { host: string; containers: Container[] } | { host: string; error: string };

export interface AddressVerdict {
  /** Running containers other than `self` with `ip` on `network`. */
  others: AddressHolder[];
  /** Hosts whose list could not be read: the address is unverified there. */
  unseen: { host: string; error: string }[];
}

/** Every running container but `self` that holds `ip` on `network`, across the hosts of the census. */
export function otherHolders(census: HostCensus[], network: string, ip: string, self: { host: string; id: string }): AddressVerdict {
  const others: AddressHolder[] = [];
  const unseen: { host: string; error: string }[] = [];
  for (const entry of census) {
    if ('error' in entry) {
      unseen.push({ host: entry.host, error: entry.error });
      continue;
    }
    for (const c of entry.containers) {
      if (c.state !== 'running' || c.ips[network] !== ip) continue;
      if (entry.host === self.host && c.id === self.id) continue;
      others.push({ host: entry.host, id: c.id, name: c.name });
    }
  }
  return { others, unseen };
}

/** `h2/pz-race (3f2a…)`: one holder, for messages. */
export function holderText(h: AddressHolder): string {
  return `${h.host}/${h.name} (${h.id.slice(0, 12)})`;
}
