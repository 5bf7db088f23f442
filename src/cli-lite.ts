import { answerEarly } from './cli/early-answers.js';
import { exitOnError, exitWith } from './cli/exit.js';
import { exitUnexpected } from './cli/last-resort.js';
import { watchStdout } from './cli/terminal.js';

// The small bundle's entry (dist/dockpit-lite.cjs): shell completion's callback, --help, --version and
// `completion`, which the launcher (scripts/launch.cjs) sends here by their first word. What it cannot answer
// goes back to the launcher, which runs the whole bundle.

process.on('uncaughtException', exitUnexpected);
process.on('unhandledRejection', exitUnexpected);

/** Answers `dockpit ARGS…` and exits; false (having done nothing) when ARGS are not for this bundle. */
export async function run(argv: string[]): Promise<boolean> {
  watchStdout();
  let code: number | null;
  try {
    code = await answerEarly(argv);
  } catch (err) {
    exitOnError(err);
  }
  if (code === null) return false;
  exitWith(code);
}

/** At build time only (scripts/launch.cjs, makeCodeCache): evaluates this bundle's modules for its code cache. */
export async function warmUp(): Promise<void> {
  await Promise.all([import('./cli/complete.js'), import('./cli/version.js'), import('./cli/commands/completion.js')]);
}
