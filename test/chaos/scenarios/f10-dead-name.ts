import { docker } from '../../support/fleet.js';
import type { Violation } from '../invariants.js';
import { makeDead, removeDead } from '../machine-faults.js';
import { secretOf } from '../plan-fixture.js';
import { afterRuns, dockpitRun, Outputs, runConfig } from '../run-fixture.js';
import type { Scenario } from '../scenario.js';
import { leftBehind } from '../state-leftovers.js';
import { cli, now, removeAll } from '../truth.js';

// F10: Dead containers holding names (made at will: machine-faults.ts makeDead). On a seeded host D, a Dead
// `cz10-x`, and a Dead `cz10-m` while a running `cz10-m` lives on another host A. Then, in a seeded order:
// `dockpit run --name cz10-x` (placed elsewhere, or refused in one clear line with nothing left behind; never
// a second instance), `dockpit ps` (lists the Dead one as the engine's list does, does not fail), `dockpit
// migrate cz10-m --from A --to D` (the name is held there: refused, naming the Dead container, the running
// one untouched; without --from the name is on two hosts and dockpit asks which, also fine but not the test).

const P = 'cz10-';
const LINE = 'chaos10';
const IP = '10.88.79.5';

export const f10: Scenario = {
  id: 'F10',
  title: 'a Dead container holding a name: run, ps and a migration meet it',
  async run(ctx) {
    const hosts = ctx.fleet.hosts.map((h) => h.name);
    const { config, stateDir } = runConfig(ctx, LINE, '10.88.79.0/29');
    const secret = secretOf(ctx.seed);
    const out = new Outputs();
    const d = hosts[Math.floor(ctx.random() * hosts.length)]!;
    const others = hosts.filter((h) => h !== d);
    const a = others[Math.floor(ctx.random() * others.length)]!;
    const ops = ['run', 'ps', 'migrate'];
    for (let i = ops.length - 1; i > 0; i--) {
      const j = Math.floor(ctx.random() * (i + 1));
      [ops[i], ops[j]] = [ops[j]!, ops[i]!];
    }
    const labels = ['--label', `dockpit.bizline=${LINE}`, '--label', 'dockpit.tier=3'];
    const violations: Violation[] = [];
    const dead: Array<[string, string]> = [];
    await removeAll(hosts, P);
    try {
      dead.push([d, await makeDead(d, `${P}x`, ctx.fleet.image, labels)]);
      dead.push([d, await makeDead(d, `${P}m`, ctx.fleet.image, labels)]);
      const live = await docker(a, 'run', '-d', '--stop-timeout', '1', '--name', `${P}m`, ...labels, '-e', `DB_PASSWORD=${secret}`, '--network', 'biz', '--ip', IP, ctx.fleet.image, 'sleep', '86400');
      const t0 = now();
      for (const op of ops) {
        if (op === 'run') {
          const r = out.keep('run', await dockpitRun(ctx, config, LINE, `${P}x`, secret));
          const first = r.stderr.trim().split('\n')[0] ?? '';
          ctx.log(`run ${P}x: exit ${r.code ?? r.signal} ${r.code === 0 ? r.stdout.trim() : first}`);
          if (r.code === 0) {
            const placed = (JSON.parse(r.stdout) as { host: string }).host;
            if (placed === d) violations.push({ invariant: 'one per name', text: `run ${P}x reports success on ${d}, where a Dead ${P}x holds the name` });
          } else {
            if (first === '' || /^ {4}at /m.test(r.stderr)) violations.push({ invariant: 'clear error', text: `run ${P}x: exit ${r.code ?? r.signal} with stderr ${JSON.stringify(r.stderr.slice(0, 200))}` });
            violations.push(...leftBehind(stateDir, `${P}x`));
          }
        } else if (op === 'ps') {
          const r = out.keep('ps', await cli(['ps', '--json', '--config', config]));
          const mine = r.code === 0 ? (JSON.parse(r.stdout) as Array<{ host: string; name: string; state: string }>).filter((c) => c.name === `${P}x` && c.host === d) : [];
          ctx.log(`ps: exit ${r.code ?? r.signal}, ${d}/${P}x ${mine.map((c) => c.state).join(',') || 'not listed'}`);
          // The engine's own list says `removing` for it (inspect: `dead`): the removal stays flagged as under way.
          if (r.code !== 0 || mine.length !== 1 || !['dead', 'removing'].includes(mine[0]!.state))
            violations.push({ invariant: 'ps shows the fleet', text: `ps: exit ${r.code ?? r.signal}, the Dead ${d}/${P}x listed as ${JSON.stringify(mine.map((c) => c.state))}: ${r.stderr.trim().split('\n')[0] ?? ''}` });
        } else {
          const r = out.keep('migrate', await cli(['migrate', `${P}m`, '--from', a, '--to', d, '--yes', '--gate-seconds', '1', '--json', '--config', config]));
          const first = r.stderr.trim().split('\n')[0] ?? '';
          ctx.log(`migrate ${P}m --from ${a} --to ${d}: exit ${r.code ?? r.signal}: ${first}`);
          // The engine's list calls it `removing` (see ps above), and so does the refusal: either word names it.
          if (r.code === 0 || !/dead|removing/i.test(first) || !first.includes(d)) violations.push({ invariant: 'clear error', text: `migrate ${P}m --to ${d} (a Dead ${P}m there): exit ${r.code ?? r.signal}, stderr ${JSON.stringify(first)}` });
          const still = await docker(a, 'inspect', '-f', '{{.Id}} {{.State.Status}}', `${P}m`).catch(() => 'gone');
          if (still !== `${live} running`) violations.push({ invariant: 'nothing changed', text: `${a}/${P}m after the refused migration: ${still}` });
        }
      }
      // The Dead ones stay dead and in place (dockpit must not have "fixed" them behind the operator's back).
      for (const [h, id] of dead) {
        const st = await docker(h, 'inspect', '-f', '{{.State.Status}}', id).catch(() => 'gone');
        if (st !== 'dead') violations.push({ invariant: 'nothing changed', text: `the Dead container ${id.slice(0, 12)} on ${h} is ${st}` });
      }
      violations.push(...(await afterRuns(ctx, P, stateDir, t0, out, secret)));
    } finally {
      for (const [h, id] of dead) await removeDead(h, id);
      await removeAll(hosts, P);
    }
    return { violations, chose: `Dead ${P}x and ${P}m on ${d}, ${P}m running on ${a}; ${ops.join(', ')}` };
  },
};
