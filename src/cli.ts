import { parseCli } from './cli/args.js';
import type { LaunchedLists } from './engine/first-lists.js';
import { answerEarly } from './cli/early-answers.js';
import { exitOnError, exitWith } from './cli/exit.js';
import { ConfigError, UsageError } from './config/config-error.js';
import { exitUnexpected } from './cli/last-resort.js';
import { cockpitTerminalProblem, watchStdout } from './cli/terminal.js';
import { armFaultPoint } from './engine/fault-point.js';
import { unsafeState } from './state/file/state-folder.js';
import { stateNotAFolder } from './state/file/state-path-check.js';
import { StateError } from './state/types.js';

// An error thrown outside main's promise (an event handler, a stream) is reported the same way.
process.on('uncaughtException', exitUnexpected);
process.on('unhandledRejection', exitUnexpected);

async function main(argv: string[], launch: Launch): Promise<number> {
  watchStdout(); // `dockpit … | head`: a reader that leaves is not a crash
  // Commands that need no config are answered before one is looked for (and its schemas loaded).
  const early = await answerEarly(argv);
  if (early !== null) return early;
  const args = parseCli(argv);
  // The launcher starts the first-lists worker for what looks like a cockpit launch; anything else ends it.
  const lists = args.command === 'tui' ? launch.lists : void launch.lists?.worker.terminate();
  if (args.command === 'config-check') {
    // It loads the config itself: with --json a bad config is a JSON answer too.
    const { configCheckCommand } = await import('./cli/commands/config-check.js');
    return configCheckCommand({ args, out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`) });
  }
  armFaultPoint(); // test-only DOCKPIT_FAULT: a malformed value stops here, before anything is contacted
  const { locateConfig } = await import('./config/locate-config.js');
  // The cockpit's launch reads its config from the cache when this build has read the same text before.
  const cache = args.command === 'tui' && launch.buildId ? (await import('./config/config-cache.js')).configCache(launch.buildId) : undefined;
  const config = locateConfig(args.config, cache);
  // Issue 17, item 3: a state folder others can read is refused before anything else (`state init` is its fix).
  const unsafe = args.command === 'state-init' ? null : unsafeState(config);
  if (unsafe !== null) throw new ConfigError(unsafe);
  const notAFolder = args.command === 'state-init' ? null : stateNotAFolder(config);
  if (notAFolder !== null) throw new StateError(notAFolder);
  if (args.command === 'tui') {
    const noTerminal = cockpitTerminalProblem(process.stdin, process.stdout);
    if (noTerminal !== null) throw new UsageError(noTerminal);
    // React's development build checks and warns on every render: several times the CPU of production.
    process.env.NODE_ENV ??= 'production';
    // The hosts first, then Ink and the views: the fleet connects while those load. Many hosts' first lists
    // are taken on a worker, started before the engine's modules load (issue 16).
    const { keptListsInput, startFirstLists } = await import('./engine/first-lists.js');
    const firstLists = startFirstLists(config, { launched: lists ?? null });
    if (firstLists !== null) cache?.keepLists(keptListsInput(firstLists.input));
    const { startFleet } = await import('./cli/connect.js');
    const fleet = startFleet(config, { listsFirst: true, firstLists });
    // The UI loads while the hosts connect, in three steps (React, Ink, the views): each is one synchronous
    // stretch of compiling and running modules, and a host's handshake (SSH: about eight round trips) only
    // moves on between them. The first frame is drawn once the first lists are in, whole, instead of once per
    // host (runTui; first-frame.ts says when it does not wait for them); the hosts' version and info come after (issue 16).
    await import('react');
    await import('ink');
    const { runTui } = await import('./cli/tui.js');
    return runTui(config, { readOnly: args.readOnly }, fleet);
  }
  const { HEADLESS } = await import('./cli/commands/index.js');
  const command = HEADLESS[args.command];
  if (!command) throw new UsageError(`"${args.command}" is not available yet`);
  return command({
    args,
    config,
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
  });
}

/** What the launcher (scripts/launch.cjs) has begun before the bundle was read. */
export interface Launch {
  /** The first-lists worker (src/engine/first-lists.ts), started for what looks like a cockpit launch. */
  lists?: LaunchedLists | null;
  /** The bundle's build id (its first line), when it has one: config-cache.ts keeps entries per build. */
  buildId?: string | null;
}

/** `dockpit ARGS…` (the launcher, scripts/launch.cjs, calls it): exits with the command's code. */
export function run(argv: string[], launch: Launch = {}): void {
  main(argv, launch).then(exitWith, exitOnError);
}

/** The modules a start evaluates: the cockpit's and the common headless commands' (the bench times this load). */
export async function loadModules(): Promise<void> {
  await Promise.all([
    import('./config/locate-config.js'),
    import('./cli/connect.js'),
    import('react'),
    import('ink'),
    import('./cli/tui.js'),
    import('./cli/commands/index.js'),
    import('./cli/commands/ps.js'),
    import('./cli/commands/hosts.js'),
    import('./cli/commands/lines.js'),
    // loaded when the first connection begins (host-connection.ts), and then from the code cache
    import('./engine/docker-client.js'),
    import('./engine/ssh-tunnel.js'),
  ]);
}

/**
 * At build time only (scripts/launch.cjs, makeCodeCache): evaluates the modules a start needs, parses a config
 * and draws the cockpit offscreen, so that V8's code cache holds the functions all that compiled. Nothing is
 * contacted or read.
 */
export async function warmUp(): Promise<void> {
  // Ink drawn under CI (a CI build) writes only its last frame: the cache is to hold the path a terminal takes.
  delete process.env.CI;
  await loadModules();
  const { warmUpConfig, warmUpRender } = await import('./cli/warm-up.js');
  warmUpConfig();
  await warmUpRender();
}
