// A fake MigrateActions for the migration screens' view tests: previews from the real pure preflight over
// fixture facts, runs driven by hand with views folded from journal records (as the cockpit's are). As the
// real service does, each change of a run goes to the store as a `run.move` event (renderApp connects it).
import type { EvacuationPlan } from '../../src/migrate/evacuate-plan.js';
import { migrationState, type MigrationInput, type MigrationRecord, type MigrationView, type StepOutcome } from '../../src/migrate/journal.js';
import { preflight } from '../../src/migrate/preflight.js';
import { DEFAULT_MOVE_OPTIONS, type MovePlan, type SourceFacts, type StepName } from '../../src/migrate/types.js';
import { applyEvents } from '../../src/store/apply-event.js';
import { createFleetStore, type FleetStore } from '../../src/store/fleet-store.js';
import { initialFleetState } from '../../src/store/state.js';
import type { MigrateActions, MoveChoices, MoveTargets } from '../../src/app/ports.js';
import { endedMoveRun, moveRunWithView, startedMoveRun, type MoveRun } from '../../src/store/own-runs.js';
import { RunEmitter } from './run-emitter.js';

/** How a hand-driven run ends: the journal's last view, a refusal (nothing changed), or the executor stopped. */
export type MoveRunEnd = { view: MigrationView } | { refused: string } | { error: string };
import { container, hostUp, listed } from '../unit/fixtures.js';
import { host, inspectOf, liveSource, MiB, shopApi, SHOP_ID, shopApiListed, target } from '../unit/fixtures/migrate/inspect.js';
import { LAN, pools } from '../unit/ip-fixtures.js';

export const POOLS = pools(LAN);
export const WEB_ID = `${'b'.repeat(64)}`;

/** h1 runs shop-api (a volume, 10.88.1.20) and web-9; h2 and h3 (a leftover shop-api) are up, h4 is down. */
export function moveFleet(): FleetStore {
  return createFleetStore(
    applyEvents(initialFleetState(), [
      hostUp('h1'),
      hostUp('h2'),
      hostUp('h3'),
      hostUp('h4', { state: 'down', error: 'REFUSED: connect ECONNREFUSED' }),
      listed('h1', [shopApiListed(), container('h1', WEB_ID, 'web-9', { bizline: 'shop', ips: { biz: '10.88.1.21' } })]),
      listed('h2', [container('h2', 'id-shop-2', 'shop-2', { bizline: 'shop', ips: { biz: '10.88.1.30' } })]),
      listed('h3', [container('h3', 'id-leftover', 'shop-api', { bizline: 'shop', state: 'exited', ips: {} })]),
    ]),
  );
}

export interface FakeMoveRun {
  kind: 'migrate' | 'evacuate';
  args: { host: string; name: string; to: string } | { plan: EvacuationPlan };
  choices: MoveChoices;
  onView: (v: MigrationView) => void;
  signal: AbortSignal;
  resolve: (end: MoveRunEnd) => void;
}

export interface FakeMigrate extends MigrateActions {
  /** Where the runs' events go: the test's store, once renderApp has connected it. */
  emitter: RunEmitter;
  previewCalls: Array<{ to: string; choices: MoveChoices }>;
  runs: FakeMoveRun[];
}

/** The source as the preflight sees it: live on h1, or (recorded) from the record of an unreachable h1. */
function sourceOf(recorded: boolean): SourceFacts {
  return recorded
    ? liveSource(shopApi(), { state: 'down', error: 'REFUSED', recordedAt: '2026-11-25T10:00:00.000Z' })
    : liveSource(shopApi());
}

/** The real preflight of shop-api h1 → `to`: h3 has a leftover of that name (NAME_TAKEN), h4 is down. */
export function shopPlan(to: string, choices: MoveChoices, recorded = false): ReturnType<typeof preflight> {
  const other = container('h3', 'id-leftover', 'shop-api', { state: 'exited', ips: {} });
  const fleet = [host('h1', { containers: [shopApiListed()] }), host('h2'), host('h3', { containers: [other] }), host('h4', { state: 'down' })];
  const t = to === 'h4' ? target({ name: 'h4', state: 'down', error: 'REFUSED' }) : target({ name: to, containers: fleet.find((h) => h.name === to)?.containers ?? [] });
  return preflight({ name: 'shop-api', source: sourceOf(recorded), target: t, fleet }, POOLS, { ...DEFAULT_MOVE_OPTIONS, ...choices });
}

function planOf(to: string, choices: MoveChoices, recorded = false): MovePlan {
  const r = shopPlan(to, choices, recorded);
  if (!r.ok) throw new Error(r.blocker.message);
  return r.plan;
}

/** An evacuation of h1: shop-api (its volume) → h2, web-9 → h2. */
export function evacuationOf(choices: MoveChoices, extra = 0): EvacuationPlan {
  const web = planOf('h2', choices);
  const webInspect = inspectOf('web-9', WEB_ID, 'shop', 0, '10.88.1.21');
  const webPlan: MovePlan = { ...web, name: 'web-9', sourceId: WEB_ID, ip: '10.88.1.21', localData: [], blockers: web.blockers.filter((b) => b.code !== 'LOCAL_DATA'), source: webInspect };
  const more = Array.from({ length: extra }, (_, i) => ({ ...webPlan, name: `bulk-${i}-${'x'.repeat(40)}`, sourceId: `${i}`.padStart(64, 'c'), ip: `10.88.4.${i}` }));
  const moves = [planOf('h2', choices), webPlan, ...more];
  return { host: 'h1', moves, unplaced: [], load: { h2: moves.length } };
}

export function fakeMigrate(options: { recorded?: boolean; targets?: () => Promise<MoveTargets> } = {}): FakeMigrate {
  const recorded = options.recorded ?? false;
  let controller: AbortController | null = null;
  let cancellable = false;
  const start = (kind: FakeMoveRun['kind'], subject: string, args: FakeMoveRun['args'], choices: MoveChoices) =>
    new Promise<MoveRun>((resolve) => {
      controller = new AbortController();
      let run = startedMoveRun(kind, subject, Date.now());
      cancellable = run.cancellable;
      const set = (next: MoveRun) => fake.emitter.emit({ type: 'run.move', run: (run = next) });
      set(run);
      fake.runs.push({
        kind,
        args,
        choices,
        onView: (v) => set(moveRunWithView(run, v)),
        signal: controller.signal,
        resolve: (end) => {
          cancellable = false;
          set(endedMoveRun(run, Date.now(), end));
          resolve(run);
        },
      });
    });
  const fake: FakeMigrate = {
    emitter: new RunEmitter(),
    parallel: 4,
    previewCalls: [],
    runs: [],
    targets:
      options.targets ??
      (async (h, name) => {
        const verdict = (to: string) => {
          const r = shopPlan(to, { leaveData: false, fenced: false }, recorded);
          return r.ok ? r.plan.blockers : [r.blocker];
        };
        return {
          name,
          from: h,
          fromState: recorded ? 'down' : 'up',
          line: 'shop',
          memoryBytes: 64 * MiB,
          refusal: null,
          targets: [
            { host: 'h2', state: 'up', error: null, freeBytes: 3 * 1024 * MiB, containers: 1, ofLine: 1, lineAllows: true, blockers: verdict('h2') },
            { host: 'h3', state: 'up', error: null, freeBytes: 512 * MiB, containers: 1, ofLine: 0, lineAllows: false, blockers: verdict('h3') },
            { host: 'h4', state: 'down', error: 'REFUSED', freeBytes: null, containers: 0, ofLine: 0, lineAllows: null, blockers: verdict('h4') },
          ],
        };
      }),
    preview: async (_h, _n, to, choices) => {
      fake.previewCalls.push({ to, choices });
      return shopPlan(to, choices, recorded);
    },
    migrate: (host, name, to, choices) => start('migrate', `${name} ${host} → ${to}`, { host, name, to }, choices),
    evacuationPreview: async (_h, choices) => evacuationOf(choices),
    evacuate: (plan, choices) => start('evacuate', plan.host, { plan }, choices),
    cancel: () => {
      if (!controller || !cancellable) return false;
      cancellable = false;
      controller.abort();
      return true;
    },
  };
  return fake;
}

/** Journal records of a run: its start, then per move the steps given (intent + outcome, or intent only). */
export class JournalScript {
  readonly records: MigrationRecord[] = [];
  private t = Date.parse('2026-11-25T10:00:00.000Z');
  constructor(readonly runId: string, moves: MovePlan[], what: 'migrate' | 'evacuate' = 'migrate') {
    this.push({ kind: 'mig.start', runId, what, host: what === 'evacuate' ? 'h1' : null, operator: { user: 'op', from: 'jump' }, parallel: 4, moves });
  }
  private push(r: MigrationInput): this {
    this.t += 250;
    this.records.push({ ...r, at: new Date(this.t).toISOString() } as MigrationRecord);
    return this;
  }
  intent(move: number, step: StepName | 'remove-target' | 'unpark-source' | 'start-source'): this {
    return this.push({ kind: 'step.intent', runId: this.runId, move, step });
  }
  outcome(move: number, step: StepName | 'remove-target' | 'unpark-source' | 'start-source', outcome: StepOutcome = 'done', error?: string): this {
    return this.push({ kind: 'step.outcome', runId: this.runId, move, step, outcome, ...(error !== undefined && { error }) });
  }
  steps(move: number, steps: readonly StepName[]): this {
    for (const s of steps) this.intent(move, s).outcome(move, s);
    return this;
  }
  end(move: number, status: 'done' | 'rolled-back' | 'failed' | 'skipped', downtimeMs: number | null, error?: string): this {
    return this.push({ kind: 'move.end', runId: this.runId, move, status, downtimeMs, ...(error !== undefined && { error }) });
  }
  finish(status: 'done' | 'partial' | 'failed' | 'cancelled'): this {
    return this.push({ kind: 'mig.end', runId: this.runId, status });
  }
  view(): MigrationView {
    return migrationState(this.records);
  }
}

export { SHOP_ID, planOf };
