import { docker } from '../../support/fleet.js';
import { secretOf } from '../plan-fixture.js';
import { afterRuns, dockpitRun, Outputs, runConfig } from '../run-fixture.js';
import type { Scenario } from '../scenario.js';
import { cli, now, removeAll } from '../truth.js';

// F11: a container started by hand (`docker run --ip`) on a pool address on a seeded host, then `dockpit run`
// asks for addresses on that line: dockpit must never take the hand container's address (no address twice),
// whichever host it places on.

const P = 'cz11-';
const LINE = 'chaos11';
// A /29: six addresses (.1-.6), so that the hand one is often the next dockpit would take.
const RANGE = '10.88.77.0/29';

export const f11: Scenario = {
  id: 'F11',
  title: 'a container started by hand on a pool address, then dockpit run asks for addresses',
  async run(ctx) {
    const hosts = ctx.fleet.hosts.map((h) => h.name);
    const { config, stateDir } = runConfig(ctx, LINE, RANGE);
    const secret = secretOf(ctx.seed);
    const out = new Outputs();
    await removeAll(hosts, P);
    const host = hosts[Math.floor(ctx.random() * hosts.length)]!;
    const ip = `10.88.77.${1 + Math.floor(ctx.random() * 3)}`;
    const asks = 2 + Math.floor(ctx.random() * 3);
    const t0 = now();
    // The pool's network on every host first (as an operator's first `run` would make it), then the hand container.
    out.keep('network ensure', await cli(['network', 'ensure', '--config', config]));
    await docker(host, 'run', '-d', '--stop-timeout', '1', '--name', `${P}hand`, '--network', 'biz', '--ip', ip, ctx.fleet.image, 'sleep', '86400');
    const refused: string[] = [];
    for (let i = 0; i < asks; i++) {
      const r = out.keep(`run ${P}n${i}`, await dockpitRun(ctx, config, LINE, `${P}n${i}`, secret));
      ctx.log(`run ${P}n${i}: exit ${r.code ?? r.signal} ${r.code === 0 ? (JSON.parse(r.stdout) as { host: string; ip: string }).ip : r.stderr.trim().split('\n')[0]}`);
      // Free addresses remain for every ask (six, one taken by hand): a refusal is a defect too.
      if (r.code !== 0) refused.push(`run ${P}n${i}: exit ${r.code ?? r.signal}: ${r.stderr.trim().split('\n')[0]}`);
    }
    const violations = [...refused.map((text) => ({ invariant: 'run placed', text })), ...(await afterRuns(ctx, P, stateDir, t0, out, secret))];
    await removeAll(hosts, P);
    return { violations, chose: `hand container on ${host} at ${ip}, then ${asks} runs` };
  },
};
