import type { FleetConfig } from '../config/types.js';
import { addressCensus } from '../engine/address-census.js';
import { createAndStart, memoryFacts, RunFailure, type MemoryFacts } from '../engine/container-run.js';
import { DockpitError } from '../engine/errors.js';
import { findNetwork } from '../engine/network-calls.js';
import type { HostCensus } from '../pool/address-holders.js';
import type { NetworkFacts } from '../pool/network-spec.js';
import type { HostFacts } from '../pool/place.js';
import { fleetFacts, type FleetSource } from './fleet-source.js';

// Issue 14: what placement asks of the engines, as a small port (as src/plans/execute.ts's PlanEngine), so
// that the placement service runs against real engines here and against an in-memory fleet in unit tests.

export interface PlacementEngine {
  /** Every configured host, in config order, with its state and containers as the store had them. */
  hosts(): HostFacts[];
  /** Whether the host has an engine client now (a host down has none). */
  connected(host: string): boolean;
  /** The network of exactly this name on the host, or null. */
  findNetwork(host: string, name: string, signal: AbortSignal): Promise<NetworkFacts | null>;
  /** The host's MemTotal and the memory limits of the given running containers. */
  memory(host: string, runningIds: readonly string[], signal: AbortSignal): Promise<MemoryFacts>;
  /** Creates and starts a container; a RunFailure says at which stage it failed (a failed start is removed). */
  createAndStart(host: string, body: object, signal: AbortSignal): Promise<string>;
  /** The running containers on `network` of each host, listed now, each under its own deadline. */
  census(hosts: readonly string[], network: string): Promise<HostCensus[]>;
  /** Stops a container; a DockpitError with statusCode 304 when it had stopped already. */
  stop(host: string, id: string, seconds: number, signal: AbortSignal): Promise<void>;
}

/** The port on a connected fleet: the store's state as it is now and each host's current client. */
export function enginePlacement(config: FleetConfig, source: FleetSource): PlacementEngine {
  const client = (host: string) => {
    const docker = source.client(host);
    if (!docker) throw new DockpitError('UNREACHABLE', `${host} is not connected any more`);
    return docker;
  };
  return {
    hosts: () => fleetFacts(config, source.state),
    connected: (host) => source.client(host) !== null,
    findNetwork: (host, name, signal) => findNetwork(client(host), name, signal),
    memory: (host, ids, signal) => memoryFacts(client(host), ids, signal),
    createAndStart: async (host, body, signal) => {
      const docker = source.client(host);
      if (!docker) throw new RunFailure('create', new DockpitError('UNREACHABLE', `${host} is not connected any more`), null, null);
      return createAndStart(docker, body, signal, host);
    },
    census: (hosts, network) =>
      addressCensus(hosts.map((name) => ({ name, client: source.client(name) })), network, config.labels, config.engine.callTimeoutMs),
    stop: async (host, id, seconds, abortSignal) => {
      const docker = source.client(host);
      if (!docker) throw new Error(`${host} is not connected any more`);
      await docker.getContainer(id).stop({ t: seconds, abortSignal } as object);
    },
  };
}
