import { parseArgs } from 'node:util';
import { UsageError } from '../config/config-error.js';

export type CommandName = 'tui' | 'hosts' | 'ps' | 'lines' | 'inspect' | 'events' | 'top';

export interface CliArgs {
  command: CommandName;
  config?: string;
  json: boolean;
  host?: string;
  bizline?: string;
  /** `events --since`: a duration (10m, 2h, 30s) or an RFC 3339 time. */
  since?: string;
  /** `inspect NAME`. */
  target?: string;
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

Options:
  --config FILE      the config (default: ./dockpit.yaml, ~/.config/dockpit/config.yaml,
                     else the local engine: DOCKER_HOST, docker context, /var/run/docker.sock)
  --json             print JSON and exit
  --read-only        the cockpit binds no key that changes anything
  -h, --help         this help
  --version          print the version

Exit codes: 0 done, 1 unexpected failure, 2 bad config or usage (nothing contacted),
3 inspect: no such container, 4 inspect: the name is on several hosts (use --host).`;

type OptionName = 'json' | 'host' | 'bizline' | 'since' | 'read-only';

const COMMAND_OPTIONS: Record<CommandName, readonly OptionName[]> = {
  tui: ['read-only'],
  hosts: ['json'],
  ps: ['json', 'host', 'bizline'],
  lines: ['json'],
  inspect: ['json', 'host'],
  events: ['json', 'since'],
  top: ['json', 'host', 'bizline'],
};

const COMMANDS = Object.keys(COMMAND_OPTIONS) as CommandName[];

export function parseCli(argv: readonly string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c' },
        json: { type: 'boolean' },
        host: { type: 'string' },
        bizline: { type: 'string' },
        since: { type: 'string' },
        'read-only': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [first, ...rest] = positionals;
  const command = (first ?? 'tui') as CommandName;
  if (!COMMANDS.includes(command)) throw new UsageError(`unknown command "${first}"`);
  let target: string | undefined;
  if (command === 'inspect') {
    target = rest.shift();
    if (!target && !values.help) throw new UsageError('inspect needs a container name (or ID)');
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  for (const opt of ['json', 'host', 'bizline', 'since', 'read-only'] as const) {
    if (values[opt] !== undefined && !COMMAND_OPTIONS[command].includes(opt)) {
      throw new UsageError(`--${opt} does not apply to ${command === 'tui' ? 'the cockpit' : `"${command}"`}`);
    }
  }
  return {
    command,
    config: values.config,
    json: values.json ?? false,
    host: values.host,
    bizline: values.bizline,
    since: values.since,
    target,
    readOnly: values['read-only'] ?? false,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}
