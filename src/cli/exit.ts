import { ConfigError, UsageError } from '../config/config-error.js';
import { EXIT_STATE_UNAVAILABLE, StateError } from '../state/types.js';
import { exitUnexpected } from './last-resort.js';

/** Ends dockpit with a command's exit code. */
export function exitWith(code: number): never {
  process.exit(code);
}

/** Ends dockpit on an error a command threw: one line for the ones it expects (exit 2, or the state's code). */
export function exitOnError(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`dockpit: ${err.toString()}\n`);
    process.exit(2);
  }
  if (err instanceof StateError) {
    // The state cannot be written (or this dockpit lost its claim): the message says what to do.
    process.stderr.write(`dockpit: ${err.toString()}\n`);
    process.exit(EXIT_STATE_UNAVAILABLE);
  }
  if (err instanceof UsageError) {
    // The message is what matters at 3 a.m.; the whole usage would push it off the screen.
    process.stderr.write(`dockpit: ${err.message}\n(dockpit --help lists the commands and options)\n`);
    process.exit(2);
  }
  exitUnexpected(err);
}
