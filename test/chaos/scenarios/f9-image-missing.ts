import { lanPoolYaml } from '../../support/configs.js';
import { docker } from '../../support/fleet.js';
import { CHANGING, noAddressTwice, noSecrets, oneRunningPerName, type Violation } from '../invariants.js';
import { registry } from '../machine-faults.js';
import { secretOf } from '../plan-fixture.js';
import { leftBehind } from '../state-leftovers.js';
import { afterRuns, noStackTrace, Outputs } from '../run-fixture.js';
import type { Scenario } from '../scenario.js';
import { auditEntries, cli, events, now, removeAll, runConfigFile, seen, stateTexts } from '../truth.js';

// F9: an image missing everywhere, with the fleet's registry up or stopped (seeded). Either a `dockpit run`
// of an image no engine has (the registry has it or not: run never pulls, README) must fail with one clear
// line and leave nothing behind (no container, the address back in the ledger, no placement lock), or a
// migration of a container whose image the target lacks (the source still has it tagged, or untagged: lost
// by name, kept by id) must succeed: pulled from the registry when it is up and has it (audit `how:
// pulled`), else streamed engine to engine (`how: streamed`).

const P = 'cz9-';
const LINE = 'chaos9';
const IP = '10.88.78.5';

/** An image only h1 has (busybox plus a file, so an id of its own), optionally pushed to the registry; its id. */
async function ownImage(ref: string, reg: string, push: boolean): Promise<string> {
  const c = await docker('h1', 'create', '--name', `${P}mk`, 'dockpit/busybox:latest', 'sh', '-c', `echo ${ref} > /made`);
  await docker('h1', 'start', '-a', c);
  const id = await docker('h1', 'commit', c, ref);
  await docker('h1', 'rm', c);
  if (push) {
    await docker('h1', 'tag', ref, `${reg}/${ref}`);
    await docker('h1', 'push', '-q', `${reg}/${ref}`);
    await docker('h1', 'rmi', `${reg}/${ref}`);
  }
  return id;
}

/**
 * afterRuns' invariants for a migration, whose audit entries name a move (`h1/NAME → h2`), not host/name:
 * each container it changed (the parked source under its parking name too) must be in a move's target.
 */
async function afterMove(hosts: readonly string[], stateDir: string, since: number, outputs: Outputs, secret: string): Promise<Violation[]> {
  const after = await seen(hosts, P);
  const moves = auditEntries(stateDir).flatMap((e) => e.targets.map((t) => /^([^/]+)\/(\S+) → (\S+)$/.exec(t)).filter((m) => m !== null));
  const changed = (await events(hosts, P, since, now() + 0.05)).filter((e) => CHANGING.has(e.action));
  const uncovered = changed.filter((e) => !moves.some((m) => e.name.replace(/_parked_.*$/, '') === m[2] && (e.host === m[1] || e.host === m[3])));
  return [
    ...oneRunningPerName(after),
    ...noAddressTwice(after),
    ...[...new Set(uncovered.map((e) => `${e.host}/${e.name}`))].map((k) => ({ invariant: 'every change audited', text: `${k} was changed on its engine and no move in the audit log names it` })),
    ...noSecrets([...stateTexts(stateDir), ...outputs.texts], [secret]),
    ...noStackTrace(outputs),
  ];
}

export const f9: Scenario = {
  id: 'F9',
  title: 'an image missing everywhere, registry up or stopped: run refuses cleanly, migrate pulls or streams',
  async run(ctx) {
    const hosts = ctx.fleet.hosts.map((h) => h.name);
    const reg = ctx.fleet.registry.addr;
    const { config, stateDir } = runConfigFile(ctx, `registry: ${reg}\n${lanPoolYaml({ [LINE]: { range: '10.88.78.0/29', tier: 3 } })}`);
    const secret = secretOf(ctx.seed);
    const out = new Outputs();
    const registryUp = ctx.random() < 0.5;
    const op = ctx.random() < 0.5 ? 'run' : 'migrate';
    const inRegistry = ctx.random() < 0.5;
    const untagged = ctx.random() < 0.5;
    const to = ctx.random() < 0.5 ? 'h2' : 'h3';
    const ref = `dockpit/${P}${ctx.seed.toString(36)}:t`;
    const violations: Violation[] = [];
    await removeAll(hosts, P);
    let id = '';
    try {
      id = await ownImage(ref, reg, inRegistry);
      if (!registryUp) await registry('registry-stop');
      const t0 = now();
      if (op === 'run') {
        // No engine has it: h1 made it, so h1 loses it (a registry ref is what an operator would run).
        await docker('h1', 'rmi', ref);
        const image = inRegistry ? `${reg}/${ref}` : ref;
        const r = out.keep('run', await cli(['run', '--config', config, '--name', `${P}r`, '--line', LINE, '--env', `DB_PASSWORD=${secret}`, '--json', image, 'sleep', '86400']));
        const first = r.stderr.trim().split('\n')[0] ?? '';
        ctx.log(`run: exit ${r.code ?? r.signal}: ${first}`);
        if (r.code === 0 || !/no such image/.test(first)) violations.push({ invariant: 'clear error', text: `run of a missing image: exit ${r.code ?? r.signal}, stderr ${JSON.stringify(first)}` });
        violations.push(...leftBehind(stateDir, `${P}r`));
        for (const c of await seen(hosts, P)) violations.push({ invariant: 'nothing half-done', text: `${c.host}/${c.name} (${c.state}) left after the run of a missing image failed` });
      } else {
        await docker('h1', 'run', '-d', '--stop-timeout', '1', '--name', `${P}m`, '--label', `dockpit.bizline=${LINE}`, '--label', 'dockpit.tier=3', '-e', `DB_PASSWORD=${secret}`,
          '--network', 'biz', '--ip', IP, ref, 'sleep', '86400');
        if (untagged) await docker('h1', 'rmi', '-f', ref); // in use: only the tag goes, the id stays
        const r = out.keep('migrate', await cli(['migrate', `${P}m`, '--to', to, '--yes', '--gate-seconds', '1', '--json', '--config', config]));
        ctx.log(`migrate: exit ${r.code ?? r.signal} in ${(r.ms / 1000).toFixed(1)} s: ${r.stderr.trim().split('\n')[0] ?? ''}`);
        if (r.code !== 0) violations.push({ invariant: 'success when it can', text: `migrate ${P}m --to ${to}: exit ${r.code ?? r.signal}: ${r.stderr.trim().split('\n')[0]}` });
        else {
          const there = await docker(to, 'inspect', '-f', '{{.Image}} {{.State.Status}} {{.NetworkSettings.Networks.biz.IPAddress}}', `${P}m`).catch((e: Error) => e.message.split('\n')[0]);
          if (there !== `${id} running ${IP}`) violations.push({ invariant: 'success when it can', text: `${to}/${P}m after the migration: ${there}, expected ${id} running ${IP}` });
          const want = registryUp && inRegistry ? 'pulled' : 'streamed';
          const how = auditEntries(stateDir).find((e) => e.action === 'migrate.image') as { details?: { how?: string } } | undefined;
          if (how?.details?.how !== want) violations.push({ invariant: 'every change audited', text: `migrate.image says how: ${how?.details?.how ?? '(no entry)'}, expected ${want}` });
        }
      }
      if (op === 'run') violations.push(...(await afterRuns(ctx, P, stateDir, t0, out, secret)));
      else violations.push(...(await afterMove(hosts, stateDir, t0, out, secret)));
    } finally {
      if (!registryUp) await registry('registry-start');
      await removeAll(hosts, P);
      if (id) await Promise.all(hosts.map((h) => docker(h, 'rmi', '-f', id).catch(() => '')));
    }
    const chose = `registry ${registryUp ? 'up' : 'stopped'}, ${op === 'run' ? `run, image ${inRegistry ? 'in the registry only' : 'nowhere'}` : `migrate h1 → ${to}, image ${inRegistry ? 'also' : 'not'} in the registry, ${untagged ? 'untagged' : 'tagged'} on h1`}`;
    return { violations, chose };
  },
};
