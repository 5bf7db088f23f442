import type { Key } from 'ink';
import { useContext } from 'react';
import type { CockpitActions, PlanActions } from '../app/ports.js';
import { feasibleActions } from '../plans/plan.js';
import type { PlanPreview } from '../plans/types.js';
import { isPlanRunning } from '../store/own-runs.js';
import { ASKING, whenFree } from './held-by.js';
import { confirmKey, openConfirm, type ConfirmKey, type PlanConfirm } from './plan-confirm.js';
import { entry, type NavEntry } from './routes.js';
import { StoreContext } from './store-context.js';
import { useSyncState } from './use-sync-state.js';

// Issue 5 in the cockpit: `a` on a plan's preview and `R` open a typed-name confirmation (while open, every
// key is text); Enter starts the run, whose progress is store data (runs.plan, issue 14); `c` cancels it.

/** What every confirming flow (plans, moves) takes from the shell. */
export interface FlowShellDeps {
  /** Who holds which containers (issue 11): asked before the typed confirmation. */
  heldBy: CockpitActions['heldBy'];
  getStack: () => NavEntry[];
  setStack: (fn: (s: NavEntry[]) => NavEntry[]) => void;
  setFlash: (text: string | null) => void;
}

export interface PlanFlowDeps extends FlowShellDeps {
  plans: PlanActions | undefined;
}

const BUSY = 'a run is still in progress: wait for its end or cancel it (c)';

/** Why the plan cannot be applied now (the guards on the fleet as it is now), or null. */
function refusalOf(plans: PlanActions, name: string): { refusal: string; preview: null } | { refusal: null; preview: PlanPreview } {
  try {
    const preview = plans.preview(name);
    return preview.refusal ? { refusal: preview.refusal, preview: null } : { refusal: null, preview };
  } catch (err) {
    return { refusal: (err as Error).message, preview: null };
  }
}

export function usePlanFlow({ plans, heldBy, getStack, setStack, setFlash }: PlanFlowDeps) {
  const store = useContext(StoreContext)!;
  const [getConfirm, setConfirm] = useSyncState<PlanConfirm | null>(null);
  const running = () => isPlanRunning(store.getState().runs.plan);
  const top = () => getStack()[getStack().length - 1]!;

  /** Starts the confirmed apply or restore and shows its progress. */
  function start(c: PlanConfirm): void {
    const work = c.purpose === 'apply' ? plans?.apply?.(c.plan) : plans?.restore?.(c.runId!);
    if (!work) return;
    // A run that never started says why on its progress screen (the service puts it in the store), and here:
    // the service also refuses a second run before any store event.
    work.catch((err: unknown) => setFlash(`${c.purpose} of ${c.plan}: ${(err as Error).message}`));
    setConfirm(null);
    setStack((s) => (s[s.length - 1]!.route.kind === 'planRun' ? [...s] : [...s, entry({ kind: 'planRun' })]));
  }

  return {
    getConfirm,

    /** `a` on a plan's preview: refused now if its guards refuse or another run holds a container. */
    askApply(): void {
      const route = top().route;
      if (route.kind !== 'plan' || !plans?.apply) return;
      const name = route.name;
      const { refusal, preview } = refusalOf(plans, name);
      if (refusal !== null) return setFlash(`refused: ${refusal} (cannot be applied)`);
      if (running()) return setFlash(BUSY);
      // Issue 11: a container another run holds refuses now, naming the holder, before the name is asked.
      const stillHere = () => {
        const now = top().route;
        return now.kind === 'plan' && now.name === name && !getConfirm();
      };
      whenFree(heldBy, feasibleActions(preview).map((a) => ({ id: a.id, label: `${a.host}/${a.name}` })), {
        free: () => {
          if (!stillHere()) return;
          setFlash(null);
          setConfirm(openConfirm('apply', name));
        },
        refuse: (why) => stillHere() && setFlash(`refused: ${why} (nothing done)`),
        waiting: () => stillHere() && setFlash(ASKING),
      });
    },

    /** `R`: the newest run on this jump host, behind its own typed-name confirmation. */
    askRestore(): void {
      const route = top().route;
      if (route.kind !== 'plans' && route.kind !== 'planRun') return;
      if (!plans?.restore) return setFlash('restore is not available here');
      if (running()) return setFlash(BUSY);
      plans.lastRun().then(
        (last) => (last ? setConfirm(openConfirm('restore', last.plan, last.runId)) : setFlash('no run to restore on this jump host')),
        (err: unknown) => setFlash(`error: ${(err as Error).message}`),
      );
    },

    /** Keys while the confirmation line is open: typed text, never commands. */
    confirmKey(input: string, key: Key): void {
      const c = getConfirm();
      if (!c) return;
      if (key.escape) {
        setConfirm(null);
        return setFlash(`${c.purpose} of ${c.plan} cancelled: nothing done`);
      }
      let k: ConfirmKey | null = null;
      if (key.return) k = { kind: 'submit' };
      else if (key.backspace || key.delete) k = { kind: 'backspace' };
      else if (input && !key.ctrl && !key.meta && !key.tab) k = { kind: 'char', text: input };
      if (!k) return;
      const { state: next, confirmed } = confirmKey(c, k);
      if (!confirmed) return setConfirm(next);
      if (running()) return setConfirm({ ...next, message: BUSY });
      if (next.purpose === 'apply') {
        // The fleet may have changed since the line opened: a guard that refuses now still refuses.
        const { refusal } = refusalOf(plans!, next.plan);
        if (refusal !== null) return setConfirm({ ...next, message: `refused: ${refusal} (nothing done)` });
      }
      start(next);
    },

    /** `c` on the progress screen: what has not started is skipped. */
    cancel(): void {
      if (top().route.kind !== 'planRun' || !store.getState().runs.plan?.cancellable) return;
      if (plans?.cancel?.()) setFlash('cancelling: the actions not started yet are skipped');
    },
  };
}

export type PlanFlow = ReturnType<typeof usePlanFlow>;
