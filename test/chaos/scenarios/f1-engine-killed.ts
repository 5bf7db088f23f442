import { planContainers, runPlanUnderFault } from '../plan-fixture.js';
import type { Scenario } from '../scenario.js';
import { engineFault, sleep } from '../truth.js';

// F1: an engine SIGKILLed at a seeded moment of a plan (h1 has live-restore, h2 and h3 not: fleet.json), then
// started again and the plan resumed. On an engine without live-restore its containers die with it: those
// are exempt from "each action once", the guard and the exact restore (the engine downed them, not dockpit),
// never from "no container lost".

const PREFIX = 'cz1-';

export const f1: Scenario = {
  id: 'F1',
  title: 'an engine SIGKILLed mid-plan (live-restore on and off), started again, plan resumed',
  async run(ctx) {
    const host = ctx.fleet.hosts[Math.floor(ctx.random() * ctx.fleet.hosts.length)]!;
    const delay = Math.round(ctx.random() * 4000);
    const down = 500 + Math.round(ctx.random() * 2500);
    const exempt = new Set(host.liveRestore ? [] : planContainers(PREFIX).filter((c) => c.host === host.name).map((c) => `${c.host}/${c.name}`));
    const violations = await runPlanUnderFault(ctx, PREFIX, 'chaos1', {
      exempt,
      beside: async () => {
        await sleep(delay);
        await engineFault('stop-engine', host.name, ctx.log);
        try {
          await sleep(down);
        } finally {
          await engineFault('start-engine', host.name, ctx.log);
        }
      },
    });
    return { violations, chose: `stop-engine ${host.name} (live-restore ${host.liveRestore ? 'on' : 'off'}) after ${delay} ms, down ${down} ms` };
  },
};
