import { describe, expect, it } from 'vitest';
import { resolveTarget } from '../../src/cli/commands/inspect.js';
import { container, hostUp, listed, stateOf } from './fixtures.js';

const ID_A = 'aaaaaaaaaaaa1111111111111111111111111111111111111111111111111111';
const ID_B = 'bbbbbbbbbbbb2222222222222222222222222222222222222222222222222222';
const ID_C = 'aaaaaaaaaaaa3333333333333333333333333333333333333333333333333333';

const state = stateOf([
  hostUp('h1'),
  hostUp('h2'),
  listed('h1', [container('h1', ID_A, 'web'), container('h1', ID_B, 'db')]),
  listed('h2', [container('h2', ID_C, 'web'), container('h2', 'cccccccccccc', 'bbbbbbbbbbbb2222')]),
]);

describe('resolveTarget', () => {
  it('finds a name on every host that has it, or on the one asked for', () => {
    expect(resolveTarget(state, 'web')).toEqual([{ host: 'h1', id: ID_A, name: 'web' }, { host: 'h2', id: ID_C, name: 'web' }]);
    expect(resolveTarget(state, 'web', 'h2')).toEqual([{ host: 'h2', id: ID_C, name: 'web' }]);
    expect(resolveTarget(state, '/db')).toEqual([{ host: 'h1', id: ID_B, name: 'db' }]);
    expect(resolveTarget(state, 'nope')).toEqual([]);
    expect(resolveTarget(state, 'db', 'h2')).toEqual([]);
  });

  it('matches an ID prefix of 12 or more characters, never a shorter one', () => {
    expect(resolveTarget(state, 'bbbbbbbbbbbb')).toEqual([{ host: 'h1', id: ID_B, name: 'db' }]);
    expect(resolveTarget(state, 'BBBBBBBBBBBB2')).toEqual([{ host: 'h1', id: ID_B, name: 'db' }]);
    expect(resolveTarget(state, 'bbbbbbbbbbb')).toEqual([]);
    expect(resolveTarget(state, ID_A)).toEqual([{ host: 'h1', id: ID_A, name: 'web' }]);
    expect(resolveTarget(state, 'aaaaaaaaaaaa').map((m) => m.host)).toEqual(['h1', 'h2']);
  });

  it('prefers an exact name over an ID prefix', () => {
    expect(resolveTarget(state, 'bbbbbbbbbbbb2222')).toEqual([{ host: 'h2', id: 'cccccccccccc', name: 'bbbbbbbbbbbb2222' }]);
  });
});
