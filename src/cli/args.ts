import { parseArgs } from 'node:util';
import { UsageError } from '../config/config-error.js';
import type { RunArgs } from './run-options.js';
import { runIdProblem } from '../state/run-id.js';

export type CommandName = 'tui' | 'hosts' | 'ps' | 'lines' | 'inspect' | 'events' | 'top' | 'ip' | 'network-ensure' | 'run' | 'plan-ls' | 'plan-show'
  | 'plan-apply' | 'plan-restore' | 'plan-resume' | 'plan-status' | 'plan-runs' | 'plan-abandon' | 'migration-abandon'
  | 'record' | 'migrate' | 'evacuate' | 'migration-resume' | 'migration-status' | 'migration-runs'
  | 'audit' | 'state-init' | 'state-copy' | 'state-prune' | 'state-show' | 'watch'
  | 'version' | 'completion' | 'config-check' | 'audit-verify' | 'records-show';

export interface MoveArgs {
  /** `migrate --to H`; `evacuate --to H,H`: the hosts it may use. */
  to: string[];
  from?: string;
  leaveData: boolean;
  keepSource: boolean;
  /** `--fenced HOST`: the operator's confirmation that the unreachable source host is fenced. */
  fenced?: string;
  gateSeconds?: string;
  parallel?: string;
  /** `evacuate --plan NAME`: a degradation plan applied first, to make room. */
  plan?: string;
}

export interface CliArgs {
  command: CommandName;
  config?: string;
  json: boolean;
  host?: string;
  bizline?: string;
  /** `events --since`: a duration (10m, 2h, 30s) or an RFC 3339 time. */
  since?: string;
  /** `inspect NAME`, `plan show NAME`. */
  target?: string;
  /** `network ensure --pool P`. */
  pool?: string;
  /** `run`'s options, image and command (checked by parseRunSpec). */
  run?: RunArgs;
  /** `plan apply --dry-run`. */
  dryRun: boolean;
  /** `plan apply --yes`: no confirmation prompt. */
  yes: boolean;
  /** `migrate` and `evacuate`'s options. */
  move?: MoveArgs;
  /** `state init --group G`. */
  group?: string;
  /** `state copy --to URL|PATH`. */
  stateTo?: string;
  /** `state copy --force`: copy into a prefix that holds state already. */
  force?: boolean;
  /** `watch --metrics ADDR`: where the Prometheus exposition is served. */
  metrics?: string;
  /** `watch --per-container-metrics`. */
  perContainerMetrics?: boolean;
  /** `records show --reveal`: env secrets shown (and the reveal audited). */
  reveal?: boolean;
  readOnly: boolean;
  help: boolean;
  version: boolean;
}

export const USAGE = `Usage: dockpit [command] [options]

Commands:
  (none)             open the cockpit (business lines, hosts, containers, IPs, events; live)
  hosts [--json]     the fleet's hosts and their engines' state
  ps [--json] [--host H] [--bizline L]
                     containers across the fleet
  lines [--json]     business lines: health, containers, hosts, CPU, memory, network
  inspect NAME [--json] [--host H]
                     one container's detail (NAME resolved across hosts; secrets masked)
  events [--json] [--since 10m]
                     container events of every host, newest first
  top [--json] [--host H] [--bizline L]
                     a CPU, memory and network snapshot of running containers
  ip [--json]        IP pools (size, used, free, per line), reservations, conflicts, drift,
                     addresses outside their pool, stale reservations
  network ensure [--host H] [--pool P] [--json]
                     create each pool's docker network on each host where it is missing;
                     refuse a host whose network of that name has other settings (exit 1)
  plan ls [--json]   the degradation plans of the config and its plansDir: name, description,
                     steps, where each is defined
  plan show NAME [--json]
                     the plan's preview from the live fleet: each step's containers and action,
                     what is skipped and why, CPU and memory freed per host and line; changes
                     nothing. Exit 1 when a guard refuses the plan (the refusal is printed)
  plan apply NAME [--dry-run] [--yes] [--json]
                     run the plan (asks for its name unless --yes); --json prints
                     { runId, status, actions: [{ host, container, action, outcome }] }.
                     Exit 0 done, 5 partial (some actions failed: resume retries), 6 refused
  plan restore RUN_ID [--json]   put every container the run touched back as it was
  plan resume RUN_ID [--json]    finish a run dockpit did not finish (killed, cancelled host)
  plan status RUN_ID [--json]    where a run stands, action by action
  plan runs [--json]             every run: id, plan, status, operator, started, ended; a run
                                 whose dockpit is gone shows interrupted (resume or abandon it)
  plan abandon RUN_ID [--json]   end an unfinished run where it stands, releasing its claim on
                                 its containers (says what it leaves each in); never resumed.
                                 Exit 0 abandoned, 2 already ended, 6 its dockpit still runs
  migrate NAME --to HOST [--from H] [--dry-run] [--yes] [--json] [--leave-data]
      [--keep-source] [--fenced HOST] [--gate-seconds N]
                     move a container to HOST keeping its name, configuration and static IP:
                     create there, stop and park the source, start, health gate, remove the
                     source; rolled back if anything fails before the gate passes. --json prints
                     { runId, status, from, to, ip, downtimeMs, steps }. A source host that is
                     down: from dockpit's recorded configuration, only with --fenced HOST.
                     Exit 0 done, 3 no such container, 5 rolled back or failed (migration resume
                     retries), 6 refused, 8 cancelled (Ctrl-C: moves not begun; resume runs them)
  evacuate HOST [--to H,H] [--parallel N] [--plan NAME] [--dry-run] [--yes] [--json]
      [--leave-data] [--keep-source] [--fenced HOST] [--gate-seconds N]
                     migrate every container off HOST onto its line's other hosts (fewest of
                     the line, then most free memory); --plan applies a degradation plan first.
                     Exit codes as migrate's (5 partial: some moves did not go through)
  migration resume RUN_ID [--json]  finish a migration or evacuation dockpit did not finish (also
                                    a cancelled one's moves not begun, with its --parallel); exit 0
                                    done, 5 rolled back or failed, 8 cancelled again
  migration status RUN_ID [--json]  where it stands, move by move
  migration runs [--json]           every migration and evacuation (interrupted: its dockpit is gone)
  migration abandon RUN_ID [--json] end an unfinished migration where it stands (as plan abandon);
                                    its parked copies are never started by dockpit again
  run --name NAME --line LINE [--host H] [--env K=V]... [--cpus N] [--memory SIZE]
      [--restart POLICY] [--dry-run] [--keep-on-conflict] [--json] IMAGE [COMMAND...]
                     create and start a container of a business line: on --host, else on the
                     line's host with fewest of its containers, then most free memory; with the
                     next free static IP of the line's pool (or the name's reserved one) and the
                     bizline/tier labels. dockpit's options go before IMAGE: everything after it
                     is the container's command, verbatim. --dry-run prints the decision only.
                     After the start, every host's running containers are listed: another
                     holder of the address fails the run (exit 5, both named, the address
                     stays reserved) and stops the new container unless --keep-on-conflict.
  audit [--since 10m|TIME] [--json]
                     every change dockpit made, from every jump host sharing the state
  audit verify [--json]
                     walk the audit log's hash chain: the first changed, removed or reordered
                     entry (line, seq, time); exit 0 intact, 1 broken
  records show HOST/NAME [--reveal] [--json]
                     a container's recorded configuration (STATE/records), env secrets masked;
                     --reveal shows them and writes who revealed which record to the audit log
  state show [--json]            where the state is (files or etcd) and what it holds
  state init [--group G]         as root: create the shared state folder (/var/lib/dockpit) for
                                 the Unix group G (default dockpit): its members share one ledger
                                 and one set of locks
  state copy --to etcd://H:P/PREFIX|PATH [--force] [--json]
                                 copy this state (ledger, journals, records, audit log) to
                                 another; refuses a target that holds state unless --force
  state prune [--json]           delete ended runs' journals and audit entries past retention
  watch [--metrics ADDR] [--per-container-metrics] [--json]
                     run headless until SIGTERM: keep the live fleet, evaluate the alert rules
                     (alerts:), send them to the configured sinks, log one line per alert
                     transition, sender change and sink failure (--json: a JSON object a
                     line). --metrics 127.0.0.1:9323 serves Prometheus metrics (per line and
                     host; per container with --per-container-metrics). Several watches
                     sharing etcd state elect one sender; with file state, one per jump host
  record [--host H] [--json]
                     save each container's inspect in STATE/records: what a migration recreates
                     when its host's engine is dead. Per host: recorded, changed, failed, pruned
                     (records of containers it no longer has); exit 1 when a host is down or a
                     container could not be recorded
  config check [--json]
                     validate the config (exit 2 at file:line), then contact each host once (its
                     engine's version, within the config's timeouts): host, transport, address,
                     result. Exit 0 every host answered, 1 one did not (its row says why)
  completion bash|zsh
                     print the shell completion script: commands, options, host, line and plan
                     names, run ids. bash: source <(dockpit completion bash); zsh: the same after
                     compinit
  version            print the version and the commit it was built from (also --version)

Options:
  --config FILE      the config (default: ./dockpit.yaml, ~/.config/dockpit/config.yaml,
                     else the local engine: DOCKER_HOST, docker context, /var/run/docker.sock)
  --json             print JSON and exit
  --read-only        the cockpit binds no key that changes anything
  -h, --help         this help
  --version          print the version and commit

Exit codes: 0 done, 1 unexpected failure (run: refused or failed; network ensure: a host refused
or failed; plan show: a guard refuses the plan), 2 bad config or usage (nothing contacted),
3 inspect: no such container, 4 inspect: the name is on several hosts (use --host),
5 partial or rolled back, 6 refused, 7 the state (etcd, the state folder) cannot be reached or
written, or this dockpit lost its claim: nothing more was changed, 8 cancelled.`;

export type OptionName =
  | 'json' | 'host' | 'bizline' | 'since' | 'read-only'
  | 'pool' | 'name' | 'line' | 'env' | 'cpus' | 'memory' | 'restart' | 'dry-run' | 'yes'
  | 'to' | 'from' | 'leave-data' | 'keep-source' | 'fenced' | 'gate-seconds' | 'parallel' | 'plan' | 'group' | 'force' | 'keep-on-conflict'
  | 'metrics' | 'per-container-metrics' | 'reveal';

const OPTION_NAMES: readonly OptionName[] = [
  'json', 'host', 'bizline', 'since', 'read-only', 'pool', 'name', 'line', 'env', 'cpus', 'memory', 'restart', 'dry-run', 'yes',
  'to', 'from', 'leave-data', 'keep-source', 'fenced', 'gate-seconds', 'parallel', 'plan', 'group', 'force', 'keep-on-conflict',
  'metrics', 'per-container-metrics', 'reveal',
];

// The tables below are what parseCli checks against and what shell completion offers (completion-words.ts).

export const COMMAND_OPTIONS: Record<CommandName, readonly OptionName[]> = {
  tui: ['read-only'],
  hosts: ['json'],
  ps: ['json', 'host', 'bizline'],
  lines: ['json'],
  inspect: ['json', 'host'],
  events: ['json', 'since'],
  top: ['json', 'host', 'bizline'],
  ip: ['json'],
  'network-ensure': ['json', 'host', 'pool'],
  run: ['json', 'host', 'name', 'line', 'env', 'cpus', 'memory', 'restart', 'dry-run', 'keep-on-conflict'],
  'plan-ls': ['json'],
  'plan-show': ['json'],
  'plan-apply': ['json', 'dry-run', 'yes'],
  'plan-restore': ['json'],
  'plan-resume': ['json'],
  'plan-status': ['json'],
  'plan-runs': ['json'],
  'plan-abandon': ['json'],
  record: ['json', 'host'],
  migrate: ['json', 'to', 'from', 'dry-run', 'yes', 'leave-data', 'keep-source', 'fenced', 'gate-seconds'],
  evacuate: ['json', 'to', 'dry-run', 'yes', 'leave-data', 'keep-source', 'fenced', 'gate-seconds', 'parallel', 'plan'],
  'migration-resume': ['json'],
  'migration-status': ['json'],
  'migration-runs': ['json'],
  'migration-abandon': ['json'],
  audit: ['json', 'since'],
  'state-show': ['json'],
  'state-init': ['group'],
  'state-copy': ['json', 'to', 'force'],
  'state-prune': ['json'],
  watch: ['json', 'metrics', 'per-container-metrics'],
  version: [],
  completion: [],
  'config-check': ['json'],
  'audit-verify': ['json'],
  'records-show': ['json', 'reveal'],
};

/** Two-word commands: the first word, then each second word and the command it names. */
export const SUBCOMMANDS: Record<string, Record<string, CommandName>> = {
  network: { ensure: 'network-ensure' },
  migration: { resume: 'migration-resume', status: 'migration-status', runs: 'migration-runs', abandon: 'migration-abandon' },
  state: { show: 'state-show', init: 'state-init', copy: 'state-copy', prune: 'state-prune' },
  config: { check: 'config-check' },
  records: { show: 'records-show' },
  plan: { ls: 'plan-ls', show: 'plan-show', apply: 'plan-apply', restore: 'plan-restore', resume: 'plan-resume', status: 'plan-status', runs: 'plan-runs', abandon: 'plan-abandon' },
};

/** Commands whose name is also a command of its own: `audit` lists the log, `audit verify` checks it (issue 17, item 4). */
export const SECOND_WORDS: Record<string, Record<string, CommandName>> = {
  audit: { verify: 'audit-verify' },
};

/** Commands that take one positional argument: what it is, for the message when it is missing. */
export const TARGETS: Partial<Record<CommandName, string>> = {
  inspect: 'a container name (or ID)',
  'plan-show': 'a plan name',
  'plan-apply': 'a plan name',
  'plan-restore': 'a run id (plan runs lists them)',
  'plan-resume': 'a run id (plan runs lists them)',
  'plan-status': 'a run id (plan runs lists them)',
  'plan-abandon': 'a run id (plan runs lists them)',
  migrate: 'a container name',
  evacuate: 'a host name',
  'migration-resume': 'a run id (migration runs lists them)',
  'migration-status': 'a run id (migration runs lists them)',
  'migration-abandon': 'a run id (migration runs lists them)',
  'records-show': 'HOST/NAME (a container recorded on HOST)',
  completion: 'a shell: bash or zsh',
};

const COMMANDS = Object.keys(COMMAND_OPTIONS) as CommandName[];

const RUN_ID_TARGETS: ReadonlySet<CommandName> = new Set([
  'plan-restore', 'plan-resume', 'plan-status', 'plan-abandon', 'migration-resume', 'migration-status', 'migration-abandon',
]);

export const OPTIONS = {
  config: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
  host: { type: 'string' },
  bizline: { type: 'string' },
  since: { type: 'string' },
  'read-only': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  pool: { type: 'string' },
  name: { type: 'string' },
  line: { type: 'string' },
  env: { type: 'string', multiple: true },
  cpus: { type: 'string' },
  memory: { type: 'string' },
  restart: { type: 'string' },
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  to: { type: 'string' },
  from: { type: 'string' },
  'leave-data': { type: 'boolean' },
  'keep-source': { type: 'boolean' },
  fenced: { type: 'string' },
  'gate-seconds': { type: 'string' },
  parallel: { type: 'string' },
  plan: { type: 'string' },
  group: { type: 'string' },
  force: { type: 'boolean' },
  'keep-on-conflict': { type: 'boolean' },
  metrics: { type: 'string' },
  'per-container-metrics': { type: 'boolean' },
  reveal: { type: 'boolean' },
} as const;

/**
 * `run … IMAGE [COMMAND…]`: where IMAGE is in argv, or null. Everything from there on is the container's
 * (as with `docker run`), so `run … busybox sh -c 'x'` keeps its `-c` away from dockpit's --config.
 */
function runImageIndex(argv: readonly string[]): number | null {
  const { tokens } = parseArgs({ args: [...argv], options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const positionals = tokens.filter((t) => t.kind === 'positional');
  return positionals[0]?.value === 'run' && positionals[1] ? positionals[1].index : null;
}

/** How a command is written: `network ensure` is two words. */
function commandWords(command: CommandName): string {
  for (const [group, subs] of Object.entries(SUBCOMMANDS)) {
    for (const [word, name] of Object.entries(subs)) if (name === command) return `${group} ${word}`;
  }
  return command;
}

export function parseCli(argv: readonly string[]): CliArgs {
  const cut = runImageIndex(argv);
  const tail = cut === null ? [] : argv.slice(cut);
  let parsed;
  try {
    parsed = parseArgs({
      args: cut === null ? [...argv] : argv.slice(0, cut),
      allowPositionals: true,
      strict: true,
      options: OPTIONS,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [first, ...rest] = positionals;
  let command = (first ?? 'tui') as CommandName;
  const group = first === undefined ? undefined : SUBCOMMANDS[first];
  if (group) {
    const sub = rest.shift();
    const expected = Object.keys(group).map((w) => `${first} ${w}`).join(' or ');
    if (sub === undefined) throw new UsageError(`${first} needs a subcommand: ${expected}`);
    const named = group[sub];
    if (!named) throw new UsageError(`unknown command "${first} ${sub}" (expected ${expected})`);
    command = named;
  } else if (first !== undefined && rest[0] !== undefined && SECOND_WORDS[first]?.[rest[0]] !== undefined) {
    command = SECOND_WORDS[first]![rest.shift()!]!;
  } else if (!COMMANDS.includes(command)) {
    throw new UsageError(`unknown command "${first}"`);
  }
  let target: string | undefined;
  const targetKind = TARGETS[command];
  if (targetKind) {
    target = rest.shift();
    if (!target && !values.help) throw new UsageError(`${commandWords(command)} needs ${targetKind}`);
    // Issue 17, item 6: a bad run id is bad usage (exit 2), found before the config or the state is read.
    const badRunId = target !== undefined && RUN_ID_TARGETS.has(command) ? runIdProblem(target) : null;
    if (badRunId !== null) throw new UsageError(badRunId);
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  for (const opt of OPTION_NAMES) {
    if (values[opt] !== undefined && !COMMAND_OPTIONS[command].includes(opt)) {
      throw new UsageError(`--${opt} does not apply to ${command === 'tui' ? 'the cockpit' : `"${commandWords(command)}"`}`);
    }
  }
  if (values.metrics !== undefined && !/^(\[[0-9a-fA-F:.]+\]|[^\s:\[\]]*):\d{1,5}$/.test(values.metrics)) {
    throw new UsageError(`--metrics ${values.metrics}: expected HOST:PORT, e.g. 127.0.0.1:9323`);
  }
  if (command === 'state-copy' && !values.to && !values.help) throw new UsageError('state copy needs --to etcd://HOST:PORT/PREFIX or --to FOLDER');
  const run: RunArgs | undefined =
    command === 'run'
      ? {
          name: values.name,
          line: values.line,
          env: values.env ?? [],
          cpus: values.cpus,
          memory: values.memory,
          restart: values.restart,
          dryRun: values['dry-run'] ?? false,
          ...(values['keep-on-conflict'] === true && { keepOnConflict: true }),
          image: tail[0],
          cmd: tail.slice(1),
        }
      : undefined;
  const move: MoveArgs | undefined =
    command === 'migrate' || command === 'evacuate'
      ? {
          to: (values.to ?? '').split(',').map((h) => h.trim()).filter((h) => h !== ''),
          ...(values.from !== undefined && { from: values.from }),
          leaveData: values['leave-data'] ?? false,
          keepSource: values['keep-source'] ?? false,
          ...(values.fenced !== undefined && { fenced: values.fenced }),
          ...(values['gate-seconds'] !== undefined && { gateSeconds: values['gate-seconds'] }),
          ...(values.parallel !== undefined && { parallel: values.parallel }),
          ...(values.plan !== undefined && { plan: values.plan }),
        }
      : undefined;
  return {
    command,
    config: values.config,
    json: values.json ?? false,
    host: values.host,
    bizline: values.bizline,
    since: values.since,
    target,
    pool: values.pool,
    run,
    ...(move && { move }),
    dryRun: command === 'plan-apply' || command === 'migrate' || command === 'evacuate' ? (values['dry-run'] ?? false) : false,
    yes: values.yes ?? false,
    ...(values.group !== undefined && { group: values.group }),
    ...(command === 'state-copy' && values.to !== undefined && { stateTo: values.to }),
    ...(values.force && { force: true }),
    ...(values.metrics !== undefined && { metrics: values.metrics }),
    ...(values['per-container-metrics'] === true && { perContainerMetrics: true }),
    ...(values.reveal === true && { reveal: true }),
    readOnly: values['read-only'] ?? false,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}
