import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/config/config-error.js';
import { parseFault } from '../../src/engine/fault-point.js';

// The test-only fault point (issue 12, item 3): DOCKPIT_FAULT names one moment to SIGKILL dockpit at.
describe('parseFault', () => {
  it('after the N-th journal record; during the N-th mutating call, 150 ms after it was sent unless given', () => {
    expect(parseFault('crash-after:journal:7')).toEqual({ kind: 'journal', n: 7 });
    expect(parseFault('crash-during:call:3')).toEqual({ kind: 'call', n: 3, delayMs: 150 });
    expect(parseFault('crash-during:call:12:0')).toEqual({ kind: 'call', n: 12, delayMs: 0 });
  });
  it('anything else is a usage error naming the forms', () => {
    for (const bad of ['crash-after:journal:0', 'crash-after:journal', 'crash-during:call:-1', 'crash-after:call:2', 'yes', 'crash-during:call:2:1.5']) {
      expect(() => parseFault(bad), bad).toThrow(UsageError);
    }
    expect(() => parseFault('nope')).toThrow(/expected crash-after:journal:N or crash-during:call:N\[:MS\]/);
  });
});
