import type { FleetEngine } from '../engine/fleet-engine.js';
import { StatsSampler, type ContainerRef } from '../engine/stats-sampler.js';
import type { DomainEventSink } from '../engine/types.js';
import type { FleetStore } from '../store/fleet-store.js';
import type { FleetState } from '../store/state.js';

/** Running containers of the store, recomputed only when the containers changed. */
function runningRefsOf(store: FleetStore): () => readonly ContainerRef[] {
  let seen: FleetState['containers'] | null = null;
  let refs: ContainerRef[] = [];
  return () => {
    const { containers, hostOrder } = store.getState();
    if (containers === seen) return refs;
    seen = containers;
    refs = [];
    for (const host of hostOrder) {
      const hc = containers[host];
      if (!hc) continue;
      for (const id of hc.order) if (hc.byId[id]!.state === 'running') refs.push({ host, id });
    }
    return refs;
  };
}

/** The cockpit's live traffic: a sampler over the engine's clients and the store's running containers. */
export function startSampler(engine: FleetEngine, store: FleetStore, emit: DomainEventSink, callTimeoutMs: number, backgroundPerSecond?: number): StatsSampler {
  const sampler = new StatsSampler({
    client: (host) => engine.connections.get(host)?.client ?? null,
    running: runningRefsOf(store),
    emit,
    onAnswer: (host, latencyMs) => engine.connections.get(host)?.noteAnswer(latencyMs),
    callTimeoutMs,
    ...(backgroundPerSecond !== undefined && { backgroundPerSecond }),
  });
  sampler.start();
  return sampler;
}
