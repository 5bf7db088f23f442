import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../config/config-error.js';
import { loadConfigFile } from '../../config/load-config.js';
import { DEFAULT_RETENTION, parseEtcdUrl, StateFieldError } from '../../config/state-config.js';
import type { FleetConfig } from '../../config/types.js';
import { JOURNAL_KINDS as MIGRATION_KINDS } from '../../migrate/journal.js';
import { JOURNAL_KINDS as PLAN_KINDS } from '../../plans/journal.js';
import { copyState, TargetNotEmptyError } from '../../state/copy-state.js';
import { openState } from '../../state/open-state.js';
import type { HeadlessCommand } from './types.js';

/**
 * Where `--to` points: `etcd://H:P[,H:P]/PREFIX` (a user and password from DOCKPIT_ETCD_USER and
 * DOCKPIT_ETCD_PASSWORD), a dockpit config whose `state:` is the target (TLS, a password file), or a folder.
 */
function targetOf(to: string, cwd: string): Pick<FleetConfig, 'state' | 'stateDir'> {
  if (to.startsWith('etcd://')) {
    let parsed;
    try {
      parsed = parseEtcdUrl(to);
    } catch (err) {
      if (err instanceof StateFieldError) throw new UsageError(`--to ${to}: ${err.message}`);
      throw err;
    }
    const user = process.env.DOCKPIT_ETCD_USER;
    const password = process.env.DOCKPIT_ETCD_PASSWORD;
    if ((user === undefined) !== (password === undefined)) throw new UsageError('--to etcd://…: set both DOCKPIT_ETCD_USER and DOCKPIT_ETCD_PASSWORD, or neither');
    return {
      stateDir: cwd,
      state: {
        kind: 'etcd',
        ...parsed,
        tls: null,
        auth: user !== undefined && password !== undefined ? { username: user, password } : null,
        leaseTtlSec: 15,
        callTimeoutMs: 3000,
        retention: { ...DEFAULT_RETENTION },
      },
    };
  }
  if (/\.ya?ml$/.test(to)) {
    if (!fs.existsSync(to)) throw new UsageError(`--to ${to}: no such config file`);
    return loadConfigFile(to); // a bad one is a ConfigError: file:line, exit 2
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(to)) throw new UsageError(`--to ${to}: expected etcd://HOST:PORT/PREFIX, a dockpit config (.yaml) or a folder`);
  return { stateDir: path.resolve(cwd, to) };
}

/** `dockpit state copy --to TARGET [--force] [--json]`. */
export const stateCopyCommand: HeadlessCommand = async ({ args, config, out }) => {
  const target = targetOf(args.stateTo ?? '', process.cwd());
  const from = openState(config);
  const to = openState(target);
  if (from.where === to.where) throw new UsageError(`--to ${args.stateTo}: that is this config's own state`);
  try {
    const counts = await copyState(from, to, { runs: PLAN_KINDS, migrations: MIGRATION_KINDS }, { force: args.force ?? false });
    await to.audit.append({ action: 'state.copy', targets: [to.where], details: { from: from.where, ...counts }, outcome: 'ok' });
    if (args.json) out(JSON.stringify({ from: from.where, to: to.where, ...counts }, null, 2));
    else {
      out(`copied ${from.where} → ${to.where}`);
      out(`  ${counts.reservations} reservations, ${counts.journals.runs} plan runs, ${counts.journals.migrations} migrations, ${counts.records} inspect records, ${counts.auditEntries} audit entries`);
    }
    return 0;
  } catch (err) {
    if (err instanceof TargetNotEmptyError) throw new UsageError(err.message);
    throw err;
  } finally {
    await Promise.all([from.close(), to.close()]);
  }
};
