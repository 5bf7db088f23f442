import { afterEach, describe, expect, it } from 'vitest';
import type { EngineTuning } from '../../src/config/types.js';
import { EVENT_TRUST_MS } from '../../src/engine/event-overlay.js';
import { connectToFake, fakeEngine } from '../support/fake-engine.js';

// CI (alert-sinks, Zabbix): a container run with `true` died just before the watch's events stream opened,
// and dockerd's first list still said running (it logs `die` before its list shows it). No event was left
// to correct it: the watch showed it running until the resync, up to 15 s on. The first list of a session is
// now confirmed once the list must have caught up.

function container(state: 'running' | 'exited') {
  return { Id: 'c1', Names: ['/zbx-2'], Image: 'busybox', State: state, Status: state === 'running' ? 'Up Less than a second' : 'Exited (0) 1 second ago', Labels: {}, Created: 0 };
}

// No resync within the test: only the confirming list can correct the first.
const tuning: EngineTuning = { callTimeoutMs: 1000, connectTimeoutMs: 1000, probeIntervalMs: 60_000, slowThresholdMs: 1000, resyncIntervalMs: 600_000, statsPerSecond: 20 };

let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup.reverse()) c();
  cleanup = [];
});

describe('the first list of a session', () => {
  it('is listed again once a lagging list must have caught up: a container that died just before the connect shows exited', async () => {
    const engine = await fakeEngine((n) => [container(n === 0 ? 'running' : 'exited')]);
    cleanup.push(() => engine.close());
    const { events, stop } = await connectToFake(engine, tuning);
    cleanup.push(() => void stop());
    const listedStates = () => events.flatMap((e) => (e.type === 'host.listed' ? [e.containers[0]?.state] : []));
    expect(listedStates()).toEqual(['running']);
    const t0 = performance.now();
    while (listedStates().length < 2 && performance.now() - t0 < EVENT_TRUST_MS + 2000) await new Promise((r) => setTimeout(r, 20));
    expect(listedStates()).toEqual(['running', 'exited']);
    expect(engine.lists).toBe(2); // once, not a loop
  });
});
