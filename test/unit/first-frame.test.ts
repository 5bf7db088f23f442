import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { firstFrameReady } from '../../src/cli/first-frame.js';

// Issue 16: the cockpit's first frame waits for every host's first list, but not for a host that does not
// answer, and not for ever; while lists keep coming it keeps waiting (a frame part way through 200 hosts
// cost more than it showed).

const timing = { quietMs: 300, capMs: 1500 };

function harness() {
  let resolveListed!: () => void;
  const listed = new Promise<void>((r) => (resolveListed = r));
  const listeners = new Set<() => void>();
  let drawnAt: number | null = null;
  const t0 = Date.now();
  void firstFrameReady(listed, (notify) => {
    listeners.add(notify);
    return () => listeners.delete(notify);
  }, timing).then(() => (drawnAt = Date.now() - t0));
  return {
    listed: () => resolveListed(),
    progress: () => listeners.forEach((l) => l()),
    drawnAt: () => drawnAt,
    listening: () => listeners.size,
  };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('the first frame', () => {
  it('comes as soon as every host has listed', async () => {
    const h = harness();
    await vi.advanceTimersByTimeAsync(120);
    h.listed();
    await vi.advanceTimersByTimeAsync(0);
    expect(h.drawnAt()).toBe(120);
    expect(h.listening()).toBe(0);
  });

  it('does not wait for a host that sends nothing', async () => {
    const h = harness();
    await vi.advanceTimersByTimeAsync(100);
    h.progress(); // the hosts that answer
    await vi.advanceTimersByTimeAsync(399);
    expect(h.drawnAt()).toBe(400);
    expect(h.listening()).toBe(0);
  });

  it('keeps waiting while lists keep arriving, until all are in', async () => {
    const h = harness();
    for (let i = 0; i < 30; i++) {
      await vi.advanceTimersByTimeAsync(33);
      h.progress();
    }
    expect(h.drawnAt()).toBeNull();
    h.listed();
    await vi.advanceTimersByTimeAsync(0);
    expect(h.drawnAt()).toBe(990);
  });

  it('comes at the cap however steadily they trickle in', async () => {
    const h = harness();
    for (let i = 0; i < 100; i++) {
      await vi.advanceTimersByTimeAsync(100);
      h.progress();
    }
    expect(h.drawnAt()).toBe(1500);
  });
});
