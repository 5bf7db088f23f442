import { runPlanUnderFault } from '../plan-fixture.js';
import type { Scenario } from '../scenario.js';
import { engineFault, sleep } from '../truth.js';

// F3: an engine hung (SIGSTOP of its dockerd) at a seeded moment of a plan and thawed a few seconds later:
// nothing is lost, each action happens once, and the resumed run restores exactly.

export const f3: Scenario = {
  id: 'F3',
  title: 'an engine SIGSTOPped mid-plan and thawed',
  async run(ctx) {
    const host = ctx.fleet.hosts[Math.floor(ctx.random() * ctx.fleet.hosts.length)]!.name;
    const delay = Math.round(ctx.random() * 4000);
    const frozen = 1000 + Math.round(ctx.random() * 5000);
    const violations = await runPlanUnderFault(ctx, 'cz3-', 'chaos3', {
      beside: async () => {
        await sleep(delay);
        await engineFault('freeze', host, ctx.log);
        try {
          await sleep(frozen);
        } finally {
          await engineFault('thaw', host, ctx.log);
        }
      },
    });
    return { violations, chose: `freeze ${host} after ${delay} ms for ${frozen} ms` };
  },
};
