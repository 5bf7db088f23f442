import { describe, expect, it } from 'vitest';
import { checkNoStrayWarning, strayWarning } from '../support/stray-warnings.js';

// The fleet tests' runners fail a run whose stderr holds a Node warning (issue 12, item 6): the detector
// must catch what Node prints and leave dockpit's own messages alone.
describe('stray warning detector', () => {
  it('catches the warnings Node prints', () => {
    const leak =
      '(node:22269) MaxListenersExceededWarning: Possible EventTarget memory leak detected. 11 abort listeners added to [AbortSignal]. MaxListeners is 10.\n(Use `node --trace-warnings ...` to show where the warning was created)\n';
    expect(strayWarning(leak)).toMatch(/^\(node:22269\) MaxListenersExceededWarning/);
    expect(strayWarning('(node:7) [DEP0123] DeprecationWarning: Setting the TLS ServerName to an IP address is not permitted\n')).toContain('DEP0123');
    expect(strayWarning('(node:7) ExperimentalWarning: stream/web is an experimental feature\n')).not.toBeNull();
    expect(() => checkNoStrayWarning(leak, 'dockpit run')).toThrow(/dockpit run printed a stray warning/);
  });

  it("leaves dockpit's own messages alone", () => {
    const own = 'dockpit: warning: host h3 is down: its events are missing\nwarning: ledger /x: unreadable\n';
    expect(strayWarning(own)).toBeNull();
    expect(() => checkNoStrayWarning(own, 'dockpit events')).not.toThrow();
  });
});
