import type { ContainerInfo } from 'dockerode';
import type { Container, ContainerState } from './types.js';

export interface LabelKeys {
  bizline: string;
  tier: string;
}

const STATES: ReadonlySet<string> = new Set(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead']);

export function parseTier(raw: string | undefined): number | null {
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return null;
  return Number(raw.trim());
}

/** One entry of `GET /containers/json` as dockpit's domain container. */
export function mapContainer(host: string, raw: ContainerInfo, keys: LabelKeys): Container {
  const labels = raw.Labels ?? {};
  const ips: Record<string, string> = {};
  for (const [net, settings] of Object.entries(raw.NetworkSettings?.Networks ?? {})) {
    ips[net] = settings.IPAddress ?? '';
  }
  const state = (STATES.has(raw.State) ? raw.State : 'dead') as ContainerState;
  return {
    host,
    id: raw.Id,
    name: (raw.Names?.[0] ?? raw.Id.slice(0, 12)).replace(/^\//, ''),
    image: raw.Image,
    state,
    status: raw.Status ?? '',
    bizline: labels[keys.bizline] ?? null,
    tier: parseTier(labels[keys.tier]),
    ips,
    labels,
    created: raw.Created,
  };
}

/** A docker event as the part of a container that can be known before the next list. */
export function patchFromAction(action: string, attributes: Record<string, string>): Partial<Container> | 'removed' | null {
  switch (action) {
    case 'start':
    case 'unpause':
    case 'restart':
      return { state: 'running' };
    case 'die':
    case 'stop':
      return { state: 'exited' };
    case 'pause':
      return { state: 'paused' };
    case 'destroy':
      return 'removed';
    case 'rename':
      return attributes.name ? { name: attributes.name.replace(/^\//, '') } : null;
    default:
      return null;
  }
}

/** Actions that change what a list would show; others (exec_*, attach, top …) are noise for the store. */
export const LIST_CHANGING_ACTIONS: ReadonlySet<string> = new Set([
  'create', 'start', 'restart', 'die', 'stop', 'kill', 'pause', 'unpause', 'destroy', 'rename', 'update', 'oom',
  'connect', 'disconnect',
]);
