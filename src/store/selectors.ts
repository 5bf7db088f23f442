import type { Container, HostStatus } from '../engine/types.js';
import type { FleetState, HostContainers } from './state.js';
import { hostIsUp } from '../engine/host-up.js';

export interface Counts {
  running: number;
  total: number;
}

// Per host's container map: the status line counts 10,000 containers on every commit otherwise.
const countsCache = new WeakMap<HostContainers, Counts>();

export function countContainers(hc: HostContainers | undefined): Counts {
  if (!hc) return { running: 0, total: 0 };
  const cached = countsCache.get(hc);
  if (cached) return { ...cached };
  let running = 0;
  for (const id of hc.order) if (hc.byId[id]!.state === 'running') running++;
  const counts = { running, total: hc.order.length };
  countsCache.set(hc, counts);
  return { ...counts };
}

export interface HostRow extends HostStatus {
  containers: Counts;
}

export function hostRows(state: Pick<FleetState, 'hostOrder' | 'hosts' | 'containers'>): HostRow[] {
  return state.hostOrder.map((name) => ({ ...state.hosts[name]!, containers: countContainers(state.containers[name]) }));
}

export interface ContainerFilter {
  host?: string;
  bizline?: string;
}

/** Containers of the fleet in host order, then by name. */
export function containerRows(
  state: Pick<FleetState, 'hostOrder' | 'containers'>,
  filter: ContainerFilter = {},
): Container[] {
  const out: Container[] = [];
  for (const host of state.hostOrder) {
    if (filter.host !== undefined && host !== filter.host) continue;
    const hc = state.containers[host];
    if (!hc) continue;
    for (const id of hc.order) {
      const c = hc.byId[id]!;
      if (filter.bizline !== undefined && c.bizline !== filter.bizline) continue;
      out.push(c);
    }
  }
  return out;
}

export interface FleetSummary {
  hostsUp: number;
  hostsTotal: number;
  running: number;
  total: number;
  lastError: string | null;
}

export function fleetSummary(state: Pick<FleetState, 'hostOrder' | 'hosts' | 'containers'>): FleetSummary {
  let hostsUp = 0;
  let running = 0;
  let total = 0;
  let lastError: string | null = null;
  for (const name of state.hostOrder) {
    const h = state.hosts[name]!;
    if (hostIsUp(h.state)) hostsUp++;
    if (h.error) lastError = `${name}: ${h.error}`;
    const c = countContainers(state.containers[name]);
    running += c.running;
    total += c.total;
  }
  return { hostsUp, hostsTotal: state.hostOrder.length, running, total, lastError };
}
