import { parseCli, USAGE } from './args.js';

/**
 * What dockpit answers before a config is looked for (and its schemas loaded): shell completion's callback,
 * --help, --version and `completion`. Null for every other command line. The small bundle
 * (src/cli-lite.ts) runs only this: a Tab press or `--version` loads no more than it needs.
 */
export async function answerEarly(argv: string[]): Promise<number | null> {
  if (argv[0] === '__complete') {
    // Shell completion's callback, on every Tab (issue 16): its own words, no parsing, never an error.
    const { complete } = await import('./complete.js');
    return complete(argv.slice(1), (s) => process.stdout.write(s));
  }
  const args = parseCli(argv);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.version || args.command === 'version') {
    const { versionLine } = await import('./version.js');
    process.stdout.write(`${versionLine()}\n`);
    return 0;
  }
  if (args.command === 'completion') {
    const { completionCommand } = await import('./commands/completion.js');
    return completionCommand(args, (s) => process.stdout.write(`${s}\n`));
  }
  return null;
}
