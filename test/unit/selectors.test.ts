import { describe, expect, it, vi } from 'vitest';
import { containerRows, countContainers, fleetSummary, hostRows } from '../../src/store/selectors.js';
import { container, hostUp, listed, stateOf } from './fixtures.js';

vi.mock('react', () => {
  throw new Error('the store must not import react');
});

const fleet = () =>
  stateOf([
    hostUp('h2'),
    hostUp('h1', { state: 'degraded', error: 'TIMEOUT: list h1: deadline exceeded' }),
    hostUp('h3', { state: 'down', error: 'REFUSED: connect ECONNREFUSED' }),
    hostUp('h4', { state: 'connecting' }),
    listed('h1', [
      container('h1', '11', 'web', { bizline: 'shop' }),
      container('h1', '12', 'db', { bizline: 'pay', state: 'exited' }),
    ]),
    listed('h2', [
      container('h2', '21', 'zeta', { bizline: 'pay' }),
      container('h2', '22', 'alpha', { bizline: 'pay', state: 'paused' }),
      container('h2', '23', 'mid'),
    ]),
    listed('h3', [container('h3', '31', 'old', { bizline: 'pay', state: 'exited' })]),
  ]);

describe('selectors', () => {
  it('countContainers counts running among all', () => {
    expect(countContainers(fleet().containers.h2)).toEqual({ running: 2, total: 3 });
    expect(countContainers(undefined)).toEqual({ running: 0, total: 0 });
  });

  it('hostRows: host order with running/total per host', () => {
    expect(hostRows(fleet()).map((h) => [h.name, h.state, h.containers])).toEqual([
      ['h2', 'up', { running: 2, total: 3 }],
      ['h1', 'degraded', { running: 1, total: 2 }],
      ['h3', 'down', { running: 0, total: 1 }],
      ['h4', 'connecting', { running: 0, total: 0 }],
    ]);
  });

  it('containerRows: all containers in host order, then by name', () => {
    expect(containerRows(fleet()).map((c) => `${c.host}/${c.name}`)).toEqual([
      'h2/alpha',
      'h2/mid',
      'h2/zeta',
      'h1/db',
      'h1/web',
      'h3/old',
    ]);
  });

  it('containerRows filters by host, by bizline, and by both', () => {
    const s = fleet();
    expect(containerRows(s, { host: 'h1' }).map((c) => c.id)).toEqual(['12', '11']);
    expect(containerRows(s, { bizline: 'pay' }).map((c) => c.id)).toEqual(['22', '21', '12', '31']);
    expect(containerRows(s, { host: 'h2', bizline: 'pay' }).map((c) => c.id)).toEqual(['22', '21']);
    expect(containerRows(s, { host: 'nope' })).toEqual([]);
  });

  it('fleetSummary: up and degraded count as up, the last error in host order', () => {
    expect(fleetSummary(fleet())).toEqual({
      hostsUp: 2,
      hostsTotal: 4,
      running: 3,
      total: 6,
      lastError: 'h3: REFUSED: connect ECONNREFUSED',
    });
  });

  it('fleetSummary of an empty fleet', () => {
    expect(fleetSummary(stateOf([]))).toEqual({ hostsUp: 0, hostsTotal: 0, running: 0, total: 0, lastError: null });
  });
});
