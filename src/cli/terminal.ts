// Issue 17, item 6: the cockpit where there is no terminal, and output whose reader went away.

/**
 * Why the cockpit cannot run on this stdin, or null. It reads keys in raw mode, which only a terminal has:
 * from cron, a pipe or `ssh host dockpit` without -t, Ink would stop with "Raw mode is not supported".
 */
export function cockpitTerminalProblem(stdin: { isTTY?: boolean }): string | null {
  if (stdin.isTTY === true) return null;
  return (
    'the cockpit needs a terminal, and stdin is not one (cron, a pipe, or ssh without -t): ' +
    'use `ssh -t`, or a headless command: dockpit lines|ps|hosts --json, or dockpit watch'
  );
}

type ClosedListener = () => void;

const listeners = new Set<ClosedListener>();
let closed = false;

/**
 * Watches stdout for EPIPE (`dockpit | head -c 300`: head has read enough and left). Without a listener
 * Node throws the stream's error, a crash with a stack trace. Once closed, later writes fail the same way
 * and are dropped: a headless command still finishes what it changes (its exit code says how it went),
 * the cockpit quits (onStdoutClosed). Any other stdout error is still thrown.
 */
export function watchStdout(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    if (closed) return;
    closed = true;
    for (const l of listeners) l();
  });
}

/** Calls `listener` once stdout's reader is gone (at once when it already is). */
export function onStdoutClosed(listener: ClosedListener): () => void {
  if (closed) {
    listener();
    return () => {};
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}
