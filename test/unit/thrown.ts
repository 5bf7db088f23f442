import { expect } from 'vitest';

/** The error `fn` throws, which must be a `type`; fails the test with `accepted` when nothing is thrown. */
export function thrown<E extends Error>(fn: () => unknown, type: abstract new (...args: never[]) => E, accepted: string): E {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(type);
    return err as E;
  }
  throw new Error(accepted);
}
