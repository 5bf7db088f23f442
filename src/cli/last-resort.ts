// Issue 17, item 6: no stack trace reaches an operator. Every bad input has its own message and exit code;
// what is left is a bug or a failure nobody foresaw: one line, and how to see the rest.

/** The one line an unexpected error is shown as (the stack only with DOCKPIT_DEBUG=1). */
export function unexpectedLines(err: unknown, debug = process.env.DOCKPIT_DEBUG === '1'): string {
  if (debug) return `dockpit: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`;
  const text = err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err);
  const first = text.split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
  return `dockpit: unexpected error: ${first.trim()} (rerun with DOCKPIT_DEBUG=1 for the stack trace)\n`;
}

/** Prints an unexpected error and exits 1. */
export function exitUnexpected(err: unknown): never {
  process.stderr.write(unexpectedLines(err));
  process.exit(1);
}
