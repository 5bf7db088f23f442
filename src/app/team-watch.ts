import type { DomainEventSink, TeamRun } from '../engine/types.js';
import { migrationJournal, migrationState, type MigrationRecord } from '../migrate/journal.js';
import { planJournal, runState, type JournalRecord } from '../plans/journal.js';
import { operatorLabel } from '../state/operator.js';
import { deadHere } from '../state/owner-alive.js';
import { sameTeamRun } from '../store/team.js';
import type { JournalEntry, JournalName, LockTarget, Operator, StateStore } from '../state/types.js';
import type { HeldContainer } from './ports.js';
import { livenessOf } from './run-claims.js';

// Issue 11, item 4: team awareness. Several operators, on several jump hosts, share one state: the cockpit
// shows their plan runs and migrations as they go, from the journals every run writes. On start it reads
// the newest runs of both journals; then each change the state reports re-reads that run's journal (at
// most every DEBOUNCE_MS per run) and tells the store what the run looks like now, through the same
// coalescer as everything else. A run that ended is shown for KEEP_ENDED_MS, then dropped.

/** A run's journal is re-read at most this often while it changes. */
const DEBOUNCE_MS = 200;
/** The newest runs of each journal read at start and at each rescan: older ones ended long ago. */
const RECENT = 20;
/** How long an ended run stays in the store (and in the status line). */
export const KEEP_ENDED_MS = 60_000;
/** A rescan covers what a watch may miss (a journal folder made later, a watch that failed). */
const RESCAN_MS = 30_000;
/** A lock change is followed by a rescan after this (run start, run end, a lost lease). */
const LOCKS_SETTLE_MS = 300;
/** How often the holders of locks are read, when not told (the fleet's probe interval): a killed run's owner leaves no change to watch. */
const LIVENESS_MS = 2_000;

export interface TeamContext {
  /** Whether this process started the run. */
  own: boolean;
  /** Run ids holding locks now; null when the locks could not be read (nothing is then called interrupted). */
  live: ReadonlySet<string> | null;
  now: number;
}

const ENDED_ACTION: ReadonlySet<string> = new Set(['done', 'failed', 'skipped', 'refused']);
const ENDED_MOVE: ReadonlySet<string> = new Set(['done', 'rolled-back', 'failed', 'skipped']);

/** Whoever started the run, or resumed it last. */
function lastOperator(records: readonly JournalEntry[]): Operator | null {
  let who: Operator | null = null;
  for (const r of records) if ('operator' in r) who = (r as { operator: Operator }).operator;
  return who;
}

/** What both journals' views have in common. */
interface ViewOf {
  runId: string;
  status: TeamRun['status'];
  started: string | null;
  ended: string | null;
}

/** The run from its view and records; running with no live holder of its locks: interrupted. */
function teamRunOf(kind: TeamRun['kind'], v: ViewOf, facts: Pick<TeamRun, 'title' | 'done' | 'total'>, records: readonly JournalEntry[], ctx: TeamContext): TeamRun {
  const who = lastOperator(records);
  const run: TeamRun = { kind, runId: v.runId, ...facts, operator: who ? operatorLabel(who) : '?', status: v.status, started: v.started, ended: v.ended, own: ctx.own };
  // The same rule as `runs` and `status` (run-claims.ts): a start record alone has a short grace.
  if (run.status !== 'running' || ctx.live === null || livenessOf(records, ctx.live, ctx.now) === 'running') return run;
  return { ...run, status: 'interrupted', ended: records[records.length - 1]?.at ?? run.started };
}

/** A plan run as the team sees it, from its journal alone (null: no start record yet). Pure. */
export function planTeamRun(records: readonly JournalRecord[], ctx: TeamContext): TeamRun | null {
  const v = runState(records);
  if (v.plan === null) return null;
  const done = v.actions.filter((a) => ENDED_ACTION.has(a.state)).length;
  return teamRunOf('plan', v, { title: `plan ${v.plan}`, done, total: v.actions.length }, records, ctx);
}

/** A migration or an evacuation as the team sees it, from its journal alone (null: no start record yet). Pure. */
export function migrationTeamRun(records: readonly MigrationRecord[], ctx: TeamContext): TeamRun | null {
  const v = migrationState(records);
  if (v.what === null) return null;
  const one = v.moves.length === 1 ? v.moves[0]!.plan : null;
  const title = v.what === 'evacuate' ? `evacuate ${v.host ?? '?'}` : one ? `migrate ${one.name} → ${one.to}` : `migrate ${v.moves.length} containers`;
  const done = v.moves.filter((m) => ENDED_MOVE.has(m.status)).length;
  return teamRunOf('migration', v, { title, done, total: v.moves.length }, records, ctx);
}

/** Until when an ended run is shown (epoch ms); Infinity while it runs. */
export function shownUntil(run: TeamRun, keepMs = KEEP_ENDED_MS): number {
  // Interrupted: shown until someone resumes or abandons it (issue 13), however long that takes.
  if (run.ended === null || run.status === 'interrupted') return Infinity;
  const ended = Date.parse(run.ended);
  return Number.isFinite(ended) ? ended + keepMs : -Infinity;
}

export interface TeamWatcherOptions {
  state: Pick<StateStore, 'journal' | 'watch' | 'locks'>;
  emit: DomainEventSink;
  /** Whether this process started the run (its plan runs and migrations). */
  isOwn?: (runId: string) => boolean;
  now?: () => number;
  debounceMs?: number;
  keepEndedMs?: number;
  rescanMs?: number;
  /** How often the locks' holders are read (a killed owner changes nothing else): the fleet's probe interval. */
  livenessMs?: number;
}

export interface TeamWatcher {
  /** Reads the newest runs of both journals, and who holds locks, now. */
  scan(): Promise<void>;
  stop(): void;
}

/** Which journal holds a kind of run. */
const JOURNAL_OF: Record<TeamRun['kind'], JournalName> = { plan: 'runs', migration: 'migrations' };

export function startTeamWatcher(opts: TeamWatcherOptions): TeamWatcher {
  const { state, emit } = opts;
  const now = opts.now ?? Date.now;
  const keepMs = opts.keepEndedMs ?? KEEP_ENDED_MS;
  const isOwn = opts.isOwn ?? (() => false);
  const plans = planJournal(state);
  const migrations = migrationJournal(state);
  const ctxOf = (runId: string): TeamContext => ({ own: isOwn(runId), live, now: now() });
  const journals: Record<JournalName, { runs(): Promise<string[]>; teamRun(runId: string): Promise<TeamRun | null> }> = {
    runs: { runs: () => plans.runs(), teamRun: async (id) => planTeamRun(await plans.read(id), ctxOf(id)) },
    migrations: { runs: () => migrations.runs(), teamRun: async (id) => migrationTeamRun(await migrations.read(id), ctxOf(id)) },
  };
  let stopped = false;
  let live: ReadonlySet<string> | null = null;
  /** What the store shows, by run id, with the timer that drops an ended run. */
  const shown = new Map<string, { run: TeamRun; drop: NodeJS.Timeout | null }>();
  const pending = new Map<string, NodeJS.Timeout>();
  const reading = new Map<string, Promise<void>>();
  const again = new Set<string>();
  /** Runs dropped once their time was up, with the end they had: a rescan does not bring them back. */
  const expired = new Map<string, string>();

  const forget = (runId: string) => {
    const s = shown.get(runId);
    if (!s) return;
    if (s.drop) clearTimeout(s.drop);
    shown.delete(runId);
    emit({ type: 'team.gone', runId });
  };

  const expire = (runId: string) => {
    const ended = shown.get(runId)?.run.ended;
    if (ended) expired.set(runId, ended);
    forget(runId);
  };

  const show = (runId: string, run: TeamRun | null) => {
    if (stopped) return;
    const until = run ? shownUntil(run, keepMs) : -Infinity;
    if (!run || until <= now() || (run.ended !== null && expired.get(runId) === run.ended)) return forget(runId);
    const prev = shown.get(runId);
    if (prev?.drop) clearTimeout(prev.drop);
    let drop: NodeJS.Timeout | null = null;
    if (until !== Infinity) {
      // Not beyond keepMs from now: another jump host's clock may be ahead of ours.
      drop = setTimeout(() => expire(runId), Math.min(until - now(), keepMs));
      drop.unref();
    }
    shown.set(runId, { run, drop });
    if (!prev || !sameTeamRun(prev.run, run)) emit({ type: 'team.run', run });
  };

  /**
   * Re-reads one run's journal (one read at a time per run: a change during a read makes one more read).
   * A read that fails leaves the run as shown: the next change or rescan reads it again. What the team
   * does is shown here for information only; nothing is decided from it.
   */
  const read = (name: JournalName, runId: string): Promise<void> => {
    const key = `${name}/${runId}`;
    const busy = reading.get(key);
    if (busy) {
      again.add(key);
      return busy;
    }
    const work = (async () => {
      do {
        again.delete(key);
        try {
          let run = await journals[name].teamRun(runId);
          // Interrupted by a live set read before the run took its locks? Read the holders again first.
          if (run?.status === 'interrupted') {
            await readLocks();
            run = await journals[name].teamRun(runId);
          }
          show(runId, run);
        } catch {
          // see above
        }
      } while (again.has(key) && !stopped);
    })().finally(() => reading.delete(key));
    reading.set(key, work);
    return work;
  };

  /** At most one read per DEBOUNCE_MS per run while its journal changes: progress advances, reads stay few. */
  const changed = (name: JournalName, runId: string) => {
    const key = `${name}/${runId}`;
    if (pending.has(key)) return;
    const t = setTimeout(() => {
      pending.delete(key);
      if (!stopped) void read(name, runId);
    }, opts.debounceMs ?? DEBOUNCE_MS);
    t.unref();
    pending.set(key, t);
  };

  const readLocks = async () => {
    try {
      live = new Set([...(await state.locks.holders()).values()].filter((o) => !deadHere(o)).map((o) => o.runId));
    } catch {
      live = null;
    }
  };

  /**
   * Issue 13, item 2: a killed dockpit's locks go stale with no change to watch (file: its pid is gone; etcd:
   * a lease expires quietly): the holders are read every probe interval, and the shown runs that are
   * running, or interrupted, are read again when the live set changed.
   */
  const sameSet = (a: ReadonlySet<string> | null, b: ReadonlySet<string> | null) => a === b || (a !== null && b !== null && a.size === b.size && [...a].every((x) => b.has(x)));
  const checkLiveness = async () => {
    const before = live;
    await readLocks();
    if (sameSet(before, live) || stopped) return;
    const open = [...shown.values()].filter((s) => s.run.status === 'running' || s.run.status === 'interrupted');
    await Promise.all(open.map((s) => read(JOURNAL_OF[s.run.kind], s.run.runId)));
  };

  let scanning: Promise<void> | null = null;
  const scan = (): Promise<void> => {
    scanning ??= (async () => {
      await readLocks();
      for (const name of Object.keys(journals) as JournalName[]) {
        let ids: string[];
        try {
          ids = (await journals[name].runs()).slice(-RECENT);
        } catch {
          continue;
        }
        // Also those shown but no longer among the newest (pruned, or many runs since): read, or dropped.
        const known = [...shown.values()].filter((s) => JOURNAL_OF[s.run.kind] === name).map((s) => s.run.runId);
        await Promise.all([...new Set([...ids, ...known])].map((id) => read(name, id)));
      }
    })().finally(() => (scanning = null));
    return scanning;
  };

  let locksTimer: NodeJS.Timeout | null = null;
  const unwatch = state.watch((change) => {
    if (stopped) return;
    if (change.kind === 'journal') changed(change.journal, change.runId);
    else if (change.kind === 'locks' && !locksTimer) {
      // A run started or ended, or a holder's lease expired (its run is then interrupted): look again.
      locksTimer = setTimeout(() => {
        locksTimer = null;
        if (!stopped) void scan();
      }, LOCKS_SETTLE_MS);
      locksTimer.unref();
    }
  });
  void scan();
  const timer = setInterval(() => void scan(), opts.rescanMs ?? RESCAN_MS);
  timer.unref();
  const livenessTimer = setInterval(() => void checkLiveness(), opts.livenessMs ?? LIVENESS_MS);
  livenessTimer.unref();

  return {
    scan,
    stop() {
      stopped = true;
      unwatch();
      clearInterval(timer);
      clearInterval(livenessTimer);
      if (locksTimer) clearTimeout(locksTimer);
      for (const t of pending.values()) clearTimeout(t);
      pending.clear();
      for (const s of shown.values()) if (s.drop) clearTimeout(s.drop);
      shown.clear();
    },
  };
}

/** The cockpit's `heldBy` action: which of `targets` another run holds now, and who holds it. */
export function lockHolders(state: Pick<StateStore, 'locks'>): (targets: readonly LockTarget[]) => Promise<HeldContainer[]> {
  return async (targets) => {
    const holders = await state.locks.holders();
    return targets.flatMap((t) => {
      const owner = holders.get(t.id);
      return owner ? [{ ...t, owner }] : [];
    });
  };
}
