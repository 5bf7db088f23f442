import { describe, expect, it } from 'vitest';
import { EVENT_TRUST_MS, EventOverlay } from '../../src/engine/event-overlay.js';
import type { Container } from '../../src/engine/types.js';

function c(id: string, state: Container['state']): Container {
  return { host: 'h1', id, name: id, image: 'img', state, status: '', bizline: null, tier: null, ips: {}, labels: {}, created: 0 };
}

describe('EventOverlay: a recent event beats a list that has not caught up', () => {
  it('keeps the died state over a list that still says running, and asks for a later list', () => {
    const o = new EventOverlay();
    o.note('a', 'exited', 1000);
    const r = o.apply([c('a', 'running'), c('b', 'running')], 1050);
    expect(r.containers.map((x) => `${x.id}=${x.state}:${x.status}`)).toEqual(['a=exited:Exited', 'b=running:']);
    expect(r.disagreed).toBe(true);
  });

  it('drops a destroyed container a lagging list still shows', () => {
    const o = new EventOverlay();
    o.note('a', 'removed', 1000);
    const r = o.apply([c('a', 'exited')], 1010);
    expect(r.containers).toEqual([]);
    expect(r.disagreed).toBe(true);
  });

  it('agrees silently when the list caught up, and trusts the list after the window', () => {
    const o = new EventOverlay();
    o.note('a', 'exited', 1000);
    expect(o.apply([c('a', 'exited')], 1100)).toEqual({ containers: [c('a', 'exited')], disagreed: false });
    const late = o.apply([c('a', 'running')], 1000 + EVENT_TRUST_MS);
    expect(late).toEqual({ containers: [c('a', 'running')], disagreed: false });
  });

  it('the newest event of a container wins', () => {
    const o = new EventOverlay();
    o.note('a', 'exited', 1000);
    o.note('a', 'running', 1200);
    expect(o.apply([c('a', 'exited')], 1250).containers[0]!.state).toBe('running');
  });
});
