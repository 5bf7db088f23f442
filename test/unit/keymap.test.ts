import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { activeKeymap, commandFor, KEYMAP, keyName } from '../../src/views/keymap.js';

function key(over: Partial<Key> = {}): Key {
  return {
    upArrow: false,
    downArrow: false,
    leftArrow: false,
    rightArrow: false,
    pageDown: false,
    pageUp: false,
    home: false,
    end: false,
    return: false,
    escape: false,
    ctrl: false,
    shift: false,
    tab: false,
    backspace: false,
    delete: false,
    meta: false,
    super: false,
    hyper: false,
    capsLock: false,
    numLock: false,
    ...over,
  } as Key;
}

describe('commandFor', () => {
  it('maps letters and named keys to commands', () => {
    expect(commandFor('j', key())).toBe('down');
    expect(commandFor('', key({ downArrow: true }))).toBe('down');
    expect(commandFor('k', key())).toBe('up');
    expect(commandFor('', key({ upArrow: true }))).toBe('up');
    expect(commandFor('g', key())).toBe('top');
    expect(commandFor('G', key({ shift: true }))).toBe('bottom');
    expect(commandFor('', key({ home: true } as Partial<Key>))).toBe('top');
    expect(commandFor('', key({ end: true } as Partial<Key>))).toBe('bottom');
    expect(commandFor('', key({ pageDown: true }))).toBe('pageDown');
    expect(commandFor('f', key({ ctrl: true }))).toBe('pageDown');
    expect(commandFor('', key({ pageUp: true }))).toBe('pageUp');
    expect(commandFor('b', key({ ctrl: true }))).toBe('pageUp');
    expect(commandFor('\r', key({ return: true }))).toBe('open');
    expect(commandFor('', key({ escape: true }))).toBe('back');
    expect(commandFor('q', key())).toBe('quit');
    expect(commandFor('c', key({ ctrl: true }))).toBe('quit');
  });

  it('returns null for unbound keys, and ctrl+letter is not the letter', () => {
    expect(commandFor('z', key())).toBeNull();
    expect(commandFor('j', key({ ctrl: true }))).toBeNull();
    expect(commandFor('', key({ leftArrow: true }))).toBeNull();
  });

  it('uses the keymap it is given', () => {
    expect(commandFor('x', key(), [{ command: 'quit', keys: ['x'], help: 'quit', scope: 'everywhere' }])).toBe('quit');
    expect(commandFor('q', key(), [{ command: 'quit', keys: ['x'], help: 'quit', scope: 'everywhere' }])).toBeNull();
  });

  it('keyName spells keys as the keymap does, and no key is bound twice but on screens of their own', () => {
    expect(keyName('', key({ pageUp: true }))).toBe('pageup');
    expect(keyName('a', key({ ctrl: true }))).toBe('ctrl+a');
    // Issue 15: `a` applies a plan on a plan, acknowledges an alert on :alerts; no other key is shared, and a
    // shared key is never bound everywhere (the screen shown must be able to pick).
    const shared = KEYMAP.flatMap((b) => b.keys).filter((k, i, all) => all.indexOf(k) !== i);
    expect(shared).toEqual(['a']);
    expect(KEYMAP.filter((b) => b.keys.includes('a')).map((b) => [b.command, b.scope])).toEqual([['applyPlan', 'plans'], ['ackAlert', 'alerts']]);
  });

  it('a shared key is the command the shown screen binds, else the first', () => {
    expect(commandFor('a', key())).toBe('applyPlan');
    expect(commandFor('a', key(), KEYMAP, (c) => c === 'ackAlert')).toBe('ackAlert');
    expect(commandFor('a', key(), KEYMAP, (c) => c === 'applyPlan')).toBe('applyPlan');
    expect(commandFor('a', key(), KEYMAP, () => false)).toBe('applyPlan');
    // Without apply (no plans, say), `a` is the acknowledgement wherever it is asked.
    expect(commandFor('a', key(), activeKeymap(false, { applyPlan: false }))).toBe('ackAlert');
  });
});

describe('the cockpit keys', () => {
  it('binds /, :, o, O, ?, d, l, x and f', () => {
    expect(commandFor('/', key())).toBe('filter');
    expect(commandFor(':', key())).toBe('command');
    expect(commandFor('o', key())).toBe('sortNext');
    expect(commandFor('O', key({ shift: true }))).toBe('sortReverse');
    expect(commandFor('?', key())).toBe('help');
    expect(commandFor('d', key())).toBe('detail');
    expect(commandFor('l', key())).toBe('logs');
    expect(commandFor('x', key())).toBe('reveal');
    expect(commandFor('f', key())).toBe('follow');
  });

  it('every binding has keys and a help line', () => {
    for (const b of KEYMAP) {
      expect(b.keys.length, b.command).toBeGreaterThan(0);
      expect(b.help.length, b.command).toBeGreaterThan(0);
    }
  });
});

describe('activeKeymap', () => {
  it('without --read-only: the whole keymap', () => {
    expect(activeKeymap(false)).toEqual(KEYMAP);
  });

  it('with --read-only: no binding that mutates, every other one kept in order', () => {
    const ro = activeKeymap(true);
    expect(ro.filter((b) => b.mutates)).toEqual([]);
    expect(ro).toEqual(KEYMAP.filter((b) => !b.mutates));
    // Looking around still works.
    for (const c of ['down', 'up', 'open', 'back', 'filter', 'command', 'help', 'quit', 'detail', 'logs'] as const) {
      expect(ro.map((b) => b.command)).toContain(c);
    }
  });

  it('a key of a mutating binding does nothing with --read-only', () => {
    const ro = activeKeymap(true);
    for (const b of KEYMAP.filter((x) => x.mutates)) {
      for (const k of b.keys) expect(commandFor(k, key(), ro)).toBeNull();
    }
  });
});
