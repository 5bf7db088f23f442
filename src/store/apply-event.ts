import type { Container, ContainerEventRecord, DomainEvent, HostStatus } from '../engine/types.js';
import { applyAlerts } from './alerts.js';
import { applyLedger } from './reservations.js';
import { applyStats } from './stats.js';
import { applyTeam } from './team.js';
import { applyOwnRun } from './own-runs.js';
import { insertEvent, insertEvents } from './timeline.js';
import { EMPTY_HOST_CONTAINERS, TIMELINE_LIMIT, type FleetState, type HostContainers } from './state.js';

function newHost(name: string): HostStatus {
  return {
    name,
    url: '',
    transport: 'unix',
    state: 'connecting',
    error: null,
    engineVersion: null,
    apiVersion: null,
    latencyMs: null,
    liveRestore: null,
    ncpu: null,
    labels: {},
    lastSeen: null,
  };
}

function sameContainer(a: Container, b: Container): boolean {
  if (
    a.name !== b.name || a.state !== b.state || a.status !== b.status || a.image !== b.image ||
    a.bizline !== b.bizline || a.tier !== b.tier || a.created !== b.created
  ) {
    return false;
  }
  return shallowEqual(a.ips, b.ips) && shallowEqual(a.labels, b.labels);
}

function shallowEqual(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

function byName(byId: Record<string, Container>): string[] {
  return Object.keys(byId).sort((x, y) => {
    const a = byId[x]!.name;
    const b = byId[y]!.name;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/** Replaces a host's containers with a fresh list, keeping the objects of those that did not change. */
function applyListed(prev: HostContainers, list: Container[]): HostContainers {
  const byId: Record<string, Container> = {};
  let changed = list.length !== prev.order.length;
  for (const c of list) {
    const old = prev.byId[c.id];
    if (old && sameContainer(old, c)) {
      byId[c.id] = old;
    } else {
      byId[c.id] = c;
      changed = true;
    }
  }
  if (!changed) return prev;
  return { byId, order: byName(byId) };
}

/**
 * The maps a batch has copied already (applyEvents): later events of the batch write into these copies
 * instead of copying the 200-host maps again (issue 16: at launch each host's statuses and list copied
 * them about four times a host). Nothing outside the batch has seen them yet.
 */
interface BatchCopies {
  hosts: Record<string, HostStatus> | null;
  containers: Record<string, HostContainers> | null;
  hostOrder: string[] | null;
}

function setEntry<K extends 'hosts' | 'containers'>(state: FleetState, key: K, name: string, value: FleetState[K][string], copies?: BatchCopies): FleetState {
  const map = state[key] as Record<string, FleetState[K][string]>;
  if (copies && copies[key] === map) {
    map[name] = value;
    return state;
  }
  const copy = { ...map, [name]: value };
  if (copies) (copies[key] as Record<string, FleetState[K][string]>) = copy;
  return { ...state, [key]: copy };
}

function withHostContainers(state: FleetState, host: string, next: HostContainers, copies?: BatchCopies): FleetState {
  if (state.containers[host] === next) return state;
  return setEntry(state, 'containers', host, next, copies);
}

function addHost(state: FleetState, host: string, copies?: BatchCopies): FleetState {
  let s = state;
  if (copies && copies.hostOrder === s.hostOrder) copies.hostOrder.push(host);
  else {
    const hostOrder = [...s.hostOrder, host];
    if (copies) copies.hostOrder = hostOrder;
    s = { ...s, hostOrder };
  }
  return s.containers[host] ? s : setEntry(s, 'containers', host, EMPTY_HOST_CONTAINERS, copies);
}

function patchHost(state: FleetState, host: string, patch: Partial<HostStatus>, copies?: BatchCopies): FleetState {
  const prev = state.hosts[host];
  const keys = Object.keys(patch) as Array<keyof HostStatus>;
  if (prev && keys.every((k) => prev[k] === patch[k])) return state;
  const s = prev ? state : addHost(state, host, copies);
  return setEntry(s, 'hosts', host, { ...(prev ?? newHost(host)), ...patch, name: host }, copies);
}

/** The store's one update function: (state, domain event) → state. Pure; unchanged parts keep their identity. */
export function applyEvent(state: FleetState, event: DomainEvent, copies?: BatchCopies): FleetState {
  switch (event.type) {
    case 'host.status':
      return patchHost(state, event.host, event.patch, copies);
    case 'host.listed': {
      const prev = state.containers[event.host] ?? EMPTY_HOST_CONTAINERS;
      const s = state.hosts[event.host] ? state : patchHost(state, event.host, {}, copies);
      return withHostContainers(s, event.host, applyListed(prev, event.containers), copies);
    }
    case 'container.updated': {
      state = state.hosts[event.host] ? state : patchHost(state, event.host, {}, copies);
      const prev = state.containers[event.host] ?? EMPTY_HOST_CONTAINERS;
      const old = prev.byId[event.container.id];
      if (old && sameContainer(old, event.container)) return state;
      const byId = { ...prev.byId, [event.container.id]: event.container };
      const order = old && old.name === event.container.name ? prev.order : byName(byId);
      return withHostContainers(state, event.host, { byId, order }, copies);
    }
    case 'container.patched': {
      const prev = state.containers[event.host];
      const old = prev?.byId[event.id];
      if (!prev || !old) return state; // unknown yet: the re-list that follows brings it
      const next = { ...old, ...event.patch };
      if (sameContainer(old, next)) return state;
      const byId = { ...prev.byId, [event.id]: next };
      return withHostContainers(state, event.host, { byId, order: next.name === old.name ? prev.order : byName(byId) }, copies);
    }
    case 'container.removed': {
      const prev = state.containers[event.host];
      if (!prev?.byId[event.id]) return state;
      const { [event.id]: _gone, ...byId } = prev.byId;
      return withHostContainers(state, event.host, { byId, order: prev.order.filter((id) => id !== event.id) }, copies);
    }
    case 'container.event': {
      const timeline = insertEvent(state.timeline, event.event, TIMELINE_LIMIT);
      return timeline === state.timeline ? state : { ...state, timeline };
    }
    case 'stats.sampled':
      return applyStats(state, event);
    case 'pools.configured':
    case 'ledger.read':
    case 'ledger.failed':
      return applyLedger(state, event);
    case 'team.run':
    case 'team.gone':
      return applyTeam(state, event);
    case 'run.plan':
    case 'run.move':
      return applyOwnRun(state, event);
    case 'alerts.changed':
      return applyAlerts(state, event);
  }
}

/**
 * A batch of events in order. The timeline's records go in together at the end (nothing else reads the
 * timeline): a storm batch of hundreds of events then copies the 2,000-entry timeline once, not per event.
 * The hosts' maps are copied once per batch too (BatchCopies).
 */
export function applyEvents(state: FleetState, events: readonly DomainEvent[]): FleetState {
  let s = state;
  const records: ContainerEventRecord[] = [];
  const copies: BatchCopies = { hosts: null, containers: null, hostOrder: null };
  for (const e of events) {
    if (e.type === 'container.event') records.push(e.event);
    else s = applyEvent(s, e, copies);
  }
  if (records.length > 0) {
    const timeline = insertEvents(s.timeline, records, TIMELINE_LIMIT);
    if (timeline !== s.timeline) s = { ...s, timeline };
  }
  return s;
}
