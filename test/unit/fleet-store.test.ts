import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Container, DomainEvent } from '../../src/engine/types.js';
import { createCoalescer, createFleetStore } from '../../src/store/fleet-store.js';
import { initialFleetState } from '../../src/store/state.js';
import { hostUp } from './fixtures.js';

vi.mock('react', () => {
  throw new Error('the store must not import react');
});

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

const latency = (host: string, ms: number): DomainEvent => ({ type: 'host.status', host, patch: { latencyMs: ms } });

describe('createFleetStore', () => {
  it('gives a fresh empty store each time', () => {
    const a = createFleetStore();
    const b = createFleetStore();
    expect(a.getState()).toEqual(initialFleetState());
    expect(a.getState()).not.toBe(b.getState());
  });
});

describe('createCoalescer', () => {
  it('10,000 events within one second reach the store in at most ~30 commits', () => {
    const store = createFleetStore();
    // Latency alone is telemetry (deferred, below): 0 holds it to the commit cap only, which this is about.
    const c = createCoalescer(store, { telemetryIntervalMs: 0 });
    let notified = 0;
    store.subscribe(() => notified++);
    // 10 events every millisecond for one second, spread over 5 hosts.
    for (let ms = 0; ms < 1000; ms++) {
      for (let k = 0; k < 10; k++) c.sink(latency(`h${k % 5}`, ms * 10 + k));
      vi.advanceTimersByTime(1);
    }
    // Within the second: one leading commit, then one per ~33 ms.
    const duringTheSecond = notified;
    expect(duringTheSecond).toBeGreaterThanOrEqual(29);
    expect(duringTheSecond).toBeLessThanOrEqual(31);
    // The events queued since the last commit arrive in exactly one more.
    vi.advanceTimersByTime(100);
    expect(notified).toBe(duringTheSecond + 1);
    expect(c.commits).toBe(notified);
    // Nothing lost: every host shows its last value.
    expect(store.getState().hostOrder).toEqual(['h0', 'h1', 'h2', 'h3', 'h4']);
    expect(store.getState().hosts.h4!.latencyMs).toBe(9999);
    c.stop();
  });

  it('respects maxCommitsPerSecond', () => {
    const store = createFleetStore();
    const c = createCoalescer(store, { maxCommitsPerSecond: 5, telemetryIntervalMs: 0 });
    let notified = 0;
    store.subscribe(() => notified++);
    for (let ms = 0; ms < 1000; ms++) {
      c.sink(latency('h', ms));
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(500);
    expect(notified).toBeGreaterThanOrEqual(5);
    expect(notified).toBeLessThanOrEqual(6);
    expect(store.getState().hosts.h!.latencyMs).toBe(999);
  });

  it('does not commit synchronously; the first event commits on the next timer tick', () => {
    const store = createFleetStore();
    const c = createCoalescer(store);
    const listener = vi.fn();
    store.subscribe(listener);
    c.sink(hostUp('a'));
    expect(listener).not.toHaveBeenCalled();
    vi.advanceTimersByTime(0);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(store.getState().hosts.a!.state).toBe('up');
  });

  it('flush() applies the queue immediately, in one commit, and cancels the timer', () => {
    const store = createFleetStore();
    const c = createCoalescer(store);
    const listener = vi.fn();
    store.subscribe(listener);
    c.sink(hostUp('a'));
    c.sink(hostUp('b'));
    c.sink(latency('a', 42));
    c.flush();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(store.getState().hostOrder).toEqual(['a', 'b']);
    expect(store.getState().hosts.a!.latencyMs).toBe(42);
    vi.advanceTimersByTime(1000);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(c.commits).toBe(1);
  });

  it('no commit when the events change nothing', () => {
    const store = createFleetStore();
    const c = createCoalescer(store);
    c.sink(hostUp('a'));
    c.flush();
    const before = store.getState();
    const listener = vi.fn();
    store.subscribe(listener);
    c.sink(hostUp('a'));
    c.sink(latency('a', 4));
    vi.advanceTimersByTime(1000);
    c.flush();
    expect(listener).not.toHaveBeenCalled();
    expect(store.getState()).toBe(before);
    expect(c.commits).toBe(1);
  });

  it('flush() with an empty queue does nothing; stop() drops the pending timer', () => {
    const store = createFleetStore();
    const c = createCoalescer(store);
    const listener = vi.fn();
    store.subscribe(listener);
    c.flush();
    c.sink(hostUp('a'));
    c.stop();
    vi.advanceTimersByTime(1000);
    expect(listener).not.toHaveBeenCalled();
    expect(c.commits).toBe(0);
  });
});

describe('createCoalescer telemetry', () => {
  const sample = (host: string, id: string): DomainEvent => ({
    type: 'stats.sampled',
    samples: [{ host, id, at: 1, cpuPercent: 1, memBytes: 1, memLimitBytes: 2, rxBytesPerSec: 0, txBytesPerSec: 0 }],
  });

  it('commits samples and unchanged probes at most every telemetryIntervalMs, not 30 times a second', () => {
    const store = createFleetStore();
    const c = createCoalescer(store, { telemetryIntervalMs: 500 });
    c.sink(hostUp('h'));
    vi.advanceTimersByTime(0);
    let notified = 0;
    store.subscribe(() => notified++);
    for (let ms = 0; ms < 2000; ms++) {
      c.sink(ms % 2 ? sample('h', `c${ms}`) : latency('h', ms));
      vi.advanceTimersByTime(1);
    }
    expect(notified).toBeGreaterThanOrEqual(3);
    expect(notified).toBeLessThanOrEqual(4);
    vi.advanceTimersByTime(500);
    expect(store.getState().hosts.h!.latencyMs).toBe(1998);
    expect(Object.keys(store.getState().stats.h!)).toHaveLength(1000);
    c.stop();
  });

  it('a change an operator must see commits at once and takes the queued telemetry with it', () => {
    const store = createFleetStore();
    const c = createCoalescer(store, { telemetryIntervalMs: 500 });
    c.sink(hostUp('h'));
    vi.advanceTimersByTime(100);
    c.sink(sample('h', 'a'));
    vi.advanceTimersByTime(10);
    expect(store.getState().stats.h).toBeUndefined();
    // The probe found the host down: not telemetry.
    c.sink({ type: 'host.status', host: 'h', patch: { state: 'down', latencyMs: null, lastSeen: 5 } });
    vi.advanceTimersByTime(0);
    expect(store.getState().hosts.h!.state).toBe('down');
    expect(store.getState().stats.h!.a).toBeDefined();
    c.stop();
  });
  const backgroundSample = (host: string, id: string): DomainEvent => ({ ...(sample(host, id) as Extract<DomainEvent, { type: 'stats.sampled' }>), background: true });

  it('background telemetry (rotation samples, unchanged probes) commits at most every backgroundIntervalMs', () => {
    const store = createFleetStore();
    const c = createCoalescer(store, { telemetryIntervalMs: 500, backgroundIntervalMs: 5000 });
    c.sink(hostUp('h'));
    vi.advanceTimersByTime(0);
    let notified = 0;
    store.subscribe(() => notified++);
    for (let ms = 0; ms < 10_000; ms += 10) {
      c.sink(ms % 20 ? backgroundSample('h', `c${ms}`) : latency('h', ms));
      vi.advanceTimersByTime(10);
    }
    expect(notified).toBeGreaterThanOrEqual(2);
    expect(notified).toBeLessThanOrEqual(3);
    vi.advanceTimersByTime(5000);
    expect(store.getState().hosts.h!.latencyMs).toBe(9980);
    expect(Object.keys(store.getState().stats.h!)).toHaveLength(500);
    // A sample of a container on screen does not wait for the background's pace.
    const before = notified;
    c.sink(sample('h', 'on-screen'));
    vi.advanceTimersByTime(500);
    expect(notified).toBe(before + 1);
    expect(store.getState().stats.h!['on-screen']).toBeDefined();
    c.stop();
  });

  it('a re-list or ledger read that repeats the store does not pull queued telemetry into an early commit; one that changes it commits at once', () => {
    const store = createFleetStore();
    const c = createCoalescer(store, { telemetryIntervalMs: 500, backgroundIntervalMs: 5000 });
    const container: Container = { host: 'h', id: 'a1', name: 'web', image: 'img', state: 'running', status: 'Up', created: 1, bizline: null, tier: null, ips: {}, labels: {} };
    c.sink(hostUp('h'));
    c.sink({ type: 'host.listed', host: 'h', containers: [container] });
    c.sink({ type: 'ledger.read', reservations: [] });
    vi.advanceTimersByTime(0);
    let notified = 0;
    store.subscribe(() => notified++);
    c.sink(latency('h', 7));
    vi.advanceTimersByTime(100);
    c.sink({ type: 'host.listed', host: 'h', containers: [{ ...container }] });
    c.sink({ type: 'ledger.read', reservations: [] });
    vi.advanceTimersByTime(1000);
    expect(notified).toBe(0);
    c.sink({ type: 'host.listed', host: 'h', containers: [{ ...container, state: 'exited' }] });
    vi.advanceTimersByTime(0);
    expect(notified).toBe(1);
    expect(store.getState().containers.h!.byId.a1!.state).toBe('exited');
    expect(store.getState().hosts.h!.latencyMs).toBe(7);
    c.stop();
  });
});
