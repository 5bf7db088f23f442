import type { CommandName } from '../args.js';
import type { HeadlessCommand } from './types.js';

/**
 * A command whose module is imported only when it runs (issue 16, fast start): `ps` then loads neither the
 * plans, the migrations nor the state backends, and in the bundle each command is its own chunk.
 */
function lazy<M>(load: () => Promise<M>, pick: (module: M) => HeadlessCommand): HeadlessCommand {
  return async (ctx) => pick(await load())(ctx);
}

/** Every headless command: each screen's `--json` twin. */
export const HEADLESS: Partial<Record<Exclude<CommandName, 'tui'>, HeadlessCommand>> = {
  hosts: lazy(() => import('./hosts.js'), (m) => m.hostsCommand),
  ps: lazy(() => import('./ps.js'), (m) => m.psCommand),
  lines: lazy(() => import('./lines.js'), (m) => m.linesCommand),
  events: lazy(() => import('./events.js'), (m) => m.eventsCommand),
  inspect: lazy(() => import('./inspect.js'), (m) => m.inspectCommand),
  top: lazy(() => import('./top.js'), (m) => m.topCommand),
  ip: lazy(() => import('./ip.js'), (m) => m.ipCommand),
  'network-ensure': lazy(() => import('./network-ensure.js'), (m) => m.networkEnsureCommand),
  run: lazy(() => import('./run.js'), (m) => m.runContainerCommand),
  'plan-ls': lazy(() => import('./plan.js'), (m) => m.planLsCommand),
  'plan-show': lazy(() => import('./plan.js'), (m) => m.planShowCommand),
  'plan-apply': lazy(() => import('./plan-run.js'), (m) => m.planApplyCommand),
  'plan-restore': lazy(() => import('./plan-run.js'), (m) => m.planRestoreCommand),
  'plan-resume': lazy(() => import('./plan-run.js'), (m) => m.planResumeCommand),
  'plan-status': lazy(() => import('./plan-run.js'), (m) => m.planStatusCommand),
  'plan-runs': lazy(() => import('./plan-run.js'), (m) => m.planRunsCommand),
  'plan-abandon': lazy(() => import('./abandon.js'), (m) => m.planAbandonCommand),
  migrate: lazy(() => import('./migrate.js'), (m) => m.migrateCommand),
  evacuate: lazy(() => import('./evacuate.js'), (m) => m.evacuateCommand),
  'migration-resume': lazy(() => import('./migration.js'), (m) => m.migrationResumeCommand),
  'migration-status': lazy(() => import('./migration.js'), (m) => m.migrationStatusCommand),
  'migration-runs': lazy(() => import('./migration.js'), (m) => m.migrationRunsCommand),
  'migration-abandon': lazy(() => import('./abandon.js'), (m) => m.migrationAbandonCommand),
  record: lazy(() => import('./record.js'), (m) => m.recordCommand),
  audit: lazy(() => import('./audit.js'), (m) => m.auditCommand),
  'audit-verify': lazy(() => import('./audit.js'), (m) => m.auditVerifyCommand),
  'records-show': lazy(() => import('./records-show.js'), (m) => m.recordsShowCommand),
  'state-init': lazy(() => import('./state.js'), (m) => (ctx) => m.stateInit({ group: ctx.args.group ?? null }, ctx)),
  'state-show': lazy(() => import('./state-info.js'), (m) => m.stateShowCommand),
  'state-copy': lazy(() => import('./state-copy.js'), (m) => m.stateCopyCommand),
  'state-prune': lazy(() => import('./state-info.js'), (m) => m.statePruneCommand),
  watch: lazy(() => import('./watch.js'), (m) => m.watchCommand),
};
