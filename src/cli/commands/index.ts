import type { CommandName } from '../args.js';
import { eventsCommand } from './events.js';
import { hostsCommand } from './hosts.js';
import { inspectCommand } from './inspect.js';
import { ipCommand } from './ip.js';
import { linesCommand } from './lines.js';
import { evacuateCommand } from './evacuate.js';
import { migrateCommand } from './migrate.js';
import { migrationResumeCommand, migrationRunsCommand, migrationStatusCommand } from './migration.js';
import { networkEnsureCommand } from './network-ensure.js';
import { planLsCommand, planShowCommand } from './plan.js';
import { planApplyCommand, planRestoreCommand, planResumeCommand, planRunsCommand, planStatusCommand } from './plan-run.js';
import { psCommand } from './ps.js';
import { recordCommand } from './record.js';
import { runContainerCommand } from './run.js';
import { topCommand } from './top.js';
import { auditCommand } from './audit.js';
import { migrationAbandonCommand, planAbandonCommand } from './abandon.js';
import { stateInit } from './state.js';
import { stateCopyCommand } from './state-copy.js';
import { stateShowCommand, statePruneCommand } from './state-info.js';
import type { HeadlessCommand } from './types.js';
import { watchCommand } from './watch.js';

/** Every headless command: each screen's `--json` twin. */
export const HEADLESS: Partial<Record<Exclude<CommandName, 'tui'>, HeadlessCommand>> = {
  hosts: hostsCommand,
  ps: psCommand,
  lines: linesCommand,
  events: eventsCommand,
  inspect: inspectCommand,
  top: topCommand,
  ip: ipCommand,
  'network-ensure': networkEnsureCommand,
  run: runContainerCommand,
  'plan-ls': planLsCommand,
  'plan-show': planShowCommand,
  'plan-apply': planApplyCommand,
  'plan-restore': planRestoreCommand,
  'plan-resume': planResumeCommand,
  'plan-status': planStatusCommand,
  'plan-runs': planRunsCommand,
  'plan-abandon': planAbandonCommand,
  migrate: migrateCommand,
  evacuate: evacuateCommand,
  'migration-resume': migrationResumeCommand,
  'migration-status': migrationStatusCommand,
  'migration-runs': migrationRunsCommand,
  'migration-abandon': migrationAbandonCommand,
  record: recordCommand,
  audit: auditCommand,
  'state-init': (ctx) => stateInit({ group: ctx.args.group ?? null }, ctx),
  'state-show': stateShowCommand,
  'state-copy': stateCopyCommand,
  'state-prune': statePruneCommand,
  watch: watchCommand,
};
