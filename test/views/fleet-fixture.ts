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

/** Engine time of an event `s` seconds after 10:00:00 UTC (whole seconds stay exact as nanoseconds). */
export const at = (s: number) => Date.UTC(2026, 10, 25, 10, 0, s) * 1e6;

/**
 * Hosts h1 and h2 for the command line, a few container events, and two IPs: 10.88.1.10 held once
 * (web-1 on h1), 10.88.1.11 held twice (api-1 on h1, db-2 on h2).
 */
export function hFleet(): FleetStore {
  return createFleetStore(
    applyEvents(initialFleetState(), [
      hostUp('h1'),
      hostUp('h2'),
      listed('h1', [
        container('h1', 'id-web-1', 'web-1', { bizline: 'shop', tier: 2, ips: { biz: '10.88.1.10' } }),
        container('h1', 'id-api-1', 'api-1', { bizline: 'pay', tier: 1, ips: { biz: '10.88.1.11' } }),
      ]),
      listed('h2', [
        container('h2', 'id-web-2', 'web-2', { bizline: 'shop', tier: 2, ips: { biz: '10.88.2.10' } }),
        container('h2', 'id-db-2', 'db-2', { bizline: 'pay', tier: 0, ips: { biz: '10.88.1.11' } }),
      ]),
      { type: 'container.event', event: { host: 'h1', id: 'id-web-1', name: 'web-1', action: 'start', timeNano: at(1) } },
      { type: 'container.event', event: { host: 'h2', id: 'id-db-2', name: 'db-2', action: 'die', timeNano: at(3) } },
      // A backfill that arrived late: older than what was already there.
      { type: 'container.event', event: { host: 'h2', id: 'id-web-2', name: 'web-2', action: 'restart', timeNano: at(2) } },
    ]),
  );
}
