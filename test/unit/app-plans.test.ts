import { afterEach, describe, expect, it } from 'vitest';
import { planActions } from '../../src/app/plans.js';
import type { DomainEvent } from '../../src/engine/types.js';
import { DEFAULT_GUARDS, type Plan } from '../../src/plans/types.js';
import type { StateStore } from '../../src/state/types.js';
import { applyEvents } from '../../src/store/apply-event.js';
import { MemoryEngine } from '../support/memory-engine.js';
import { memoryFleet, openFileState, tempDir } from '../support/memory-fleet.js';
import { inspectOf, MiB } from './fixtures/migrate/inspect.js';

// Issue 14: the cockpit's plans service (src/app/plans.ts) on the in-memory engine and the file state. A run
// is store data: each journal record written becomes a `run.plan` event, so what is asserted here is the
// store (what the progress screen selects), and the engines.

const opened: StateStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

const SHED: Plan = {
  name: 'shed',
  description: 'stop the ads',
  guards: { ...DEFAULT_GUARDS, maxDownPerLine: 1 },
  steps: [{ select: { lines: ['ads'] }, action: { kind: 'stop' } }],
  source: 'dockpit.yaml:40',
};

/** ads-1, ads-2 and news-1 (tier 0) on h1, ads-3 on h2; the store fed as the engine feeds it; the service. */
function setup() {
  const engine = new MemoryEngine().addHost('h1').addHost('h2');
  const id = (n: number) => `a${n}`.repeat(32);
  const put = (host: string, name: string, line: string, n: number) => {
    const i = inspectOf(name, id(n), line, 64 * MiB, `10.88.1.${10 + n}`);
    i.Config.Labels = { ...i.Config.Labels, 'dockpit.tier': line === 'news' ? '0' : '3' };
    engine.put(host, i);
  };
  put('h1', 'ads-1', 'ads', 1);
  put('h1', 'ads-2', 'ads', 2);
  put('h1', 'news-1', 'news', 3);
  put('h2', 'ads-3', 'ads', 4);
  const dir = tempDir('app-plans');
  const fleet = memoryFleet(engine, dir);
  fleet.config.plans = [SHED];
  const state = openFileState(dir, undefined, opened);
  /** Every state of the run the store held, as the progress screen would have drawn it. */
  const seen: string[] = [];
  fleet.store.subscribe((s, prev) => {
    const r = s.runs.plan;
    if (!r || r === prev.runs.plan) return;
    const outcomes = r.progress?.actions.map((a) => a.outcome).join(',') ?? '-';
    seen.push(`${r.kind} ${r.progress?.status ?? 'starting'} ${outcomes}${r.endedAt !== null ? ' ended' : ''}`);
  });
  const emitted: DomainEvent[] = [];
  const service = planActions({
    config: fleet.config,
    state,
    engine,
    store: fleet.store,
    emit: (e) => {
      emitted.push(e);
      fleet.apply(e);
    },
    readOnly: false,
  });
  const running = (host: string, name: string) => engine.get(host, name)?.State?.Running === true;
  return { engine, fleet, state, service, seen, emitted, running };
}

describe('the plans service on the memory engine', () => {
  it('apply: the run reaches the store record by record, ends done; restore puts every container back', async () => {
    const s = setup();
    expect(s.service.preview('shed').actions.map((a) => `${a.host}/${a.name} ${a.action}`)).toEqual(['h1/ads-1 stop', 'h1/ads-2 stop', 'h2/ads-3 stop']);
    const run = await s.service.apply!('shed');
    expect(run.progress?.status).toBe('done');
    expect(s.fleet.store.getState().runs.plan).toBe(run);
    expect(run.progress?.actions.map((a) => `${a.host}/${a.name} ${a.outcome}`)).toEqual(['h1/ads-1 done', 'h1/ads-2 done', 'h2/ads-3 done']);
    expect(['ads-1', 'ads-2'].map((n) => s.running('h1', n))).toEqual([false, false]);
    expect(s.running('h2', 'ads-3')).toBe(false);
    expect(s.running('h1', 'news-1')).toBe(true);
    // Progress as written: the store held the run before its first record, while it ran, and at its end.
    expect(s.seen[0]).toBe('apply starting -');
    expect(s.seen).toContain('apply running pending,pending,pending');
    expect(s.seen.at(-1)).toBe('apply done done,done,done ended');
    expect(s.emitted.every((e) => e.type === 'run.plan')).toBe(true);

    const restored = await s.service.restore!(run.progress!.runId);
    expect(restored.kind).toBe('restore');
    expect(restored.progress?.status).toBe('done');
    expect(s.fleet.store.getState().runs.plan).toBe(restored);
    expect(['ads-1', 'ads-2'].map((n) => s.running('h1', n))).toEqual([true, true]);
    expect(s.running('h2', 'ads-3')).toBe(true);
    expect((await s.service.lastRun())?.runId).toBe(run.progress!.runId);
  });

  it('a host that refuses every call: its action fails, named in the store; the others are done; the run is partial', async () => {
    const s = setup();
    s.engine.refusing.add('h2'); // after the last list: the preview still counts h2 up
    const run = await s.service.apply!('shed');
    expect(run.progress?.status).toBe('partial');
    const h2 = run.progress!.actions.find((a) => a.host === 'h2')!;
    expect(h2.outcome).toBe('failed');
    expect(h2.error).toMatch(/REFUSED/);
    expect(run.progress!.actions.filter((a) => a.host === 'h1').map((a) => a.outcome)).toEqual(['done', 'done']);
    expect(s.fleet.store.getState().runs.plan?.progress?.status).toBe('partial');
  });

  it('one run at a time; a second apply while one runs is refused without a change', async () => {
    const s = setup();
    const first = s.service.apply!('shed');
    await expect(s.service.apply!('shed')).rejects.toThrow(/still in progress/);
    expect((await first).progress?.status).toBe('done');
    expect(s.engine.mutatingCalls().filter((c) => c.op === 'stop')).toHaveLength(3);
  });
});
