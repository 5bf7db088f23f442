// Issue 12, item 6: no stray warnings on stderr in any normal run. Every dockpit run of the fleet tests goes
// through a runner that passes its stderr here, so a Node runtime warning (a listener leak, a deprecation)
// fails the test that caused it, instead of scrolling past in an operator's terminal.

/** A warning Node itself prints: `(node:PID) MaxListenersExceededWarning: …`, `(node:PID) [DEP0123] DeprecationWarning: …`. */
export const NODE_WARNING = /^\(node:\d+\) (?:\[[A-Z]+\d+\] )?\w*Warning\b.*$/m;

export function strayWarning(stderr: string): string | null {
  return NODE_WARNING.exec(stderr)?.[0] ?? null;
}

export class StrayWarningError extends Error {
  constructor(what: string, warning: string) {
    super(`${what} printed a stray warning on stderr: ${warning}`);
  }
}

export function checkNoStrayWarning(stderr: string, what: string): void {
  const w = strayWarning(stderr);
  if (w !== null) throw new StrayWarningError(what, w);
}
