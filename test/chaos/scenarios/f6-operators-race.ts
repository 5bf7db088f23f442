import { dryRunChangedNothing } from '../invariants.js';
import { secretOf } from '../plan-fixture.js';
import { afterRuns, dockpitRun, Outputs, runConfig } from '../run-fixture.js';
import type { Scenario } from '../scenario.js';
import { events, now, removeAll, seen, sleep } from '../truth.js';

// F6: two operators (two dockpit processes on one state) race for the same names and addresses: both run
// the same name at seeded offsets, and each a name of its own at once, on a line of few addresses. After
// the race: at most one running instance per name, no address twice, every container made in the audit log.

const P = 'cz6-';
const LINE = 'chaos6';

export const f6: Scenario = {
  id: 'F6',
  title: 'two operators racing for the same containers and addresses',
  async run(ctx) {
    const hosts = ctx.fleet.hosts.map((h) => h.name);
    const { config, stateDir } = runConfig(ctx, LINE, '10.88.76.0/28');
    const secret = secretOf(ctx.seed);
    const out = new Outputs();
    await removeAll(hosts, P);

    const d0 = now();
    const before = await seen(hosts, P);
    out.keep('run --dry-run', await dockpitRun(ctx, config, LINE, `${P}dry`, secret, ['--dry-run']));
    const dry = dryRunChangedNothing(before, await seen(hosts, P), await events(hosts, P, d0, now() + 0.05));

    const offsets = [0, 1, 2, 3].map(() => Math.round(ctx.random() * 600));
    const t0 = now();
    const runs = [
      [`${P}same`, offsets[0]!],
      [`${P}same`, offsets[1]!],
      [`${P}a`, offsets[2]!],
      [`${P}b`, offsets[3]!],
    ] as const;
    await Promise.all(
      runs.map(async ([name, delay], i) => {
        await sleep(delay);
        const r = out.keep(`operator ${i % 2 === 0 ? 'A' : 'B'} run ${name}`, await dockpitRun(ctx, config, LINE, name, secret));
        ctx.log(`run ${name} after ${delay} ms: exit ${r.code ?? r.signal} ${r.code === 0 ? '' : r.stderr.trim().split('\n')[0]}`);
      }),
    );
    const violations = [...dry, ...(await afterRuns(ctx, P, stateDir, t0, out, secret))];
    await removeAll(hosts, P);
    return { violations, chose: `starts at ${offsets.join('/')} ms (same, same, a, b)` };
  },
};
