import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { commandFor, KEYMAP, keyName } from '../../src/views/keymap.js';

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
    expect(commandFor('x', key())).toBeNull();
    expect(commandFor('j', key({ ctrl: true }))).toBeNull();
    expect(commandFor('', key({ leftArrow: true }))).toBeNull();
  });

  it('uses the keymap it is given', () => {
    expect(commandFor('x', key(), [{ command: 'quit', keys: ['x'], help: 'quit' }])).toBe('quit');
    expect(commandFor('q', key(), [{ command: 'quit', keys: ['x'], help: 'quit' }])).toBeNull();
  });

  it('keyName spells keys as the keymap does, and no key is bound twice', () => {
    expect(keyName('', key({ pageUp: true }))).toBe('pageup');
    expect(keyName('a', key({ ctrl: true }))).toBe('ctrl+a');
    const all = KEYMAP.flatMap((b) => b.keys);
    expect(new Set(all).size).toBe(all.length);
  });
});
