// A small fleet for view tests: three hosts in three states, containers on two of them.
import { container, hostUp, listed } from '../unit/fixtures.js';
import { applyEvents } from '../../src/store/apply-event.js';
import { createFleetStore, type FleetStore } from '../../src/store/fleet-store.js';
import { initialFleetState } from '../../src/store/state.js';

export function smallFleet(): FleetStore {
  return createFleetStore(
    applyEvents(initialFleetState(), [
      hostUp('alpha', { engineVersion: '20.10.24', latencyMs: 3.25, liveRestore: true }),
      hostUp('bravo', { state: 'degraded', engineVersion: '24.0.7', latencyMs: 1250, liveRestore: false, transport: 'ssh' }),
      hostUp('charlie', {
        state: 'down',
        engineVersion: null,
        latencyMs: null,
        liveRestore: null,
        error: 'REFUSED: connect ECONNREFUSED 10.0.0.3:2375',
      }),
      listed('alpha', [
        container('alpha', 'a1', 'api', { bizline: 'pay', tier: 1, ips: { biz: '10.88.1.10', bridge: '' } }),
        container('alpha', 'a2', 'web', { bizline: 'shop', tier: 2 }),
        container('alpha', 'a3', 'batch', { state: 'exited', status: 'Exited (0) 2 hours ago', ips: {} }),
      ]),
      listed('bravo', [
        container('bravo', 'b1', 'web-b1', { bizline: 'shop', ips: { biz: '10.88.2.11' } }),
        container('bravo', 'b2', 'db-b2', { bizline: 'pay', tier: 3, state: 'paused', status: 'Up 1 hour (Paused)' }),
      ]),
    ]),
  );
}
