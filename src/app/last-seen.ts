import type { ContainerInspect } from '../engine/container-inspect.js';
import { parseTier, type LabelKeys } from '../engine/container-mapper.js';
import { hostIsUp } from '../engine/host-up.js';
import type { Container, ContainerState } from '../engine/types.js';
import type { LastSeen } from '../plans/plan.js';
import type { InspectRecords } from '../state/types.js';
import type { FleetState } from '../store/state.js';

// Issue 13, item 3: what a host that does not answer had when it was last seen. A process that never listed
// it (a frozen engine at `plan apply`) knows it only from its inspect records (the cockpit and `dockpit
// record` keep them): without them a plan would count the host's share of a line as nothing.

const STATES: ReadonlySet<string> = new Set(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead']);

/** A recorded inspect as the container the store would have listed. */
export function containerOfRecord(host: string, inspect: ContainerInspect, keys: LabelKeys): Container {
  const labels = inspect.Config.Labels ?? {};
  const ips: Record<string, string> = {};
  for (const [net, s] of Object.entries(inspect.NetworkSettings?.Networks ?? {})) ips[net] = s.IPAddress ?? '';
  const created = Date.parse(inspect.Created);
  return {
    host,
    id: inspect.Id,
    name: inspect.Name.replace(/^\//, ''),
    image: inspect.Config.Image,
    state: (STATES.has(inspect.State.Status) ? inspect.State.Status : 'dead') as ContainerState,
    status: '',
    bizline: labels[keys.bizline] ?? null,
    tier: parseTier(labels[keys.tier]),
    ips,
    labels,
    created: Number.isNaN(created) ? 0 : Math.floor(created / 1000),
  };
}

/** The recorded containers of every host that is not up and that the store has not listed. */
export async function lastSeenOf(state: FleetState, records: InspectRecords, keys: LabelKeys): Promise<LastSeen> {
  const out: Record<string, Container[]> = {};
  for (const host of state.hostOrder) {
    if (hostIsUp(state.hosts[host]?.state) || (state.containers[host]?.order.length ?? 0) > 0) continue;
    const list = await records.list(host);
    if (list.length > 0) out[host] = list.map((r) => containerOfRecord(host, r.inspect, keys));
  }
  return out;
}
