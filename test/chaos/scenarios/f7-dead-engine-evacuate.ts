import { runEvacuateUnderFault } from '../fenced-fixture.js';
import type { Scenario } from '../scenario.js';

// F7: evacuating h1, whose engine is dead while its containers run on (live-restore): the engine killed
// before the evacuation (`evacuate --fenced`), or at a seeded record of a live evacuation's journal (then
// the rest `--fenced`); the engine started again at the end. Restart policies seeded per container.

const POLICIES = ['no', 'always', 'unless-stopped', 'on-failure'];

export const f7: Scenario = {
  id: 'F7',
  title: 'evacuating a host whose engine is dead but whose containers still run (live-restore)',
  async run(ctx) {
    const host = ctx.fleet.hosts.find((h) => h.liveRestore)?.name ?? 'h1';
    const n = 2 + Math.floor(ctx.random() * 2);
    const policies = Array.from({ length: n }, () => POLICIES[Math.floor(ctx.random() * POLICIES.length)]!);
    // A live evacuation journals mig.start, per move an intent and an outcome for each of its six steps and
    // move.end, then mig.end: the kill lands at any of them.
    const kill = ctx.random() < 0.5 ? 'before' : 1 + Math.floor(ctx.random() * (2 + 13 * n));
    const downMs = Math.round(ctx.random() * 2000);
    const violations = await runEvacuateUnderFault(ctx, { prefix: 'cz07-', line: 'chaos7', range: '10.88.79.0/28', host, policies, kill, downMs });
    return { violations, chose: `${host}: ${policies.join('/')}; engine killed ${kill === 'before' ? 'before evacuate --fenced' : `at journal record ${kill} of a live evacuate`}, down ${downMs} ms more` };
  },
};
