import type Docker from 'dockerode';
import type { NetworkFacts } from '../pool/network-spec.js';
import { toDockpitError } from './errors.js';

// The engine calls behind `dockpit network ensure` and placement's network check (issue 4, item 4).

interface RawNetwork {
  Id: string;
  Name: string;
  Driver?: string;
  IPAM?: { Config?: Array<{ Subnet?: string; Gateway?: string; IPRange?: string }> | null } | null;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

export function toNetworkFacts(n: RawNetwork): NetworkFacts {
  return {
    id: n.Id,
    name: n.Name,
    driver: n.Driver ?? '',
    subnets: (n.IPAM?.Config ?? []).filter((c) => c.Subnet).map((c) => ({ subnet: c.Subnet!, gateway: c.Gateway || null, ipRange: c.IPRange || null })),
    parent: n.Options?.parent ?? null,
    labels: n.Labels ?? {},
  };
}

/**
 * The network of exactly this name, or null. Listed with a name filter (a substring match on the engine)
 * and matched exactly here: `GET /networks/{name}` would also take an ID prefix for a name.
 */
export async function findNetwork(docker: Docker, name: string, abortSignal: AbortSignal): Promise<NetworkFacts | null> {
  try {
    const list = (await docker.listNetworks({ filters: { name: [name] }, abortSignal } as object)) as unknown as RawNetwork[];
    const n = list.find((x) => x.Name === name);
    return n ? toNetworkFacts(n) : null;
  } catch (err) {
    throw toDockpitError(err, 'list networks');
  }
}

/** Creates a network; resolves to its ID. A 409 means one of that name appeared meanwhile. */
export async function createNetwork(docker: Docker, body: object, abortSignal: AbortSignal): Promise<string> {
  try {
    const net = await docker.createNetwork({ ...body, abortSignal } as unknown as Docker.NetworkCreateOptions);
    return net.id;
  } catch (err) {
    throw toDockpitError(err, 'create network');
  }
}
