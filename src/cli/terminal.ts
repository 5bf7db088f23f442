// Issue 17, item 6: the cockpit where there is no terminal, and output whose reader went away.

/**
 * Why the cockpit cannot run on these streams, or null. It reads keys in raw mode, which only a terminal
 * has: from cron, a pipe or `ssh host dockpit` without -t, Ink would stop with "Raw mode is not supported".
 * It draws frames for a terminal, too: into a pipe (`dockpit | head -c 300`) it could only learn that the
 * reader left from a later write failing, and a still screen writes nothing, so it would wait forever.
 */
export function cockpitTerminalProblem(stdin: { isTTY?: boolean }, stdout: { isTTY?: boolean }): string | null {
  const headless = 'dockpit lines|ps|hosts --json, or dockpit watch';
  if (stdin.isTTY !== true) {
    return `the cockpit needs a terminal, and stdin is not one (cron, a pipe, or ssh without -t): use \`ssh -t\`, or a headless command: ${headless}`;
  }
  if (stdout.isTTY !== true) {
    return `the cockpit draws on a terminal, and stdout is not one (a pipe or a file): run it without the redirection, or a headless command: ${headless}`;
  }
  return null;
}

/**
 * Watches stdout for EPIPE (`dockpit ps --json | head -c 300`: head has read enough and left). Without a
 * listener Node throws the stream's error, a crash with a stack trace. Later writes fail the same way and
 * are dropped: a headless command still finishes what it changes (its exit code says how it went). Any
 * other stdout error is still thrown.
 */
export function watchStdout(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}
