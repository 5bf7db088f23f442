import { momentPool, pick } from '../../support/chaos.js';
import { runPlanUnderFault } from '../plan-fixture.js';
import type { Scenario } from '../scenario.js';

// F4: dockpit SIGKILLed at a seeded moment of a plan, between two journal records or while an engine call is
// in flight (src/engine/fault-point.ts), then resumed twice: each stop/pause/update exactly once in the
// engines' events, the second resume makes no call, the restore is exact.

// run.start, an intent and an outcome per action (4), run.end; four mutating calls.
const POOL = momentPool(2 + 2 * 4, 4, [0, 150, 1000]);

export const f4: Scenario = {
  id: 'F4',
  title: 'dockpit SIGKILLed mid-plan (between records, during calls), resumed twice',
  async run(ctx) {
    const during = ctx.random() < 0.5;
    const [moment] = pick(during ? POOL.during : POOL.between, 1, ctx.random);
    const violations = await runPlanUnderFault(ctx, 'cz4-', 'chaos4', { dockpitFault: moment! });
    return { violations, chose: moment! };
  },
};
