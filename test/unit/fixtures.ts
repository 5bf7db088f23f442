// Builders for domain values shared by the store and view tests: plain data, no engine.
import type { Container, DomainEvent, HostStatus } from '../../src/engine/types.js';
import { applyEvents } from '../../src/store/apply-event.js';
import { initialFleetState, type FleetState } from '../../src/store/state.js';

export function container(host: string, id: string, name: string, over: Partial<Container> = {}): Container {
  return {
    host,
    id,
    name,
    image: 'busybox:latest',
    state: 'running',
    status: 'Up 5 minutes',
    bizline: null,
    tier: null,
    ips: { bridge: '172.17.0.2' },
    labels: {},
    created: 1_700_000_000,
    ...over,
  };
}

export function hostUp(name: string, patch: Partial<Omit<HostStatus, 'name'>> = {}): DomainEvent {
  return {
    type: 'host.status',
    host: name,
    patch: {
      url: `tcp://${name}:2375`,
      transport: 'tcp',
      state: 'up',
      engineVersion: '20.10.24',
      apiVersion: '1.41',
      latencyMs: 4,
      liveRestore: true,
      ...patch,
    },
  };
}

export function listed(host: string, containers: Container[]): DomainEvent {
  return { type: 'host.listed', host, containers };
}

export function stateOf(events: DomainEvent[]): FleetState {
  return applyEvents(initialFleetState(), events);
}
