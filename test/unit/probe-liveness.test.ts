import { afterEach, describe, expect, it } from 'vitest';
import type { EngineTuning } from '../../src/config/types.js';
import type { DomainEvent } from '../../src/engine/types.js';
import { connectToFake, fakeEngine } from '../support/fake-engine.js';

// Issue 14: a host whose stats reads answer is not probed as well (probes were a third of the idle cockpit's
// requests at 200 hosts); the liveness fact holds all the same: a host whose container calls hang shows
// degraded within a probe interval (plus the call's deadline) of its last answer.

const tuning: EngineTuning = { callTimeoutMs: 300, connectTimeoutMs: 300, probeIntervalMs: 400, slowThresholdMs: 1000, resyncIntervalMs: 60_000, statsPerSecond: 20 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function connect() {
  const engine = await fakeEngine();
  cleanup.push(() => engine.close());
  const { conn, events, stop } = await connectToFake(engine, tuning);
  cleanup.push(stop);
  return { engine, events, conn };
}

function firstDegraded(events: DomainEvent[]): boolean {
  return events.some((e) => e.type === 'host.status' && e.patch.state === 'degraded');
}

describe('HostConnection probe and other answers', () => {
  it('a host whose other calls answer is not probed; when they stop and lists hang, it is degraded within an interval of the last answer', async () => {
    const { engine, events, conn } = await connect();
    const proving = setInterval(() => conn.noteAnswer(5), 100);
    await sleep(1500);
    clearInterval(proving);
    expect(engine.probes).toBe(0);
    const lastAnswer = performance.now();
    engine.hang = true;
    let degradedAfter = Infinity;
    for (let t = 0; t < 3000 && !firstDegraded(events); t += 20) await sleep(20);
    if (firstDegraded(events)) degradedAfter = performance.now() - lastAnswer;
    expect(engine.probes).toBeGreaterThan(0);
    // One interval from the last answer, then the probe's deadline; a margin for timers on a loaded machine.
    expect(degradedAfter).toBeLessThanOrEqual(tuning.probeIntervalMs + tuning.callTimeoutMs + 250);
  });

  it('a slow answer proves nothing: the host is probed every interval', async () => {
    const { engine, conn } = await connect();
    const slow = setInterval(() => conn.noteAnswer(tuning.slowThresholdMs + 1), 100);
    cleanup.push(() => clearInterval(slow));
    await sleep(1500);
    // The first probe at a random phase within an interval, then one an interval: at least 3 in 1.5 s.
    expect(engine.probes).toBeGreaterThanOrEqual(3);
  });
});
