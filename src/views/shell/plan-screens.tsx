import { clampCursor } from '../table-layout.js';
import { PlanPreviewScreen } from '../PlanPreviewScreen.js';
import { PlanProgressScreen } from '../PlanProgressScreen.js';
import { PlansScreen } from '../PlansScreen.js';
import { entry } from '../routes.js';
import type { ScreenDef } from './screen-def.js';

// Issue 5: the plans, one plan's live preview (a applies it), and the progress of the run this cockpit started.

export const plansDef: ScreenDef<'plans'> = {
  title: () => 'degradation plans',
  Body: ({ top, height, width, onLines, shell }) =>
    shell.actions.plans ? <PlansScreen plans={shell.actions.plans} cursor={top.cursor} height={height} width={width} onLines={onLines} canRestore={shell.can('restorePlan')} /> : null,
  keys: {
    open: (shell) => {
      const list = shell.actions.plans?.list() ?? [];
      const plan = list[clampCursor(shell.top().cursor, list.length)];
      if (plan) shell.setStack((s) => [...s, entry({ kind: 'plan', name: plan.name })]);
    },
    restorePlan: (shell) => shell.plan.askRestore(),
  },
};

export const planDef: ScreenDef<'plan'> = {
  title: (r) => `plan ${r.name}`,
  Body: ({ route, top, height, width, onLines, shell }) =>
    shell.actions.plans ? <PlanPreviewScreen plans={shell.actions.plans} name={route.name} scroll={top.cursor} height={height} width={width} onLines={onLines} canApply={shell.can('applyPlan')} /> : null,
  keys: { applyPlan: (shell) => shell.plan.askApply() },
};

export const planRunDef: ScreenDef<'planRun'> = {
  title: () => 'plan run',
  Body: ({ top, height, width, onLines, shell }) => <PlanProgressScreen scroll={top.cursor} height={height} width={width} onLines={onLines} canCancel={shell.can('cancelRun')} canRestore={shell.can('restorePlan')} />,
  keys: {
    cancelRun: (shell) => shell.plan.cancel(),
    restorePlan: (shell) => shell.plan.askRestore(),
  },
};
