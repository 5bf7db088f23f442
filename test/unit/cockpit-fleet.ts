// A fleet for the cockpit's pure view logic (navigation, command line, filters): two hosts up, one down.
// 10.88.1.10 is held once; 10.88.1.11 is held twice (api-1 on h1 and db-2 on h2), as two engines can do.
import type { FleetState } from '../../src/store/state.js';
import { container, hostUp, listed, stateOf } from './fixtures.js';

export function cockpitFleet(): FleetState {
  return stateOf([
    hostUp('h1'),
    hostUp('h2'),
    hostUp('h3', { state: 'down', error: 'REFUSED: connect ECONNREFUSED' }),
    listed('h1', [
      container('h1', 'id-web-1', 'web-1', { bizline: 'shop', tier: 2, ips: { biz: '10.88.1.10' } }),
      container('h1', 'id-api-1', 'api-1', { bizline: 'pay', tier: 1, ips: { biz: '10.88.1.11', bridge: '' } }),
      container('h1', 'id-batch-1', 'batch-1', { state: 'exited', status: 'Exited (0) 1 hour ago', ips: {} }),
    ]),
    listed('h2', [
      container('h2', 'id-web-2', 'web-2', { bizline: 'shop', tier: 2, ips: { biz: '10.88.2.10' } }),
      container('h2', 'id-db-2', 'db-2', { bizline: 'pay', tier: 0, ips: { biz: '10.88.1.11' } }),
    ]),
  ]);
}

/** Container rows in the fleet's order: host order, then by name. */
export const FLEET_ORDER = ['api-1', 'batch-1', 'web-1', 'db-2', 'web-2'];
