import type Docker from 'dockerode';
import type { HostCensus } from '../pool/address-holders.js';
import { withDeadline } from './deadline.js';
import { listContainers } from './engine-calls.js';
import { mapContainer, type LabelKeys } from './container-mapper.js';
import { toDockpitError } from './errors.js';

/**
 * Issue 13, item 4: every host's running containers on `network`, listed now (not the store's view, which
 * lags the engines by an event or a relist), side by side, each under its own deadline. A host with no
 * client or no answer is in the census as an error: unverified, never as empty.
 */
export async function addressCensus(
  hosts: { name: string; client: Docker | null }[],
  network: string,
  keys: LabelKeys,
  timeoutMs: number,
  parent?: AbortSignal,
): Promise<HostCensus[]> {
  return Promise.all(
    hosts.map(async ({ name, client }): Promise<HostCensus> => {
      if (!client) return { host: name, error: 'not connected' };
      try {
        // Filtered by the engine: only running containers attached to the pool's network come back.
        const raw = await withDeadline(
          timeoutMs,
          (abortSignal) => listContainers(client, { abortSignal, filters: JSON.stringify({ network: [network], status: ['running'] }) }),
          parent,
        );
        return { host: name, containers: raw.map((r) => mapContainer(name, r, keys)) };
      } catch (err) {
        return { host: name, error: toDockpitError(err).toString() };
      }
    }),
  );
}
