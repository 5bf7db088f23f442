import { parseArgs } from 'node:util';
import { UsageError } from '../config/config-error.js';

export type CommandName = 'tui' | 'hosts' | 'ps';

export interface CliArgs {
  command: CommandName;
  config?: string;
  json: boolean;
  host?: string;
  bizline?: string;
  help: boolean;
  version: boolean;
}

export const USAGE = `Usage: dockpit [command] [options]

Commands:
  (none)            open the cockpit (hosts, containers; live)
  hosts [--json]    list the fleet's hosts and their engines' state
  ps [--json] [--host H] [--bizline L]
                    list containers across the fleet

Options:
  --config FILE     the config (default: ./dockpit.yaml, ~/.config/dockpit/config.yaml,
                    else the local engine: DOCKER_HOST, docker context, /var/run/docker.sock)
  --json            print one JSON array and exit
  -h, --help        this help
  --version         print the version

Exit codes: 0 done, 1 unexpected failure, 2 bad config or usage (nothing contacted).`;

const COMMANDS: readonly CommandName[] = ['tui', 'hosts', 'ps'];
const COMMAND_OPTIONS: Record<CommandName, readonly string[]> = {
  tui: [],
  hosts: ['json'],
  ps: ['json', 'host', 'bizline'],
};

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
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  for (const opt of ['json', 'host', 'bizline'] as const) {
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
    help: values.help ?? false,
    version: values.version ?? false,
  };
}
