import type { Key } from 'ink';
import { useContext } from 'react';
import type { EvacuationPlan } from '../migrate/evacuate-plan.js';
import type { PreflightResult } from '../migrate/preflight.js';
import type { MigrateActions, MoveTargets } from '../app/ports.js';
import { ASKING, whenFree } from './held-by.js';
import { moveConfirmKey, openMoveConfirm, type MoveConfirm, type MoveSubject } from './move-confirm.js';
import { canConfirm, canConfirmEvacuation, refusalNote } from './move-lines.js';
import { isMoveRunning, moveCounts, type MoveRun } from '../store/own-runs.js';
import { StoreContext } from './store-context.js';
import type { ConfirmKey } from './plan-confirm.js';
import { entry, type Route } from './routes.js';
import { clampCursor } from './table-layout.js';
import type { FlowShellDeps } from './use-plan-flow.js';
import { useSyncState } from './use-sync-state.js';

// Issue 6 in the cockpit: `m` (target picker → preview → typed confirmation → progress) and `E` (evacuation
// preview → typed confirmation → progress). The data each screen shows is loaded here, keyed by its route,
// so key handlers read what is on screen synchronously; the screens only draw it. The run itself is store
// data (runs.move, issue 14): the service reports it, the progress screen selects it.

/** What an asynchronous screen shows: for which route (`key`), the data once read, or the error. */
export interface Loaded<T> {
  key: string;
  data: T | null;
  error: string | null;
}

type MoveRoute = Extract<Route, { kind: 'moveTargets' | 'movePreview' | 'evacuate' }>;
const FLOW_KINDS: ReadonlySet<Route['kind']> = new Set(['moveTargets', 'movePreview', 'evacuate']);
const routeKey = (r: Route) => JSON.stringify(r);

export interface MoveFlowDeps extends FlowShellDeps {
  migrate: MigrateActions | undefined;
  /** The host's state as the store has it now ("up", "down" …), for the evacuation's confirmation. */
  hostState: (host: string) => string;
}

/** Said at the bottom of every other screen while a run goes on out of sight. */
export function moveBackgroundNote(run: MoveRun | null, onProgressScreen: boolean): string {
  if (!run || !isMoveRunning(run) || onProgressScreen) return '';
  const { ended, total } = moveCounts(run);
  return `▸ ${run.what} ${run.subject} running${total ? `: ${ended}/${total} ended` : ''} · M shows it`;
}

function endNote(run: MoveRun): string {
  if (run.refused !== null) return `${run.what} ${run.subject} refused: ${run.refused} (nothing changed)`;
  if (run.error !== null) return `${run.what} ${run.subject}: ${run.error}`;
  const { done, total } = moveCounts(run);
  return `${run.what} ${run.subject} ${run.view?.status ?? 'ended'}: ${done}/${total} moved (M shows it)`;
}

export function useMoveFlow({ migrate, heldBy, getStack, setStack, setFlash, hostState }: MoveFlowDeps) {
  const [getTargets, setTargets] = useSyncState<Loaded<MoveTargets> | null>(null);
  const [getPreview, setPreview] = useSyncState<Loaded<PreflightResult> | null>(null);
  const [getEvacuation, setEvacuation] = useSyncState<Loaded<EvacuationPlan> | null>(null);
  const [getConfirm, setConfirm] = useSyncState<MoveConfirm | null>(null);
  const store = useContext(StoreContext)!;
  const getRun = () => store.getState().runs.move;
  const top = () => getStack()[getStack().length - 1]!;

  /** Reads what a flow route shows; a late answer for a route no longer shown is dropped. */
  function load<T>(route: MoveRoute, set: (fn: (p: Loaded<T> | null) => Loaded<T> | null) => void, work: () => Promise<T>): void {
    const key = routeKey(route);
    set(() => ({ key, data: null, error: null }));
    work().then(
      (data) => set((p) => (p?.key === key ? { key, data, error: null } : p)),
      (err: unknown) => set((p) => (p?.key === key ? { key, data: null, error: (err as Error).message } : p)),
    );
  }

  function loadRoute(route: MoveRoute): void {
    if (!migrate) return;
    if (route.kind === 'moveTargets') load(route, setTargets, () => migrate.targets(route.host, route.name));
    else if (route.kind === 'movePreview') load(route, setPreview, () => migrate.preview(route.host, route.name, route.to, { leaveData: route.leaveData, fenced: false }));
    else load(route, setEvacuation, () => migrate.evacuationPreview(route.host, { leaveData: route.leaveData, fenced: false }));
  }

  function push(route: MoveRoute): void {
    setStack((s) => [...s, entry(route)]);
    loadRoute(route);
  }

  /** One migration at a time from this cockpit: the progress screen follows one run. */
  function busy(): boolean {
    if (!isMoveRunning(getRun())) return false;
    setFlash('a migration is running: M shows it; wait for its end or cancel it (c there)');
    return true;
  }

  /** What the screen at the top shows, if it is this route's. */
  const shown = <T,>(l: Loaded<T> | null, route: Route): T | null => (l?.key === routeKey(route) ? l.data : null);

  function startRun(c: MoveConfirm): void {
    if (!migrate) return;
    const s = c.subject;
    const work = s.kind === 'migrate' ? migrate.migrate(s.plan.from, s.plan.name, s.plan.to, c.choices) : migrate.evacuate(s.plan, c.choices);
    work.then(
      // Ended out of sight: say so where the operator is, so nobody wonders whether it still runs.
      (run) => top().route.kind !== 'moveRun' && setFlash(endNote(run)),
      (err: unknown) => setFlash(`${s.kind}: ${(err as Error).message}`),
    );
    setConfirm(null);
    // The picker and previews are of a fleet that is about to change: Esc from the progress goes back past them.
    setStack((st) => {
      let i = st.length;
      while (i > 1 && (FLOW_KINDS.has(st[i - 1]!.route.kind) || st[i - 1]!.route.kind === 'moveRun')) i--;
      return [...st.slice(0, i), entry({ kind: 'moveRun' })];
    });
  }

  return {
    /** The loaded data of a flow screen, when it belongs to this route (else none: it is still loading). */
    loadedFor<T>(l: Loaded<T> | null, route: Route): Loaded<T> | null {
      return l?.key === routeKey(route) ? l : null;
    },
    getTargets,
    getPreview,
    getEvacuation,
    getConfirm,
    running: () => isMoveRunning(getRun()),

    /** `m` on a container. */
    openTargets(host: string, id: string, name: string): void {
      if (!migrate || busy()) return;
      push({ kind: 'moveTargets', host, id, name });
    },

    /** `E` on a host. */
    openEvacuation(host: string): void {
      if (!migrate || busy()) return;
      push({ kind: 'evacuate', host, leaveData: false });
    },

    /** Enter on a flow screen: the picker opens the preview; a preview opens the confirmation. */
    open(): void {
      const route = top().route;
      if (route.kind === 'moveTargets') {
        const data = shown(getTargets(), route);
        const list = data?.targets ?? [];
        const t = list[clampCursor(top().cursor, list.length)];
        if (t) push({ kind: 'movePreview', host: route.host, id: route.id, name: route.name, to: t.host, leaveData: false });
        return;
      }
      if (busy()) return;
      let subject: MoveSubject;
      if (route.kind === 'movePreview') {
        const r = shown(getPreview(), route);
        if (!r) return setFlash('the preview is not ready yet');
        if (!r.ok) return setFlash(`cannot move: ${r.blocker.message}`);
        if (!canConfirm(r.plan)) return setFlash(refusalNote(r.plan.blockers));
        subject = { kind: 'migrate', plan: r.plan };
      } else if (route.kind === 'evacuate') {
        const plan = shown(getEvacuation(), route);
        if (!plan) return setFlash('the preview is not ready yet');
        if (!canConfirmEvacuation(plan)) {
          if (plan.moves.length === 0 && plan.unplaced.length === 0) return setFlash('nothing to evacuate');
          return setFlash(plan.unplaced.length > 0 ? 'blocked: see the red lines (nothing done)' : refusalNote(plan.moves.flatMap((m) => m.blockers)));
        }
        subject = { kind: 'evacuate', plan, sourceState: hostState(plan.host) };
      } else return;
      // Issue 11: a container another run holds refuses now, naming the holder, before a name is asked.
      const moves = subject.kind === 'migrate' ? [subject.plan] : subject.plan.moves;
      const key = routeKey(route);
      const stillHere = () => routeKey(top().route) === key && !getConfirm() && !isMoveRunning(getRun());
      whenFree(heldBy, moves.map((m) => ({ id: m.sourceId, label: `${m.from}/${m.name}` })), {
        free: () => {
          if (!stillHere()) return;
          setFlash(null);
          setConfirm(openMoveConfirm(subject, route.leaveData));
        },
        refuse: (why) => stillHere() && setFlash(`refused: ${why} (nothing done)`),
        waiting: () => stillHere() && setFlash(ASKING),
      });
    },

    /** `L` on a preview: leave volumes and bind mounts behind, or not; the preview is read again. */
    toggleLeaveData(): void {
      const route = top().route;
      if (route.kind !== 'movePreview' && route.kind !== 'evacuate') return;
      const next = { ...route, leaveData: !route.leaveData };
      setStack((s) => [...s.slice(0, -1), { ...s[s.length - 1]!, route: next }]);
      loadRoute(next);
    },

    /** Keys while the confirmation is open: typed text, never commands. */
    confirmKey(input: string, key: Key): void {
      const c = getConfirm();
      if (!c) return;
      if (key.escape) {
        setConfirm(null);
        return setFlash(`${c.subject.kind} cancelled: nothing done`);
      }
      let k: ConfirmKey | null = null;
      if (key.return) k = { kind: 'submit' };
      else if (key.backspace || key.delete) k = { kind: 'backspace' };
      else if (input && !key.ctrl && !key.meta && !key.tab) k = { kind: 'char', text: input };
      if (!k) return;
      const { state, confirmed } = moveConfirmKey(c, k);
      if (!confirmed) return setConfirm(state);
      if (isMoveRunning(getRun())) return setConfirm({ ...state, message: 'a migration is running: wait for its end (M shows it)' });
      startRun(state);
    },

    /** `c` on the progress screen. */
    cancel(): boolean {
      const run = getRun();
      if (top().route.kind !== 'moveRun' || !migrate || !isMoveRunning(run)) return false;
      // Cancelling skips moves not begun; a single move has begun, and only ends done or rolled back.
      if (run!.what !== 'evacuate') {
        setFlash('one move cannot be cancelled once begun: it ends done or rolled back');
        return false;
      }
      if (!migrate.cancel()) return false;
      setFlash('cancelling: moves not begun are skipped; those under way finish or roll back');
      return true;
    },

    /** `M`: the progress of the running (or last) migration. */
    showRun(): void {
      if (top().route.kind === 'moveRun') return;
      if (!getRun()) return setFlash('no migration yet: m on a container, E on a host');
      setStack((s) => [...s, entry({ kind: 'moveRun' })]);
    },
  };
}

export type MoveFlow = ReturnType<typeof useMoveFlow>;
