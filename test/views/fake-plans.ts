// A fake PlanActions for the plan screens' view tests: a fixed preview, and runs driven by hand. As the real
// service does, each change of a run goes to the store as a `run.plan` event (renderApp connects the store).
import type { PlanPreview, RunProgress, RunStatus, ActionOutcome } from '../../src/plans/types.js';
import type { PlanActions } from '../../src/app/ports.js';
import { endedPlanRun, planRunWithProgress, startedPlanRun, type PlanRun } from '../../src/store/own-runs.js';
import { RunEmitter } from './run-emitter.js';

export interface FakeRun {
  name: string;
  onProgress: (p: RunProgress) => void;
  signal: AbortSignal | null;
  resolve: (p: RunProgress) => void;
}

export interface FakePlans extends PlanActions {
  /** Where the runs' events go: the test's store, once renderApp has connected it. */
  emitter: RunEmitter;
  previewCalls: string[];
  applies: FakeRun[];
  restores: FakeRun[];
  last: { runId: string; plan: string; status: RunStatus } | null;
}

export const DOUBLE11 = 'double11';

/** Three containers on two hosts: two web stops (shop 2/2 down), one limit; one protected container skipped. */
export function double11Preview(): PlanPreview {
  return {
    plan: DOUBLE11,
    actions: [
      { step: 0, host: 'h1', id: 'id-web-1', name: 'web-1', line: 'shop', tier: 2, action: 'stop', frees: { cpuPercent: 12, memBytes: 64 * 2 ** 20 } },
      { step: 0, host: 'h2', id: 'id-web-2', name: 'web-2', line: 'shop', tier: 2, action: 'stop', frees: { cpuPercent: 8, memBytes: 32 * 2 ** 20 } },
      { step: 1, host: 'h1', id: 'id-api-1', name: 'api-1', line: 'pay', tier: 1, action: 'limit', limit: { nanoCpus: 5e8, memoryBytes: 256 * 2 ** 20, cpuShares: null }, frees: { cpuPercent: 3, memBytes: 0 } },
    ],
    counts: { feasible: 3, refused: 0, unseen: 0, skipped: 1 },
    unseen: [],
    skipped: [{ step: 1, host: 'h2', name: 'db-2', reason: 'protected tier 0' }],
    perHost: { h1: { actions: 2, cpuPercent: 15, memBytes: 64 * 2 ** 20 }, h2: { actions: 1, cpuPercent: 8, memBytes: 32 * 2 ** 20 } },
    perLine: { shop: { running: 2, down: 2, cpuPercent: 20, memBytes: 96 * 2 ** 20 }, pay: { running: 2, down: 0, cpuPercent: 3, memBytes: 0 } },
    refusal: null,
  };
}

export function fakePlans(options: { preview?: (name: string) => PlanPreview; withRuns?: boolean } = {}): FakePlans {
  const { preview = (name: string) => (name === 'greedy' ? { ...double11Preview(), plan: 'greedy', refusal: 'line shop: 2 of 2 running would go down, more than maxDownPerLine 0.5' } : double11Preview()), withRuns = true } = options;
  const fake: FakePlans = {
    emitter: new RunEmitter(),
    previewCalls: [],
    applies: [],
    restores: [],
    last: { runId: 'run-7', plan: DOUBLE11, status: 'partial' },
    list: () => [
      { name: DOUBLE11, description: 'shed tier 2+ for the peak', steps: 2 },
      { name: 'greedy', description: 'takes too much down', steps: 1 },
    ],
    preview(name) {
      fake.previewCalls.push(name);
      return preview(name);
    },
    lastRun: () => Promise.resolve(fake.last),
  };
  let controller: AbortController | null = null;
  /** A run driven by hand: its reports and its end go to the store as the service's would. */
  const start = (list: FakeRun[], name: string, plan: string, kind: PlanRun['kind']) =>
    new Promise<PlanRun>((resolve) => {
      controller = kind === 'apply' ? new AbortController() : null;
      let run = startedPlanRun(plan, kind, Date.now(), controller !== null);
      const set = (next: PlanRun) => fake.emitter.emit({ type: 'run.plan', run: (run = next) });
      set(run);
      list.push({
        name,
        onProgress: (p) => set(planRunWithProgress(run, p)),
        signal: controller?.signal ?? null,
        resolve: (p) => {
          set(endedPlanRun(run, Date.now(), { progress: p }));
          resolve(run);
        },
      });
    });
  if (withRuns) {
    fake.apply = (name) => start(fake.applies, name, name, 'apply');
    fake.restore = (runId) => start(fake.restores, runId, fake.last?.runId === runId ? fake.last.plan : runId, 'restore');
    fake.cancel = () => {
      if (!controller || controller.signal.aborted) return false;
      controller.abort();
      return true;
    };
  }
  return fake;
}

/** double11 with web-2's stop refused (its host down): what the preview shows and the confirmation says. */
export function double11WithRefusal(): PlanPreview {
  const p = double11Preview();
  p.actions[1] = { ...p.actions[1]!, frees: { cpuPercent: 0, memBytes: 0 }, refused: { code: 'host-down', reason: 'host h2 is down (REFUSED: connect ECONNREFUSED)' } };
  p.counts = { feasible: 2, refused: 1, unseen: 0, skipped: 1 };
  p.perHost = { h1: p.perHost.h1! };
  p.perLine = { ...p.perLine, shop: { running: 2, down: 1, cpuPercent: 12, memBytes: 64 * 2 ** 20 } };
  return p;
}

/** A report of run-7 of double11 with these outcomes for web-1, web-2 and api-1, in that order. */
export function report(status: RunStatus, outcomes: [ActionOutcome, ActionOutcome, ActionOutcome], kind: 'apply' | 'restore' = 'apply'): RunProgress {
  const rows = [
    { step: 0, host: 'h1', name: 'web-1', action: 'stop' },
    { step: 0, host: 'h2', name: 'web-2', action: 'stop' },
    { step: 1, host: 'h1', name: 'api-1', action: 'limit' },
  ];
  return {
    runId: 'run-7',
    plan: DOUBLE11,
    status,
    kind,
    startedAt: new Date().toISOString(),
    actions: rows.map((r, i) => ({
      ...r,
      outcome: outcomes[i]!,
      ...(outcomes[i] === 'failed' ? { error: 'ENGINE_DOWN: connect ECONNREFUSED' } : {}),
      ...(outcomes[i] === 'done' || outcomes[i] === 'failed' ? { ms: 250 } : {}),
    })),
  };
}
