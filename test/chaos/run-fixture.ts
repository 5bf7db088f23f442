import { lanPoolYaml } from '../support/configs.js';
import { auditCovers, noAddressTwice, noSecrets, oneRunningPerName, type Violation } from './invariants.js';
import type { RunContext } from './scenario.js';
import { auditEntries, cli, events, now, runConfigFile, seen, stateTexts, type Ran } from './truth.js';

// The `dockpit run` scenarios (F6, F11): a pool whose line's range is small (a /28: 14 addresses), so that
// racing operators and hand-made containers meet on the same addresses; a fresh state folder per run.

export function runConfig(ctx: RunContext, line: string, range: string): { config: string; stateDir: string } {
  return runConfigFile(ctx, lanPoolYaml({ [line]: { range, tier: 3 } }));
}

/** Collects each command's output, to look for secrets and stack traces in it. */
export class Outputs {
  readonly texts: Array<{ where: string; text: string }> = [];
  keep(what: string, r: Ran): Ran {
    this.texts.push({ where: `${what} stdout`, text: r.stdout }, { where: `${what} stderr`, text: r.stderr });
    return r;
  }
}

/** A user never sees a stack trace (issue 17, item 6): a line starting `    at ` in stderr is one. */
export function noStackTrace(outputs: Outputs): Violation[] {
  return outputs.texts.filter((t) => t.where.endsWith('stderr') && /^ {4}at /m.test(t.text)).map((t) => ({ invariant: 'no stack trace', text: `${t.where}: ${t.text.trim().split('\n')[0]}` }));
}

/** The invariants after `dockpit run`s: one running per name, no address twice, every create audited, no secret, no stack trace. */
export async function afterRuns(ctx: RunContext, prefix: string, stateDir: string, since: number, outputs: Outputs, secret: string): Promise<Violation[]> {
  const hosts = ctx.fleet.hosts.map((h) => h.name);
  const after = await seen(hosts, prefix);
  const created = (await events(hosts, prefix, since, now() + 0.05)).filter((e) => ['create', 'start', 'stop', 'destroy'].includes(e.action) && !e.name.startsWith(`${prefix}hand`));
  return [
    ...oneRunningPerName(after),
    ...noAddressTwice(after),
    ...auditCovers(created.map((e) => `${e.host}/${e.name}`), auditEntries(stateDir)),
    ...noSecrets([...stateTexts(stateDir), ...outputs.texts], [secret]),
    ...noStackTrace(outputs),
  ];
}

/** `dockpit run` of `name` on the line, with a secret in its env. */
export function dockpitRun(ctx: RunContext, config: string, line: string, name: string, secret: string, extra: string[] = []): Promise<Ran> {
  return cli(['run', '--config', config, '--name', name, '--line', line, '--env', `DB_PASSWORD=${secret}`, '--json', ...extra, ctx.fleet.image, 'sleep', '86400']);
}
