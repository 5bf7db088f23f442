import { describe, expect, it } from 'vitest';
import type { Key } from 'ink';
import { initialFleetState } from '../../src/store/state.js';
import { parseCommandLine } from '../../src/views/command-line.js';
import { activeKeymap, commandFor, KEYMAP } from '../../src/views/keymap.js';

// Issue 5, TUI: the plan keys in the keymap, and `:plans` once plans are configured.

const key = (): Key => ({}) as Key;

describe('plan keys', () => {
  it('p opens plans and is bound even read-only; a, R and c mutate and are not bound read-only', () => {
    expect(commandFor('p', key(), activeKeymap(true))).toBe('plans');
    for (const k of ['a', 'R', 'c']) {
      expect(commandFor(k, key(), activeKeymap(false))).not.toBeNull();
      expect(commandFor(k, key(), activeKeymap(true)), k).toBeNull();
    }
  });

  it('a mutating command whose action is absent is not bound; the others stay', () => {
    const km = activeKeymap(false, { place: true, applyPlan: false, cancelRun: false, restorePlan: true, ackAlert: false });
    expect(commandFor('a', key(), km)).toBeNull();
    expect(commandFor('c', key(), km)).toBeNull();
    expect(commandFor('R', key(), km)).toBe('restorePlan');
    expect(commandFor('n', key(), km)).toBe('place');
    expect(activeKeymap(false, { place: true, applyPlan: true })).toEqual(KEYMAP);
  });

  // Which keys may be shared (only `a`, on screens of their own: issue 15) is test/unit/keymap.test.ts's.
});

describe(':plans', () => {
  it('an error without plans, the plans screen with them (read-only too)', () => {
    const state = initialFleetState();
    expect(parseCommandLine('plans', state)).toEqual({ error: 'no degradation plans are configured yet' });
    expect(parseCommandLine('plans', state, false, true)).toEqual({ route: { kind: 'plans' } });
    expect(parseCommandLine('plans', state, true, true)).toEqual({ route: { kind: 'plans' } });
  });
});
